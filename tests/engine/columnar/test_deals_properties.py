"""The columnar crediting equals the Decimal one: ``credit_columns(...).to_credits()`` is
``credit_deals(...)`` field by field, over random schemes, deals and rosters (Hypothesis,
derandomized, a fixed number of examples)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext
from functools import partial
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from app.engine import Credit, Deal, Measure, Period, Scheme, parse_scheme
from app.engine.columnar.deals import credit_columns
from app.engine.columnar.deals_columns import MEASURES, DealColumns
from app.engine.deals import credit_deals
from app.engine.money import EXACT
from tests.engine.test_deal_properties import DIGITS, _positive, _shares

D = Decimal
PROPERTY = settings(derandomize=True, max_examples=600, deadline=None)
PERIOD = Period(2027, 4)
ROSTER = ["A", "B", "C", "D"]
CLIENTS = ["CL", "OLD", "KEY", "BIG"]


@dataclass(frozen=True)
class Case:
    scheme: Scheme
    deals: list[Deal]
    roster: list[str]


def _before(day: date, back: int) -> date:
    return day - timedelta(back)


def _day(draw: st.DrawFn) -> date:
    """A day of March, April (the period) or May; month boundaries likely."""
    edges = [date(2027, 3, 31), date(2027, 4, 1), date(2027, 4, 30), date(2027, 5, 1)]
    return draw(
        st.sampled_from(edges) | st.integers(0, 91).map(lambda i: date(2027, 3, 1) + timedelta(i))
    )


@st.composite
def _cases(draw: st.DrawFn) -> Case:
    currency = draw(st.sampled_from(sorted(DIGITS)))
    digits = DIGITS[currency]
    doc: dict[str, Any] = {
        "key": "columns",
        "name": "Columns",
        "currency": currency,
        "effective_from": "2027-01-01",
        "handoff": {"new_client_months": draw(st.integers(0, 4))},
        "clawback": {
            "window_days": draw(st.sampled_from([0, 10, 30, 180])),
            "recover": draw(st.sampled_from(["paid_commission"] * 4 + ["none"])),
        },
        "key_accounts": {
            "client_ids": ["KEY"],
            "baseline": {
                "KEY": draw(st.integers(0, 3000)),
                **({"BIG": draw(st.integers(0, 500))} if draw(st.booleans()) else {}),
            },
        },
        "departments": {"sales": {"kind": "acquisition", "roles": {"rep": {"base": 45000}}}},
    }
    scheme = parse_scheme(doc)
    roster = ROSTER[: draw(st.integers(2, 4))]
    names = [*ROSTER, "GONE"]
    deals: list[Deal] = []
    sales: list[Deal] = []
    for index in range(draw(st.integers(0, 12))):
        day = _day(draw)
        # a client's first day: months before, or exactly a hand-off boundary before
        since = draw(
            st.sampled_from([date(2027, 1, 1), date(2027, 1, 31), date(2026, 12, 31)])
            | st.integers(0, 200).map(partial(_before, day))
        )
        since = min(since, day)
        shares = draw(_shares(3))
        who = draw(st.permutations(names))[: len(shares)]
        if day >= PERIOD.first_day:  # credited now: on the roster
            who = [
                name if name in roster else roster[i % len(roster)] for i, name in enumerate(who)
            ]
            who = list(dict.fromkeys(who))
            shares = shares[: len(who)]
            shares[-1] += 1 - sum(shares)
        history = day < PERIOD.first_day and draw(st.booleans())
        credit = tuple(
            Credit(
                name,
                share,
                draw(_positive(digits, 500)) if history and draw(st.booleans()) else None,
            )
            for name, share in zip(who, shares, strict=True)
        )
        amount = draw(
            st.sampled_from([1, 2, 3, 1_000, 4_000]).flatmap(lambda high: _positive(digits, high))
        )
        kind = draw(st.none() | st.none() | st.sampled_from(MEASURES))
        deal = Deal(f"S{draw(st.integers(0, 99)):02d}-{index}", day, draw(st.sampled_from(CLIENTS)),
                    since, amount, credit, kind=kind)  # fmt: skip
        deals.append(deal)
        sales.append(deal)
    for index, sale in enumerate(sales):
        pieces = draw(st.integers(0, 3))
        left = int(sale.amount.scaleb(digits))
        for piece in range(pieces):
            if left <= 0:
                break
            units = draw(st.integers(1, left))
            left -= units
            day = sale.date + timedelta(draw(st.sampled_from([0, 1, 5, 11, 29, 31, 40])))
            own = (Credit(draw(st.sampled_from(roster)), D(1)),)
            refund_id = f"R{draw(st.integers(0, 9))}-{index}-{piece}"
            deals.append(Deal(refund_id, day, sale.client_id, sale.client_since,
                              -D(units).scaleb(-digits), own, refund_of=sale.id))  # fmt: skip
    for index in range(draw(st.integers(0, 2))):  # credit notes, refunds of unknown deals
        amount = -draw(_positive(digits, 300))
        own = (Credit(draw(st.sampled_from(roster)), D(1)),)
        refund_of = draw(st.none() | st.just("NOPE"))
        deals.append(Deal(f"N{index}", _day(draw), draw(st.sampled_from(CLIENTS)),
                          date(2027, 1, 1), amount, own, refund_of=refund_of))  # fmt: skip
    if draw(st.integers(0, 9)) == 0 and deals:  # now and then a deal with a problem
        bad = deals[0]
        deals[0] = Deal(bad.id, bad.date, bad.client_id, bad.client_since, bad.amount,
                        (Credit("NOBODY", D("0.5")),), bad.refund_of, bad.kind)  # fmt: skip
    return Case(scheme, draw(st.permutations(deals)), roster)


def _both(case: Case) -> str:
    """Both engines on ``case``: equal; the engine that computed the columnar result."""
    digits = case.scheme.minor_units
    with localcontext(EXACT):
        expected, problems = credit_deals(case.scheme, PERIOD, case.deals, set(case.roster))
    columns = DealColumns.from_deals(case.deals, digits)
    result = credit_columns(case.scheme, PERIOD, columns, case.roster)
    got = result.to_credits()
    if result.engine == "columnar" and _in_test():
        for finding in got.findings:
            event(f"finding {finding.code}")
        if got.recovered:
            event("commission taken back")
        if any(len(lines) > 1 for lines in got.recovered.values()):
            event("taken back over two measures or deals")
        if any(Measure.GROWTH_REVENUE in by for by in got.totals.values()):
            event("growth credited")
    assert result.problems == problems
    assert got.totals == expected.totals
    assert got.lines == expected.lines
    assert got.excluded == expected.excluded
    assert got.recovered == expected.recovered
    assert got.findings == expected.findings
    assert result.findings == expected.findings
    assert got.credited_deals == expected.credited_deals == result.credited_deals
    # the arrays say the same, in minor units
    for e, who in enumerate(case.roster):
        for m, measure in enumerate(MEASURES):
            total = expected.totals.get(who, {}).get(measure)
            assert bool(result.credited[e, m]) == (total is not None)
            assert result.totals[e, m] == int((total or D(0)).scaleb(digits))
            left_out = expected.excluded.get(who, {}).get(measure)
            assert bool(result.has_excluded[e, m]) == (left_out is not None)
            assert result.excluded[e, m] == int((left_out or D(0)).scaleb(digits))
        taken = sum((amount for _, amount in expected.recovered.get(who, [])), D(0))
        assert result.recovered[e] == int(taken.scaleb(digits))
    # totals equal: what was credited is Σ of the parts listed and the parts taken back
    for who, by_measure in got.totals.items():
        for measure, total in by_measure.items():
            listed = sum((line.amount for line in got.lines[who][measure]), D(0))
            taken_parts = sum(
                (r.amount for r, _ in got.recovered.get(who, []) if r.measure == measure), D(0)
            )
            assert total == listed + taken_parts
    return result.engine if result.engine == "columnar" else result.reason


def _in_test() -> bool:
    from hypothesis.control import _current_build_context

    return _current_build_context.value is not None


@PROPERTY
@given(case=_cases())
def test_columnar_crediting_equals_the_decimal_crediting(case: Case) -> None:
    event(f"engine {_both(case)}")


def _deal(deal_id: str, day: date, client: str, amount: str, who: str = "A", **kw: Any) -> Deal:
    return Deal(deal_id, day, client, date(2026, 1, 1), D(amount), (Credit(who, D(1)),), **kw)


def test_same_day_key_account_deals_fill_the_baseline_in_deal_id_order() -> None:
    # File order B-2, A-1; id order A-1, B-2.  The baseline 1 000 is filled by A-1 first
    # (deal id order): A-1's 800 is all within it, B-2's 700 is 200 within and 500 growth.
    # In file order it would be B-2: 700 within, and A-1 500 growth instead.
    doc = {
        "key": "k", "name": "k", "currency": "RUB", "effective_from": "2027-01-01",
        "key_accounts": {"client_ids": ["KEY"], "baseline": {"KEY": 1000}},
        "departments": {"sales": {"kind": "acquisition", "roles": {"rep": {"base": 45000}}}},
    }  # fmt: skip
    day = date(2027, 4, 10)
    deals = [_deal("B-2", day, "KEY", "700", "B"), _deal("A-1", day, "KEY", "800", "A")]
    case = Case(parse_scheme(doc), deals, ["A", "B"])
    assert _both(case) == "columnar"
    got = credit_columns(
        case.scheme, PERIOD, DealColumns.from_deals(deals, 2), ["A", "B"]
    ).to_credits()
    assert got.totals["A"] == {Measure.REPEAT_REVENUE: D(800)}
    assert got.totals["B"] == {Measure.REPEAT_REVENUE: D(200), Measure.GROWTH_REVENUE: D(500)}


def test_same_day_refund_pieces_are_split_in_deal_id_order() -> None:
    # A sale of 1.00 split 0.3333 / 0.3333 / 0.3334; two same-day refunds of 0.01, Z-1 first
    # in the file.  They are split cumulatively in deal id order: A-2 is the first 0.01 of
    # the refund, Z-1 the second (the split of 0.02 less the split of 0.01).
    doc = {
        "key": "k", "name": "k", "currency": "RUB", "effective_from": "2027-01-01",
        "departments": {"sales": {"kind": "acquisition", "roles": {"rep": {"base": 45000}}}},
    }  # fmt: skip
    shares = [D("0.3333"), D("0.3333"), D("0.3334")]
    credit = tuple(Credit(w, s) for w, s in zip("ABC", shares, strict=True))
    sale = Deal("S", date(2027, 3, 20), "CL", date(2026, 1, 1), D("1.00"), credit)
    refunds = [
        _deal("Z-1", date(2027, 4, 2), "CL", "-0.01", refund_of="S"),
        _deal("A-2", date(2027, 4, 2), "CL", "-0.01", refund_of="S"),
    ]
    deals = [sale, *refunds]
    assert _both(Case(parse_scheme(doc), deals, ["A", "B", "C"])) == "columnar"
    got = credit_columns(
        parse_scheme(doc), PERIOD, DealColumns.from_deals(deals, 2), ["A", "B", "C"]
    ).to_credits()
    # 0.01 by (0.3333, 0.3333, 0.3334): remainders 3333, 3333, 3334 → C; 0.02: 6666, 6666,
    # 6668 → floors 0, 0, 0, two units to C and A → C 0.01, A 0.01; the second piece is
    # (0.01, 0, 0.01) − (0, 0, 0.01) = A.
    parts = {
        line.deal_id: (who, line.amount)
        for who, by_measure in got.lines.items()
        for lines in by_measure.values()
        for line in lines
        if line.amount
    }
    assert parts == {"A-2": ("C", D("-0.01")), "Z-1": ("A", D("-0.01"))}


def test_deals_the_arrays_cannot_hold_are_credited_by_the_decimal_engine() -> None:
    # 0.005 has three decimals, the rouble two: a PRECISION problem, which only the Decimal
    # engine words; columns built at 3 decimals do not fit a 2-decimal scheme either.
    doc = {
        "key": "k", "name": "k", "currency": "RUB", "effective_from": "2027-01-01",
        "departments": {"sales": {"kind": "acquisition", "roles": {"rep": {"base": 45000}}}},
    }  # fmt: skip
    scheme = parse_scheme(doc)
    odd = [_deal("D1", date(2027, 4, 2), "CL", "0.005")]
    result = credit_columns(scheme, PERIOD, DealColumns.from_deals(odd, 2), ["A"])
    assert (result.engine, result.reason) == (
        "decimal",
        "amount 0.005 is not a whole number of minor units up to 10^13",
    )
    assert [p.code for p in result.problems] == ["PRECISION"]
    fine = [_deal("D1", date(2027, 4, 2), "CL", "0.5")]
    other = credit_columns(scheme, PERIOD, DealColumns.from_deals(fine, 3), ["A"])
    assert other.engine == "decimal" and "3 decimals" in other.reason
    assert other.totals.tolist() == [[0, 50, 0]]  # 0.50 ₽ of repeat revenue, in kopecks
    assert other.to_credits().totals == {"A": {Measure.REPEAT_REVENUE: D("0.5")}}
