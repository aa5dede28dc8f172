"""Hypothesis properties of the engine (deterministic: derandomized, fixed example count)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import (
    Employee,
    Measure,
    Period,
    Scheme,
    WorkCalendar,
    break_even,
    calculate,
    parse_scheme,
)
from app.engine.breakeven import attainment_for_pay, pay_at
from app.engine.money import EXACT

Doc = dict[str, Any]
D = Decimal
NEW, REPEAT = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE
MARCH = Period(2027, 3)
PROPERTY = settings(derandomize=True, max_examples=200, deadline=None)
# Thousands of examples in all: left out of `make test-fast`.
pytestmark = pytest.mark.slow
DIGITS = {"RUB": 2, "JPY": 0, "KWD": 3}


def _money(digits: int, high: int) -> st.SearchStrategy[Decimal]:
    """Amounts in [0, high] with at most ``digits`` decimals."""
    return st.integers(0, high * 10**digits).map(lambda units: D(units).scaleb(-digits))


_rates = st.integers(0, 400).map(lambda permille: D(permille).scaleb(-3))  # 0% … 40%, 0.1% steps


@st.composite
def _ascending_tiers(draw: st.DrawFn, attainment: bool) -> list[dict[str, str]]:
    """1-5 tiers with strictly ascending starts and non-decreasing rates."""
    count = draw(st.integers(1, 5))
    if attainment:  # starts in 5% steps of target
        steps = draw(st.lists(st.integers(0, 60), min_size=count, max_size=count, unique=True))
        starts = [str(D(step) * D("0.05")) for step in sorted(steps)]
        key = "from_attainment"
    else:
        amounts = draw(st.lists(st.integers(0, 3000), min_size=count, max_size=count, unique=True))
        starts = [str(amount * 1000) for amount in sorted(amounts)]
        key = "from"
    rates = sorted(draw(st.lists(_rates, min_size=count, max_size=count)))
    return [{key: start, "rate": str(rate)} for start, rate in zip(starts, rates, strict=True)]


@st.composite
def _commission_rule(draw: st.DrawFn, measure: str, mode: str | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "measure": measure,
        "mode": mode or draw(st.sampled_from(["marginal", "retroactive"])),
        "tiers": draw(_ascending_tiers(draw(st.booleans()))),
    }
    if draw(st.booleans()):
        rule["threshold"] = str(D(draw(st.integers(0, 20))) * D("0.05"))
    cap = draw(st.sampled_from(["none", "amount", "multiple"]))
    if cap == "amount":
        rule["cap"] = draw(st.integers(0, 500)) * 1000
    elif cap == "multiple":
        rule["cap_multiple"] = str(D(draw(st.integers(0, 40))) * D("0.25"))
    return rule


def _sales_doc(minimal: Doc, rule: dict[str, Any], target: int, base: int = 45000) -> Doc:
    rep = minimal["departments"]["sales"]["roles"]["rep"]
    rep.update({"base": base, "target": {"new_revenue": target}, "commission": [rule]})
    return minimal


# --- pay is non-decreasing in credited revenue -----------------------------------------------


@PROPERTY
@given(
    rule=_commission_rule("new_revenue", mode="marginal"),
    target=st.integers(1, 3000).map(lambda k: k * 1000),
    credits=st.lists(_money(2, 5_000_000), min_size=2, max_size=2).map(sorted),
    start=st.sampled_from([None, date(2027, 3, 10), date(2027, 3, 31)]),
)
def test_marginal_pay_is_non_decreasing_in_credited_revenue(
    minimal_doc: Callable[[], Doc],
    rule: dict[str, Any],
    target: int,
    credits: list[Decimal],
    start: date | None,
) -> None:
    scheme = parse_scheme(_sales_doc(minimal_doc(), rule, target))
    low, high = credits
    roster = [
        Employee("LOW", "sales", "rep", start_date=start, credited={NEW: low}),
        Employee("HIGH", "sales", "rep", start_date=start, credited={NEW: high}),
    ]
    payroll = calculate(scheme, MARCH, roster)
    assert payroll.payslip("LOW").gross <= payroll.payslip("HIGH").gross


# --- whole payrolls: gross = Σ lines, minor units respected ----------------------------------


@dataclass(frozen=True)
class _Run:
    scheme: Scheme
    period: Period
    roster: list[Employee]


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
    return Employee(
        f"E{index}",
        department,
        role,
        start_date=start,
        end_date=end,
        fte=fte,
        unpaid_days=draw(st.sampled_from([0, 0, 0, 1, 3])),
        credited=credited,
    )


@st.composite
def _runs(draw: st.DrawFn) -> _Run:
    currency = draw(st.sampled_from(sorted(DIGITS)))
    digits = DIGITS[currency]
    period = Period(2027, draw(st.integers(1, 12)))
    rule = draw(_commission_rule("new_revenue"))
    doc: Doc = {
        "key": "prop",
        "name": "Property scheme",
        "currency": currency,
        "effective_from": "2027-01-01",
        "rounding": draw(st.sampled_from(["half_up", "half_even"])),
        "calendar": {"holidays": ["2027-01-01", "2027-01-07", "2027-02-23", "2027-03-08"]},
        "departments": {
            "sales": {
                "kind": "acquisition",
                "roles": {
                    "rep": {
                        "base": str(draw(_money(digits, 100_000))),
                        "target": {"new_revenue": 600000},
                        "commission": [rule],
                        "bonuses": [{"attainment": "1.2", "amount": 15000}],
                    },
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
                                "tiers": [{"from": 0, "rate": str(draw(_rates))}],
                            }
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
    size = draw(st.integers(1, 8))
    roster = [_valid(_employee(draw, i, period, digits), doc, period) for i in range(size)]
    return _Run(parse_scheme(doc), period, roster)


def _valid(emp: Employee, doc: Doc, period: Period) -> Employee:
    """The row made valid: employed in the period, unpaid days within the days employed."""
    start, end = emp.start_date, emp.end_date
    if (start and start > period.last_day) or (end and end < period.first_day):
        start = end = None
    holidays = frozenset(date.fromisoformat(d) for d in doc["calendar"]["holidays"])
    employed = WorkCalendar(holidays).working_days(period, start, end)
    return replace(emp, start_date=start, end_date=end, unpaid_days=min(emp.unpaid_days, employed))


@PROPERTY
@given(run=_runs())
def test_gross_is_the_sum_of_the_lines(run: _Run) -> None:
    payroll = calculate(run.scheme, run.period, run.roster)
    for slip in payroll.payslips:
        assert slip.gross == sum((line.amount for line in slip.lines), D(0))
    assert payroll.total == sum((slip.gross for slip in payroll.payslips), D(0))


@PROPERTY
@given(run=_runs())
def test_no_amount_has_more_decimals_than_the_currency(run: _Run) -> None:
    payroll = calculate(run.scheme, run.period, run.roster)
    digits = run.scheme.minor_units
    for slip in payroll.payslips:
        amounts = [line.amount for line in slip.lines] + [slip.gross]
        if slip.fte_gross is not None:
            amounts.append(slip.fte_gross)
        for amount in amounts:
            exponent = amount.as_tuple().exponent
            assert isinstance(exponent, int)
            assert exponent >= -digits, (slip.employee_id, amount)


# --- base proration stays within [0, base] ---------------------------------------------------


@PROPERTY
@given(
    base=_money(2, 1_000_000),
    month=st.integers(1, 12),
    fte=st.integers(1, 100).map(lambda pct: D(pct).scaleb(-2)),
    offsets=st.tuples(st.integers(-10, 40), st.integers(-10, 40)).map(sorted),
    use=st.sampled_from(["none", "start", "end", "both"]),
    unpaid=st.integers(0, 25),
    weekend=st.booleans(),
)
def test_base_proration_stays_within_zero_and_base(
    minimal_doc: Callable[[], Doc],
    base: Decimal,
    month: int,
    fte: Decimal,
    offsets: list[int],
    use: str,
    unpaid: int,
    weekend: bool,
) -> None:
    period = Period(2027, month)
    doc = minimal_doc()
    doc["departments"]["sales"]["roles"]["rep"]["base"] = str(base)
    if weekend:  # the month's first Saturday becomes a working day
        first = period.first_day
        doc["calendar"]["working_weekends"] = [
            (first + timedelta((5 - first.weekday()) % 7)).isoformat()
        ]
    scheme = parse_scheme(doc)
    first = period.first_day
    start = first + timedelta(offsets[0]) if use in ("start", "both") else None
    end = first + timedelta(offsets[1]) if use in ("end", "both") else None
    if (start and start > period.last_day) or (end and end < first):
        start = end = None
    cal = WorkCalendar(
        frozenset(scheme.calendar.holidays), frozenset(scheme.calendar.working_weekends)
    )
    employee = Employee(
        "E",
        "sales",
        "rep",
        start_date=start,
        end_date=end,
        fte=fte,
        unpaid_days=min(unpaid, cal.working_days(period, start, end)),
    )
    line = calculate(scheme, period, [employee]).payslips[0].lines[0]
    assert line.code == "base"
    assert D(0) <= line.amount <= base
    if start is None and end is None and employee.unpaid_days == 0 and fte == 1:
        assert line.amount == base


# --- the break-even ---------------------------------------------------------------------------


@st.composite
def _break_even_schemes(draw: st.DrawFn) -> Scheme:
    target = draw(st.integers(1, 2000)) * 1000
    rule = draw(_commission_rule("new_revenue"))
    doc: Doc = {
        "key": "be",
        "name": "Break-even",
        "currency": "RUB",
        "effective_from": "2027-01-01",
        "policy": {"earnings_order": {"attainment": str(D(draw(st.integers(5, 30))) * D("0.05"))}},
        "departments": {
            "sales": {
                "kind": "acquisition",
                "roles": {
                    "rep": {
                        "base": draw(st.integers(0, 100)) * 1000,
                        "target": {"new_revenue": target},
                        "commission": [rule],
                    }
                },
            },
            "clients": {
                "kind": "retention",
                "roles": {
                    "rep": {
                        "base": draw(st.integers(0, 150)) * 1000,
                        "target": {"repeat_revenue": draw(st.integers(1, 5000)) * 1000},
                        "commission": [
                            {
                                "measure": "repeat_revenue",
                                "tiers": [{"from": 0, "rate": str(draw(_rates))}],
                            }
                        ],
                    }
                },
            },
        },
    }
    if draw(st.booleans()):
        bonus = {"attainment": str(D(draw(st.integers(1, 40))) * D("0.05")), "amount": 15000}
        doc["departments"]["sales"]["roles"]["rep"]["bonuses"] = [bonus]
    return parse_scheme(doc)


def _levels(scheme: Scheme) -> tuple[Callable[[Decimal], Decimal], Decimal]:
    sales = scheme.departments["sales"].roles["rep"]
    client = scheme.departments["clients"].roles["rep"]
    level = pay_at(scheme, "clients", client, scheme.policy.earnings_order.attainment).exact

    def pay(a: Decimal) -> Decimal:
        return pay_at(scheme, "sales", sales, a).exact

    return pay, level


@PROPERTY
@given(scheme=_break_even_schemes())
def test_exact_break_even_is_the_first_attainment_that_reaches_the_client(
    scheme: Scheme,
) -> None:
    pay, level = _levels(scheme)
    hit = attainment_for_pay(scheme, "sales", scheme.departments["sales"].roles["rep"], level)
    if hit is None:
        # never reached: not at 100 × target either (pay is non-decreasing)
        assert pay(D(100)) < level
        return
    assert pay(hit) >= level
    with localcontext(EXACT):
        lower = [hit - D("1e-20"), hit - D("0.0001"), hit / 2, D(0)]
    for below in lower:
        if 0 <= below < hit:
            assert pay(below) < level, below


@PROPERTY
@given(scheme=_break_even_schemes())
def test_reported_break_even_brackets_the_crossing(scheme: Scheme) -> None:
    pay, level = _levels(scheme)
    (point,) = break_even(scheme)
    if point.attainment is None:
        assert point.revenue is None
        assert pay(D(100)) < level
        return
    # reported to 4 decimals (half-even): the true crossing is within ±0.00005 of it
    with localcontext(EXACT):
        above = point.attainment + D("0.00005")
        below = point.attainment - D("0.00005") - D("1e-12")
    assert pay(above) >= level
    if below >= 0:
        assert pay(below) < level
