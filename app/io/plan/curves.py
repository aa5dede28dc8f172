"""The pay-curve chart: SVG with its text kept as text, or PNG (matplotlib, Agg).

One panel per comparable pair: the sales role's and the client role's pay against
attainment through the engine's points (a jump drawn where pay jumps), the break-even marked
and labelled, the policy attainment marked, and the pay mix at 100% written beside each
curve.  Each element has an id (matplotlib's ``gid``): ``curve-1-sales``, ``curve-1-client``,
``break-even-1``, ``policy-1``, ``mix-1-sales``…  SVG output is deterministic (a fixed hash
salt, no date) and its text is ``<text>`` (``svg.fonttype: none``): searchable and read by
screen readers.  Floats appear only here, as plotting coordinates.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from app.engine.plan.curves import Curve, Curves, PairCurves

from .labels import CurveTexts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["ChartFormat", "render"]

ChartFormat = Literal["svg", "png"]

_SALES: Final = "#c0392b"
_CLIENT: Final = "#2471a3"
_WIDTH, _PANEL_HEIGHT = 9.0, 4.6  # inches
_DPI: Final = 110


def render(curves: Curves, lang: str, fmt: ChartFormat) -> bytes:
    """The chart of ``curves`` in ``lang``, as SVG (UTF-8 text) or PNG bytes."""
    import matplotlib

    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # text stays text
            "svg.hashsalt": "compcalc-curves",  # the ids of clip paths: the same every time
            "font.family": "DejaVu Sans",  # shipped with matplotlib: Cyrillic and ₽
            "font.size": 9,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    ):
        figure = _figure(curves, CurveTexts(curves, lang))
        out = io.BytesIO()
        if fmt == "svg":
            figure.savefig(out, format="svg", metadata={"Date": None})
        else:
            figure.savefig(out, format="png", dpi=_DPI, metadata={"Software": None})
    return out.getvalue()


def _figure(curves: Curves, texts: CurveTexts) -> Figure:
    from matplotlib.figure import Figure

    count = max(len(curves.pairs), 1)
    figure = Figure(figsize=(_WIDTH, _PANEL_HEIGHT * count + 0.6), layout="constrained")
    figure.suptitle(texts.title, fontsize=12, gid="title")
    axes = figure.subplots(count, 1, squeeze=False)[:, 0]
    for number, (ax, pair) in enumerate(zip(axes, curves.pairs, strict=False), start=1):
        _panel(ax, number, pair, curves, texts)
    if not curves.pairs:
        axes[0].set_axis_off()
    return figure


def _xy(curve: Curve) -> tuple[list[float], list[float]]:
    """Plot coordinates (attainment in %, pay): a jump gets its left limit first."""
    xs: list[float] = []
    ys: list[float] = []
    for point in curve.points:
        x = float(point.attainment * 100)
        if point.before is not None:
            xs.append(x)
            ys.append(float(point.before))
        xs.append(x)
        ys.append(float(point.pay))
    return xs, ys


def _panel(ax: Axes, number: int, pair: PairCurves, curves: Curves, texts: CurveTexts) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.set_title(texts.pair_title(pair), gid=f"pair-{number}")
    for side, curve, color in (("sales", pair.sales, _SALES), ("client", pair.client, _CLIENT)):
        xs, ys = _xy(curve)
        ax.plot(xs, ys, color=color, linewidth=1.8, label=curve.label, gid=f"curve-{number}-{side}")
    _policy(ax, number, curves, texts)
    _break_even(ax, number, pair, curves, texts)
    _mix(ax, number, pair, curves, texts)
    ax.set_xlim(float(curves.range.start * 100), float(curves.range.stop * 100))
    highest = max(p.pay for c in (pair.sales, pair.client) for p in c.points)
    ax.set_ylim(0, float(highest) * 1.15)
    ax.set_xlabel(texts.x_label)
    ax.set_ylabel(texts.y_label)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _tick(v, texts.lang)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _tick(v, texts.lang)))
    ax.legend(loc="upper left", frameon=False)


def _tick(value: float, lang: str) -> str:
    """A tick label: a plot coordinate (a percent, an amount) as a grouped whole number."""
    from babel.numbers import format_decimal

    return format_decimal(Decimal(round(value)), format="#,##0", locale=lang)


def _policy(ax: Axes, number: int, curves: Curves, texts: CurveTexts) -> None:
    if not curves.range.covers(curves.policy_attainment):
        return
    x = float(curves.policy_attainment * 100)
    ax.axvline(x, color="#555555", linestyle="--", linewidth=1, gid=f"policy-{number}")
    ax.annotate(
        texts.policy,
        (x, 0.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, 4),
        textcoords="offset points",
        ha="left",
        va="bottom",
        color="#555555",
        gid=f"policy-label-{number}",
    )


def _break_even(ax: Axes, number: int, pair: PairCurves, curves: Curves, texts: CurveTexts) -> None:
    even = pair.break_even
    label = texts.break_even(pair)
    if even.attainment is None or not curves.range.covers(even.attainment):
        ax.text(0.99, 0.02, label, transform=ax.transAxes, ha="right", va="bottom",
                gid=f"break-even-label-{number}")  # fmt: skip
        return
    x, y = float(even.attainment * 100), float(even.client_pay)
    if curves.range.covers(even.client_attainment):  # the client's pay it has to reach
        ax.plot([float(even.client_attainment * 100), x], [y, y], color="black", linewidth=0.8,
                linestyle=":", gid=f"break-even-level-{number}")  # fmt: skip
    ax.plot([x], [y], marker="o", markersize=7, color="black", linestyle="none",
            gid=f"break-even-{number}")  # fmt: skip
    ax.annotate(label, (x, y), xytext=(-10, 24), textcoords="offset points", ha="right",
                va="bottom", fontweight="bold", arrowprops={"arrowstyle": "-", "color": "black"},
                gid=f"break-even-label-{number}")  # fmt: skip


def _mix(ax: Axes, number: int, pair: PairCurves, curves: Curves, texts: CurveTexts) -> None:
    """The pay mix at 100% beside each curve, right-aligned over the right 60% of the range:
    the higher curve's above its highest point there, the other's below its lowest."""
    start, stop = curves.range.start, curves.range.stop
    left = start + (stop - start) * Decimal("0.4")
    window = {
        side: [p.pay for p in c.points if p.attainment >= left]
        for side, c in (("sales", pair.sales), ("client", pair.client))
    }
    for side, curve, color in (("sales", pair.sales, _SALES), ("client", pair.client, _CLIENT)):
        other = window["client" if side == "sales" else "sales"]
        higher = window[side][-1] >= other[-1]
        y = max(window[side]) if higher else min(window[side])
        ax.annotate(
            f"{curve.label}: {texts.mix(curve)}",
            (float(stop * 100), float(y)),
            xytext=(-4, 6 if higher else -8),
            textcoords="offset points",
            ha="right",
            va="bottom" if higher else "top",
            color=color,
            fontsize=8,
            gid=f"mix-{number}-{side}",
        )
