"""The payroll's own earnings check under the payslips (table) and in the JSON document.

Acme, March 2027 (examples/acme-roster.csv), by hand:

- sales: 7 employees, payroll 144 600.02 + 81 200.01 + 135 000 + 121 909.17 + 45 000 +
  94 227.27 + 194 000 = 815 936.47; mean / 7 = 116 562.352… → 116 562.35; median (4th of 7)
  121 909.17; revenue 2 620 000.50; 815 936.47 / 2 620 000.50 = 31.14%.
- sales.rep against clients.rep on full-time-equivalent pay: the reps 45 000, 129 562.50
  (94 227.27 × 22/16), 134 100.09 (121 909.17 × 22/20), 135 000, 194 000 → median 134 100.09;
  the account managers 121 000, 123 892.86 (78 840.91 × 22/14), 124 000, 124 000 (62 000 at
  0.5 fte) → median (123 892.86 + 124 000) / 2 = 123 946.43; E-15 is 78 946.43 below it;
  4 of them are prorated.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import BELOW_THRESHOLD_ROSTER, Invoke, write_file

INPUT = (
    "--scheme", "examples/acme.yaml", "--roster", "examples/acme-roster.csv",
    "--period", "2027-03",
)  # fmt: skip


def test_table_prints_the_department_report_under_the_payslips(compcalc: Invoke) -> None:
    run = compcalc("calculate", *INPUT)

    assert run.exit_code == 0
    text = run.stdout
    assert text.index("Total  13 employees") < text.index("Departments:")
    lines = text.splitlines()
    start = lines.index("Departments: what each was paid and the revenue it was credited")
    assert lines[start + 2].split() == [
        "Department", "Kind", "Employees", "Payroll", "Mean", "Median", "Min", "Max",
        "Revenue", "Payroll/Revenue",
    ]  # fmt: skip
    assert lines[start + 4] == (
        "sales        acquisition          7  815 936.47  116 562.35  121 909.17   45 000.00"
        "  194 000.00  2 620 000.50           31.14%"
    )


def test_table_prints_who_out_earned_whom(compcalc: Invoke) -> None:
    lines = compcalc("calculate", *INPUT).stdout.splitlines()

    start = lines.index("Did sales staff out-earn client staff this period?")
    assert lines[start + 4 :] == [
        "sales.rep   clients.rep   median     134 100.09  123 946.43   10 153.66  yes    "
        "E-15 (78 946.43)",
        "sales.head  clients.head  median     144 600.02  143 850.00      750.02  yes    -",
        "sales.rep / clients.rep: compared on full-time-equivalent pay (gross ÷ proration; "
        "4 prorated employees)",
        "",
        lines[-1],
    ]
    assert lines[-1].startswith("scheme sha256:")


def test_json_includes_the_report(compcalc: Invoke) -> None:
    run = compcalc("calculate", *INPUT, "--format", "json")

    report = json.loads(run.stdout)["report"]
    assert report["departments"][0] == {
        "department": "sales",
        "kind": "acquisition",
        "employees": 7,
        "revenue": "2620000.50",
        "payroll": "815936.47",
        "payroll_share": "0.3114",
        "mean": "116562.35",
        "median": "121909.17",
        "min": "45000.00",
        "max": "194000.00",
    }
    assert report["comparisons"][0] == {
        "sales_role": "sales.rep",
        "client_role": "clients.rep",
        "statistic": "median",
        "sales": "134100.09",
        "client": "123946.43",
        "difference": "10153.66",
        "holds": True,
        "prorated": 4,
        "below": [{"employee_id": "E-15", "fte_gross": "45000.00", "difference": "78946.43"}],
    }
    assert report["comparisons"][1]["prorated"] == 0


def test_no_prorated_employee_no_note(compcalc: Invoke, tmp_path: Path) -> None:
    roster = write_file(tmp_path, "r.csv", BELOW_THRESHOLD_ROSTER)

    run = compcalc(
        "calculate", "--scheme", "examples/acme.yaml", "--roster", roster,
        "--period", "2027-03",
    )  # fmt: skip

    assert run.exit_code == 0
    assert (
        "sales.rep   clients.rep  median     45 000.00  122 500.00  -77 500.00  NO     "
        "S-1 (77 500.00)\n"
    ) in run.stdout
    assert "full-time-equivalent" not in run.stdout
