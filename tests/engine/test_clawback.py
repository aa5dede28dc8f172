"""``recover: paid_commission``: each deal's commission, and refunds taking it back exactly.

Acme's sales rep (base 45 000; target 600 000 of new revenue; no commission below the
threshold of half the target; 15% up to 600 000 and 20% above, marginal) sells and refunds.
Every figure below was computed by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import (
    Credit,
    Deal,
    Employee,
    InputError,
    Line,
    Measure,
    Payroll,
    Period,
    calculate,
    commission_by_deal,
    parse_scheme,
)
from app.engine.attribution import take_back

Doc = dict[str, Any]
D = Decimal
MARCH, APRIL, MAY = Period(2027, 3), Period(2027, 4), Period(2027, 5)
A = [Employee("A", "sales", "rep")]
AB = [Employee("A", "sales", "rep"), Employee("B", "sales", "rep")]


def _deal(
    deal_id: str,
    day: str,
    amount: str,
    credit: Sequence[tuple[str, str, str | None]] = (("A", "1", None),),
    refund_of: str | None = None,
) -> Deal:
    return Deal(
        deal_id,
        date.fromisoformat(day),
        "C-7",
        date(2027, 2, 1),  # a new client until 1 May 2027 (acme's three-month hand-off)
        D(amount),
        tuple(
            Credit(who, D(share), None if paid is None else D(paid)) for who, share, paid in credit
        ),
        refund_of=refund_of,
    )


def _run(
    doc: Doc, period: Period, deals: Sequence[Deal], roster: Sequence[Employee] = A
) -> Payroll:
    return calculate(parse_scheme(doc), period, roster, deals)


def _lines(payroll: Payroll, who: str) -> dict[str, Line]:
    return {line.code: line for line in payroll.payslip(who).lines}


def test_each_deal_shows_the_commission_it_earned(acme_doc: Callable[[], Doc]) -> None:
    march = _run(acme_doc(), MARCH, [_deal("D-1", "2027-03-10", "500000"),
                                     _deal("D-2", "2027-03-20", "200000")])  # fmt: skip
    line = _lines(march, "A")["commission"]

    # 700 000: 600 000 × 15% + 100 000 × 20% = 110 000, shared 5 : 2
    assert line.amount == D("110000.00")
    assert commission_by_deal(line, 2) == [D("78571.43"), D("31428.57")]  # 78 571.428… 31 428.571…


def test_a_refund_takes_back_the_commission_paid_not_what_it_would_earn_now(
    acme_doc: Callable[[], Doc],
) -> None:
    doc = acme_doc()
    sale = _deal("D-1", "2027-03-10", "700000")
    paid = commission_by_deal(_lines(_run(doc, MARCH, [sale]), "A")["commission"], 2)
    assert paid == [D("110000.00")]
    history = _deal("D-1", "2027-03-10", "700000", (("A", "1", "110000.00"),))
    refunds = [
        _deal("R-1", "2027-04-05", "-350000", refund_of="D-1"),
        _deal("R-2", "2027-04-20", "-350000", refund_of="D-1"),
    ]

    april = _run(doc, APRIL, [history, _deal("D-2", "2027-04-15", "400000"), *refunds])
    lines = _lines(april, "A")

    # The April sale is paid on its own: 400 000 × 15% = 60 000 (above the 300 000 threshold).
    assert (lines["commission"].basis, lines["commission"].amount) == (D("400000"), D("60000.00"))
    # Each half of the refund takes back half of the 110 000 paid on D-1.
    taken = lines["commission_clawback"]
    assert taken.amount == D("-110000.00")
    assert [d.deal_id for d in taken.deals] == ["R-1", "R-2"]
    assert commission_by_deal(taken, 2) == [D("-55000.00"), D("-55000.00")]
    # Variable pay is 60 000 − 110 000 = −50 000: pay stays at the base, 50 000 is carried.
    assert april.payslip("A").gross == D("45000.00")
    assert april.payslip("A").balances["clawback"] == D("50000.00")
    # The refund still lowers the revenue credited: 400 000 − 700 000.
    assert april.payslip("A").credited[lines["commission"].measure] == D("-300000")  # type: ignore[index]

    # Without the commission paid, the refund nets against April's sale instead: −300 000
    # earns on its own 300 000 × 15% = 45 000 (at the threshold), so 45 000 is taken back.
    netted = _lines(_run(doc, APRIL, [sale, _deal("D-2", "2027-04-15", "400000"), *refunds]), "A")
    assert "commission_clawback" not in netted
    assert netted["commission"].amount == D("-45000.00")


def test_pieces_of_a_refund_take_back_exactly_what_was_paid(acme_doc: Callable[[], Doc]) -> None:
    doc = acme_doc()
    halves: list[tuple[str, str, str | None]] = [("A", "0.5", None), ("B", "0.5", None)]
    deal = _deal("D", "2027-03-10", "100.03", [("A", "0.5", "5.00"), ("B", "0.5", "5.00")])
    refunds = [
        _deal("R1", "2027-04-05", "-33.01", halves, refund_of="D"),
        _deal("R2", "2027-05-05", "-33.01", halves, refund_of="D"),
        _deal("R3", "2027-05-06", "-34.01", halves, refund_of="D"),
    ]
    april = _run(doc, APRIL, [deal, *refunds], AB)
    may = _run(doc, MAY, [deal, *refunds], AB)

    for who in ("A", "B"):
        # 5.00 × 33.01 / 100.03 = 1.6500…, × 66.02 / 100.03 = 3.3000…, then the rest to 5.00
        assert commission_by_deal(_lines(april, who)["commission_clawback"], 2) == [D("-1.65")]
        assert commission_by_deal(_lines(may, who)["commission_clawback"], 2) == [
            D("-1.65"),
            D("-1.70"),
        ]


def test_a_refund_split_takes_back_per_person_and_nets_where_nothing_was_sent(
    acme_doc: Callable[[], Doc],
) -> None:
    deal = _deal("D", "2027-03-10", "1000.00", (("A", "0.6", "90.00"), ("B", "0.4", None)))
    refund = _deal("R", "2027-04-10", "-500.00", (("A", "0.6", None), ("B", "0.4", None)), "D")

    april = _run(acme_doc(), APRIL, [deal, refund], AB)

    # A: half of the 90.00 paid; A's −300.00 part is not in the commission base.
    assert _lines(april, "A")["commission_clawback"].amount == D("-45.00")
    assert _lines(april, "A")["commission"].basis == D("0")
    # B sent nothing: B's −200.00 nets against April (nothing else), below the threshold.
    assert "commission_clawback" not in _lines(april, "B")
    assert _lines(april, "B")["commission"].basis == D("-200.00")


@pytest.mark.parametrize(
    ("deal", "code_at"),
    [
        (_deal("S", "2027-04-02", "100.00", (("A", "1", "10.00"),)), "in this period"),
        (_deal("S", "2027-03-02", "100.00", (("A", "1", "-1.00"),)), "negative"),
        (_deal("S", "2027-03-02", "100.00", (("A", "1", "1.005"),)), "decimals"),
    ],
)
def test_a_bad_commission_is_a_problem(
    acme_doc: Callable[[], Doc], deal: Deal, code_at: str
) -> None:
    with pytest.raises(InputError) as caught:
        _run(acme_doc(), APRIL, [deal])
    (problem,) = caught.value.problems
    assert problem.code == "INVALID_COMMISSION" and code_at in problem.message
    assert (problem.source, problem.index, problem.field) == ("deals", 0, "credit.0.commission")


def test_a_refund_carries_no_commission(acme_doc: Callable[[], Doc]) -> None:
    deal = _deal("D", "2027-03-10", "1000.00")
    refund = _deal("R", "2027-04-10", "-500.00", (("A", "1", "5.00"),), "D")
    with pytest.raises(InputError) as caught:
        _run(acme_doc(), APRIL, [deal, refund])
    (problem,) = caught.value.problems
    assert problem.code == "INVALID_COMMISSION" and "refund" in problem.message


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=1, max_value=10**11),
    paid=st.integers(min_value=0, max_value=10**10),
    cuts=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=6),
)
def test_take_back_pieces_add_up_to_the_commission_paid(
    cents: int, paid: int, cuts: list[int]
) -> None:
    deal = D(cents).scaleb(-2)
    total = sum(cuts)
    pieces = [cents * cut // total for cut in cuts]
    pieces[-1] += cents - sum(pieces)  # the pieces refund the whole deal
    before, taken = D(0), D(0)
    for piece in pieces:
        after = before + D(piece).scaleb(-2)
        part = take_back(D(paid).scaleb(-2), deal, before, after, 2)
        assert part <= 0
        taken += part
        before = after
    assert taken == -D(paid).scaleb(-2)


SPLITS: list[tuple[str, ...]] = [("1",), ("0.5", "0.5"), ("0.6", "0.4"), ("0.34", "0.33", "0.33")]


@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(min_value=1, max_value=10**9),
    shares=st.sampled_from(SPLITS),
    cuts=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=3),
    april_sale=st.integers(min_value=0, max_value=10**8),
)
def test_a_full_refund_takes_back_exactly_what_the_deal_paid_whatever_else_happens(
    acme_doc: Callable[[], Doc], cents: int, shares: tuple[str, ...], cuts: list[int],
    april_sale: int,
) -> None:  # fmt: skip
    doc = acme_doc()
    people = ["A", "B", "C"][: len(shares)]
    nothing = {Measure.NEW_REVENUE: D(0)}  # a month without deals is a month without sales
    roster = [Employee(who, "sales", "rep", credited=nothing) for who in people]
    amount = str(D(cents).scaleb(-2))
    sale = _deal(
        "D", "2027-03-10", amount, [(w, s, None) for w, s in zip(people, shares, strict=True)]
    )
    march = _run(doc, MARCH, [sale], roster)
    paid = {who: commission_by_deal(_lines(march, who)["commission"], 2)[0] for who in people}
    history = _deal(
        "D",
        "2027-03-10",
        amount,
        [(w, s, str(paid[w])) for w, s in zip(people, shares, strict=True)],
    )
    total = sum(cuts)
    pieces = [cents * cut // total for cut in cuts]
    pieces[-1] += cents - sum(pieces)
    split: list[tuple[str, str, str | None]] = [
        (who, share, None) for who, share in zip(people, shares, strict=True)
    ]
    refunds = [
        _deal(f"R{i}", f"2027-04-{10 + i:02d}", str(-D(p).scaleb(-2)), split, "D")
        for i, p in enumerate(pieces)
        if p
    ]
    other = [_deal("S", "2027-04-05", str(D(april_sale).scaleb(-2)))] if april_sale else []

    april = _run(doc, APRIL, [history, *refunds, *other], roster)
    alone = _run(doc, APRIL, other, roster)

    for who in people:
        lines = _lines(april, who)
        taken = lines["commission_clawback"].amount if "commission_clawback" in lines else D(0)
        assert taken == -paid[who]
        assert lines["commission"].amount == _lines(alone, who)["commission"].amount
