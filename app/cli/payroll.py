"""``compcalc calculate``, ``explain`` and ``break-even``: a period's payroll, one payslip
line by line, and where a salesperson's pay overtakes the client manager's."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import typer

from app.cli.inputs import (
    LIVE,
    checked_scheme,
    compute_payroll,
    fail,
    language,
    read_deals,
    read_period,
    read_roster,
    read_scheme,
)
from app.cli.options import DealsOption, LangOption, PeriodOption, RosterOption, SchemeOption
from app.engine import Payroll, Scheme, break_even, check_scheme, work_calendar
from app.io import atomic_write, explain_text, payroll_csv, payroll_json, payroll_table
from app.io.output.csvcells import DIALECTS
from app.io.output.progress import StepsGate
from app.io.roster.balances import balances_csv, balances_json
from app.io.schemes.formats import break_even_json, break_even_text, finding_line

__all__ = [
    "BalancesFormat",
    "BreakEvenFormat",
    "Dialect",
    "Layout",
    "PayrollFormat",
    "break_even_command",
    "calculate_command",
    "explain",
]


class PayrollFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


class Dialect(StrEnum):
    """The CSV dialects (app.io.output.csvcells.DIALECTS)."""

    RFC4180 = "rfc4180"
    EXCEL_RU = "excel-ru"


class Layout(StrEnum):
    LINES = "lines"
    ONEC = "1c"


class BreakEvenFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class BalancesFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def _is_terminal() -> bool:
    return sys.stdout.isatty()


@dataclass(frozen=True, slots=True)
class _Export:
    """How a file export is written: the CSV dialect, the layout, the headers' language."""

    dialect: Dialect = Dialect.RFC4180
    layout: Layout = Layout.LINES
    lang: str = "en"


def _render(payroll: Payroll, fmt: PayrollFormat, scheme: Scheme, export: _Export) -> str | bytes:
    if fmt is PayrollFormat.JSON:
        return payroll_json(payroll)
    if fmt is PayrollFormat.TABLE:
        return payroll_table(payroll)
    from app.io.output.onec import accrual_rows, onec_csv
    from app.io.output.payrolljson import payroll_document, slip_json
    from app.io.output.xlsx import onec_xlsx, payroll_xlsx

    dialect = DIALECTS[export.dialect.value]
    documents = [slip_json(slip, payroll.minor_units) for slip in payroll.payslips]
    if export.layout is Layout.ONEC:
        rows = accrual_rows(documents, payroll.period, scheme.exports)
        if fmt is PayrollFormat.XLSX:
            return onec_xlsx(rows, payroll.minor_units, export.lang)
        return onec_csv(rows, export.lang, dialect)
    if fmt is PayrollFormat.XLSX:
        return payroll_xlsx(payroll_document(payroll, []), documents, export.lang)
    return payroll_csv(payroll, dialect)


def _export_options(
    fmt: PayrollFormat,
    output: str | None,
    dialect: Dialect | None,
    layout: Layout | None,
    lang: str | None,
) -> _Export:
    """The export options, refused (exit 2) where they do not apply to ``fmt``."""
    files = (PayrollFormat.CSV, PayrollFormat.XLSX)
    if fmt is PayrollFormat.XLSX and output is None:
        fail("--format xlsx: a workbook is written to a file; give --output FILE.xlsx")
    if dialect is not None and fmt is not PayrollFormat.CSV:
        fail(f"--dialect: applies to --format csv, not {fmt.value}")
    if layout is not None and fmt not in files:
        fail(f"--layout: applies to --format csv or xlsx, not {fmt.value}")
    return _Export(dialect or Dialect.RFC4180, layout or Layout.LINES, language(lang))


def _write(option: str, target: str, text: str | bytes) -> None:
    try:
        atomic_write(target, text)
    except OSError as exc:
        fail(f"{option} {target}: cannot write the file: {exc.strerror or exc}")


