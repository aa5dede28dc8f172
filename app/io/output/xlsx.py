"""A payroll as an Excel workbook: the lines, the totals per employee and the department report,
each on its own sheet; and the 1C import layout (:mod:`app.io.output.onec`) on one sheet.

Like the CSV, the workbook is written from payslip *documents* (amounts as text with exactly
the currency's digits) and the payroll's envelope (currency, period, report, total), so the
CLI and the HTTP export write the same cells for the same payroll.

Amounts are numeric cells, never text, with the currency's number format (``#,##0.00 "₽"``
for roubles in Russian, ``#,##0.00 "RUB"`` in English; the currency's minor digits). A cell
holds a binary double, and every amount of a payroll (at most 15 significant digits: below
10^13 with at most 3 decimals) is read back as exactly the amount written; one that would not
be is written as text instead, so a workbook never shows a number other than the payroll's.
Text cells are stored as text, so a name ``=1+1`` is never a formula. Headers and sheet names
are in the reader's language; the header row is frozen and filtered, columns sized to fit.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

from app.i18n import translation

from .onec import AccrualRow, onec_headers

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

__all__ = ["amount_format", "differences_xlsx", "exact_number", "onec_xlsx", "payroll_xlsx"]

_MIN_WIDTH: Final = 6
_MAX_WIDTH: Final = 60
_RATE_FORMAT: Final = "0.00##%"
_DATE_FORMAT: Final = "DD.MM.YYYY"


def _digits(minor_units: int) -> str:
    return "0" if minor_units == 0 else "0." + "0" * minor_units


def amount_format(currency: str, minor_units: int, lang: str) -> str:
    """The number format of an amount: ``#,##0.00 "₽"`` (RUB, ru), ``#,##0 "JPY"`` (JPY, en)."""
    from app.io.plan.labels import currency_name

    return f'#,##0{_digits(minor_units)[1:]} "{currency_name(currency, lang)}"'


def exact_number(text: str | None) -> float | str | None:
    """The cell value of an amount or a rate written as text: a number when the double read
    back is exactly the decimal (every payroll amount), else the text as it is."""
    if text is None or text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    number = float(value)
    # repr gives the shortest text that reads back as the same double; equal to the decimal
    # means Excel (and openpyxl) read exactly this amount. Beyond 15 significant digits that
    # can fail: such an amount is written as text rather than as a nearby number.
    return number if Decimal(repr(number)) == value else text


class _Sheet:
    """One sheet: a bold frozen header row, typed cells, widths from the longest text."""

    def __init__(self, sheet: Worksheet, headers: Sequence[str]) -> None:
        from openpyxl.styles import Font  # type: ignore[import-untyped]

        self.sheet = sheet
        self.rows = 1  # kept here: the sheet's max_row looks at every cell
        self.widths = [len(h) for h in headers]
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"

    def row(self, cells: Sequence[tuple[object, str | None]]) -> None:
        """Append ``(value, number format)`` cells: text where the format is None."""
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

        self.rows += 1
        index = self.rows
        for column, (value, fmt) in enumerate(cells, start=1):
            if value is None:
                continue
            cell = self.sheet.cell(row=index, column=column)
            if fmt is None or isinstance(value, str):
                text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
                cell.value = text
                cell.data_type = "s"  # text stays text: "=1+1" is not a formula
                shown = len(text)
            else:
                cell.value = value
                cell.number_format = fmt
                shown = len(str(value)) + (6 if isinstance(value, float) else 0)
            self.widths[column - 1] = max(self.widths[column - 1], shown)

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

        for column, width in enumerate(self.widths, start=1):
            letter = get_column_letter(column)
            self.sheet.column_dimensions[letter].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
        self.sheet.auto_filter.ref = self.sheet.dimensions


def _workbook() -> Any:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    book.remove(book.active)
    return book


def _sheet(book: Any, title: str, headers: Sequence[str]) -> _Sheet:
    return _Sheet(book.create_sheet(title[:31]), headers)


