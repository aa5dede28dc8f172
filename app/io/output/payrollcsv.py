"""A payroll as CSV: one row per payslip line, a ``gross`` row per employee, then a
``balance_<kind>`` row per balance carried to the next period.

There is one writer, and it reads payslip *documents* (the JSON of
:func:`app.io.output.payrolljson.slip_json`, amounts already written with the currency's digits):
the CLI renders its payroll to those documents and writes them here, and the HTTP export
writes the documents a run stored, so both are the same bytes for the same payroll.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from app.engine import Payroll

from .payrolljson import slip_json
from .text import balance_order

__all__ = ["CSV_COLUMNS", "DIFFERENCE_COLUMNS", "differences_csv", "payroll_csv", "payslips_csv"]

CSV_COLUMNS: Final = (
    "employee_id", "name", "department", "role", "line", "code", "label", "measure",
    "basis", "rate", "amount", "explanation",
)  # fmt: skip

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def payslips_csv(payslips: Iterable[Mapping[str, Any]]) -> str:
    """The CSV of payslip documents, in their order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for slip in payslips:
        who = [_cell(slip["employee_id"]), _cell(slip["name"]), slip["department"], slip["role"]]
        amounts = []
        for number, line in enumerate(slip["lines"], start=1):
            amounts.append(line["amount"])
            writer.writerow(
                [*who, number, line["code"], _cell(line["label"]), line["measure"] or "",
                 line["basis"] or "", line["rate"] or "", line["amount"],
                 _cell(line["explanation"])]
            )  # fmt: skip
        gross = slip["gross"]
        writer.writerow(
            [*who, "", "gross", "Gross pay", "", "", "", gross, f"{' + '.join(amounts)} = {gross}"]
        )
        writer.writerows(_balance_rows(who, slip.get("balances") or {}))
    return buffer.getvalue()


def _balance_rows(who: Sequence[str], balances: Mapping[str, str]) -> list[list[str]]:
    return [
        [*who, "", f"balance_{kind}", f"{kind.capitalize()} balance carried", "", "", "",
         balances[kind],
         f"owed to the employer after this period: balance_{kind} of the next roster"]
        for kind in sorted(balances, key=balance_order)
    ]  # fmt: skip


def payroll_csv(payroll: Payroll) -> str:
    """The CSV of a computed payroll (its payslips rendered as documents first)."""
    return payslips_csv(slip_json(slip, payroll.minor_units) for slip in payroll.payslips)


DIFFERENCE_COLUMNS: Final = (
    "employee_id", "name", "department", "role", "code", "original", "corrected", "difference",
)  # fmt: skip


def differences_csv(changes: Iterable[Mapping[str, Any]]) -> str:
    """A correction's differences: per employee one row per changed line code, then ``gross``,
    the original (approved) and corrected amounts beside the difference to pay or recover."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DIFFERENCE_COLUMNS)
    for change in changes:
        who = [_cell(change["employee_id"]), _cell(change["name"]), _cell(change["department"]),
               _cell(change["role"])]  # fmt: skip
        for line in [*change["lines"], change["gross"]]:
            writer.writerow(
                [*who, line["code"], line["original"], line["corrected"], line["difference"]]
            )
    return buffer.getvalue()
