"""Carried balances out of ``calculate``: per payslip in JSON, rows in CSV, columns in the
table, and ``--balances-out``: a roster the next period's run starts from.

examples/acme-draws.yaml: sales reps have a recoverable draw of 30 000 (recovered at most
20 000 a month), client reps a non-recoverable draw of 20 000.  March 2027, full month:

- E-1 sells 250 000 (below the threshold): commission 0, draw 30 000 advanced -> owes 30 000;
- E-2 owed 30 000 and sells 500 000: commission 75 000, 45 000 above the draw, recovered
  min(30 000, 45 000, 20 000) = 20 000 -> owes 10 000;
- C-1 sells 800 000 of repeat revenue: 12 000, topped up by 8 000 -> owes nothing;
- E-3 owed a clawback of 5 000 and sells 900 000: 150 000 + 15 000 bonus, the 5 000 recovered
  -> owes 0.00 of clawback.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke

ROSTER = (
    "id,department,role,new_revenue,repeat_revenue,balance_draw,balance_clawback\n"
    "E-1,sales,rep,250000,,,\n"
    "E-2,sales,rep,500000,,30000,\n"
    "C-1,clients,rep,,800000,,\n"
    "E-3,sales,rep,900000,,,5000\n"
)


@pytest.fixture
def roster(tmp_path: Path) -> str:
    path = tmp_path / "march.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return str(path)


def calculate(compcalc: Invoke, roster: str, *args: str, period: str = "2027-03") -> Any:
    return compcalc(
        "calculate", "--scheme", "examples/acme-draws.yaml", "--roster", roster,
        "--period", period, *args,
    )  # fmt: skip


def test_json_payslips_carry_the_balances_out(compcalc: Invoke, roster: str) -> None:
    run = calculate(compcalc, roster, "--format", "json")

    assert run.exit_code == 0, run.stderr
    slips = {s["employee_id"]: s for s in json.loads(run.stdout)["payslips"]}
    assert slips["E-1"]["balances"] == {"draw": "30000.00"}
    assert slips["E-2"]["balances"] == {"draw": "10000.00"}
    assert slips["C-1"]["balances"] == {}
    assert slips["E-3"]["balances"] == {"clawback": "0.00"}
    assert [(line["code"], line["amount"]) for line in slips["E-2"]["lines"]] == [
        ("base", "45000.00"),
        ("commission", "75000.00"),
        ("draw_recovery", "-20000.00"),
    ]
    assert slips["E-2"]["gross"] == "100000.00"


def test_csv_has_a_row_per_balance_after_the_gross(compcalc: Invoke, roster: str) -> None:
    run = calculate(compcalc, roster, "--format", "csv")

    assert run.exit_code == 0
    rows = [r for r in csv.DictReader(io.StringIO(run.stdout)) if r["employee_id"] == "E-1"]
    assert [(r["line"], r["code"], r["amount"]) for r in rows] == [
        ("1", "base", "45000.00"),
        ("2", "commission", "0.00"),
        ("3", "draw", "30000.00"),
        ("", "gross", "75000.00"),
        ("", "balance_draw", "30000.00"),
    ]
    assert rows[-1]["label"] == "Draw balance carried"
    codes = [r["code"] for r in csv.DictReader(io.StringIO(run.stdout))]
    assert codes.count("balance_draw") == 2  # E-1 and E-2; C-1 carries nothing
    assert codes.count("balance_clawback") == 1


def test_table_has_a_column_per_balance_carried(compcalc: Invoke, roster: str) -> None:
    run = calculate(compcalc, roster)

    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    header = next(line for line in lines if line.startswith("ID "))
    assert header.endswith("Gross  Carried draw  Carried clawback")
    e2 = next(line for line in lines if line.startswith("E-2 "))
    assert e2.endswith("100 000.00     10 000.00")
    total = next(line for line in lines if line.startswith("Total"))
    assert total.endswith("40 000.00              0.00")


def test_balances_out_is_the_next_periods_roster(
    compcalc: Invoke, roster: str, tmp_path: Path
) -> None:
    carried = tmp_path / "carried.csv"

    run = calculate(compcalc, roster, "--format", "json", "--balances-out", str(carried))

    assert run.exit_code == 0
    assert run.stderr.endswith(f"\nwrote the balances of 4 employees (2 owing) to {carried}\n")
    assert carried.read_text(encoding="utf-8") == (
        "id,department,role,balance_draw,balance_clawback\n"
        "E-1,sales,rep,30000.00,\n"
        "E-2,sales,rep,10000.00,\n"
        "C-1,clients,rep,,\n"
        "E-3,sales,rep,,0.00\n"
    )
    # April: the carried file is the roster, deals credit the sales.  E-1 sells 600 000:
    # 90 000, 60 000 above the draw, recovered 20 000 (the limit) -> owes 10 000.  E-2 sells
    # nothing: the 30 000 draw is advanced again -> owes 10 000 + 30 000 = 40 000.
    deals = tmp_path / "april.csv"
    deals.write_text(
        "id,date,client_id,client_since,amount,credit\nD-1,2027-04-05,C-1,2027-04-01,600000,E-1\n",
        encoding="utf-8",
    )
    april = calculate(
        compcalc, str(carried), "--deals", str(deals), "--format", "json", period="2027-04"
    )
    assert april.exit_code == 0, april.stderr
    slips = {s["employee_id"]: s for s in json.loads(april.stdout)["payslips"]}
    assert slips["E-1"]["balances"] == {"draw": "10000.00"}
    assert slips["E-1"]["gross"] == "115000.00"  # 45 000 + 90 000 - 20 000
    assert slips["E-2"]["balances"] == {"draw": "40000.00"}
    assert slips["E-3"]["balances"] == {"clawback": "0.00", "draw": "30000.00"}


def test_balances_out_as_json(compcalc: Invoke, roster: str, tmp_path: Path) -> None:
    carried = tmp_path / "carried.json"

    run = calculate(compcalc, roster, "--format", "csv", "--balances-out", str(carried))

    assert run.exit_code == 0
    document = json.loads(carried.read_text(encoding="utf-8"))
    assert document["employees"][:2] == [
        {"id": "E-1", "department": "sales", "role": "rep", "balances": {"draw": "30000.00"}},
        {"id": "E-2", "department": "sales", "role": "rep", "balances": {"draw": "10000.00"}},
    ]
    assert document["employees"][2] == {"id": "C-1", "department": "clients", "role": "rep"}


def test_balances_out_needs_a_csv_or_json_name(compcalc: Invoke, roster: str) -> None:
    run = calculate(compcalc, roster, "--balances-out", "carried.xlsx")

    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == "--balances-out carried.xlsx: expected a .csv or .json file name\n"


def test_a_failed_run_writes_no_balances(compcalc: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,department,role,balance_draw\nE-1,sales,rep,-5\n", encoding="utf-8")
    carried, output = tmp_path / "carried.csv", tmp_path / "out.json"

    run = calculate(compcalc, str(bad), "--balances-out", str(carried), "--output", str(output))

    assert run.exit_code == 2
    assert "NEGATIVE_BALANCE" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_acme_draws_passes_every_check(compcalc: Invoke) -> None:
    run = compcalc("validate", "examples/acme-draws.yaml")

    assert (run.exit_code, run.stdout) == (
        0,
        "policy: examples/compcalc-policy.yaml (sha256:f7470fd3f554), 1 scheme\n"
        "1 file, 0 errors, 0 warnings\n",
    )
