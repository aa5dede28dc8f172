"""The columnar JSON writer (app.engine.columnar.explain) writes the Decimal engine's bytes.

A columnar payroll with its columns attached (``LazyPayslips.source``) is written by
``payroll_json`` and ``render`` from the arrays; the documents must equal, byte for byte,
those of the Decimal engine's payroll of the same inputs.  Random schemes and rosters
(tests/support/payrolls.py), derandomized with bounded example counts, and the examples.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from app.engine import Employee, Measure, Payroll, Period, Scheme, parse_scheme
from app.engine.calculate import calculate_decimal, prepare
from app.engine.columnar import calculate
from app.engine.columnar.compute import Overflow
from app.engine.columnar.explain import (
    ColumnarRun,
    Layout,
    columnar_run,
    payslip,
    payslip_texts,
)
from app.engine.results import LazyPayslips
from app.io import load_roster, load_scheme
from app.io.output.payrolljson import payroll_json, render
from tests.support.payrolls import Run, runs

ROOT = Path(__file__).resolve().parents[3]
FAST = settings(derandomize=True, max_examples=80, deadline=None)


def _columnar(scheme: Scheme, period: Period, roster: list[Employee]) -> ColumnarRun | None:
    """The columns of a run, as the columnar engine computes them (None: it would overflow,
    and the Decimal engine computes the payroll)."""
    rules, _, _ = prepare(scheme, period, roster, (), check=True, checked=None)
    try:
        return columnar_run(scheme, period, roster, rules)
    except (Overflow, ArithmeticError):
        return None


def _attached(scheme: Scheme, period: Period, roster: list[Employee]) -> Payroll:
    """The columnar engine's payroll, with the columns it keeps for the writer."""
    payroll = calculate(scheme, period, roster)
    if _columnar(scheme, period, roster) is not None:
        assert isinstance(payroll.payslips, LazyPayslips)
        assert isinstance(payroll.payslips.source, ColumnarRun)
    return payroll


def _same(scheme: Scheme, period: Period, roster: list[Employee]) -> list[str | None]:
    """Assert the written documents equal the Decimal engine's; the writer's texts."""
    expected = calculate_decimal(scheme, period, roster)
    actual = _attached(scheme, period, roster)
    assert payroll_json(actual) == payroll_json(expected)
    assert render(actual).text() == render(expected).text()
    assert render(actual).payslips == render(expected).payslips
    slips = actual.payslips
    if not isinstance(slips, LazyPayslips) or slips.source is None:
        return []
    assert isinstance(slips.source, ColumnarRun)
    return payslip_texts(slips.source)


@FAST
@given(run=runs())
def test_the_writer_writes_the_decimal_engines_bytes(run: Run) -> None:
    doc, period, roster = run
    _same(parse_scheme(doc), period, roster)


@FAST
@given(run=runs(most=12))
def test_every_payslip_without_deals_is_templated(run: Run) -> None:
    """Draws, balances in and out and minimum-wage top-ups included: no payslip is left to
    the Decimal engine's (the strategies credit no negative amount and no deals)."""
    doc, period, roster = run
    scheme = parse_scheme(doc)
    texts = _same(scheme, period, roster)
    if _columnar(scheme, period, roster) is not None:
        assert None not in texts


@FAST
@given(run=runs())
def test_a_single_payslip_read_from_the_columns_is_the_decimal_engines(run: Run) -> None:
    """explain.payslip(run, i): the Decimal engine's payslip, field by field (==), wherever
    the writer templates it; None exactly where payslip_texts is None."""
    doc, period, roster = run
    scheme = parse_scheme(doc)
    columns = _columnar(scheme, period, roster)
    if columns is None:
        return
    expected = calculate_decimal(scheme, period, roster).payslips
    texts = payslip_texts(columns)
    for index, slip in enumerate(expected):
        made = payslip(columns, index)
        assert (made is None) == (texts[index] is None)
        if made is not None:
            assert made == slip


@pytest.mark.parametrize(
    ("scheme_file", "roster_file"),
    [
        ("acme.yaml", "acme-roster.csv"),
        ("acme.yaml", "acme-roster.json"),
        ("acme-draws.yaml", "acme-draws-roster.csv"),
    ],
)
def test_the_examples(scheme_file: str, roster_file: str) -> None:
    scheme = load_scheme(str(ROOT / "examples" / scheme_file), max_bytes=1 << 20).scheme
    roster = load_roster(ROOT / "examples" / roster_file, max_bytes=1 << 20).employees
    period = Period(2027, 3)
    texts = _same(scheme, period, list(roster))
    assert len(texts) == len(roster)
    assert None not in texts  # every payslip written from the columns
    if scheme_file == "acme-draws.yaml":  # the settlement's lines are among them
        codes = {'"code": "draw"', '"code": "draw_recovery"', '"code": "clawback"'}
        assert all(any(code in text for text in texts if text) for code in codes)