def calculate_command(
    scheme: SchemeOption,
    roster: RosterOption,
    period: PeriodOption,
    deals: DealsOption = None,
    fmt: Annotated[
        PayrollFormat,
        typer.Option("--format", help="table, json, csv or xlsx (an Excel workbook: --output)."),
    ] = PayrollFormat.TABLE,
    output: Annotated[
        str | None, typer.Option("--output", help="Write to this file instead of stdout.")
    ] = None,
    dialect: Annotated[
        Dialect | None,
        typer.Option(
            "--dialect",
            help="CSV dialect: rfc4180 (default: ',', '.' decimals) or excel-ru (a Russian "
            "Excel: UTF-8 with BOM, ';', decimal comma).",
        ),
    ] = None,
    layout: Annotated[
        Layout | None,
        typer.Option(
            "--layout",
            help="csv and xlsx: lines (default: every payslip line) or 1c (one row per "
            "employee and accrual type, for loading into 1C).",
        ),
    ] = None,
    lang: LangOption = None,
    balances_out: Annotated[
        str | None,
        typer.Option(
            "--balances-out",
            help="Also write the balances carried to the next period as a roster "
            "(.csv or .json: id, department, role, balance_draw, balance_clawback).",
        ),
    ] = None,
) -> None:
    """Compute the payroll of a period: every payslip, line by line, and the payroll's own
    earnings check (per department, and whether sales staff out-earned client staff)."""
    export = _export_options(fmt, output, dialect, layout, lang)
    loaded = read_scheme(scheme)
    when = read_period(period)
    balances_format = None
    if balances_out is not None:
        suffix = balances_out.rsplit(".", 1)[-1].lower() if "." in balances_out else ""
        if suffix not in ("csv", "json"):
            fail(f"--balances-out {balances_out}: expected a .csv or .json file name")
        balances_format = BalancesFormat(suffix)
    warnings: list[str] = []
    progress = StepsGate(sys.stderr)
    LIVE.append(progress)
    try:
        with progress:
            people = read_roster(roster, progress)
            credited = read_deals(deals, progress)
            payroll = compute_payroll(loaded, people, credited, when, progress, warnings)
            to_terminal = fmt is PayrollFormat.TABLE and output is None and _is_terminal()
            progress.step(f"Writing {len(payroll.payslips):,} payslips")
            text = "" if to_terminal else _render(payroll, fmt, loaded.scheme, export)
            carried = None
            if balances_format is BalancesFormat.CSV:
                carried = balances_csv(payroll)
            elif balances_format is BalancesFormat.JSON:
                carried = balances_json(payroll)
    finally:
        LIVE.remove(progress)
    for line in warnings:
        typer.echo(line, err=True)
    if balances_out is not None and carried is not None:
        _write("--balances-out", balances_out, carried)
    if to_terminal:
        from app.io.output.terminal import print_payroll

        print_payroll(payroll)
    elif output is None:
        assert isinstance(text, str)  # a workbook is written only to --output
        sys.stdout.write(text)
    else:
        _write("--output", output, text)
        typer.echo(f"wrote {len(payroll.payslips)} payslips to {output}", err=True)
    if balances_out is not None:
        owing = sum(1 for slip in payroll.payslips if any(slip.balances.values()))
        typer.echo(
            f"wrote the balances of {len(payroll.payslips)} employees ({owing} owing) "
            f"to {balances_out}",
            err=True,
        )


def explain(
    scheme: SchemeOption,
    roster: RosterOption,
    period: PeriodOption,
    employee: Annotated[str, typer.Option("--employee", help="Employee id, as in the roster.")],
    deals: DealsOption = None,
) -> None:
    """Show every line of one employee's payslip with its formula and numbers, and the
    deals behind each commission line."""
    loaded = read_scheme(scheme)
    when = read_period(period)
    people = read_roster(roster)
    if employee not in {e.id for e in people.employees}:
        fail(f"--employee: {employee!r} is not in the roster {roster}")
    credited = read_deals(deals)
    payroll = compute_payroll(loaded, people, credited, when)
    days = work_calendar(loaded.scheme).working_days(when)
    sys.stdout.write(explain_text(payroll, payroll.payslip(employee), days))


def break_even_command(
    scheme: SchemeOption,
    fmt: Annotated[
        BreakEvenFormat, typer.Option("--format", help="text or json.")
    ] = BreakEvenFormat.TEXT,
) -> None:
    """At what attainment a salesperson's pay overtakes the client manager's."""
    loaded = read_scheme(scheme)
    checked, weakened = checked_scheme(loaded)
    findings = weakened + loaded.locate(check_scheme(checked))
    if any(f.data.get("kind") == "structure" for f in findings):
        fail(*(finding_line(loaded.path, f) for f in findings))
    for finding in findings:
        typer.echo(finding_line(loaded.path, finding, "warning"), err=True)
    points = break_even(checked)
    currency, digits = loaded.scheme.currency, loaded.scheme.minor_units
    if fmt is BreakEvenFormat.JSON:
        sys.stdout.write(break_even_json(points, currency))
    elif _is_terminal() and points:
        from app.io.output.terminal import print_break_even

        print_break_even(points, digits, currency)
    else:
        sys.stdout.write(break_even_text(points, digits, currency))
