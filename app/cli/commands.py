"""The ``compcalc`` Typer app: every command and group, in the order ``--help`` lists them."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.curves import curves_command
from app.cli.db import db_cli
from app.cli.documents import payslip_command
from app.cli.impact import impact_command
from app.cli.keys import keys_cli
from app.cli.payroll import break_even_command, calculate_command, explain
from app.cli.push import push_command
from app.cli.runs import runs_cli
from app.cli.schemes import schema, validate
from app.cli.schemetest import test_command
from app.cli.service import openapi, serve
from app.cli.simulate import simulate_command

__all__ = ["cli", "main"]


cli = typer.Typer(
    name="compcalc",
    help="Sales-compensation calculator: validate pay schemes, compute and explain payrolls.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(shown: bool) -> None:
    if shown:
        from app import __version__
        from app.engine import ENGINE_VERSION

        typer.echo(f"compcalc {__version__} (engine {ENGINE_VERSION})")
        raise typer.Exit(0)


@cli.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the release and the engine version (as GET /healthz reports them).",
        ),
    ] = False,
) -> None:
    """Sales-compensation calculator: validate pay schemes, compute and explain payrolls."""


cli.command()(validate)
cli.command()(schema)
cli.command("calculate")(calculate_command)
cli.command()(explain)
cli.command("payslip")(payslip_command)
cli.command("break-even")(break_even_command)
cli.command("impact")(impact_command)
cli.command("curves")(curves_command)
cli.command("simulate")(simulate_command)
cli.command("test")(test_command)
cli.command()(openapi)
cli.command()(serve)
cli.command("push")(push_command)
cli.add_typer(db_cli, name="db")
cli.add_typer(keys_cli, name="keys")
cli.add_typer(runs_cli, name="runs")


def main() -> None:
    """Entry point of the ``compcalc`` console script."""
    cli()
