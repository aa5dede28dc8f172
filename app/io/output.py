"""A payroll as a table, JSON or CSV; one payslip explained line by line.

Machine formats (JSON, CSV) write amounts as plain strings with exactly the currency's
minor digits (``"134000.00"``), never as binary floats; the table groups thousands for
people (``134 000.00``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from app.engine import Payroll, Payslip, format_amount

from .tables import Column, plain_table

__all__ = [
    "CSV_COLUMNS",
    "LINE_CODES",
    "explain_text",
    "money",
    "payroll_csv",
    "payroll_rows",
    "payroll_table",
    "rate_text",
]

LINE_CODES: Final = ("base", "commission", "override", "bonus")
CSV_COLUMNS: Final = (
    "employee_id", "name", "department", "role", "line", "code", "label", "measure",
    "basis", "rate", "amount", "explanation",
)  # fmt: skip

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def money(value: Decimal, digits: int) -> str:
    """``Decimal('134000')`` → ``'134000.00'``: exactly ``digits`` decimals, no grouping."""
    return f"{value:.{digits}f}"


def rate_text(value: Decimal) -> str:
    """``Decimal('0.150')`` → ``'0.15'``: a rate as plain digits, normalised."""
    return format(value.normalize(), "f")


# --- table -----------------------------------------------------------------------------

SUMMARY_COLUMNS: Final = (
    Column("Department"),
    Column("Kind"),
    Column("Employees", "right"),
    Column("Revenue", "right"),
    Column("Payroll", "right"),
    Column("Payroll/Revenue", "right"),
    Column("Median pay", "right"),
)
COMPARISON_COLUMNS: Final = (
    Column("Sales role"),
    Column("Client role"),
    Column("Statistic"),
    Column("Sales", "right"),
    Column("Client", "right"),
    Column("Difference", "right"),
    Column("Holds"),
    Column("Below the client figure"),
)


def line_codes(payroll: Payroll) -> list[str]:
    """Line codes of the table's columns: the usual four, then any other that occurs."""
    codes = list(LINE_CODES)
    for slip in payroll.payslips:
        codes.extend(line.code for line in slip.lines if line.code not in codes)
    return codes


def payroll_columns(codes: Sequence[str]) -> list[Column]:
    return [
        Column("ID"),
        Column("Name"),
        Column("Department"),
        Column("Role"),
        Column("Proration"),
        *(Column(code.replace("_", " ").capitalize(), "right") for code in codes),
        Column("Gross", "right"),
    ]


def payroll_rows(payroll: Payroll, codes: Sequence[str]) -> tuple[list[list[str]], list[str]]:
    """Rows (one per payslip, amounts summed per line code) and the totals footer."""
    digits = payroll.minor_units
    totals = dict.fromkeys(codes, Decimal(0))
    rows = []
    for slip in payroll.payslips:
        sums = dict.fromkeys(codes, Decimal(0))
        for line in slip.lines:
            sums[line.code] += line.amount
            totals[line.code] += line.amount
        amounts = [format_amount(sums[code], digits) for code in codes]
        rows.append(
            [slip.employee_id, slip.name, slip.department, slip.role, slip.proration, *amounts,
             format_amount(slip.gross, digits)]
        )  # fmt: skip
    footer = [
        "Total", f"{len(payroll.payslips)} employees", "", "", "",
        *(format_amount(totals[code], digits) for code in codes),
        format_amount(payroll.total, digits),
    ]  # fmt: skip
    return rows, footer


def _share(share: Decimal | None) -> str:
    return "-" if share is None else f"{share * 100:.2f}%"


def summary_rows(payroll: Payroll) -> list[list[str]]:
    """Per department: employees, revenue credited, payroll, their ratio, median pay."""
    digits = payroll.minor_units
    figures = () if payroll.report is None else payroll.report.departments
    return [
        [f.department, f.kind, str(f.headcount), format_amount(f.revenue, digits),
         format_amount(f.gross_total, digits), _share(f.payroll_share),
         format_amount(f.median, digits)]
        for f in figures
    ]  # fmt: skip


