"""A payroll in the layout 1C loads into an accrual document: one row per employee and accrual
type, with the personnel number (the employee id), the full name, the accrual type code, the
amount and the period's first and last day.

The accrual type code of each payslip line code comes from the scheme's
``exports.onec.accrual_codes`` (the line code itself where none is given); lines whose codes
share an accrual code are summed into one row, and a row that sums to zero is left out (there
is nothing to load). Of a correction run, the rows are its differences: what to pay (or, when
negative, recover) on top of the approved run.

The rows are written by :func:`onec_csv` here and by :func:`app.io.output.xlsx.onec_xlsx`, with
headers in the reader's language; docs/exports.md says how a 1C accountant loads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from app.engine.calendar import Period
from app.engine.scheme import Exports
from app.i18n import translation

from .csvcells import DEFAULT, CsvDialect, csv_text

__all__ = ["AccrualRow", "accrual_rows", "correction_rows", "onec_csv", "onec_headers"]

_AMOUNT: Final = 3  # the column of the amount in a row


@dataclass(frozen=True, slots=True)
class AccrualRow:
    """One employee's accrual of one type for the period."""

    employee_id: str
    name: str
    code: str
    amount: Decimal
    start: date
    end: date


def _rows(
    people: Iterable[tuple[str, str, Iterable[tuple[str, str]]]], period: Period, exports: Exports
) -> list[AccrualRow]:
    rows = []
    for employee_id, name, lines in people:
        sums: dict[str, Decimal] = {}  # by accrual code, in the order of the first line
        for line_code, amount in lines:
            code = exports.accrual_code(line_code)
            sums[code] = sums.get(code, Decimal(0)) + Decimal(amount)
        rows += [
            AccrualRow(employee_id, name, code, total, period.first_day, period.last_day)
            for code, total in sums.items()
            if total
        ]
    return rows


def accrual_rows(
    payslips: Iterable[Mapping[str, Any]], period: Period, exports: Exports
) -> list[AccrualRow]:
    """The rows of payslip documents (:func:`app.io.output.payrolljson.slip_json`)."""
    return _rows(
        (
            (
                slip["employee_id"],
                slip["name"],
                ((li["code"], li["amount"]) for li in slip["lines"]),
            )
            for slip in payslips
        ),
        period,
        exports,
    )


def correction_rows(
    changes: Iterable[Mapping[str, Any]], period: Period, exports: Exports
) -> list[AccrualRow]:
    """The rows of a correction's differences: each changed line's difference."""
    return _rows(
        (
            (c["employee_id"], c["name"], ((li["code"], li["difference"]) for li in c["lines"]))
            for c in changes
        ),
        period,
        exports,
    )


def onec_headers(lang: str) -> tuple[str, ...]:
    """The column headers in ``lang``."""
    _ = translation(lang).gettext
    return (
        _("Personnel number"),
        _("Full name"),
        _("Accrual type"),
        _("Amount"),
        _("Start date"),
        _("End date"),
    )


def _day(day: date, dialect: CsvDialect) -> str:
    # A Russian spreadsheet (and 1C) reads 31.03.2027 as a date; ISO is the portable form.
    return day.strftime("%d.%m.%Y") if dialect.decimal == "," else day.isoformat()


def onec_csv(rows: Iterable[AccrualRow], lang: str, dialect: CsvDialect = DEFAULT) -> str:
    """The rows as CSV in ``dialect``: amounts as numbers, every other cell text (guarded)."""
    body = [
        [row.employee_id, row.name, row.code, format(row.amount, "f"),
         _day(row.start, dialect), _day(row.end, dialect)]
        for row in rows
    ]  # fmt: skip
    return csv_text([onec_headers(lang), *body], numbers={_AMOUNT}, dialect=dialect)
