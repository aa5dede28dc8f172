"""The columnar engine equals the Decimal engine: the same JSON bytes, line by line.

Random schemes (tiers on amounts and on attainment, both modes, thresholds, caps and cap
multiples, overrides, bonuses, draws, minimum wages per jurisdiction), random rosters (every
kind of part period: hire and leave dates, unpaid days, fte) with balances, in RUB (2 minor
digits), JPY (0) and KWD (3), both rounding modes, amounts on half-unit edges.  The strategies
are tests/support/payrolls.py's.  Deterministic (derandomized), bounded example counts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import Employee, Measure, Period, Rounding, parse_scheme, round_money
from app.engine.calculate import calculate_decimal, prepare
from app.engine.columnar import (
    Overflow,
    calculate,
    compute_columns,
    roster_columns,
    round_div,
    supports,
)
from app.engine.columnar.compute import exact_total
from app.engine.money import EXACT
from app.io.output.payrolljson import payroll_json
from tests.support.payrolls import Run, runs

D = Decimal
NEW = Measure.NEW_REVENUE
FAST = settings(derandomize=True, max_examples=60, deadline=None)
HEAVY = settings(derandomize=True, max_examples=400, deadline=None)


# --- round_div is round_money ----------------------------------------------------------------


def _reference(num: int, den: int, digits: int, mode: Rounding) -> int:
    with localcontext(EXACT):
        value = round_money(D(num).scaleb(-digits), digits, mode, den)
        return int(value.scaleb(digits))


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    num=st.integers(-(10**15), 10**15),
    den=st.integers(1, 10**6),
    digits=st.sampled_from([0, 2, 3]),
    mode=st.sampled_from(list(Rounding)),
)
def test_round_div_is_round_money(num: int, den: int, digits: int, mode: Rounding) -> None:
    assert int(round_div(np.array([num]), den, mode)[0]) == _reference(num, den, digits, mode)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    units=st.integers(-(10**12), 10**12),
    half=st.integers(1, 10**5),
    digits=st.sampled_from([0, 2, 3]),
    mode=st.sampled_from(list(Rounding)),
    nudge=st.sampled_from([-1, 0, 1]),
)
def test_round_div_on_half_unit_edges(
    units: int, half: int, digits: int, mode: Rounding, nudge: int
) -> None:
    den = 2 * half  # num = units + 1/2 exactly (nudge 0), or just either side of the tie
    num = units * den + half + nudge
    assert int(round_div(np.array([num]), den, mode)[0]) == _reference(num, den, digits, mode)


def test_round_div_ties_by_hand() -> None:
    """2.5 → 3 (half_up) or 2 (half_even); 3.5 → 4 both; -2.5 → -3 / -2."""
    nums, dens = np.array([5, 7, -5, -7, 5]), np.array([2, 2, 2, 2, 4])
    assert round_div(nums, dens, Rounding.HALF_UP).tolist() == [3, 4, -3, -4, 1]
    assert round_div(nums, dens, Rounding.HALF_EVEN).tolist() == [2, 4, -2, -4, 1]


# --- random payrolls -------------------------------------------------------------------------


def _overflows(scheme: Any, period: Period, roster: list[Employee]) -> bool:
    """Whether the proven bounds refuse the batch (then the Decimal engine computes it):
    the columns, their computation or the payroll's total could leave int64."""
    rules, _, _ = prepare(scheme, period, roster, (), check=True, checked=None)
    try:
        out = compute_columns(scheme, period, roster_columns(scheme, period, roster, rules))
        exact_total(out.gross)
    except Overflow:
        return True
    return False


def _same(run: Run) -> None:
    doc, period, roster = run
    scheme = parse_scheme(doc)
    expected = calculate_decimal(scheme, period, roster)
    actual = calculate(scheme, period, roster)
    assert supports(scheme, roster) is None
    engine = "decimal" if _overflows(scheme, period, roster) else "columnar"
    assert actual.engine == engine and expected.engine == "decimal"
    assert payroll_json(actual) == payroll_json(expected)
    assert actual.total == expected.total
    assert actual.findings == expected.findings
    assert actual.report == expected.report


@FAST
@given(run=runs())
def test_the_columnar_engine_writes_the_decimal_engines_bytes(
    run: Run,
) -> None:
    _same(run)


@pytest.mark.slow
@HEAVY
@given(run=runs(most=30))
def test_the_columnar_engine_writes_the_decimal_engines_bytes_many(
    run: Run,
) -> None:
    _same(run)


# --- overflow --------------------------------------------------------------------------------


def test_a_batch_that_could_overflow_is_computed_by_the_decimal_engine(
    minimal_doc: Any,
) -> None:
    """KWD (3 digits): 10^13 of credit is 10^16 minor units; × D (fte 0.0001… over 21 working
    days: 10^20 × 21) × R would pass 2^63, so the Decimal engine computes it, exactly."""
    doc = minimal_doc()
    doc["currency"] = "KWD"
    rep = doc["departments"]["sales"]["roles"]["rep"]
    rep["target"] = {"new_revenue": 10**13}
    rep["commission"] = [{"measure": "new_revenue", "tiers": [{"from": 0, "rate": "0.1234567"}]}]
    scheme = parse_scheme(doc)
    roster = [
        Employee(
            "BIG",
            "sales",
            "rep",
            fte=D("0.12345678901234567891"),
            start_date=date(2027, 3, 10),
            credited={NEW: D(10**13)},
        )
    ]
    period = Period(2027, 3)
    with pytest.raises(Overflow):
        compute_columns(scheme, period, roster_columns(scheme, period, roster))
    payroll = calculate(scheme, period, roster)
    assert payroll.engine == "decimal"
    expected = calculate_decimal(scheme, period, roster)
    assert payroll_json(payroll) == payroll_json(expected)
    # by hand: 10^13 × 0.1234567 = 1 234 567 000 000 exactly, not prorated (tiers on amounts)
    line = payroll.payslips[0].lines[1]
    assert line.amount == D("1234567000000.000")