def comparison_rows(payroll: Payroll) -> list[list[str]]:
    """Whether sales staff out-earned client staff this period (full-time-equivalent pay)."""
    digits = payroll.minor_units
    comparisons = () if payroll.report is None else payroll.report.comparisons
    return [
        [c.sales_role, c.client_role, c.statistic, format_amount(c.sales_value, digits),
         format_amount(c.client_value, digits), format_amount(c.difference, digits),
         "yes" if c.holds else "NO", ", ".join(b.employee_id for b in c.below) or "-"]
        for c in comparisons
    ]  # fmt: skip


def payroll_heading(payroll: Payroll) -> str:
    return f"Payroll {payroll.period} of {payroll.scheme_key} ({payroll.currency})"


def payroll_stamp(payroll: Payroll) -> str:
    return f"scheme {payroll.scheme_hash}, engine {payroll.engine_version}"


def payroll_table(payroll: Payroll) -> str:
    """The payroll as plain aligned text (the CLI uses rich tables on a terminal)."""
    codes = line_codes(payroll)
    rows, footer = payroll_rows(payroll, codes)
    parts = [
        payroll_heading(payroll) + "\n\n",
        plain_table(payroll_columns(codes), rows, footer),
        "\n",
        plain_table(SUMMARY_COLUMNS, summary_rows(payroll)),
    ]
    comparisons = comparison_rows(payroll)
    if comparisons:
        parts += ["\n", plain_table(COMPARISON_COLUMNS, comparisons)]
    parts.append("\n" + payroll_stamp(payroll) + "\n")
    return "".join(parts)


# --- CSV ---------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def payroll_csv(payroll: Payroll) -> str:
    """One row per payslip line, then a ``gross`` row per employee with the sum."""
    digits = payroll.minor_units
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for slip in payroll.payslips:
        who = [_cell(slip.employee_id), _cell(slip.name), slip.department, slip.role]
        for number, line in enumerate(slip.lines, start=1):
            writer.writerow(
                [*who, number, line.code, _cell(line.label),
                 "" if line.measure is None else line.measure.value,
                 "" if line.basis is None else money(line.basis, digits),
                 "" if line.rate is None else rate_text(line.rate),
                 money(line.amount, digits), _cell(line.explanation)]
            )  # fmt: skip
        amounts = " + ".join(money(line.amount, digits) for line in slip.lines)
        writer.writerow(
            [*who, "", "gross", "Gross pay", "", "", "", money(slip.gross, digits),
             f"{amounts} = {money(slip.gross, digits)}"]
        )  # fmt: skip
    return buffer.getvalue()


# --- explain -----------------------------------------------------------------------------


def explain_text(payroll: Payroll, slip: Payslip, working_days: int) -> str:
    """Every line of one payslip with its formula and numbers, then the gross."""
    digits = payroll.minor_units
    width = max(len(format_amount(line.amount, digits)) for line in slip.lines)
    width = max(width, len(format_amount(slip.gross, digits)))
    label_width = max(len(line.label) for line in slip.lines)
    out = [
        f"{slip.employee_id} {slip.name}".rstrip()
        + f" — {slip.department}.{slip.role}, {payroll.period} ({payroll.currency})",
        f"Proration: {slip.proration}; {payroll.period} has {working_days} working days",
        "",
    ]
    for number, line in enumerate(slip.lines, start=1):
        amount = format_amount(line.amount, digits).rjust(width)
        out.append(f"{number:>2}. {line.label.ljust(label_width)}  {amount}")
        out.append(f"    {line.explanation}")
    terms = " + ".join(format_amount(line.amount, digits) for line in slip.lines)
    out += [
        "",
        f"Gross = {terms} = {format_amount(slip.gross, digits)}",
        payroll_stamp(payroll),
    ]
    return "\n".join(out) + "\n"
