"""Payrolls with deals: the columnar engine credits them in columns and writes the Decimal
engine's JSON and CSV bytes.

The deals, splits, refunds, hand-offs and key accounts are those of
tests/engine/columnar/test_deals_properties.py; the pay rules (tiers, caps, thresholds,
overrides, bonuses, draws, minimum wages) and the employees (part periods, fte, balances)
those of tests/engine/columnar/test_equivalence.py, with a commission on growth revenue too.
Deterministic (derandomized), bounded example counts.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from app.engine import Deal, Employee, InputError, Measure, parse_scheme
from app.engine.calculate import calculate_decimal
from app.engine.columnar import calculate, supports
from app.engine.columnar.deals import credit_columns
from app.engine.columnar.deals_columns import DealColumns
from app.io.output.payrollcsv import payroll_csv
from app.io.output.payrolljson import payroll_json
from tests.cli.conftest import ACME_INPUT
from tests.engine.columnar.test_deals_properties import PERIOD, Case, _cases
from tests.support.payrolls import DIGITS, employee, rule, scheme_doc, valid

Run = tuple[Any, list[Employee], list[Deal]]
FAST = settings(derandomize=True, max_examples=80, deadline=None)
HEAVY = settings(derandomize=True, max_examples=400, deadline=None)


@st.composite
def _payrolls(draw: st.DrawFn) -> Run:
    """A scheme with pay rules and deal rules, a roster of the deals' people, the deals."""
    case: Case = draw(_cases())
    doc = case.scheme.model_dump(mode="json", by_alias=True, exclude_none=True)
    pay = scheme_doc(draw, doc["currency"])
    rep = pay["departments"]["sales"]["roles"]["rep"]
    rep["bonuses"][0]["measure"] = "new_revenue"
    rep["target"]["growth_revenue"] = draw(st.sampled_from([1000, 250000]))
    rep["commission"].append(draw(rule("growth_revenue")))
    for key in ("departments", "rounding", "calendar"):
        doc[key] = pay[key]
    if "minimum_wage" in pay:
        doc["minimum_wage"] = pay["minimum_wage"]
    scheme = parse_scheme(doc)
    digits = DIGITS[doc["currency"]]
    roster = [
        replace(valid(employee(draw, i, PERIOD, digits), PERIOD), id=who)
        for i, who in enumerate(case.roster)
    ]
    return scheme, roster, case.deals


def _same(run: Run) -> None:
    scheme, roster, deals = run
    assert supports(scheme, roster, deals) is None
    try:
        expected = calculate_decimal(scheme, PERIOD, roster, deals)
    except InputError as refused:
        with pytest.raises(InputError) as also:
            calculate(scheme, PERIOD, roster, deals)
        assert also.value.problems == refused.problems
        event(f"refused {sorted({p.code for p in refused.problems})}")
        return
    actual = calculate(scheme, PERIOD, roster, deals)
    assert payroll_json(actual) == payroll_json(expected)
    assert payroll_csv(actual) == payroll_csv(expected)
    assert actual.total == expected.total
    assert actual.findings == expected.findings
    assert actual.report == expected.report
    assert actual.credited_deals == expected.credited_deals
    # Which engines computed it (the crediting may hand a batch to the Decimal crediting).
    credits = credit_columns(
        scheme, PERIOD, DealColumns.from_deals(deals, scheme.minor_units), [e.id for e in roster]
    )
    event(f"payroll {actual.engine}, deals {credits.engine}")
    if any(slip.credited.get(Measure.GROWTH_REVENUE) for slip in expected.payslips):
        event("growth credited")
    if any(line.code == "commission_clawback" for s in expected.payslips for line in s.lines):
        event("commission taken back")


@FAST
@given(run=_payrolls())
def test_payrolls_with_deals_are_the_decimal_engines_bytes(run: Run) -> None:
    _same(run)


@pytest.mark.slow
@HEAVY
@given(run=_payrolls())
def test_payrolls_with_deals_are_the_decimal_engines_bytes_many(run: Run) -> None:
    _same(run)


def test_acme_with_its_deals_is_computed_in_columns() -> None:
    """examples/acme with examples/acme-deals.csv and .json: the columnar engine credits and
    computes it, and writes the Decimal engine's bytes (the figures are hand-computed in
    tests/cli/test_deals.py)."""
    from app.cli.inputs import checked_scheme, read_deals, read_roster, read_scheme
    from app.engine import Period

    assert ACME_INPUT[1] == "examples/acme.yaml"
    loaded = read_scheme("examples/acme.yaml")
    roster = read_roster("examples/acme-roster.csv").employees
    checked, _ = checked_scheme(loaded)
    period = Period.parse("2027-03")
    for path in ("examples/acme-deals.csv", "examples/acme-deals.json"):
        file = read_deals(path)
        assert file is not None
        deals = file.deals
        actual = calculate(loaded.scheme, period, roster, deals, checked=checked)
        expected = calculate_decimal(loaded.scheme, period, roster, deals, checked=checked)
        assert actual.engine == "columnar"
        credits = credit_columns(
            loaded.scheme,
            period,
            DealColumns.from_deals(deals, loaded.scheme.minor_units),
            [e.id for e in roster],
        )
        assert credits.engine == "columnar", credits.reason
        assert payroll_json(actual) == payroll_json(expected)
        assert payroll_csv(actual) == payroll_csv(expected)
        # E-15: 250 000 typed in + 100 000 (half of D-102) - 20 000 (D-104) = 330 000 x 15%
        e15 = next(s for s in actual.payslips if s.employee_id == "E-15")
        assert str(e15.lines[1].amount) == "49500.00"