def test_a_slip_by_hand() -> None:
    """One prorated rep on the acme rules, compact: 45 000 × 13/22 = 26 590.909… → 26 590.91;
    970 343.74 of new revenue: 600 000 × 15% + 370 343.74 × 20% = 90 000 + 74 068.748 =
    164 068.748 → 164 068.75 (the 250 000 cap is not reached); attainment 970 343.74 × 22 /
    (600 000 × 13) = 2.736867… → 273.69% ≥ 120%: the 15 000 bonus."""
    scheme = load_scheme(str(ROOT / "examples" / "acme.yaml"), max_bytes=1 << 20).scheme
    period = Period(2027, 3)
    start = period.first_day.replace(day=15)  # 13 of March's 22 working days left
    credited = {Measure.NEW_REVENUE: Decimal("970343.74")}
    roster = [Employee("R1", "sales", "rep", name="Rep", start_date=start, credited=credited)]
    run = _columnar(scheme, period, roster)
    assert run is not None
    (text,) = payslip_texts(run, Layout(indent=None))
    assert text is not None
    assert '"proration":"13/22 working days"' in text
    assert '"amount":"26590.91","explanation":"45 000.00 × 13/22 working days = 26 590.91"' in text
    assert (
        '"explanation":"new_revenue 970 343.74: 600 000.00 × 15% + 370 343.74 × 20% = 164 068.75"'
        in text
    )
    assert '"explanation":"new_revenue attainment 273.69% ≥ 120%: 15 000.00"' in text
    assert '"gross":"205659.66"' in text  # 26 590.91 + 164 068.75 + 15 000


def test_a_payroll_without_columns_is_written_from_its_payslips() -> None:
    """The Decimal engine's payroll has no source: the writer is not used."""
    scheme = load_scheme(str(ROOT / "examples" / "acme.yaml"), max_bytes=1 << 20).scheme
    roster = load_roster(ROOT / "examples" / "acme-roster.csv", max_bytes=1 << 20).employees
    payroll = calculate_decimal(scheme, Period(2027, 3), list(roster))
    assert not isinstance(payroll.payslips, LazyPayslips)
    assert payroll_json(payroll).startswith('{\n  "scheme_key": "acme-sales"')


def test_text_json_escapes_and_the_writers_markers(minimal_doc: Any) -> None:
    """Names and labels with quotes, backslashes, control characters, ``%s`` and the
    writer's own placeholder characters are written as json writes them; a label that holds
    a placeholder character sends its role's payslips to the Decimal engine's writer."""
    doc = minimal_doc()
    rep = doc["departments"]["sales"]["roles"]["rep"]
    rep["target"] = {"new_revenue": 600000}
    rep["commission"] = [
        {
            "measure": "new_revenue",
            "label": 'on "new" 100%s \\ \ue000',
            "tiers": [{"from": 0, "rate": "0.1"}],
        }
    ]
    rep["bonuses"] = [{"attainment": "1", "amount": 100, "label": "50%% \ue001 bonus"}]
    scheme = parse_scheme(doc)
    period = Period(2027, 3)
    names = ['Ann "Q" \\ O\'Neil', "tab\there\nline", "%s %d %%", "\ue000 0 \ue001", "Ёлка ≥ ×"]
    roster = [
        Employee(f"E{i}", "sales", "rep", name=name, credited={Measure.NEW_REVENUE: Decimal(i)})
        for i, name in enumerate(names)
    ] + [Employee("C1", "clients", "rep", name='"client"')]
    texts = _same(scheme, period, roster)
    assert texts[:5] == [None] * 5  # the label's marker: written from the payslips
    assert texts[5] is not None and '"name": "\\"client\\""' in texts[5]
    del rep["bonuses"][0]["label"]
    rep["commission"][0]["label"] = 'on "new" 100%s \\'
    texts = _same(parse_scheme(doc), period, roster)
    assert None not in texts
    assert '"name": "tab\\there\\nline"' in (texts[1] or "")
