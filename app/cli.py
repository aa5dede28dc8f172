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
from app.io.balances import balances_csv, balances_json
from app.io.deals import DealsFile, deal_finding_line, deals_error, load_deals
from app.io.progress import NO_PROGRESS, Steps, StepsGate
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
from app.io.roster import PERIOD_CODES
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
DealsOption = Annotated[
    str | None,
    typer.Option(
        "--deals",
        help="Deals file (.csv or .json): the period's deals and earlier ones a refund may "
        "refer to; they credit employees on top of the roster's amounts.",
    ),
]


#: Progress bars being drawn: stopped before a message is printed, so that it does not
#: land in the middle of a bar's line.
_LIVE: list[StepsGate] = []


def fail(*lines: str) -> NoReturn:
    """Report a problem on stderr and exit with status 2."""
    for gate in _LIVE:
        gate.close()
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


def _roster(path: str, progress: Steps = NO_PROGRESS) -> Roster:
    try:
        return load_roster(
            path, max_bytes=_limits()[1], setting="COMPCALC_MAX_ROSTER_BYTES", progress=progress
        )
    except RosterError as exc:
        fail(*exc.lines())


def _deals(path: str | None, progress: Steps = NO_PROGRESS) -> DealsFile | None:
    if path is None:
        return None
    try:
        loaded = load_deals(
            path, max_bytes=_limits()[1], setting="COMPCALC_MAX_ROSTER_BYTES", progress=progress
        )
    except RosterError as exc:
        fail(*exc.lines())
    from app.settings import get_settings

    limit = get_settings().max_file_deals
    if len(loaded.deals) > limit:
        fail(
            f"{path}: error TOO_MANY_DEALS: {len(loaded.deals):,} deals; at most {limit:,} in "
            "one file (COMPCALC_MAX_FILE_DEALS)".replace(",", " ")
        )
    return loaded


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        fail(f"--period: {exc}")


def _payroll(
    loaded: LoadedScheme,
    roster: Roster,
    deals: DealsFile | None,
    period: Period,
    progress: Steps = NO_PROGRESS,
    warnings: list[str] | None = None,
) -> Payroll:
    """The payroll; its findings are printed as warnings (or added to ``warnings``)."""
    progress.step(f"Calculating {len(roster.employees):,} payslips")
    try:
        payroll = calculate(
            loaded.scheme, period, roster.employees, () if deals is None else deals.deals
        )
    except SchemeError as exc:
        fail(*(finding_line(loaded.path, f) for f in loaded.locate(exc.findings)))
    except InputError as exc:
        fail(*_input_problems(exc, loaded, roster, deals))
    for finding in payroll.findings:
        line = _payroll_warning(loaded, deals, finding, payroll)
        if warnings is None:
            typer.echo(line, err=True)
        else:
            warnings.append(line)
    return payroll


def _input_problems(
    exc: InputError, loaded: LoadedScheme, roster: Roster, deals: DealsFile | None
) -> list[str]:
    """Every problem of the inputs: the period's, then the roster's and the deals' by row."""
    lines = [
        f"--period: error {p.code}: {p.message} (scheme {loaded.scheme.key}, {loaded.path})"
        for p in exc.problems
        if p.source == "roster" and p.code in PERIOD_CODES
    ]
    lines += roster_error(roster, exc).lines()
    found = None if deals is None else deals_error(deals, exc)
    if found is not None:
        lines += found.lines()
    return lines


def _payroll_warning(
    loaded: LoadedScheme, deals: DealsFile | None, finding: Finding, payroll: Payroll
) -> str:
    """A finding of the scheme at its line, one about a deal at the deal's row; one about
    the payroll itself (who out-earned whom this period) under the period."""
    if finding.path and (finding.path[0],) in loaded.positions.values:
        return finding_line(loaded.path, loaded.locate([finding])[0], "warning")
    line = None if deals is None else deal_finding_line(deals, finding)
    if line is not None:
        return line
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


class BalancesFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def _render(payroll: Payroll, fmt: PayrollFormat) -> str:
    if fmt is PayrollFormat.JSON:
        return payroll_json(payroll)
    if fmt is PayrollFormat.CSV:
        return payroll_csv(payroll)
    return payroll_table(payroll)


def _write(option: str, target: str, text: str) -> None:
    try:
        atomic_write(target, text)
    except OSError as exc:
        fail(f"{option} {target}: cannot write the file: {exc.strerror or exc}")


