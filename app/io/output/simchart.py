"""The chart of a simulation: a box plot of pay per role (SVG or PNG, matplotlib's Agg).

Each box is drawn from exact percentiles of the simulated payslips (p5, p25, p50, p75, p95 of
whole minor units, numpy's ``inverted_cdf``); only the drawing turns them into coordinates.
Text stays text in the SVG (``svg.fonttype: none``) and the file is the same for the same
figures (a fixed ``svg.hashsalt``, no date).
"""

from __future__ import annotations

import io
from typing import Any, Final, Literal

import numpy as np
from babel.numbers import format_decimal

from app.engine.plan.simulate import Simulation
from app.i18n import translation
from app.io.plan.labels import currency_name

__all__ = ["ChartFormat", "simulation_chart"]

ChartFormat = Literal["svg", "png"]
_SHARES: Final = [5, 25, 50, 75, 95]


def _boxes(sim: Simulation) -> list[dict[str, Any]]:
    by_role: dict[str, list[int]] = {}
    for index, col in enumerate(sim.columns):
        by_role.setdefault(f"{col.department}.{col.role}", []).append(index)
    boxes = []
    scale = 10**sim.minor_units
    for role, cols in by_role.items():
        units = np.percentile(sim.pay[:, cols].ravel(), _SHARES, method="inverted_cdf")
        low, q1, med, q3, high = (int(u) / scale for u in units)
        boxes.append(
            {"label": role, "whislo": low, "q1": q1, "med": med, "q3": q3, "whishi": high,
             "fliers": []}
        )  # fmt: skip
    return boxes


def simulation_chart(sim: Simulation, fmt: ChartFormat, lang: str = "en") -> bytes:
    """The chart as SVG or PNG bytes, its texts in ``lang`` (ru or en)."""
    _ = translation(lang).gettext
    x_label = _("Pay per period, {currency}; boxes p25–p75, whiskers p5–p95").format(
        currency=currency_name(sim.currency, lang)
    )
    title = _("{scheme} {period}: simulated pay per role ({runs} runs)").format(
        scheme=sim.scheme_key, period=sim.period, runs=format_decimal(sim.runs, locale=lang)
    )
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "compcalc"}):
        figure = Figure(figsize=(9, 5))
        ax = figure.subplots()
        boxes = _boxes(sim)
        ax.bxp(boxes, orientation="horizontal", showfliers=False)
        ax.set_xlabel(x_label)
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
        figure.tight_layout()
        out = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()
