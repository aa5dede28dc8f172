"""Random schemes and rosters for the columnar engine's properties (Hypothesis strategies).

Schemes: tiers on amounts and on attainment, both modes, thresholds, caps and cap multiples,
overrides, bonuses, draws, minimum wages per jurisdiction, in RUB (2 minor digits), JPY (0)
and KWD (3), both rounding modes, amounts on half-unit edges.  Rosters: every kind of part
period (hire and leave dates, unpaid days, fte) with balances.  :func:`runs` draws a scheme
document, a period and a valid roster.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from app.engine import Employee, Measure, Period, WorkCalendar

Doc = dict[str, Any]
Run = tuple[Doc, Period, list[Employee]]
D = Decimal
NEW, REPEAT = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE
DIGITS = {"RUB": 2, "JPY": 0, "KWD": 3}
HOLIDAYS = ["2027-01-01", "2027-01-07", "2027-02-23", "2027-03-08", "2027-05-03"]


def money(digits: int, high: int) -> st.SearchStrategy[Decimal]:
    """Amounts in [0, high], at most ``digits`` decimals; often on a half-unit edge of a
    percentage (…50 in the last digits) so that rates hit ties."""
    exact = st.integers(0, high * 10**digits).map(lambda u: D(u).scaleb(-digits))
    edges = st.integers(0, high // 100).map(lambda k: D(k * 100 + 50).scaleb(-digits))
    return exact | edges


RATES = st.integers(0, 400).map(lambda permille: D(permille).scaleb(-3))
FINE_RATES = st.integers(0, 4000).map(lambda x: D(x).scaleb(-4))


@st.composite
def tiers(draw: st.DrawFn, attainment: bool) -> list[dict[str, str]]:
    count = draw(st.integers(1, 4))
    if attainment:
        steps = draw(st.lists(st.integers(0, 60), min_size=count, max_size=count, unique=True))
        starts = [str(D(step) * D("0.05")) for step in sorted(steps)]
        key = "from_attainment"
    else:
        amounts = draw(st.lists(st.integers(0, 3000), min_size=count, max_size=count, unique=True))
        starts = [str(amount * 1000) for amount in sorted(amounts)]
        key = "from"
    rates = sorted(draw(st.lists(RATES | FINE_RATES, min_size=count, max_size=count)))
    return [{key: start, "rate": str(rate)} for start, rate in zip(starts, rates, strict=True)]


@st.composite
def rule(draw: st.DrawFn, measure: str) -> dict[str, Any]:
    made: dict[str, Any] = {
        "measure": measure,
        "mode": draw(st.sampled_from(["marginal", "retroactive"])),
        "tiers": draw(tiers(draw(st.booleans()))),
    }
    if draw(st.booleans()):
        made["threshold"] = str(D(draw(st.integers(0, 20))) * D("0.05"))
    cap = draw(st.sampled_from(["none", "amount", "multiple"]))
    if cap == "amount":
        made["cap"] = draw(st.integers(0, 500)) * 1000
    elif cap == "multiple":
        made["cap_multiple"] = str(D(draw(st.integers(0, 40))) * D("0.25"))
    return made


def scheme_doc(draw: st.DrawFn, currency: str | None = None) -> Doc:
    if currency is None:
        currency = draw(st.sampled_from(sorted(DIGITS)))
    digits = DIGITS[currency]
    rep: Doc = {
        "base": str(draw(money(digits, 100_000))),
        "target": {"new_revenue": draw(st.sampled_from([600000, 333333, 1]))},
        "commission": [draw(rule("new_revenue"))],
        "bonuses": [{"attainment": "1.2", "amount": 15000}],
    }
    if draw(st.booleans()):
        rep["draw"] = {
            "amount": str(draw(money(digits, 60_000))),
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
                        "override": {"measure": "new_revenue", "rate": str(draw(RATES))},
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
                                "tiers": [{"from": 0, "rate": str(draw(RATES | FINE_RATES))}],
                            },
                            draw(rule("repeat_revenue")),
                        ],
                        "bonuses": [
                            {"attainment": str(draw(RATES) * 10), "amount": 1000},
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
            {"from": "2027-01-01", "amount": str(draw(money(digits, 90_000)))},
            {"from": "2027-01-01", "amount": 100000, "jurisdiction": "RU-MOW"},
        ]
    return doc


def employee(draw: st.DrawFn, index: int, period: Period, digits: int) -> Employee:
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
    credited = {measure: draw(money(digits, 4_000_000))} if role == "rep" else {}
    balances: dict[str, Decimal] = {}
    for kind in ("clawback", "draw"):
        if draw(st.integers(0, 3)) == 0:
            balances[kind] = draw(money(digits, 50_000))
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


def valid(emp: Employee, period: Period) -> Employee:
    start, end = emp.start_date, emp.end_date
    if (start and start > period.last_day) or (end and end < period.first_day):
        start = end = None
    holidays = frozenset(date.fromisoformat(d) for d in HOLIDAYS)
    cal = WorkCalendar(holidays, frozenset([date(2027, 2, 20)]))
    employed = cal.working_days(period, start, end)
    return replace(emp, start_date=start, end_date=end, unpaid_days=min(emp.unpaid_days, employed))


@st.composite
def runs(draw: st.DrawFn, most: int = 8) -> Run:
    doc = scheme_doc(draw)
    period = Period(2027, draw(st.integers(1, 12)))
    size = draw(st.integers(1, most))
    digits = DIGITS[doc["currency"]]
    roster = [valid(employee(draw, i, period, digits), period) for i in range(size)]
    return doc, period, roster
