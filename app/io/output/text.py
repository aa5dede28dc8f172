"""A payroll as a table; one payslip explained line by line (CSV: :mod:`app.io.output.payrollcsv`).

Machine formats (JSON, CSV) write amounts as plain strings with exactly the currency's
minor digits (``"134000.00"``), never as binary floats; the table groups thousands for
people (``134 000.00``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from app.engine import (
    Line,
    Payroll,
    Payslip,
    commission_by_deal,
    format_amount,
    format_fixed,
    format_plain,
)

from .tables import Column, plain_table

__all__ = [
    "BALANCE_KINDS",
    "LINE_CODES",
    "balance_order",
    "explain_text",
    "money",
    "payroll_rows",
    "payroll_table",
    "rate_text",
]

LINE_CODES: Final = ("base", "commission", "override", "bonus")


def money(value: Decimal, digits: int) -> str:
    """``Decimal('134000')`` → ``'134000.00'``: exactly ``digits`` decimals, no grouping, no
    exponent, never ``-0.00``."""
    return format_fixed(value, digits)


def rate_text(value: Decimal) -> str:
    """``Decimal('0.150')`` → ``'0.15'``: a rate as plain digits (never ``1E-7``), normalised."""
    return format_plain(value)


# --- table -----------------------------------------------------------------------------

SUMMARY_COLUMNS: Final = (
    Column("Department"),
    Column("Kind"),
    Column("Employees", "right"),
    Column("Payroll", "right"),
    Column("Mean", "right"),
    Column("Median", "right"),
    Column("Min", "right"),
    Column("Max", "right"),
    Column("Revenue", "right"),
    Column("Payroll/Revenue", "right"),
)
COMPARISON_COLUMNS: Final = (
    Column("Sales role"),
    Column("Client role"),
    Column("Statistic"),
    Column("Sales", "right"),
    Column("Client", "right"),
    Column("Difference", "right"),
    Column("Holds"),
    Column("Below the client figure (shortfall)"),
)
#: Carried balances, in the order of the table's columns and the CSV's rows.
BALANCE_KINDS: Final = ("draw", "clawback")


def line_codes(payroll: Payroll) -> list[str]:
    """Line codes of the table's columns: the usual four, then any other that occurs."""
    codes = list(LINE_CODES)
    for slip in payroll.payslips:
        codes.extend(line.code for line in slip.lines if line.code not in codes)
    return codes


def balance_kinds(payroll: Payroll) -> list[str]:
    """Balance kinds carried out by any payslip: a column each in the table."""
    carried = {kind for slip in payroll.payslips for kind in slip.balances}
    return [k for k in BALANCE_KINDS if k in carried] + sorted(carried - set(BALANCE_KINDS))


def payroll_columns(codes: Sequence[str], balances: Sequence[str] = ()) -> list[Column]:
    return [
        Column("ID"),
        Column("Name"),
        Column("Department"),
        Column("Role"),
        Column("Proration"),
        *(Column(code.replace("_", " ").capitalize(), "right") for code in codes),
        Column("Gross", "right"),
        *(Column(f"Carried {kind}", "right") for kind in balances),
    ]


def payroll_rows(
    payroll: Payroll, codes: Sequence[str], balances: Sequence[str] = ()
) -> tuple[list[list[str]], list[str]]:
    """Rows (one per payslip, amounts summed per line code, then the balances carried
    out) and the totals footer."""
    digits = payroll.minor_units
    totals = dict.fromkeys(codes, Decimal(0))
    carried = dict.fromkeys(balances, Decimal(0))
    rows = []
    for slip in payroll.payslips:
        sums = dict.fromkeys(codes, Decimal(0))
        for line in slip.lines:
            sums[line.code] += line.amount
            totals[line.code] += line.amount
        amounts = [format_amount(sums[code], digits) for code in codes]
        owed = []
        for kind in balances:
            value = slip.balances.get(kind)
            owed.append("" if value is None else format_amount(value, digits))
            carried[kind] += value or Decimal(0)
        rows.append(
            [slip.employee_id, slip.name, slip.department, slip.role, slip.proration, *amounts,
             format_amount(slip.gross, digits), *owed]
        )  # fmt: skip
    footer = [
        "Total", f"{len(payroll.payslips)} employees", "", "", "",
        *(format_amount(totals[code], digits) for code in codes),
        format_amount(payroll.total, digits),
        *(format_amount(carried[kind], digits) for kind in balances),
    ]  # fmt: skip
    return rows, footer


def _share(share: Decimal | None) -> str:
    return "-" if share is None else f"{share * 100:.2f}%"


def summary_rows(payroll: Payroll) -> list[list[str]]:
    """Per department: headcount, payroll and its mean, median, min and max, the revenue
    credited and payroll as a share of it."""
    digits = payroll.minor_units
    figures = () if payroll.report is None else payroll.report.departments
    return [
        [f.department, f.kind, str(f.headcount), format_amount(f.gross_total, digits),
         *(format_amount(v, digits) for v in (f.mean, f.median, f.min, f.max)),
         format_amount(f.revenue, digits), _share(f.payroll_share)]
        for f in figures
    ]  # fmt: skip


