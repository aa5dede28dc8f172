"""How long the spreadsheet exports of a payroll take: the CSV (both dialects), the workbook and
the 1C layout, written from the payslip documents as the CLI and the run export write them.

    .venv/bin/python bench/exports.py                  # 10 000 employees
    .venv/bin/python bench/exports.py --employees 1000

The payroll is examples/acme's sales reps, each credited a different new revenue (two lines a
payslip: base and commission). Prints the seconds and the size of each file.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from app.engine import Employee, Measure, Period, calculate
from app.io import load_scheme
from app.io.output.csvcells import EXCEL_RU
from app.io.output.onec import accrual_rows, onec_csv
from app.io.output.payrollcsv import payslips_csv
from app.io.output.payrolljson import payroll_document, slip_json
from app.io.output.xlsx import onec_xlsx, payroll_xlsx

ROOT = Path(__file__).resolve().parent.parent


def _timed(name: str, write: Callable[[], str | bytes]) -> None:
    start = time.perf_counter()
    content = write()
    seconds = time.perf_counter() - start
    size = len(content.encode() if isinstance(content, str) else content)
    print(f"{name:<22} {seconds:7.2f} s {size / 1024:9.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    count = parser.parse_args().employees
    scheme = load_scheme(str(ROOT / "examples" / "acme.yaml"), max_bytes=10**6).scheme
    roster = [
        Employee(f"E-{i}", "sales", "rep", f"Сотрудник {i}",
                 credited={Measure.NEW_REVENUE: Decimal(500_000 + i)})
        for i in range(count)
    ]  # fmt: skip
    payroll = calculate(scheme, Period(2027, 3), roster, check=False)
    documents = [slip_json(slip, payroll.minor_units) for slip in payroll.payslips]
    envelope = payroll_document(payroll, [])
    lines = sum(len(d["lines"]) for d in documents)
    print(f"{count} employees, {lines} payslip lines")
    _timed("csv rfc4180", lambda: payslips_csv(documents))
    _timed("csv excel-ru", lambda: payslips_csv(documents, EXCEL_RU))
    _timed("xlsx", lambda: payroll_xlsx(envelope, documents, "ru"))
    rows = accrual_rows(documents, payroll.period, scheme.exports)
    _timed("1c csv", lambda: onec_csv(rows, "ru", EXCEL_RU))
    _timed("1c xlsx", lambda: onec_xlsx(rows, payroll.minor_units, "ru"))


if __name__ == "__main__":
    main()
