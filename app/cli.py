"""The ``compcalc`` command: validate rule files, compute and explain payrolls.

A thin shell: each command parses its options, calls :mod:`app.io` and the engine, and
prints.  Known problems (unreadable files, invalid schemes, bad rosters, bad options)
are reported on stderr with the file, line and column and exit with status 2 (1 for
rule violations found by ``validate``); anything else is a bug and is not hidden.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, NoReturn

import typer

from app.engine import (
    Finding,
    InputError,
    Payroll,
    Period,
    Scheme,
    SchemeError,
    break_even,
    calculate,
    check_scheme,
)
from app.engine.roster import work_calendar
from app.io import (
    DocumentError,
    LoadedScheme,
    Roster,
    RosterError,
    SchemeFileError,
    atomic_write,
    explain_text,
    load_roster,
    load_scheme,
    payroll_csv,
    payroll_json,
    payroll_table,
    roster_error,
    validate_file,
)
from app.io.reports import (
    break_even_json,
    break_even_text,
    finding_line,
    github_report,
    json_report,
    load_error_line,
    summary_line,
    text_report,
)
from app.io.validation import CollectError, collect_files, exit_code

__all__ = ["cli", "main"]

USAGE_ERROR = 2

cli = typer.Typer(
    name="compcalc",
    help="Sales-compensation calculator: validate pay schemes, compute and explain payrolls.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class ReportFormat(StrEnum):
    TEXT = "text"
    GITHUB = "github"
    JSON = "json"


class PayrollFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class BreakEvenFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


SchemeOption = Annotated[str, typer.Option("--scheme", help="Scheme file (.yaml, .yml or .json).")]
RosterOption = Annotated[str, typer.Option("--roster", help="Roster file (.csv or .json).")]
PeriodOption = Annotated[str, typer.Option("--period", help="Pay period, YYYY-MM (2027-03).")]


def fail(*lines: str) -> NoReturn:
    """Report a problem on stderr and exit with status 2."""
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(USAGE_ERROR)


def _limits() -> tuple[int, int]:
    """The file size limits (scheme, roster) from the settings."""
    from pydantic import ValidationError

    from app.settings import get_settings

    try:
        settings = get_settings()
    except ValidationError as exc:
        fail(f"invalid configuration in the COMPCALC_* environment variables:\n{exc}")
    return settings.max_scheme_bytes, settings.max_roster_bytes


def _scheme(path: str) -> LoadedScheme:
    try:
        return load_scheme(path, max_bytes=_limits()[0], setting="COMPCALC_MAX_SCHEME_BYTES")
    except DocumentError as exc:
        fail(load_error_line(exc))
    except SchemeFileError as exc:
        fail(*(finding_line(exc.path, f) for f in exc.findings))


def _roster(path: str) -> Roster:
    try:
        return load_roster(path, max_bytes=_limits()[1], setting="COMPCALC_MAX_ROSTER_BYTES")
    except RosterError as exc:
        fail(*exc.lines())


def _period(text: str, scheme: Scheme) -> Period:
    try:
        period = Period.parse(text)
    except ValueError as exc:
        fail(f"--period: {exc}")
    ends = scheme.effective_to
    if period.last_day < scheme.effective_from or (ends is not None and period.first_day > ends):
        fail(
            f"--period: {period} is outside the dates of scheme {scheme.key} "
            f"({scheme.effective_from} to {ends or 'open'})"
        )
    return period


def _payroll(loaded: LoadedScheme, roster: Roster, period: Period) -> Payroll:
    try:
        payroll = calculate(loaded.scheme, period, roster.employees)
    except SchemeError as exc:
        fail(*(finding_line(loaded.path, f) for f in loaded.locate(exc.findings)))
    except InputError as exc:
        fail(*roster_error(roster, exc).lines())
    for finding in payroll.findings:
        typer.echo(_payroll_warning(loaded, finding, payroll), err=True)
    return payroll


def _payroll_warning(loaded: LoadedScheme, finding: Finding, payroll: Payroll) -> str:
    """A finding of the scheme at its line; one about the payroll itself (who out-earned
    whom this period, a deal) under the period, as it has no place in the scheme file."""
    if finding.path and (finding.path[0],) in loaded.positions.values:
        return finding_line(loaded.path, loaded.locate([finding])[0], "warning")
    return f"{payroll.period}: warning {finding.code}: {finding.message}"


def _is_terminal() -> bool:
    return sys.stdout.isatty()


@cli.command()
def validate(
    paths: Annotated[
        list[str],
        typer.Argument(help="Scheme files, or directories to search for them.", metavar="PATH"),
    ],
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="text, github (annotations) or json.")
    ] = ReportFormat.TEXT,
) -> None:
    """Check scheme files against the rule language and the article's rules.

    Exit status: 0 no errors (warnings allowed), 1 rule violations, 2 a file could not
    be read or parsed as YAML/JSON.
    """
    try:
        files = collect_files(paths)
    except CollectError as exc:
        fail(str(exc))
    limit = _limits()[0]
    reports = [
        validate_file(path, max_bytes=limit, setting="COMPCALC_MAX_SCHEME_BYTES") for path in files
    ]
    if fmt is ReportFormat.JSON:
        sys.stdout.write(json_report(reports))
    elif fmt is ReportFormat.GITHUB:
        sys.stdout.write(github_report(reports))
        typer.echo(summary_line(reports), err=True)
    else:
        sys.stdout.write(text_report(reports))
    raise typer.Exit(exit_code(reports))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a scheme file (for editors and other tools)."""
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **Scheme.model_json_schema(by_alias=True),
    }
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


