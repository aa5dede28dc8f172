"""The pay-curve chart and report of examples/acme.yaml: text kept as text, deterministic SVG."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Scheme
from app.engine.plan.curves import Curves, Range, pay_curves
from app.io import load_scheme
from app.io.plan.curves import render
from app.io.plan.curvesout import curves_json, curves_text
from app.io.plan.labels import money, percent


@pytest.fixture(scope="module")
def acme() -> Scheme:
    root = Path(__file__).resolve().parents[2]
    return load_scheme(str(root / "examples" / "acme.yaml"), max_bytes=1 << 20, setting="X").scheme


@pytest.fixture(scope="module")
def curves(acme: Scheme) -> Curves:
    return pay_curves(acme)


def test_numbers_in_each_language() -> None:
    assert money(Decimal(45000), "RUB", "ru") == "45\u00a0000\u00a0₽"
    assert money(Decimal(45000), "RUB", "en") == "45,000 RUB"
    assert money(Decimal("516666.67"), "RUB", "en") == "516,666.67 RUB"
    assert percent(Decimal("0.15"), "ru") == "15\u00a0%"
    assert percent(Decimal("0.15"), "en") == "15%"
    assert percent(Decimal("0.8611"), "ru") == "86,11\u00a0%"


def test_the_svg_keeps_its_text_and_has_two_curves_per_pair(curves: Curves) -> None:
    svg = render(curves, "en", "svg").decode("utf-8")

    curve_ids = re.findall(r'<g id="(curve-\d-\w+)">\s*<path', svg)
    assert curve_ids == ["curve-1-sales", "curve-1-client", "curve-2-sales", "curve-2-client"]
    assert len(re.findall(r'<g id="break-even-\d">', svg)) == 2
    assert ">Break-even: 86.11% (122,500 RUB)</text>" in svg
    assert ">Pay curves: Acme sales organisation</text>" in svg
    assert "Head of sales: at 100%: base 66,000 RUB (42%), variable 90,000 RUB (58%)" in svg
    assert render(curves, "en", "svg").decode("utf-8") == svg  # the same bytes every time


def test_a_break_even_outside_the_range_is_written_not_marked(acme: Scheme) -> None:
    svg = render(pay_curves(acme, Range(Decimal(1), Decimal(2), Decimal("0.1"))), "en", "svg")

    text = svg.decode("utf-8")
    assert ">Break-even: 86.11% (122,500 RUB)</text>" in text
    assert '<g id="break-even-1">' not in text and '<g id="break-even-label-1">' in text


def test_png(curves: Curves) -> None:
    assert render(curves, "ru", "png").startswith(b"\x89PNG\r\n\x1a\n")


def test_the_text_table_and_json(curves: Curves) -> None:
    text = curves_text(curves, "en")
    document = json.loads(curves_json(curves))

    assert "        100%   135,000 RUB   122,500 RUB" in text
    assert "  Break-even: 86.11% (122,500 RUB)" in text
    assert "Точка безубыточности: 93,33\u00a0% (150\u00a0000\u00a0₽)" in curves_text(curves, "ru")
    point = document["pairs"][0]["curves"][0]["points"][50]
    assert point == {"attainment": "0.5", "pay": "90000", "gross": "90000.00",
                     "base": "45000.00", "variable": "45000.00", "pay_before": "45000"}  # fmt: skip
    assert document["pairs"][0]["curves"][0]["breakpoints"] == ["0", "0.5", "1", "1.2"]
