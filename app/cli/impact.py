"""``compcalc impact``: what a plan change does to people — one roster's pay under two
scheme files, per employee, role and department, and everyone whose pay falls."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from app.cli.impactpop import (
    population_impact,
    population_json,
    population_markdown,
    population_text,
)
from app.cli.inputs import compute_payroll, fail, read_deals, read_period, read_roster, read_scheme
from app.cli.options import DealsOption
from app.engine.plan.impact import ImpactError, comparable, compare_payrolls, roles_missing
from app.io import LoadedScheme
from app.io.output.impact import impact_json, impact_markdown, impact_text

__all__ = ["ImpactFormat", "impact_command"]

#: Exit status with ``--fail-on-cut`` when anyone's pay falls.
PAY_FALLS = 1


class ImpactFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


def impact_command(
    old: Annotated[
        str, typer.Option("--from", help="The scheme file as it is (e.g. the published one).")
    ],
    new: Annotated[str, typer.Option("--to", help="The changed scheme file.")],
    roster: Annotated[
        str | None,
        typer.Option("--roster", help="Roster file (.csv or .json) whose pay is compared."),
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Pay period, YYYY-MM (2027-03).")
    ] = None,
    deals: DealsOption = None,
    fmt: Annotated[
        ImpactFormat,
        typer.Option("--format", help="text, json, or markdown (a pull-request comment)."),
    ] = ImpactFormat.TEXT,
    fail_on_cut: Annotated[
        bool,
        typer.Option("--fail-on-cut", help="Exit 1 when anyone's pay falls (for CI)."),
    ] = False,
    population: Annotated[
        str | None,
        typer.Option(
            "--population",
            help="Instead of a roster: a population file (as compcalc simulate reads it), "
            "simulated under both versions; the change in P(sales out-earn client).",
        ),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", min=1, max=1_000_000, help="With --population: runs.")
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="With --population: seed.")] = 1,
) -> None:
    """Compare one roster's payroll under two versions of a scheme: each employee's gross
    under both and the difference, the lines that changed, the totals per role and
    department, and every pay cut (PAY_CUT). Differences come from the exact payslips.
    With --population instead: the change in P(sales out-earn client) per role pair."""
    if population is not None and (roster is not None or period is not None or deals):
        fail("--population is instead of --roster, --period and --deals: give one or the other")
    if population is not None and fail_on_cut:
        fail("--fail-on-cut needs --roster: a simulated population has no one whose pay falls")
    if population is None and (roster is None or period is None):
        fail(
            "--roster and --period are required (or --population): the roster whose pay is "
            "compared, and the period"
        )
    before, after = read_scheme(old), read_scheme(new)
    try:
        comparable(
            before.scheme.key, before.scheme.currency, after.scheme.key, after.scheme.currency
        )
    except ImpactError as exc:
        fail(f"--from {old}, --to {new}: error {exc.code}: {exc}")
    if population is not None:
        _population(before, after, population, runs, seed, fmt)
        return
    assert roster is not None and period is not None
    when = read_period(period)
    people = read_roster(roster)
    credited = read_deals(deals)
    missing = roles_missing(before.scheme, after.scheme, people.employees)
    if missing:
        fail(*(f"{roster}: error {e.code}: {e} (--from {old}, --to {new})" for e in missing))
    warnings: list[str] = []
    payrolls = [
        compute_payroll(loaded, people, credited, when, warnings=warnings)
        for loaded in (before, after)
    ]
    for line in dict.fromkeys(warnings):  # a finding both versions have, once
        typer.echo(line, err=True)
    impact = compare_payrolls(*payrolls)
    title = f"Impact of {new} (from {old}) on {roster}, {when}"
    if fmt is ImpactFormat.JSON:
        sys.stdout.write(impact_json(impact, {"from": old, "to": new}))
    elif fmt is ImpactFormat.MARKDOWN:
        sys.stdout.write(impact_markdown(impact, title))
    else:
        sys.stdout.write(impact_text(impact, title))
    if fail_on_cut and impact.cuts:
        typer.echo(f"{len(impact.cuts)} employee(s) would be paid less (PAY_CUT)", err=True)
        raise typer.Exit(PAY_FALLS)


def _population(
    before: LoadedScheme, after: LoadedScheme, path: str, runs: int, seed: int, fmt: ImpactFormat
) -> None:
    impact = population_impact(before, after, path, runs, seed)
    title = f"Impact of {after.path} (from {before.path}) on the population {path}"
    if fmt is ImpactFormat.JSON:
        extra = {"from": before.path, "to": after.path, "population": path}
        sys.stdout.write(population_json(impact, extra))
    elif fmt is ImpactFormat.MARKDOWN:
        sys.stdout.write(population_markdown(impact, title))
    else:
        sys.stdout.write(population_text(impact, title))