@cli.command("calculate")
def calculate_command(
    scheme: SchemeOption,
    roster: RosterOption,
    period: PeriodOption,
    fmt: Annotated[
        PayrollFormat, typer.Option("--format", help="table, json or csv.")
    ] = PayrollFormat.TABLE,
    output: Annotated[
        str | None, typer.Option("--output", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Compute the payroll of a period: every payslip, line by line."""
    loaded = _scheme(scheme)
    when = _period(period, loaded.scheme)
    people = _roster(roster)
    payroll = _payroll(loaded, people, when)
    if fmt is PayrollFormat.TABLE and output is None and _is_terminal():
        from app.io.terminal import print_payroll

        print_payroll(payroll)
        return
    if fmt is PayrollFormat.JSON:
        text = payroll_json(payroll)
    elif fmt is PayrollFormat.CSV:
        text = payroll_csv(payroll)
    else:
        text = payroll_table(payroll)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        atomic_write(output, text)
    except OSError as exc:
        fail(f"--output {output}: cannot write the file: {exc.strerror or exc}")
    typer.echo(f"wrote {len(payroll.payslips)} payslips to {output}", err=True)


@cli.command()
def explain(
    scheme: SchemeOption,
    roster: RosterOption,
    period: PeriodOption,
    employee: Annotated[str, typer.Option("--employee", help="Employee id, as in the roster.")],
) -> None:
    """Show every line of one employee's payslip with its formula and numbers."""
    loaded = _scheme(scheme)
    when = _period(period, loaded.scheme)
    people = _roster(roster)
    if employee not in {e.id for e in people.employees}:
        fail(f"--employee: {employee!r} is not in the roster {roster}")
    payroll = _payroll(loaded, people, when)
    days = work_calendar(loaded.scheme).working_days(when)
    sys.stdout.write(explain_text(payroll, payroll.payslip(employee), days))


@cli.command("break-even")
def break_even_command(
    scheme: SchemeOption,
    fmt: Annotated[
        BreakEvenFormat, typer.Option("--format", help="text or json.")
    ] = BreakEvenFormat.TEXT,
) -> None:
    """At what attainment a salesperson's pay overtakes the client manager's."""
    loaded = _scheme(scheme)
    findings = loaded.locate(check_scheme(loaded.scheme))
    if any(f.data.get("kind") == "structure" for f in findings):
        fail(*(finding_line(loaded.path, f) for f in findings))
    for finding in findings:
        typer.echo(finding_line(loaded.path, finding, "warning"), err=True)
    points = break_even(loaded.scheme)
    currency, digits = loaded.scheme.currency, loaded.scheme.minor_units
    if fmt is BreakEvenFormat.JSON:
        sys.stdout.write(break_even_json(points, currency))
    elif _is_terminal() and points:
        from app.io.terminal import print_break_even

        print_break_even(points, digits, currency)
    else:
        sys.stdout.write(break_even_text(points, digits, currency))


@cli.command()
def openapi() -> None:
    """Print the OpenAPI document of the HTTP service (as committed in openapi.json)."""
    from app.main import openapi_document

    sys.stdout.write(openapi_document())


def main() -> None:
    """Entry point of the ``compcalc`` console script."""
    cli()
