"""``compcalc simulate``: the costing model — many simulated periods of one scheme."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from app.cli.inputs import LIVE, checked_scheme, fail, file_limits, language, read_scheme
from app.cli.options import LangOption, SchemeOption
from app.engine import SchemeError
from app.io.output.progress import StepsGate
from app.io.schemes.formats import finding_line

__all__ = ["SimulationFormat", "simulate_command"]


class SimulationFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def simulate_command(
    scheme: SchemeOption,
    population: Annotated[
        str,
        typer.Option(
            "--population",
            help="Population file (.yaml or .json): headcount per role and an attainment "
            "distribution per measure (docs/plan-design.md).",
        ),
    ],
    runs: Annotated[
        int, typer.Option("--runs", min=1, max=1_000_000, help="Simulated periods.")
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the generator (PCG64).")] = 1,
    fmt: Annotated[
        SimulationFormat, typer.Option("--format", help="text or json.")
    ] = SimulationFormat.TEXT,
    chart: Annotated[
        str | None,
        typer.Option("--chart", help="Also draw pay per role as a box plot (.svg or .png)."),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Simulate many periods of a population under a scheme: P(sales out-earn client staff),
    pay and attainment percentiles per role, expected and p95 payroll per department. Every
    simulated payslip is computed by the engine."""
    from app.engine.plan.simstats import summarise
    from app.engine.plan.simulate import simulate
    from app.io import atomic_write
    from app.io.output.simulation import simulation_json, simulation_text
    from app.io.population import PopulationFileError, load_population

    chosen = language(lang)
    chart_format = None
    if chart is not None:
        suffix = chart.rsplit(".", 1)[-1].lower() if "." in chart else ""
        if suffix not in ("svg", "png"):
            fail(f"--chart {chart}: expected a .svg or .png file name")
        chart_format = suffix
    loaded = read_scheme(scheme)
    checked, weakened = checked_scheme(loaded)
    for finding in weakened:
        typer.echo(finding_line(loaded.path, finding, "warning"), err=True)
    try:
        people = load_population(population, loaded.scheme, max_bytes=file_limits()[0])
    except PopulationFileError as exc:
        fail(*exc.lines)
    progress = StepsGate(sys.stderr, min_rows=100)
    LIVE.append(progress)
    try:
        with progress:
            update = progress.step(f"Simulating {runs:,} runs".replace(",", " "), runs)
            try:
                sim = simulate(
                    loaded.scheme, people, runs=runs, seed=seed, checked=checked, progress=update
                )
            except SchemeError as exc:
                fail(*(finding_line(loaded.path, f) for f in loaded.locate(exc.findings)))
    finally:
        LIVE.remove(progress)
    summary = summarise(sim)
    if chart is not None and chart_format is not None:
        from app.io.output.simchart import simulation_chart

        data = simulation_chart(sim, "svg" if chart_format == "svg" else "png", chosen)
        try:
            atomic_write(chart, data)
        except OSError as exc:
            fail(f"--chart {chart}: cannot write the file: {exc.strerror or exc}")
    text = (
        simulation_json(sim, summary)
        if fmt is SimulationFormat.JSON
        else simulation_text(sim, summary, chosen)
    )
    typer.echo(text, nl=False)
