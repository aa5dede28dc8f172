"""Hypothesis properties of deals and carried balances (deterministic: derandomized, fixed count).

* splits conserve the deal's amount and never stray a full minor unit from the exact share;
* a deal followed by its full refund inside the clawback window nets every employee's variable
  pay to zero across the two periods, carried balances included;
* whatever the balances, draws and refunds, gross = Σ lines, pay never goes below the base and
  no balance goes out negative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal, localcontext
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from app.engine import (
    Credit,
    Deal,
    Employee,
    Measure,
    Payroll,
    Payslip,
    Period,
    Scheme,
    allocate,
    calculate,
    parse_scheme,
)
from app.engine.money import EXACT

Doc = dict[str, Any]
D = Decimal
ZERO = D(0)
PROPERTY = settings(derandomize=True, max_examples=200, deadline=None)
# Thousands of examples in all: left out of `make test-fast`.
pytestmark = pytest.mark.slow
DIGITS = {"RUB": 2, "JPY": 0, "KWD": 3}
MEASURES = list(Measure)
VARIABLE = frozenset({"commission", "override", "bonus"})


# --- strategies -------------------------------------------------------------------------------


@st.composite
def _shares(draw: st.DrawFn, most: int = 6) -> list[Decimal]:
    """1-``most`` positive decimal shares that add up to exactly 1: cuts of 10^places."""
    count = draw(st.integers(1, most))
    if count == 1:
        return [D(1)]
    places = draw(st.integers(1, 8))
    whole = 10**places
    if whole < count:
        places, whole = 1, 10
    cuts = sorted(
        draw(
            st.lists(st.integers(1, whole - 1), min_size=count - 1, max_size=count - 1, unique=True)
        )
    )
    bounds = [0, *cuts, whole]
    return [D(high - low).scaleb(-places) for low, high in pairwise(bounds)]


def _units(digits: int, high: int) -> st.SearchStrategy[Decimal]:
    """Non-zero amounts in [−high, high] with at most ``digits`` decimals, small ones likely."""
    top = high * 10**digits
    size = st.integers(1, top) | st.integers(1, 30)
    return st.tuples(st.sampled_from([1, -1]), size).map(lambda s: D(s[0] * s[1]).scaleb(-digits))


def _positive(digits: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(1, high * 10**digits).map(lambda u: D(u).scaleb(-digits))


_rates = st.integers(0, 400).map(lambda permille: D(permille).scaleb(-3))  # 0% … 40%
_paying = st.integers(1, 400).map(lambda permille: D(permille).scaleb(-3))  # 0.1% … 40%


@st.composite
def _rule(draw: st.DrawFn, measure: str) -> dict[str, Any]:
    """Random tiers (amount or attainment starts), mode, threshold and cap.

    The first tier starts at 0 with a non-zero rate, so that most deals pay something and the
    refund has something to take back; the later tiers, the threshold and the cap vary.
    """
    count = draw(st.integers(1, 4))
    if draw(st.booleans()):
        steps = draw(
            st.lists(st.integers(1, 40), min_size=count - 1, max_size=count - 1, unique=True)
        )
        starts = [("from_attainment", str(D(step) * D("0.05"))) for step in [0, *sorted(steps)]]
    else:
        amounts = draw(
            st.lists(st.integers(1, 3000), min_size=count - 1, max_size=count - 1, unique=True)
        )
        starts = [("from", str(amount * 1000)) for amount in [0, *sorted(amounts)]]
    rates = sorted(draw(st.lists(_paying, min_size=count, max_size=count)))
    rule: dict[str, Any] = {
        "measure": measure,
        "mode": draw(st.sampled_from(["marginal", "retroactive"])),
        "tiers": [
            {key: start, "rate": str(rate)}
            for (key, start), rate in zip(starts, rates, strict=True)
        ],
    }
    if draw(st.booleans()):
        rule["threshold"] = str(D(draw(st.integers(0, 20))) * D("0.05"))
    cap = draw(st.sampled_from(["none", "amount", "multiple"]))
    if cap == "amount":
        rule["cap"] = draw(st.integers(1, 300)) * 1000
    elif cap == "multiple":
        rule["cap_multiple"] = str(D(draw(st.integers(1, 12))) * D("0.25"))
    return rule


def _balances(draw: st.DrawFn, digits: int) -> dict[str, Decimal]:
    balances: dict[str, Decimal] = {}
    for kind in ("clawback", "draw"):
        if draw(st.booleans()):
            balances[kind] = draw(st.sampled_from([ZERO]) | _positive(digits, 200_000))
    return balances


# --- splits -----------------------------------------------------------------------------------


@PROPERTY
@given(
    digits=st.sampled_from([0, 2, 3]),
    data=st.data(),
    shares=_shares(),
)
def test_splits_conserve_the_amount_and_stay_within_a_minor_unit(
    digits: int, data: st.DataObject, shares: list[Decimal]
) -> None:
    amount = data.draw(_units(digits, 10**13), label="amount")
    unit = D(1).scaleb(-digits)
    with localcontext(EXACT):  # as inside calculate(); every value below is exact
        parts = allocate(amount, shares, digits)
        assert sum(shares, ZERO) == 1
        assert len(parts) == len(shares)
        assert sum(parts, ZERO) == amount  # conserved, to the last minor unit
        for share, part in zip(shares, parts, strict=True):
            exact = amount * share
            assert abs(part - exact) < unit  # never a full minor unit away
            if exact % unit == 0:
                assert part == exact  # a whole number of minor units is given as it is
            exponent = part.as_tuple().exponent
            assert isinstance(exponent, int) and exponent >= -digits
            assert part == 0 or (part > 0) == (amount > 0)  # a refund's parts are all ≤ 0


@PROPERTY
@given(digits=st.sampled_from([0, 2, 3]), data=st.data(), shares=_shares())
def test_a_refund_splits_as_the_mirror_image_of_its_deal(
    digits: int, data: st.DataObject, shares: list[Decimal]
) -> None:
    amount = data.draw(_positive(digits, 10**13), label="amount")
    with localcontext(EXACT):
        assert allocate(-amount, shares, digits) == [-p for p in allocate(amount, shares, digits)]


_TIES = [  # splits whose remainders tie for many amounts, in every position
    [D(x) for x in shares.split()]
    for shares in [
        "0.4 0.4 0.2",
        "0.4 0.2 0.4",
        "0.2 0.4 0.4",
        "0.5 0.25 0.25",
        "0.25 0.5 0.25",
        "0.25 0.25 0.5",
        "0.3 0.3 0.4",
        "0.15 0.15 0.7",
        "0.5 0.5",
    ]
]


@PROPERTY
@given(
    digits=st.sampled_from([0, 2, 3]),
    data=st.data(),
    shares=_shares(most=3) | st.sampled_from(_TIES),
)
def test_two_and_three_way_splits_are_the_largest_remainder_method(
    digits: int, data: st.DataObject, shares: list[Decimal]
) -> None:
    # allocate splits two and three ways by closed forms; the general method (whole-number
    # weights, floors, the units left over to the largest remainders, ties to the earlier
    # share) is the definition they must agree with.
    amount = data.draw(_units(digits, 10**13), label="amount")
    ratios = [share.as_integer_ratio() for share in shares]
    denominator = math.lcm(*(den for _, den in ratios))
    weights = [num * (denominator // den) for num, den in ratios]
    units = int(amount.scaleb(digits))
    size = abs(units)
    floors = [size * w // denominator for w in weights]
    remainders = [size * w % denominator for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: size - sum(floors)]:
        floors[i] += 1
    expected = [D(part if units >= 0 else -part).scaleb(-digits) for part in floors]
    assert allocate(amount, shares, digits) == expected


# --- a deal and its full refund net to zero ---------------------------------------------------


@dataclass(frozen=True)
class _Netting:
    scheme: Scheme
    first: Period
    second: Period
    roster: list[Employee]
    deal: Deal
    refund: Deal
    credited: frozenset[str]


@st.composite
def _netting(draw: st.DrawFn) -> _Netting:
    currency = draw(st.sampled_from(sorted(DIGITS)))
    digits = DIGITS[currency]
    doc: Doc = {
        "key": "netting",
        "name": "Deal and refund",
        "currency": currency,
        "effective_from": "2027-01-01",
        "rounding": draw(st.sampled_from(["half_up", "half_even"])),
        "key_accounts": {
            "client_ids": ["KEY"],
            "baseline": {"KEY": draw(st.integers(0, 2000)) * 1000},
        },
        "departments": {
            "sales": {
                "kind": "acquisition",
                "roles": {
                    "rep": {
                        "base": 45000,
                        "target": {m.value: draw(st.integers(10, 3000)) * 1000 for m in MEASURES},
                        "commission": [draw(_rule(m.value)) for m in MEASURES],
                    },
                    "head": {
                        "base": 66000,
                        "override": {"measure": "new_revenue", "rate": str(draw(_rates))},
                    },
                },
            },
            "clients": {"kind": "retention", "roles": {"rep": {"base": 85000}}},
        },
    }
    month = draw(st.integers(1, 11))
    first, second = Period(2027, month), Period(2027, month + 1)
    day = first.first_day + timedelta(draw(st.integers(0, (first.last_day - first.first_day).days)))
    since = day - timedelta(draw(st.integers(0, 400)))  # new or repeat revenue, by age
    refund_day = second.first_day + timedelta(draw(st.integers(0, 27)))  # ≤ 58 days later
    shares = draw(_shares(4))
    credited = [f"E{i}" for i in range(len(shares))]
    kind = draw(st.none() | st.sampled_from(MEASURES))
    client = draw(st.sampled_from(["CL", "KEY"]))
    # up to 3 000 000, in three magnitudes so that thresholds, tiers and caps all come into play
    amount = draw(
        st.sampled_from([1_000, 100_000, 3_000_000]).flatmap(lambda high: _positive(digits, high))
    )
    deal = Deal(
        "D1",
        day,
        client,
        since,
        amount,
        tuple(Credit(e, s) for e, s in zip(credited, shares, strict=True)),
        kind=kind,
    )
    # the refund's own credit, client date and kind are different on purpose: the original's count
    refund = Deal(
        "R1",
        refund_day,
        client,
        date(2025, 1, 1),
        -amount,
        (Credit("X", D(1)),),
        refund_of="D1",
        kind=draw(st.none() | st.sampled_from(MEASURES)),
    )
    roster = [
        Employee(
            e,
            "sales",
            "rep",
            fte=draw(st.sampled_from([D(1), D("0.5")])),
            balances=_balances(draw, digits),
        )
        for e in credited
    ]
    roster.append(Employee("H", "sales", "head", balances=_balances(draw, digits)))
    roster.append(Employee("X", "sales", "rep", balances=_balances(draw, digits)))
    return _Netting(parse_scheme(doc), first, second, roster, deal, refund, frozenset(credited))


def _sum(slip: Payslip, codes: frozenset[str] | set[str]) -> Decimal:
    return sum((line.amount for line in slip.lines if line.code in codes), ZERO)


@PROPERTY
@given(case=_netting())
def test_a_deal_and_its_full_refund_net_to_zero(case: _Netting) -> None:
    one = calculate(case.scheme, case.first, case.roster, [case.deal])
    # the stateless round trip: period 1's balances out are period 2's balances in, and
    # period 2 gets the deal again as history together with its refund
    carried = [replace(emp, balances=dict(one.payslip(emp.id).balances)) for emp in case.roster]
    two = calculate(case.scheme, case.second, carried, [case.deal, case.refund])
    assert (one.credited_deals, two.credited_deals) == (1, 1)
    assert _credited_total(one) == case.deal.amount  # the split conserves the amount
    assert _credited_total(two) == -case.deal.amount

    # "Nets to zero", per employee e (the credited reps, the head paid an override on them,
    # and the bystander X), with B_in = e's balance into period 1 and B_out = e's balance out
    # of period 2 (0 when absent):
    #   (1) credit:     credited₁[e][m] + credited₂[e][m] = 0 for every measure m;
    #   (2) commission: Σ variable lines (commission, override) over periods 1 and 2 = 0;
    #   (3) kept:       Σ (variable + clawback lines) over both periods
    #                   − (clawback B_out − clawback B_in) = 0,
    #       i.e. every minor unit paid on the deal is either taken back by a clawback line or
    #       still owed in the carried clawback balance — nothing is kept, nothing lost;
    #   (4) draw:       Σ draw_recovery lines − (draw B_out − draw B_in) = 0 (the role has no
    #       draw: a draw balance is only ever recovered, never advanced);
    #   and period 2 pays exactly the base: the refund takes back through the balance only.
    for emp in case.roster:
        first, second = one.payslip(emp.id), two.payslip(emp.id)
        for measure in MEASURES:
            total = first.credited.get(measure, ZERO) + second.credited.get(measure, ZERO)
            assert total == 0, (emp.id, measure)
        variable = _sum(first, VARIABLE) + _sum(second, VARIABLE)
        assert variable == 0, emp.id
        if emp.id != "X":
            paid = _sum(first, VARIABLE)
            event(
                f"{'head' if emp.id == 'H' else 'rep'}: {'paid' if paid else 'nothing'} on the deal"
            )
        clawback = _sum(first, {"clawback"}) + _sum(second, {"clawback"})
        owed = second.balances.get("clawback", ZERO) - emp.balances.get("clawback", ZERO)
        assert variable + clawback - owed == 0, emp.id
        recovered = _sum(first, {"draw_recovery"}) + _sum(second, {"draw_recovery"})
        advanced = second.balances.get("draw", ZERO) - emp.balances.get("draw", ZERO)
        assert recovered - advanced == 0, emp.id
        assert _sum(first, {"draw"}) == _sum(second, {"draw"}) == 0
        base = second.lines[0]
        assert base.code == "base"
        assert second.gross == base.amount
        if emp.id not in case.credited and emp.id != "H":
            assert first.credited == second.credited == {}  # the refund's own credit is ignored


def _credited_total(payroll: Payroll) -> Decimal:
    return sum((sum(s.credited.values(), ZERO) for s in payroll.payslips), ZERO)


@PROPERTY
@given(case=_netting(), data=st.data())
def test_a_deal_refunded_in_pieces_nets_every_credit_to_zero(
    case: _Netting, data: st.DataObject
) -> None:
    # The full refund in 1-4 pieces spread over the next two periods (≤ 89 days: in the
    # window).  Commission is not linear (thresholds, tiers), so only the credits are
    # compared: each employee gives back, per measure, exactly what the deal credited them,
    # and each period's parts add up to that period's refunds.
    digits = case.scheme.minor_units
    units = int(case.deal.amount.scaleb(digits))
    count = data.draw(st.integers(1, min(4, units)), label="pieces")
    cuts = (
        sorted(
            data.draw(
                st.lists(
                    st.integers(1, units - 1), min_size=count - 1, max_size=count - 1, unique=True
                ),
                label="cuts",
            )
        )
        if count > 1
        else []
    )
    third = Period(2027, case.second.month + 1) if case.second.month < 12 else Period(2028, 1)
    refunds = []
    for index, (low, high) in enumerate(pairwise([0, *cuts, units])):
        period = data.draw(st.sampled_from([case.second, third]), label="period")
        day = period.first_day + timedelta(data.draw(st.integers(0, 27), label="day"))
        amount = -D(high - low).scaleb(-digits)
        refunds.append(replace(case.refund, id=f"R{index}", date=day, amount=amount))
    deals = [case.deal, *refunds]
    roster = [replace(emp, balances={}) for emp in case.roster]
    periods = [case.first, case.second, third]
    payrolls = [calculate(case.scheme, period, roster, deals) for period in periods]
    for payroll, period in zip(payrolls[1:], periods[1:], strict=True):
        refunded = sum(
            (r.amount for r in refunds if period.first_day <= r.date <= period.last_day), ZERO
        )
        assert _credited_total(payroll) == refunded
    for emp in case.roster:
        for measure in MEASURES:
            total = sum((p.payslip(emp.id).credited.get(measure, ZERO) for p in payrolls), ZERO)
            assert total == 0, (emp.id, measure)


# --- whatever comes in: gross = Σ lines ≥ base, balances out ≥ 0 ------------------------------


@st.composite
def _any_period(draw: st.DrawFn) -> tuple[Scheme, Period, list[Employee], list[Deal]]:
    currency = draw(st.sampled_from(sorted(DIGITS)))
    digits = DIGITS[currency]
    rep: dict[str, Any] = {
        "base": 45000,
        "target": {"new_revenue": draw(st.integers(1, 3000)) * 1000},
        "commission": [draw(_rule("new_revenue"))],
    }
    if draw(st.booleans()):
        rep["bonuses"] = [{"attainment": "1.2", "amount": 15000}]
    if draw(st.booleans()):
        rep["draw"] = {
            "amount": draw(st.integers(0, 100)) * 1000,
            "recoverable": draw(st.booleans()),
        }
        if draw(st.booleans()):
            rep["draw"]["recover_limit"] = draw(st.integers(0, 50)) * 1000
    doc: Doc = {
        "key": "ledger",
        "name": "Ledger",
        "currency": currency,
        "effective_from": "2027-01-01",
        "departments": {
            "sales": {
                "kind": "acquisition",
                "roles": {
                    "rep": rep,
                    "head": {"base": 66000, "override": {"measure": "new_revenue", "rate": "0.03"}},
                },
            },
            "clients": {"kind": "retention", "roles": {"rep": {"base": 85000}}},
        },
    }
    period = Period(2027, 4)
    ids = ["A", "B", "C"]
    roster = [
        Employee(
            e,
            "sales",
            "rep",
            start_date=draw(st.sampled_from([None, date(2027, 4, 12)])),
            fte=draw(st.sampled_from([D(1), D("0.5")])),
            balances=_balances(draw, digits),
        )
        for e in ids
    ]
    roster.append(Employee("H", "sales", "head", balances=_balances(draw, digits)))
    deals: list[Deal] = []
    originals: list[Deal] = []
    for index in range(draw(st.integers(0, 6))):
        in_period = draw(st.booleans())
        day = date(2027, 4 if in_period else 3, draw(st.integers(1, 30)))
        credit = tuple(Credit(e, D(1)) for e in [draw(st.sampled_from(ids))])
        amount = draw(_positive(digits, 1_000_000))
        deal = Deal(f"D{index}", day, "CL", date(2027, 3, 1), amount, credit)
        deals.append(deal)
        originals.append(deal)
    for index, original in enumerate(originals):
        if draw(st.booleans()):
            # a quarter, a half, three quarters or all of it, to the minor unit
            quarters = D(draw(st.integers(1, 4)))
            refund = (original.amount * quarters / 4).quantize(D(1).scaleb(-digits), ROUND_DOWN)
            refund = refund or original.amount
            low = original.date.day if original.date.month == 4 else 1  # not before its deal
            day = date(2027, 4, draw(st.integers(low, 30)))
            deals.append(
                Deal(
                    f"R{index}",
                    day,
                    "CL",
                    date(2027, 3, 1),
                    -refund,
                    original.credit,
                    refund_of=original.id,
                )
            )
    if draw(st.booleans()):  # a credit note without an original
        amount = draw(_positive(digits, 500_000))
        deals.append(
            Deal("CN", date(2027, 4, 15), "CL", date(2027, 3, 1), -amount, (Credit("A", D(1)),))
        )
    if not deals:
        deals.append(
            Deal("ONE", date(2027, 4, 1), "CL", date(2027, 3, 1), D(1), (Credit("A", D(1)),))
        )
    return parse_scheme(doc), period, roster, deals


@PROPERTY
@given(case=_any_period())
def test_pay_never_goes_below_the_base(
    case: tuple[Scheme, Period, list[Employee], list[Deal]],
) -> None:
    scheme, period, roster, deals = case
    payroll = calculate(scheme, period, roster, deals)
    for slip, emp in zip(payroll.payslips, roster, strict=True):
        assert slip.gross == sum((line.amount for line in slip.lines), ZERO)
        base = slip.lines[0]
        assert base.code == "base"
        assert slip.gross >= base.amount
        assert all(amount >= 0 for amount in slip.balances.values())
        for kind in emp.balances:  # a balance that came in goes out, even when settled
            assert kind in slip.balances
        variable = _sum(slip, VARIABLE)
        settled = _sum(slip, {"clawback"})
        # the clawback ledger: the balance moves by exactly the clawback line (−recovered,
        # +parked)
        claw_in = emp.balances.get("clawback", ZERO)
        assert slip.balances.get("clawback", ZERO) - claw_in == settled
        if variable < 0:
            assert settled == -variable  # a negative variable pay is parked, never paid
