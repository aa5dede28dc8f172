"""``compcalc curves``: each comparable role pair's pay against attainment, as a table, JSON
or a chart (SVG with its text kept as text, or PNG)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.cli.inputs import checked_scheme, fail, language, read_scheme
from app.cli.options import LangOption, SchemeOption
from app.engine import check_scheme
from app.engine.plan.curves import Range, RangeError, pay_curves
from app.io import atomic_write
from app.io.schemes.formats import finding_line

__all__ = ["CurvesFormat", "curves_command"]

_CHARTS = {".svg": "svg", ".png": "png"}


class CurvesFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def curves_command(
    scheme: SchemeOption,
    output: Annotated[
        str | None,
        typer.Option("--output", help="Write the chart to this file: .svg or .png."),
    ] = None,
    fmt: Annotated[
        CurvesFormat,
        typer.Option("--format", help="text (pay at 0–200% per pair) or json (every point)."),
    ] = CurvesFormat.TEXT,
    start: Annotated[str, typer.Option("--from", help="First attainment (0 = 0%).")] = "0",
    stop: Annotated[str, typer.Option("--to", help="Last attainment, at most 10.")] = "2",
    step: Annotated[str, typer.Option("--step", help="Between grid points (0.01 = 1%).")] = "0.01",
    lang: LangOption = None,
) -> None:
    """Pay against attainment of each sales role and its client role: break-even, policy
    attainment and the pay mix at 100%; kinks exactly at tiers, thresholds, caps and bonuses."""
    chosen = language(lang)
    try:
        grid = Range.parse(start, stop, step)
    except RangeError as exc:
        fail(f"--{exc.field}: error {exc.code}: {exc.message}")
    suffix = None if output is None else Path(output).suffix.lower()
    if output is not None and suffix not in _CHARTS:
        fail(f"--output: {output!r} must end in .svg or .png")
    loaded = read_scheme(scheme)
    checked, weakened = checked_scheme(loaded)
    findings = weakened + loaded.locate(check_scheme(checked))
    if any(f.data.get("kind") == "structure" for f in findings):
        fail(*(finding_line(loaded.path, f) for f in findings))
    curves = pay_curves(checked, grid)
    if output is not None and suffix is not None:
        from app.io.plan.curves import render

        atomic_write(output, render(curves, chosen, "svg" if suffix == ".svg" else "png"))
    elif fmt is CurvesFormat.JSON:
        from app.io.plan.curvesout import curves_json

        sys.stdout.write(curves_json(curves))
    else:
        from app.io.plan.curvesout import curves_text

        sys.stdout.write(curves_text(curves, chosen))