def _bytes(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def payroll_xlsx(
    envelope: Mapping[str, Any], payslips: Iterable[Mapping[str, Any]], lang: str
) -> bytes:
    """The workbook of a payroll: its envelope (:func:`app.io.output.payrolljson.payroll_document`
    with or without its payslips) and its payslip documents."""
    _ = translation(lang).gettext
    money = amount_format(envelope["currency"], envelope["minor_units"], lang)
    book = _workbook()
    lines = _sheet(
        book,
        _("Lines"),
        [_("Employee id"), _("Name"), _("Department"), _("Role"), _("Line"), _("Code"),
         _("Label"), _("Measure"), _("Basis"), _("Rate"), _("Amount"), _("Explanation")],
    )  # fmt: skip
    totals = _sheet(
        book,
        _("Employees"),
        [_("Employee id"), _("Name"), _("Department"), _("Role"), _("Proration"),
         _("Gross pay"), _("Full-time gross pay"), _("Draw balance carried"),
         _("Clawback balance carried")],
    )  # fmt: skip
    for slip in payslips:
        who: list[tuple[object, str | None]] = [
            (slip[key], None) for key in ("employee_id", "name", "department", "role")
        ]
        for number, line in enumerate(slip["lines"], start=1):
            lines.row(
                [*who, (number, "0"), (line["code"], None), (line["label"], None),
                 (line["measure"], None), (exact_number(line["basis"]), money),
                 (exact_number(line["rate"]), _RATE_FORMAT),
                 (exact_number(line["amount"]), money), (line["explanation"], None)]
            )  # fmt: skip
        balances = slip.get("balances") or {}
        carried = [(exact_number(balances.get(kind)), money) for kind in ("draw", "clawback")]
        totals.row(
            [*who, (slip["proration"], None), (exact_number(slip["gross"]), money),
             (exact_number(slip.get("fte_gross")), money), *carried]
        )  # fmt: skip
    totals.row([(_("Total"), None), *[(None, None)] * 4, (exact_number(envelope["total"]), money)])
    lines.finish()
    totals.finish()
    _report(book, envelope.get("report") or {}, money, lang)
    return _bytes(book)


def _report(book: Any, report: Mapping[str, Any], money: str, lang: str) -> None:
    _ = translation(lang).gettext
    departments = _sheet(
        book,
        _("Departments"),
        [_("Department"), _("Kind"), _("Employees"), _("Revenue"), _("Payroll"),
         _("Payroll share of revenue"), _("Mean pay"), _("Median pay"), _("Lowest pay"),
         _("Highest pay")],
    )  # fmt: skip
    for figures in report.get("departments", []):
        departments.row(
            [(figures["department"], None), (figures["kind"], None),
             (figures["employees"], "0"),
             *[(exact_number(figures[key]), money) for key in ("revenue", "payroll")],
             (exact_number(figures["payroll_share"]), _RATE_FORMAT),
             *[(exact_number(figures[key]), money) for key in ("mean", "median", "min", "max")]]
        )  # fmt: skip
    departments.finish()
    comparisons = report.get("comparisons", [])
    if not comparisons:
        return
    sheet = _sheet(
        book,
        _("Comparisons"),
        [_("Sales role"), _("Client role"), _("Statistic"), _("Sales pay"), _("Client pay"),
         _("Difference"), _("Sales out-earn client staff"), _("Employees below")],
    )  # fmt: skip
    for c in comparisons:
        below = ", ".join(b["employee_id"] for b in c["below"])
        sheet.row(
            [(c["sales_role"], None), (c["client_role"], None), (c["statistic"], None),
             *[(exact_number(c[key]), money) for key in ("sales", "client", "difference")],
             (_("yes") if c["holds"] else _("no"), None), (below, None)]
        )  # fmt: skip
    sheet.finish()


def differences_xlsx(
    envelope: Mapping[str, Any], changes: Iterable[Mapping[str, Any]], lang: str
) -> bytes:
    """The workbook of a correction run: per employee each changed line code and ``gross``,
    the original and corrected amounts beside the difference."""
    _ = translation(lang).gettext
    money = amount_format(envelope["currency"], envelope["minor_units"], lang)
    book = _workbook()
    sheet = _sheet(
        book,
        _("Differences"),
        [_("Employee id"), _("Name"), _("Department"), _("Role"), _("Code"), _("Original"),
         _("Corrected"), _("Difference")],
    )  # fmt: skip
    for change in changes:
        who = [(change[key], None) for key in ("employee_id", "name", "department", "role")]
        for line in [*change["lines"], change["gross"]]:
            amounts = [
                (exact_number(line[k]), money) for k in ("original", "corrected", "difference")
            ]
            sheet.row([*who, (line["code"], None), *amounts])
    sheet.finish()
    return _bytes(book)


def onec_xlsx(rows: Iterable[AccrualRow], minor_units: int, lang: str) -> bytes:
    """The 1C import layout on one sheet: amounts as plain numbers with the currency's digits
    (no currency sign or grouping, which 1C would read as part of the number), dates as dates."""
    _ = translation(lang).gettext
    book = _workbook()
    sheet = _sheet(book, _("Accruals"), onec_headers(lang))
    amount = _digits(minor_units)
    for row in rows:
        sheet.row(
            [(row.employee_id, None), (row.name, None), (row.code, None),
             (exact_number(format(row.amount, "f")), amount), (row.start, _DATE_FORMAT),
             (row.end, _DATE_FORMAT)]
        )  # fmt: skip
    sheet.finish()
    return _bytes(book)
