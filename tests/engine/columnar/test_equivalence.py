"""The columnar engine equals the Decimal engine: the same JSON bytes, line by line.

Random schemes (tiers on amounts and on attainment, both modes, thresholds, caps and cap
multiples, overrides, bonuses, draws, minimum wages per jurisdiction), random rosters (every
kind of part period: hire and leave dates, unpaid days, fte) with balances, in RUB (2 minor
digits), JPY (0) and KWD (3), both rounding modes, amounts on half-unit edges.  The strategies
follow tests/engine/test_properties.py.  Deterministic (derandomized), bounded example counts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import Employee, Measure, Period, Rounding, WorkCalendar, parse_scheme, round_money
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

Doc = dict[str, Any]
D = Decimal
NEW, REPEAT = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE
DIGITS = {"RUB": 2, "JPY": 0, "KWD": 3}
HOLIDAYS = ["2027-01-01", "2027-01-07", "2027-02-23", "2027-03-08", "2027-05-03"]
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


def _money(digits: int, high: int) -> st.SearchStrategy[Decimal]:
    """Amounts in [0, high], at most ``digits`` decimals; often on a half-unit edge of a
    percentage (…50 in the last digits) so that rates hit ties."""
    exact = st.integers(0, high * 10**digits).map(lambda u: D(u).scaleb(-digits))
    edges = st.integers(0, high // 100).map(lambda k: D(k * 100 + 50).scaleb(-digits))
    return exact | edges


_rates = st.integers(0, 400).map(lambda permille: D(permille).scaleb(-3))
_fine_rates = st.integers(0, 4000).map(lambda x: D(x).scaleb(-4))


@st.composite
def _tiers(draw: st.DrawFn, attainment: bool) -> list[dict[str, str]]:
    count = draw(st.integers(1, 4))
    if attainment:
        steps = draw(st.lists(st.integers(0, 60), min_size=count, max_size=count, unique=True))
        starts = [str(D(step) * D("0.05")) for step in sorted(steps)]
        key = "from_attainment"
    else:
        amounts = draw(st.lists(st.integers(0, 3000), min_size=count, max_size=count, unique=True))
        starts = [str(amount * 1000) for amount in sorted(amounts)]
        key = "from"
    rates = sorted(draw(st.lists(_rates | _fine_rates, min_size=count, max_size=count)))
    return [{key: start, "rate": str(rate)} for start, rate in zip(starts, rates, strict=True)]


@st.composite
def _rule(draw: st.DrawFn, measure: str) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "measure": measure,
        "mode": draw(st.sampled_from(["marginal", "retroactive"])),
        "tiers": draw(_tiers(draw(st.booleans()))),
    }
    if draw(st.booleans()):
        rule["threshold"] = str(D(draw(st.integers(0, 20))) * D("0.05"))
    cap = draw(st.sampled_from(["none", "amount", "multiple"]))
    if cap == "amount":
        rule["cap"] = draw(st.integers(0, 500)) * 1000
    elif cap == "multiple":
        rule["cap_multiple"] = str(D(draw(st.integers(0, 40))) * D("0.25"))
    return rule


def _scheme_doc(draw: st.DrawFn, currency: str | None = None) -> Doc:
    if currency is None:
        currency = draw(st.sampled_from(sorted(DIGITS)))
    digits = DIGITS[currency]
    rep: Doc = {
        "base": str(draw(_money(digits, 100_000))),
        "target": {"new_revenue": draw(st.sampled_from([600000, 333333, 1]))},
        "commission": [draw(_rule("new_revenue"))],
        "bonuses": [{"attainment": "1.2", "amount": 15000}],
    }
    if draw(st.booleans()):
        rep["draw"] = {
            "amount": str(draw(_money(digits, 60_000))),
            "recoverable": draw(st.booleans()),
            **({"recover_limit": 5000} if draw(st.booleans()) else {}),
        }
    doc: Doc = {
        "key": "prop",
        "name": "Property scheme",
        "currency": currency,
        "effective_from": "2027-01-01",
        "rounding": draw(st.sampled_from(["half_up", "half_even"])),
        "calendar": {"holidays": HOLIDAYS, "working_weekends": ["2027-02-20"]},
        "departments": {
            "sales": {
                "kind": "acquisition",
                "roles": {
                    "rep": rep,
                    "head": {
                        "base": 66000,
                        "override": {"measure": "new_revenue", "rate": str(draw(_rates))},
                    },
                },
            },
            "clients": {
                "kind": "retention",
                "roles": {
                    "rep": {
                        "base": 85000,
                        "target": {"repeat_revenue": 2500000},
                        "commission": [
                            {
                                "measure": "repeat_revenue",
                                "tiers": [{"from": 0, "rate": str(draw(_rates | _fine_rates))}],
                            },
                            draw(_rule("repeat_revenue")),
                        ],
                        "bonuses": [
                            {"attainment": str(draw(_rates) * 10), "amount": 1000},
                        ],
                    },
                    "head": {
                        "base": 120000,
                        "override": {"measure": "repeat_revenue", "rate": "0.003"},
                    },
                },
            },
        },
    }
    if draw(st.booleans()):
        doc["minimum_wage"] = [
            {"from": "2027-01-01", "amount": str(draw(_money(digits, 90_000)))},
            {"from": "2027-01-01", "amount": 100000, "jurisdiction": "RU-MOW"},
        ]
    return doc


def _employee(draw: st.DrawFn, index: int, period: Period, digits: int) -> Employee:
    department, role = draw(
        st.sampled_from(
            [("sales", "rep"), ("sales", "head"), ("clients", "rep"), ("clients", "head")]
        )
    )
    first, last = period.first_day, period.last_day
    days = (last - first).days
    start = draw(st.none() | st.integers(-40, days).map(lambda d: first + timedelta(d)))
    low = max(0, (start - first).days) if start else 0
    end = draw(st.none() | st.integers(low, days + 40).map(lambda d: first + timedelta(d)))
    fte = draw(st.sampled_from([D(1), D(1), D("0.5"), D("0.75"), D("0.33"), D("0.01")]))
    measure = NEW if department == "sales" else REPEAT
    credited = {measure: draw(_money(digits, 4_000_000))} if role == "rep" else {}
    balances: dict[str, Decimal] = {}
    for kind in ("clawback", "draw"):
        if draw(st.integers(0, 3)) == 0:
            balances[kind] = draw(_money(digits, 50_000))
    return Employee(
        f"E{index}",
        department,
        role,
        start_date=start,
        end_date=end,
        fte=fte,
        unpaid_days=draw(st.sampled_from([0, 0, 0, 1, 3, 30])),
        credited=credited,
        balances=balances,
        jurisdiction=draw(st.sampled_from([None, None, "RU-MOW", "RU-SPE"])),
    )


def _valid(emp: Employee, period: Period) -> Employee:
    start, end = emp.start_date, emp.end_date
    if (start and start > period.last_day) or (end and end < period.first_day):
        start = end = None
    holidays = frozenset(date.fromisoformat(d) for d in HOLIDAYS)
    cal = WorkCalendar(holidays, frozenset([date(2027, 2, 20)]))
    employed = cal.working_days(period, start, end)
    return replace(emp, start_date=start, end_date=end, unpaid_days=min(emp.unpaid_days, employed))


@st.composite
def _runs(draw: st.DrawFn, most: int = 8) -> tuple[Doc, Period, list[Employee]]:
    doc = _scheme_doc(draw)
    period = Period(2027, draw(st.integers(1, 12)))
    size = draw(st.integers(1, most))
    digits = DIGITS[doc["currency"]]
    roster = [_valid(_employee(draw, i, period, digits), period) for i in range(size)]
    return doc, period, roster


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


def _same(run: tuple[Doc, Period, list[Employee]]) -> None:
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
@given(run=_runs())
def test_the_columnar_engine_writes_the_decimal_engines_bytes(
    run: tuple[Doc, Period, list[Employee]],
) -> None:
    _same(run)


@pytest.mark.slow
@HEAVY
@given(run=_runs(most=30))
def test_the_columnar_engine_writes_the_decimal_engines_bytes_many(
    run: tuple[Doc, Period, list[Employee]],
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
