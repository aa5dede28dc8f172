"""The pay curves as JSON (every point, amounts as strings) and as a text table.

JSON keys are the same in every language (a program reads them); the text table is in the
reader's language.  Attainments and exact pay are plain decimals (``"0.5"``,
``"90000"``); ``gross``, ``base`` and ``variable`` have the currency's minor units.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Final

from app.engine import format_fixed, format_plain
from app.engine.plan.curves import Curve, Curves, PairCurves, Point

from .labels import CurveTexts

__all__ = ["TABLE_ATTAINMENTS", "curves_document", "curves_json", "curves_text"]

#: The attainments of the text table (those inside the range and among the points).
TABLE_ATTAINMENTS: Final = tuple(Decimal(p) for p in ("0", "0.5", "1", "1.5", "2"))


def _point(point: Point, digits: int) -> dict[str, str]:
    shown = {
        "attainment": format_plain(point.attainment),
        "pay": format_plain(point.pay),
        "gross": format_fixed(point.gross, digits),
        "base": format_fixed(point.base, digits),
        "variable": format_fixed(point.variable, digits),
    }
    if point.before is not None:
        shown["pay_before"] = format_plain(point.before)
    return shown


def _curve(curve: Curve, digits: int) -> dict[str, Any]:
    return {
        "role": curve.role,
        "label": curve.label,
        "breakpoints": [format_plain(p) for p in curve.breakpoints],
        "at_target": _point(curve.at_target, digits),
        "points": [_point(p, digits) for p in curve.points],
    }


def curves_document(curves: Curves) -> dict[str, Any]:
    digits = curves.minor_units
    return {
        "scheme": curves.scheme,
        "currency": curves.currency,
        "range": {
            "from": format_plain(curves.range.start),
            "to": format_plain(curves.range.stop),
            "step": format_plain(curves.range.step),
        },
        "policy_attainment": format_plain(curves.policy_attainment),
        "pairs": [
            {
                "sales_role": pair.sales.role,
                "client_role": pair.client.role,
                "break_even": pair.break_even.as_dict(),
                "curves": [_curve(pair.sales, digits), _curve(pair.client, digits)],
            }
            for pair in curves.pairs
        ],
    }


def curves_json(curves: Curves) -> str:
    return json.dumps(curves_document(curves), indent=2, ensure_ascii=False) + "\n"


def _at(curve: Curve, a: Decimal) -> Point | None:
    return next((p for p in curve.points if p.attainment == a), None)


def _pair_text(pair: PairCurves, texts: CurveTexts) -> list[str]:
    rows = [[texts.attainment, pair.sales.role, pair.client.role]]
    for a in TABLE_ATTAINMENTS:
        sales, client = _at(pair.sales, a), _at(pair.client, a)
        if sales is not None and client is not None:
            rows.append([texts.percent(a), texts.money(sales.gross), texts.money(client.gross)])
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [texts.pair_title(pair)]
    lines += [
        "  " + "   ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    ]
    lines.append("  " + texts.break_even(pair))
    for curve in (pair.sales, pair.client):
        lines.append(f"  {curve.label}: {texts.mix(curve)}")
    return lines


def curves_text(curves: Curves, lang: str) -> str:
    """Per pair: pay at 0, 50, 100, 150 and 200% of target, the break-even, the pay mix."""
    texts = CurveTexts(curves, lang)
    lines = [texts.title, texts.policy]
    for pair in curves.pairs:
        lines += ["", *_pair_text(pair, texts)]
    if not curves.pairs:
        lines += ["", texts.no_pairs]
    return "\n".join(lines) + "\n"
