"""``compcalc calculate`` on examples/small-company.yaml: the minimum_wage_topup line in every
format, and a warning BELOW_MINIMUM_WAGE that does not stop the payroll.

March 2026 has 21 working days (9 March is a holiday); the МРОТ is 27 093, the sales base 25 000.
"""

from __future__ import annotations

import csv
import io
import json

from tests.cli.conftest import Invoke

SCHEME = "examples/small-company.yaml"
ROSTER = "examples/small-company-roster.csv"


def _calculate(compcalc: Invoke, *args: str) -> str:
    run = compcalc(
        "calculate", "--scheme", SCHEME, "--roster", ROSTER, "--period", "2026-03", *args
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert "warning BELOW_MINIMUM_WAGE: the sales.rep base 25 000.00" in run.stderr
    return run.stdout


def test_json_payslips_are_topped_up_to_the_prorated_minimum(compcalc: Invoke) -> None:
    slips = {s["employee_id"]: s for s in json.loads(_calculate(compcalc, "--format", "json"))[
        "payslips"]}  # fmt: skip

    def lines(employee: str) -> list[tuple[str, str]]:
        return [(line["code"], line["amount"]) for line in slips[employee]["lines"]]

    # full month, no commission: 27 093.00 − 25 000.00 = 2 093.00
    assert lines("S-1") == [
        ("base", "25000.00"), ("commission", "0.00"), ("minimum_wage_topup", "2093.00")
    ]  # fmt: skip
    assert slips["S-1"]["gross"] == "27093.00"
    assert slips["S-1"]["lines"][-1]["explanation"] == (
        "minimum wage 27 093.00 × proration 1 = 27 093.00; pay 25 000.00 before → top-up 2 093.00"
    )
    # from 16 March, 12 of 21 days: 15 481.71 − 14 285.71 = 1 196.00
    assert lines("S-2")[-1] == ("minimum_wage_topup", "1196.00")
    assert slips["S-2"]["gross"] == "15481.71"
    # fte 0.5: 13 546.50 − 12 500.00 = 1 046.50
    assert lines("S-3")[-1] == ("minimum_wage_topup", "1046.50")
    # 200 000 of new revenue: 25 000 + 30 000 = 55 000 — no top-up line
    assert lines("S-4") == [("base", "25000.00"), ("commission", "30000.00")]


def test_csv_has_the_line_as_a_row(compcalc: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(_calculate(compcalc, "--format", "csv"))))

    topups = [(r["employee_id"], r["amount"]) for r in rows if r["code"] == "minimum_wage_topup"]
    assert topups == [("S-1", "2093.00"), ("S-2", "1196.00"), ("S-3", "1046.50")]


def test_the_table_has_a_column_for_the_top_up(compcalc: Invoke) -> None:
    table = _calculate(compcalc)

    assert "Minimum wage topup" in table
    # 2 093.00 + 1 196.00 + 1 046.50 = 4 335.50
    [total] = [line for line in table.splitlines() if line.startswith("Total")]
    assert "4 335.50" in total


def test_explain_shows_the_top_up_and_its_formula(compcalc: Invoke) -> None:
    run = compcalc(
        "explain", "--scheme", SCHEME, "--roster", ROSTER, "--period", "2026-03",
        "--employee", "S-2",
    )  # fmt: skip

    assert run.exit_code == 0, run.stderr
    assert (
        " 3. Minimum wage top-up         1 196.00\n"
        "    minimum wage 27 093.00 × proration 12/21 working days = 15 481.71; "
        "pay 14 285.71 before → top-up 1 196.00\n"
    ) in run.stdout
    # 14 285.71 + 0.00 + 1 196.00 = 15 481.71
    assert "Gross = 14 285.71 + 0.00 + 1 196.00 = 15 481.71" in run.stdout
