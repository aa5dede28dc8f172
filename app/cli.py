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
from typing import Annotated

import typer

from app.cli_inputs import (
    LIVE,
    compute_payroll,
    fail,
    file_limits,
    read_deals,
    read_period,
    read_roster,
    read_scheme,
)
from app.cli_schemetest import test_command
from app.engine import Payroll, Scheme, break_even, check_scheme
from app.engine.roster import work_calendar
from app.io import (
    atomic_write,
    explain_text,
    payroll_csv,
    payroll_json,
    payroll_table,
    validate_file,
)
from app.io.balances import balances_csv, balances_json
from app.io.progress import StepsGate
from app.io.reports import (
    break_even_json,
    break_even_text,
    finding_line,
    github_report,
    json_report,
    summary_line,
    text_report,
)
from app.io.validation import CollectError, collect_files, exit_code

__all__ = ["cli", "main"]


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
    limit = file_limits()[0]
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
            text = "" if to_terminal else _render(payroll, fmt)
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
    loaded = read_scheme(scheme)
    when = read_period(period)
    people = read_roster(roster)
    if employee not in {e.id for e in people.employees}:
        fail(f"--employee: {employee!r} is not in the roster {roster}")
    credited = read_deals(deals)
    payroll = compute_payroll(loaded, people, credited, when)
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
    loaded = read_scheme(scheme)
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


cli.command("test")(test_command)


@cli.command()
def openapi() -> None:
    """Print the OpenAPI document of the HTTP service (as committed in openapi.json)."""
    from app.main import openapi_document

    sys.stdout.write(openapi_document())


@cli.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on (default COMPCALC_HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="TCP port (default COMPCALC_PORT, 8000).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default COMPCALC_WORKERS, 1).")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Serve the HTTP API (run `compcalc db upgrade` first: this does not migrate)."""
    from app.serve import serve as run
    from app.settings import get_settings

    settings = get_settings()
    run(
        host or settings.host,
        port or settings.port,
        workers or settings.workers,
        log_level=log_level,
        access_log=access_log,
    )


def _register() -> None:
    from app.cli_db import db_cli
    from app.cli_keys import keys_cli

    cli.add_typer(db_cli, name="db")
    cli.add_typer(keys_cli, name="keys")


_register()


def main() -> None:
    """Entry point of the ``compcalc`` console script."""
    cli()


if __name__ == "__main__":  # python -m app.cli, as the local service helpers start it
    main()
