"""The chart of the department report: pay per department and role, a box plot (matplotlib's
Agg), as an SVG ``data:`` URL the document carries inline.

Each box is drawn from the payslips' gross pay in whole minor units (exact integers); only the
drawing turns them into coordinates. The SVG keeps its text as text (``svg.fonttype: none``),
so the browser or WeasyPrint draws it in the document's fonts, and it is the same file for the
same figures (a fixed ``svg.hashsalt``, no date).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from app.i18n import translation

from .labels import SchemeLabels

__all__ = ["pay_chart"]


def pay_chart(
    slips: Iterable[Mapping[str, Any]], labels: SchemeLabels, currency: str, lang: str
) -> str:
    """The ``data:image/svg+xml;base64,…`` URL of the box plot of gross pay per role."""
    _ = translation(lang).gettext
    groups: dict[tuple[str, str], list[Decimal]] = {}
    for slip in slips:
        groups.setdefault((slip["department"], slip["role"]), []).append(Decimal(slip["gross"]))
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    names = [f"{labels.department(d)}: {labels.role(d, r)}" for d, r in groups]
    # Drawing needs coordinates; the figures behind them stay exact above.
    values = [[float(v) for v in pay] for pay in groups.values()]
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "compcalc"}):
        figure = Figure(figsize=(9, 0.6 * max(len(names), 2) + 1.4))
        ax = figure.subplots()
        if values:
            ax.boxplot(values, orientation="horizontal", tick_labels=names, showfliers=True)
        ax.invert_yaxis()
        ax.set_xlabel(_("Gross pay for the period, {currency}").format(currency=currency))
        ax.set_title(_("Pay per department and role"))
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _pos: format_decimal(round(x), locale=lang))
        )
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")