def comparison_rows(payroll: Payroll) -> list[list[str]]:
    """Whether sales staff out-earned client staff this period, and who fell short by how much."""
    digits = payroll.minor_units
    comparisons = () if payroll.report is None else payroll.report.comparisons
    return [
        [c.sales_role, c.client_role, c.statistic, format_amount(c.sales_value, digits),
         format_amount(c.client_value, digits), format_amount(c.difference, digits),
         "yes" if c.holds else "NO",
         ", ".join(f"{b.employee_id} ({format_amount(b.difference, digits)})" for b in c.below)
         or "-"]
        for c in comparisons
    ]  # fmt: skip


def comparison_notes(payroll: Payroll) -> list[str]:
    """What the comparison table cannot say in a cell: pay compared as full-time pay."""
    comparisons = () if payroll.report is None else payroll.report.comparisons
    notes = []
    for c in comparisons:
        if c.prorated:
            people = "employee" if c.prorated == 1 else "employees"
            notes.append(
                f"{c.sales_role} / {c.client_role}: compared on full-time-equivalent pay "
                f"(gross ÷ proration; {c.prorated} prorated {people})"
            )
    return notes


def payroll_heading(payroll: Payroll) -> str:
    return f"Payroll {payroll.period} of {payroll.scheme_key} ({payroll.currency})"


def payroll_stamp(payroll: Payroll) -> str:
    return f"scheme {payroll.scheme_hash}, engine {payroll.engine_version}"


SUMMARY_TITLE: Final = "Departments: what each was paid and the revenue it was credited"
COMPARISON_TITLE: Final = "Did sales staff out-earn client staff this period?"


def payroll_table(payroll: Payroll) -> str:
    """The payroll as plain aligned text (the CLI uses rich tables on a terminal):
    the payslips, then the payroll's own earnings check."""
    codes = line_codes(payroll)
    kinds = balance_kinds(payroll)
    rows, footer = payroll_rows(payroll, codes, kinds)
    parts = [
        payroll_heading(payroll) + "\n\n",
        plain_table(payroll_columns(codes, kinds), rows, footer),
        f"\n{SUMMARY_TITLE}\n\n",
        plain_table(SUMMARY_COLUMNS, summary_rows(payroll)),
    ]
    comparisons = comparison_rows(payroll)
    if comparisons:
        parts += [f"\n{COMPARISON_TITLE}\n\n", plain_table(COMPARISON_COLUMNS, comparisons)]
        parts += [note + "\n" for note in comparison_notes(payroll)]
    parts.append("\n" + payroll_stamp(payroll) + "\n")
    return "".join(parts)


def balance_order(kind: str) -> tuple[int, str]:
    """Draw, then clawback, then any other kind by name."""
    return (BALANCE_KINDS.index(kind) if kind in BALANCE_KINDS else len(BALANCE_KINDS), kind)


# --- explain -----------------------------------------------------------------------------


def _sum_text(amounts: Sequence[Decimal], digits: int) -> str:
    """``45 000.00 − 130 000.00 + 130 000.00``."""
    text = ""
    for index, amount in enumerate(amounts):
        shown = format_amount(abs(amount), digits)
        if index == 0:
            text = format_amount(amount, digits)
        else:
            text += f" − {shown}" if amount < 0 else f" + {shown}"
    return text


def deal_rows(line: Line, digits: int) -> list[list[str]]:
    """The deals behind a payslip line: id, date, client, measure, share, amount, the
    commission on it, note; first the roster's own total for the measure, when it has one."""
    paid = commission_by_deal(line, digits)
    rows = [
        [d.deal_id, d.date.isoformat(), d.client_id, d.measure.value, rate_text(d.share),
         format_amount(d.amount, digits), format_amount(c, digits), d.note]
        for d, c in zip(line.deals, paid, strict=True)
    ]  # fmt: skip
    from_deals = sum((d.amount for d in line.deals), Decimal(0))
    if (
        line.code == "commission"
        and line.basis is not None
        and line.measure is not None
        and line.basis != from_deals
    ):
        typed = format_amount(line.basis - from_deals, digits)
        rows.insert(0, ["roster", "", "", line.measure.value, "", typed, "", "the roster's total"])
    return rows


def _aligned(rows: list[list[str]], right: Sequence[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def explain_text(payroll: Payroll, slip: Payslip, working_days: int) -> str:
    """Every line of one payslip with its formula, numbers and the deals behind it, then
    the gross and the balances carried to the next period."""
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
        if line.deals:
            count = len(line.deals)
            out.append(f"    credited from {count} deal{'' if count == 1 else 's'}:")
            header = ["deal", "date", "client", "measure", "share", "credited", "commission",
                      "note"]  # fmt: skip
            table = _aligned([header, *deal_rows(line, digits)], right=(4, 5, 6))
            out += [f"      {row}" for row in table]
    paid_on = {line.measure for line in slip.lines if line.code == "commission"}
    unpaid = [(m, v) for m, v in slip.credited.items() if m not in paid_on and v]
    if unpaid:
        credited = ", ".join(f"{m.value} {format_amount(v, digits)}" for m, v in unpaid)
        role = f"{slip.department}.{slip.role}"
        out += ["", f"Credited on measures no commission rule of {role} pays on: {credited}"]
    terms = _sum_text([line.amount for line in slip.lines], digits)
    out += ["", f"Gross = {terms} = {format_amount(slip.gross, digits)}"]
    if slip.balances:
        carried = ", ".join(
            f"{kind} {format_amount(slip.balances[kind], digits)}"
            for kind in sorted(slip.balances, key=balance_order)
        )
        out.append(f"Balances carried to the next period: {carried}")
    out.append(payroll_stamp(payroll))
    return "\n".join(out) + "\n"
