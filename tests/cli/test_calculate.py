"""``compcalc calculate`` on the acme example: hand-computed payslips in three formats.

March 2027 has 23 weekdays; 8 March (Monday) is a holiday, so 22 working days.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import BELOW_THRESHOLD_ROSTER, Invoke, payroll, slip, write_file

ACME = ("--scheme", "examples/acme.yaml", "--period", "2027-03")
CSV_ROSTER = ("--roster", "examples/acme-roster.csv")


def amounts(payslip: dict[str, Any]) -> list[tuple[str, str]]:
    return [(line["code"], line["amount"]) for line in payslip["lines"]]


def test_top_seller_above_the_bonus_attainment(compcalc: Invoke) -> None:
    # E-17, full month: base 45 000.00.  820 000 credited, target 600 000, threshold 50%
    # (300 000) passed; marginal tiers: 600 000 x 15% = 90 000 + 220 000 x 20% = 44 000
    # -> 134 000.00, under the 250 000 cap.  Attainment 820/600 = 136.67% >= 120% -> bonus
    # 15 000.00.  Gross 45 000 + 134 000 + 15 000 = 194 000.00.
    e17 = slip(payroll(compcalc), "E-17")

    assert amounts(e17) == [
        ("base", "45000.00"),
        ("commission", "134000.00"),
        ("bonus", "15000.00"),
    ]
    assert e17["gross"] == "194000.00"
    assert e17["proration"] == "1"
    assert e17["lines"][1]["explanation"] == (
        "new_revenue 820 000.00: 600 000.00 × 15% + 220 000.00 × 20% = 134 000.00"
    )
    assert e17["lines"][1]["basis"] == "820000.00"
    assert e17["lines"][1]["rate"] is None  # two rates applied


def test_mid_month_hire_is_prorated_by_working_days(compcalc: Invoke) -> None:
    # E-16 starts Wednesday 10 March: 10-12 (3) + 15-19 (5) + 22-26 (5) + 29-31 (3) = 16 of
    # 22 working days.  Base 45 000 x 16/22 = 32 727.2727... -> 32 727.27.  The target is
    # prorated too (436 363.64, threshold 218 181.82, passed by 410 000); tier bounds are
    # amounts and are not: 410 000 < 600 000, all at 15% = 61 500.00.  Attainment
    # 410 000 / 436 363.64 = 94% < 120%: no bonus.  Gross 94 227.27.
    e16 = slip(payroll(compcalc), "E-16")

    assert amounts(e16) == [("base", "32727.27"), ("commission", "61500.00")]
    assert e16["gross"] == "94227.27"
    assert e16["proration"] == "16/22 working days"


def test_unpaid_days_and_half_up_rounding(compcalc: Invoke) -> None:
    # E-14 has 2 unpaid days: 20/22.  Base 45 000 x 20/22 = 40 909.0909... -> 40 909.09.
    # Commission 540 000.50 x 15% = 81 000.075 -> half_up -> 81 000.08.  Gross 121 909.17.
    e14 = slip(payroll(compcalc), "E-14")

    assert amounts(e14) == [("base", "40909.09"), ("commission", "81000.08")]
    assert e14["gross"] == "121909.17"


def test_leaver_part_timer_below_threshold_and_head(compcalc: Invoke) -> None:
    document = payroll(compcalc)
    # E-25 leaves Friday 19 March: 1-5 (5) + 9-12 (4) + 15-19 (5) = 14/22.  Base
    # 85 000 x 14/22 = 54 090.9090... -> 54 090.91; 1 650 000 x 1.5% = 24 750.00.
    assert amounts(slip(document, "E-25")) == [("base", "54090.91"), ("commission", "24750.00")]
    # E-24 works half time: 85 000 x 0.5 = 42 500.00; 1 300 000 x 1.5% = 19 500.00.
    assert amounts(slip(document, "E-24")) == [("base", "42500.00"), ("commission", "19500.00")]
    # E-15 sold 250 000, below the threshold 50% x 600 000 = 300 000: no commission.
    assert amounts(slip(document, "E-15")) == [("base", "45000.00"), ("commission", "0.00")]
    # E-11 heads sales: 3% of the team's 600 000 + 540 000.50 + 250 000 + 410 000 + 820 000
    # = 2 620 000.50 -> 78 600.015 -> 78 600.02; gross 66 000 + 78 600.02 = 144 600.02.
    e11 = slip(document, "E-11")
    assert amounts(e11) == [("base", "66000.00"), ("override", "78600.02")]
    assert e11["lines"][1]["basis"] == "2620000.50"
    assert e11["lines"][1]["rate"] == "0.03"
    # The payroll total is the sum of the 13 grosses.
    assert document["total"] == "1502627.38"
    assert sum(Decimal(s["gross"]) for s in document["payslips"]) == Decimal("1502627.38")


def test_json_document_carries_scheme_engine_and_exact_amounts(compcalc: Invoke) -> None:
    document = payroll(compcalc)

    assert document["scheme_key"] == "acme-sales"
    assert document["scheme_hash"].startswith("sha256:")
    assert document["engine_version"]
    assert (document["period"], document["currency"], document["minor_units"]) == (
        "2027-03",
        "RUB",
        2,
    )
    assert document["findings"] == []
    for payslip in document["payslips"]:
        for line in payslip["lines"]:
            assert set(line) == {
                "code", "label", "measure", "basis", "rate", "amount", "explanation",
            }  # fmt: skip
            whole, _, cents = line["amount"].partition(".")
            assert len(cents) == 2 and whole.lstrip("-").isdigit()
    sales = document["report"]["departments"][0]
    assert (sales["department"], sales["employees"], sales["revenue"]) == (
        "sales",
        7,
        "2620000.50",
    )


def test_json_roster_gives_the_same_payroll(compcalc: Invoke) -> None:
    from_csv = compcalc("calculate", *ACME, *CSV_ROSTER, "--format", "json")
    from_json = compcalc(
        "calculate", *ACME, "--roster", "examples/acme-roster.json", "--format", "json"
    )

    assert from_json.exit_code == 0
    assert from_json.stdout == from_csv.stdout


def test_table_format(compcalc: Invoke) -> None:
    run = compcalc("calculate", *ACME, *CSV_ROSTER)

    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[0] == "Payroll 2027-03 of acme-sales (RUB)"
    row = next(line for line in lines if line.startswith("E-17 "))
    assert row.endswith("45 000.00  134 000.00        0.00  15 000.00    194 000.00")
    total = next(line for line in lines if line.startswith("Total"))
    assert total.endswith("1 502 627.38")
    assert any(line.startswith("sales.rep ") and " yes " in line for line in lines)


def test_csv_totals_row_equals_the_sum_of_the_lines(compcalc: Invoke) -> None:
    run = compcalc("calculate", *ACME, *CSV_ROSTER, "--format", "csv")

    assert run.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert list(rows[0]) == [
        "employee_id", "name", "department", "role", "line", "code", "label", "measure",
        "basis", "rate", "amount", "explanation",
    ]  # fmt: skip
    totals = [r for r in rows if r["code"] == "gross"]
    assert len(totals) == 13
    for total in totals:
        lines = [r for r in rows if r["employee_id"] == total["employee_id"] and r["line"]]
        assert Decimal(total["amount"]) == sum(Decimal(r["amount"]) for r in lines)
    e17 = [r for r in rows if r["employee_id"] == "E-17"]
    assert [(r["line"], r["code"], r["amount"]) for r in e17] == [
        ("1", "base", "45000.00"),
        ("2", "commission", "134000.00"),
        ("3", "bonus", "15000.00"),
        ("", "gross", "194000.00"),
    ]
    assert e17[-1]["explanation"] == "45000.00 + 134000.00 + 15000.00 = 194000.00"


def test_output_file_is_written_whole(tmp_path: Path, compcalc: Invoke) -> None:
    target = tmp_path / "march.csv"

    run = compcalc("calculate", *ACME, *CSV_ROSTER, "--format", "csv", "--output", str(target))

    assert run.exit_code == 0
    assert run.stdout == ""
    assert run.stderr == f"wrote 13 payslips to {target}\n"
    expected = compcalc("calculate", *ACME, *CSV_ROSTER, "--format", "csv").stdout
    assert target.read_text(encoding="utf-8") == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["march.csv"]


def test_failed_run_leaves_no_file_behind(tmp_path: Path, compcalc: Invoke) -> None:
    new, old = tmp_path / "new.json", tmp_path / "old.json"
    old.write_text("previous run\n", encoding="utf-8")
    roster = tmp_path / "r.csv"
    roster.write_text("id,department,role\nE-1,nowhere,rep\n", encoding="utf-8")

    for target in (new, old):
        run = compcalc("calculate", *ACME, "--roster", str(roster), "--output", str(target))
        assert run.exit_code == 2

    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.json", "r.csv"]
    assert old.read_text(encoding="utf-8") == "previous run\n"


def test_unwritable_output_is_a_clear_error(tmp_path: Path, compcalc: Invoke) -> None:
    target = tmp_path / "missing-dir" / "out.json"

    run = compcalc("calculate", *ACME, *CSV_ROSTER, "--output", str(target))

    assert run.exit_code == 2
    assert run.stderr == (f"--output {target}: cannot write the file: No such file or directory\n")


def test_check_findings_are_warnings_and_the_payroll_is_still_produced(
    compcalc: Invoke,
) -> None:
    run = compcalc(
        "calculate", "--scheme", "examples/invalid/BASE_GAP.yaml", *CSV_ROSTER,
        "--period", "2027-03", "--format", "json",
    )  # fmt: skip

    assert run.exit_code == 0
    assert run.stderr.startswith(
        "examples/invalid/BASE_GAP.yaml:54:15: warning BASE_GAP: the sales.rep base 60 000.00"
    )
    assert slip(json.loads(run.stdout), "E-13")["lines"][0]["amount"] == "60000.00"


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        (
            "examples/invalid/TIER_ORDER.yaml",
            "examples/invalid/TIER_ORDER.yaml:63:17: error TIER_ORDER: tier 2 starts at 0.00",
        ),
        (
            "examples/invalid/PRECISION.yaml",
            "examples/invalid/PRECISION.yaml:53:15: error PRECISION: amount 45000.001",
        ),
        (
            "examples/invalid/unparseable/SYNTAX.yaml",
            "examples/invalid/unparseable/SYNTAX.yaml:55:24: error SYNTAX: ",
        ),
    ],
)
def test_scheme_that_cannot_be_applied_exits_2(compcalc: Invoke, scheme: str, message: str) -> None:
    run = compcalc("calculate", "--scheme", scheme, *CSV_ROSTER, "--period", "2027-03")

    assert run.exit_code == 2
    assert run.stderr.startswith(message)
    assert run.stdout == ""


def test_payroll_findings_are_warnings_under_the_period(tmp_path: Path, compcalc: Invoke) -> None:
    roster = write_file(tmp_path, "r.csv", BELOW_THRESHOLD_ROSTER)

    run = compcalc(
        "calculate", "--scheme", "examples/acme.yaml", "--roster", roster,
        "--period", "2027-03", "--format", "csv",
    )  # fmt: skip

    # S-1 is below the threshold: 45 000 against the client rep's 85 000 + 37 500 = 122 500.
    assert run.exit_code == 0
    assert run.stderr.splitlines() == [
        "examples/acme.yaml:48:3: warning STRUCTURE: the roster has 1 reps and 0 heads in "
        "sales; a sales department works best with 4-5 reps and 1-2 heads (one may be the "
        "head's assistant) (at departments.sales)",
        "2027-03: warning EARNINGS_ORDER_ACTUAL: this period the median pay of sales.rep "
        "45 000.00 is not above clients.rep's 122 500.00; below the client median: S-1 "
        "(45 000.00, 77 500.00 less)",
    ]
    assert "S-1,,sales,rep,,gross,Gross pay,,,,45000.00," in run.stdout