@cli.command("calculate")
def calculate_command(
    scheme: SchemeOption,
    roster: RosterOption,
    period: PeriodOption,
    deals: DealsOption = None,
    fmt: Annotated[
        PayrollFormat, typer.Option("--format", help="table, json or csv.")
    ] = PayrollFormat.TABLE,
    output: Annotated[
        str | None, typer.Option("--output", help="Write to this file instead of stdout.")
    ] = None,
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
    loaded = _scheme(scheme)
    when = _period(period)
    balances_format = None
    if balances_out is not None:
        suffix = balances_out.rsplit(".", 1)[-1].lower() if "." in balances_out else ""
        if suffix not in ("csv", "json"):
            fail(f"--balances-out {balances_out}: expected a .csv or .json file name")
        balances_format = BalancesFormat(suffix)
    warnings: list[str] = []
    progress = StepsGate(sys.stderr)
    _LIVE.append(progress)
    try:
        with progress:
            people = _roster(roster, progress)
            credited = _deals(deals, progress)
            payroll = _payroll(loaded, people, credited, when, progress, warnings)
            to_terminal = fmt is PayrollFormat.TABLE and output is None and _is_terminal()
            progress.step(f"Writing {len(payroll.payslips):,} payslips")
            text = "" if to_terminal else _render(payroll, fmt)
            carried = None
            if balances_format is BalancesFormat.CSV:
                carried = balances_csv(payroll)
            elif balances_format is BalancesFormat.JSON:
                carried = balances_json(payroll)
    finally:
        _LIVE.remove(progress)
    for line in warnings:
        typer.echo(line, err=True)
    if balances_out is not None and carried is not None:
        _write("--balances-out", balances_out, carried)
    if to_terminal:
        from app.io.terminal import print_payroll

        print_payroll(payroll)
    elif output is None:
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


@cli.command()
def explain(
    scheme: SchemeOption,
    roster: RosterOption,
    period: PeriodOption,
    employee: Annotated[str, typer.Option("--employee", help="Employee id, as in the roster.")],
    deals: DealsOption = None,
) -> None:
    """Show every line of one employee's payslip with its formula and numbers, and the
    deals behind each commission line."""
    loaded = _scheme(scheme)
    when = _period(period)
    people = _roster(roster)
    if employee not in {e.id for e in people.employees}:
        fail(f"--employee: {employee!r} is not in the roster {roster}")
    credited = _deals(deals)
    payroll = _payroll(loaded, people, credited, when)
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


class TestFormat(StrEnum):
    TEXT = "text"
    GITHUB = "github"


@cli.command("test")
def test_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Test files (*.test.yaml), or directories to search for them.", metavar="PATH"
        ),
    ],
    fmt: Annotated[
        TestFormat,
        typer.Option("--format", help="text, or github (also ::error annotations)."),
    ] = TestFormat.TEXT,
) -> None:
    """Run scheme test cases: each case's payroll against the amounts it expects.

    Exit status: 0 every case passed, 1 a case failed, 2 a test file (or the scheme it
    names) could not be read or is not a valid test file; then no case is run.
    """
    from app.schemetest import (
        CollectError,
        SchemeCache,
        TestFile,
        TestFileError,
        collect_test_files,
        github_lines,
        load_test_file,
        result_lines,
        run_file,
        summary,
    )

    try:
        files = collect_test_files(paths)
    except CollectError as exc:
        fail(str(exc))
    limit = _limits()[1]
    schemes: SchemeCache = {}
    loaded: list[TestFile] = []
    problems: list[str] = []
    for path in files:
        try:
            loaded.append(load_test_file(path, max_bytes=limit, schemes=schemes))
        except TestFileError as exc:
            problems.extend(p.render() for p in exc.problems)
    if problems:
        files_text = f"{len(files)} test file{'' if len(files) == 1 else 's'}"
        count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
        fail(*problems, f"{files_text}, {count}: no case was run")
    results = [result for test_file in loaded for result in run_file(test_file)]
    lines = result_lines(results)
    if fmt is TestFormat.GITHUB:
        lines += github_lines(results)
    sys.stdout.write("".join(line + "\n" for line in lines) + summary(results) + "\n")
    raise typer.Exit(0 if all(result.passed for result in results) else 1)


@cli.command()
def openapi() -> None:
    """Print the OpenAPI document of the HTTP service (as committed in openapi.json)."""
    from app.main import openapi_document

    sys.stdout.write(openapi_document())


def _register() -> None:
    from app.cli_db import db_cli
    from app.cli_keys import keys_cli

    cli.add_typer(db_cli, name="db")
    cli.add_typer(keys_cli, name="keys")


_register()


def main() -> None:
    """Entry point of the ``compcalc`` console script."""
    cli()
