"""Deals in: classification, key accounts, exact splits, refunds, and every bad-input problem.

The scheme is the minimal one with pay on every measure, so that each credit is visible on a
payslip: a sales rep earns 10% of new_revenue, a client rep 1% of repeat_revenue and 2% of
growth_revenue.  Employees A, B, C are sales reps and K is a client rep; nobody has roster
totals unless a test gives them.  ``Payslip.credited`` is what the roster and the deals credit
together, per measure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import (
    Credit,
    CreditedDeal,
    Deal,
    Employee,
    Finding,
    InputError,
    Measure,
    Payroll,
    Period,
    Problem,
    allocate,
    calculate,
    parse_scheme,
)
from app.engine.dealcheck import deal_problems
from app.engine.deals import add_months, credit_deals

Doc = dict[str, Any]
Edit = Callable[[Doc, str, object], Doc]
D = Decimal
NEW, REPEAT, GROWTH = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE, Measure.GROWTH_REVENUE
FEBRUARY, MARCH, APRIL, MAY, JULY = (Period(2027, m) for m in (2, 3, 4, 5, 7))
ROSTER = [
    Employee("A", "sales", "rep"),
    Employee("B", "sales", "rep"),
    Employee("C", "sales", "rep"),
    Employee("K", "clients", "rep"),
]
OLD_CLIENT = "2025-06-01"  # repeat revenue at any 2027 date


def _doc(minimal_doc: Callable[[], Doc]) -> Doc:
    doc = minimal_doc()
    roles = doc["departments"]
    roles["sales"]["roles"]["rep"]["commission"] = [
        {"measure": "new_revenue", "tiers": [{"from": 0, "rate": "0.10"}]}
    ]
    roles["clients"]["roles"]["rep"]["commission"] = [
        {"measure": "repeat_revenue", "tiers": [{"from": 0, "rate": "0.01"}]},
        {"measure": "growth_revenue", "tiers": [{"from": 0, "rate": "0.02"}]},
    ]
    return doc


def _deal(
    deal_id: str,
    day: str,
    amount: str,
    credit: Sequence[tuple[str, str]] = (("A", "1"),),
    *,
    client: str = "CL",
    since: str = "2027-01-15",
    refund_of: str | None = None,
    kind: Measure | None = None,
) -> Deal:
    return Deal(
        deal_id,
        date.fromisoformat(day),
        client,
        date.fromisoformat(since),
        D(amount),
        tuple(Credit(who, D(share)) for who, share in credit),
        refund_of=refund_of,
        kind=kind,
    )


def _run(
    doc: Doc,
    period: Period,
    deals: Sequence[Deal],
    roster: Sequence[Employee] = ROSTER,
) -> Payroll:
    return calculate(parse_scheme(doc), period, roster, deals)


def _credited(payroll: Payroll, employee_id: str) -> dict[Measure, Decimal]:
    return dict(payroll.payslip(employee_id).credited)


def _deal_lines(payroll: Payroll, employee_id: str) -> list[CreditedDeal]:
    """Every deal behind the employee's commission lines, in line order."""
    slip = payroll.payslip(employee_id)
    return [deal for line in slip.lines if line.code == "commission" for deal in line.deals]


def _codes(payroll: Payroll, code: str) -> list[Finding]:
    return [f for f in payroll.findings if f.code == code]


def _problems(doc: Doc, period: Period, deals: Sequence[Deal], **kw: Any) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        _run(doc, period, deals, **kw)
    return caught.value.problems


# --- classification: the hand-off rule --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-11-30", 3, "2027-02-28"),  # 30 February does not exist: the month's end
        ("2027-01-31", 1, "2027-02-28"),
        ("2028-01-31", 1, "2028-02-29"),  # a leap year's February has 29 days
        ("2026-12-31", 2, "2027-02-28"),  # across the year end
        ("2027-01-15", 3, "2027-04-15"),  # no clamp needed
        ("2027-05-31", 0, "2027-05-31"),
        ("2027-03-31", 12, "2028-03-31"),
    ],
)
def test_add_months_clamps_to_the_month_end(day: str, months: int, expected: str) -> None:
    assert add_months(date.fromisoformat(day), months) == date.fromisoformat(expected)


@pytest.mark.parametrize("months", [None, 3])  # omitted: 3
def test_handoff_edge_day(minimal_doc: Callable[[], Doc], edit: Edit, months: int | None) -> None:
    doc = _doc(minimal_doc)
    if months is not None:
        edit(doc, "handoff.new_client_months", months)
    # client first paid on 2027-01-15; + 3 months = 2027-04-15.
    # 2027-04-14 < 2027-04-15: new revenue; 2027-04-15 is not < 2027-04-15: repeat revenue.
    payroll = _run(
        doc,
        APRIL,
        [
            _deal("N", "2027-04-14", "1000.00", since="2027-01-15"),
            _deal("R", "2027-04-15", "2000.00", since="2027-01-15"),
        ],
    )
    assert _credited(payroll, "A") == {NEW: D("1000.00"), REPEAT: D("2000.00")}
    # the sales rep is paid on new revenue only: 1 000.00 × 10% = 100.00
    lines = {line.code: line for line in payroll.payslip("A").lines}
    assert lines["commission"].amount == D("100.00")
    assert [(d.deal_id, d.measure, d.amount) for d in _deal_lines(payroll, "A")] == [
        ("N", NEW, D("1000.00"))
    ]
    assert payroll.credited_deals == 2


def test_handoff_window_clamps_at_the_month_end(minimal_doc: Callable[[], Doc]) -> None:
    # client_since 2026-11-30 + 3 months = 2027-02-28 (clamped): the 27th is new, the 28th repeat
    payroll = _run(
        _doc(minimal_doc),
        FEBRUARY,
        [
            _deal("N", "2027-02-27", "300.00", since="2026-11-30"),
            _deal("R", "2027-02-28", "500.00", since="2026-11-30"),
        ],
    )
    assert _credited(payroll, "A") == {NEW: D("300.00"), REPEAT: D("500.00")}


def test_new_client_months_zero_makes_every_deal_repeat_revenue(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    doc = edit(_doc(minimal_doc), "handoff.new_client_months", 0)
    # client_since + 0 months = client_since; a deal can never be dated before it
    payroll = _run(
        doc,
        APRIL,
        [
            _deal("FIRST", "2027-04-01", "100.00", since="2027-04-01"),  # the very first deal
            _deal("LATER", "2027-04-02", "200.00", since="2027-04-01"),
        ],
    )
    assert _credited(payroll, "A") == {REPEAT: D("300.00")}


def test_kind_overrides_the_classification(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(_doc(minimal_doc), "key_accounts", {"baseline": {"BIG": 500000}})
    payroll = _run(
        doc,
        APRIL,
        [
            # a young client (new by age) booked as repeat revenue
            _deal("Y", "2027-04-01", "100.00", since="2027-04-01", kind=REPEAT),
            # an old client (repeat by age) booked as new revenue
            _deal("O", "2027-04-02", "200.00", since=OLD_CLIENT, kind=NEW),
            # a key account 200 000 above its baseline, all booked as new revenue: no growth
            _deal("K", "2027-04-03", "700000.00", client="BIG", since=OLD_CLIENT, kind=NEW),
        ],
    )
    assert _credited(payroll, "A") == {REPEAT: D("100.00"), NEW: D("700200.00")}


# --- classification: key accounts ------------------------------------------------------------


def _big(
    deal_id: str,
    day: str,
    amount: str,
    credit: Sequence[tuple[str, str]] = (("A", "1"),),
    refund_of: str | None = None,
) -> Deal:
    """A deal of the key account BIG, a client since 2025 (repeat revenue by age)."""
    return _deal(deal_id, day, amount, credit, client="BIG", since=OLD_CLIENT, refund_of=refund_of)


def _key_doc(minimal_doc: Callable[[], Doc], edit: Edit) -> Doc:
    return edit(
        _doc(minimal_doc),
        "key_accounts",
        {
            "client_ids": ["BIG", "FRESH"],
            # BIG in client_ids and baseline; YOUNG only in baseline; FRESH without a baseline
            "baseline": {"BIG": 500000, "YOUNG": 100000},
        },
    )


def test_key_account_amount_above_the_baseline_is_growth(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    payroll = _run(
        _key_doc(minimal_doc, edit),
        APRIL,
        [
            # listed out of date order on purpose: the running total goes by date
            _big("D2", "2027-04-20", "400000.00", credit=(("K", "1"),)),
            _big("D1", "2027-04-05", "300000.00", credit=(("K", "1"),)),
        ],
    )
    # D1: running 0 → 300 000, all below the 500 000 baseline: repeat 300 000 (old client).
    # D2: running 300 000 → 700 000: 200 000 up to the baseline is repeat, 200 000 is growth.
    assert _credited(payroll, "K") == {REPEAT: D("500000.00"), GROWTH: D("200000.00")}
    assert sorted((d.deal_id, d.measure, d.amount) for d in _deal_lines(payroll, "K")) == [
        ("D1", REPEAT, D("300000.00")),
        ("D2", GROWTH, D("200000.00")),  # "growth_revenue" sorts before "repeat_revenue"
        ("D2", REPEAT, D("200000.00")),
    ]
    amounts = {line.measure: line.amount for line in payroll.payslip("K").lines}
    assert amounts[REPEAT] == D("5000.00")  # 500 000 × 1%
    assert amounts[GROWTH] == D("4000.00")  # 200 000 × 2%


def test_key_account_baseline_part_is_classified_by_age(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    # YOUNG: first paid 2027-03-01, so new revenue until 2027-06-01; baseline 100 000.
    # 250 000 → 100 000 new (up to the baseline) + 150 000 growth.
    payroll = _run(
        _key_doc(minimal_doc, edit),
        APRIL,
        [_deal("Y", "2027-04-02", "250000.00", client="YOUNG", since="2027-03-01")],
    )
    assert _credited(payroll, "A") == {NEW: D("100000.00"), GROWTH: D("150000.00")}


def test_key_account_without_a_baseline_is_all_growth(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    # FRESH is in client_ids with no baseline entry: baseline 0, the whole amount is growth
    payroll = _run(
        _key_doc(minimal_doc, edit),
        APRIL,
        [
            _deal("F1", "2027-04-10", "150000.00", client="FRESH", since="2027-03-20"),
            _deal("F2", "2027-04-11", "0.01", client="FRESH", since="2027-03-20"),
        ],
    )
    assert _credited(payroll, "A") == {GROWTH: D("150000.01")}


def test_key_account_baseline_is_per_month(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    history = [
        _big("A1", "2027-04-05", "300000.00"),
        _big("A2", "2027-04-20", "400000.00"),
    ]
    # May starts from zero: 300 000 is below the 500 000 baseline, all repeat revenue;
    # then 300 000 → 650 000: 200 000 repeat + 150 000 growth.
    may = [
        _big("M1", "2027-05-04", "300000.00"),
        _big("M2", "2027-05-31", "350000.00"),
    ]
    payroll = _run(_key_doc(minimal_doc, edit), MAY, history + may)
    assert _credited(payroll, "A") == {REPEAT: D("500000.00"), GROWTH: D("150000.00")}
    assert payroll.credited_deals == 2  # the April deals are history


# --- splits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "shares", "digits", "expected"),
    [
        # 10 000 kopecks × (0.33334, 0.33333, 0.33333) = 3 333.4 / 3 333.3 / 3 333.3;
        # floors 3 333 × 3 = 9 999, one kopeck left → the largest remainder (0.4, the first)
        ("100.00", ["0.33334", "0.33333", "0.33333"], 2, ["33.34", "33.33", "33.33"]),
        # the same shares in another order: the kopeck follows the 0.4 remainder
        ("100.00", ["0.33333", "0.33333", "0.33334"], 2, ["33.33", "33.33", "33.34"]),
        # 10 000 × 0.3333 = 3 333 exactly, 10 000 × 0.3334 = 3 334: nothing left over
        ("100.00", ["0.3333", "0.3333", "0.3334"], 2, ["33.33", "33.33", "33.34"]),
        # 1 kopeck in halves: remainders 0.5 / 0.5 tie → the earlier credit
        ("0.01", ["0.5", "0.5"], 2, ["0.01", "0.00"]),
        # 2 kopecks: 0.66666 / 0.66666 / 0.66668, floors 0 → the 0.66668, then the tie → first
        ("0.02", ["0.33333", "0.33333", "0.33334"], 2, ["0.01", "0.00", "0.01"]),
        # JPY, no minor unit: 10 yen × (0.15, 0.15, 0.7) = 1.5 / 1.5 / 7; floors 9, one yen
        # left, remainders tie 0.5 / 0.5 → first
        ("10", ["0.15", "0.15", "0.7"], 0, ["2", "1", "7"]),
        # 1 000 yen × (0.33334, 0.33333, 0.33333) = 333.34 / 333.33 / 333.33 → 334 / 333 / 333
        ("1000", ["0.33334", "0.33333", "0.33333"], 0, ["334", "333", "333"]),
        # a refund splits symmetrically: −10 000 kopecks, the extra −1 to the largest remainder
        ("-100.00", ["0.33334", "0.33333", "0.33333"], 2, ["-33.34", "-33.33", "-33.33"]),
        ("-0.01", ["0.5", "0.5"], 2, ["-0.01", "0.00"]),
        # KWD, 3 digits: 1 fils × (0.3, 0.3, 0.4) → the 0.4 remainder takes it
        ("0.001", ["0.3", "0.3", "0.4"], 3, ["0.000", "0.000", "0.001"]),
        # 4 kopecks × (0.4, 0.2, 0.4) = 1.6 / 0.8 / 1.6: floors 1 / 0 / 1, two left: to the 0.8,
        # then of the tied 0.6 remainders to the earlier
        ("0.04", ["0.4", "0.2", "0.4"], 2, ["0.02", "0.01", "0.01"]),
        # one share: the amount as it is
        ("123.45", ["1"], 2, ["123.45"]),
    ],
)
def test_allocate_by_largest_remainder(
    amount: str, shares: list[str], digits: int, expected: list[str]
) -> None:
    parts = allocate(D(amount), [D(s) for s in shares], digits)
    assert parts == [D(e) for e in expected]
    assert sum(parts, D(0)) == D(amount)


def test_three_way_split_of_100(minimal_doc: Callable[[], Doc]) -> None:
    thirds = (("A", "0.33334"), ("B", "0.33333"), ("C", "0.33333"))
    payroll = _run(_doc(minimal_doc), APRIL, [_deal("D", "2027-04-01", "100.00", thirds)])
    assert [payroll.payslip(e).credited[NEW] for e in "ABC"] == [D("33.34"), D("33.33"), D("33.33")]
    # commission 33.34 × 10% = 3.334 → 3.33; 33.33 × 10% = 3.333 → 3.33
    commission = [payroll.payslip(e).lines[1] for e in "ABC"]
    assert [line.amount for line in commission] == [D("3.33")] * 3
    (a_deal,) = commission[0].deals
    assert (a_deal.deal_id, a_deal.share, a_deal.amount) == ("D", D("0.33334"), D("33.34"))
    assert (a_deal.date, a_deal.client_id, a_deal.measure) == (date(2027, 4, 1), "CL", NEW)


def test_split_in_yen(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(_doc(minimal_doc), "currency", "JPY")
    thirds = (("A", "0.33334"), ("B", "0.33333"), ("C", "0.33333"))
    # 1 000 yen: 333.34 / 333.33 / 333.33 → 334 / 333 / 333 (one yen to the largest remainder)
    payroll = _run(doc, APRIL, [_deal("D", "2027-04-01", "1000", thirds)])
    assert [payroll.payslip(e).credited[NEW] for e in "ABC"] == [D(334), D(333), D(333)]
    # 334 × 10% = 33.4 → 33; 333 × 10% = 33.3 → 33
    assert [payroll.payslip(e).lines[1].amount for e in "ABC"] == [D(33)] * 3


def test_negative_split(minimal_doc: Callable[[], Doc]) -> None:
    # a credit note without refund_of is credited by its own split, negatively
    thirds = (("A", "0.33334"), ("B", "0.33333"), ("C", "0.33333"))
    payroll = _run(_doc(minimal_doc), APRIL, [_deal("CN", "2027-04-01", "-100.00", thirds)])
    credited = [payroll.payslip(e).credited[NEW] for e in "ABC"]
    assert credited == [D("-33.34"), D("-33.33"), D("-33.33")]
    assert sum(credited, D(0)) == D("-100.00")
    (finding,) = _codes(payroll, "REFUND_UNKNOWN_ORIGINAL")
    assert "credit note without refund_of" in finding.message


# --- refunds ----------------------------------------------------------------------------------


def test_refund_follows_the_original_split_and_classification(
    minimal_doc: Callable[[], Doc],
) -> None:
    # the original: a young client (new revenue), credited 60/40 to A and B
    original = _deal(
        "D1", "2027-03-10", "90000.00", (("A", "0.6"), ("B", "0.4")), since="2027-02-01"
    )
    # the refund names C and an old client (repeat by its own date): both are ignored
    refund = _deal("R1", "2027-04-05", "-30000.00", (("C", "1"),), since=OLD_CLIENT, refund_of="D1")
    payroll = _run(_doc(minimal_doc), APRIL, [original, refund])
    # −30 000 × 0.6 = −18 000 to A, × 0.4 = −12 000 to B, as new revenue like the original
    assert _credited(payroll, "A") == {NEW: D("-18000.00")}
    assert _credited(payroll, "B") == {NEW: D("-12000.00")}
    assert _credited(payroll, "C") == {}
    (line,) = _deal_lines(payroll, "A")
    assert (line.deal_id, line.measure, line.share) == ("R1", NEW, D("0.6"))
    assert (line.amount, line.note) == (D("-18000.00"), "refund of D1")
    assert payroll.credited_deals == 1  # D1 is March history
    assert _codes(payroll, "REFUND_UNKNOWN_ORIGINAL") == []


def test_refund_in_the_next_period(minimal_doc: Callable[[], Doc]) -> None:
    doc = _doc(minimal_doc)
    deal = _deal("D1", "2027-03-10", "100000.00")
    march = _run(doc, MARCH, [deal])
    assert _credited(march, "A") == {NEW: D("100000.00")}
    assert march.payslip("A").lines[1].amount == D("10000.00")  # 100 000 × 10%
    # April gets March's deal as history: it is not credited again, only its refund is
    april = _run(doc, APRIL, [deal, _deal("R1", "2027-04-02", "-100000.00", refund_of="D1")])
    assert _credited(april, "A") == {NEW: D("-100000.00")}
    assert april.payslip("A").lines[1].amount == D("-10000.00")  # −100 000 × 10%
    assert (march.credited_deals, april.credited_deals) == (1, 1)


def test_a_deal_refunded_in_pieces_nets_every_split_to_zero(
    minimal_doc: Callable[[], Doc],
) -> None:
    doc = _doc(minimal_doc)
    halves = (("A", "0.5"), ("B", "0.5"))
    deal = _deal("D", "2027-03-10", "100.03", halves)
    refunds = [
        _deal("R1", "2027-04-05", "-33.01", halves, refund_of="D"),
        _deal("R2", "2027-05-05", "-33.01", halves, refund_of="D"),
        _deal("R3", "2027-05-06", "-34.01", halves, refund_of="D"),  # 33.01 + 33.01 + 34.01
    ]
    # March: 10 003 kopecks in halves, 5 001.5 each: the tie's kopeck to A → 50.02 / 50.01
    march = _run(doc, MARCH, [deal])
    assert (_credited(march, "A"), _credited(march, "B")) == ({NEW: D("50.02")}, {NEW: D("50.01")})
    april = _run(doc, APRIL, [deal, *refunds])  # R1; the May refunds are not credited yet
    may = _run(doc, MAY, [deal, *refunds])  # R2 and R3; R1 is history
    # Each refund alone splits −16.505 / −16.505 / −17.005, and each tie's kopeck would go to A:
    # A would give back 16.51 + 16.51 + 17.01 = 50.03, one kopeck more than A was credited, and
    # B 50.00, one kopeck less.  The whole deal was refunded: each must give back exactly what
    # they got, and each period's parts still add up to that period's refunds.
    for who, got in (("A", D("50.02")), ("B", D("50.01"))):
        back = _credited(april, who)[NEW] + _credited(may, who)[NEW]
        assert got + back == 0, who
    assert _credited(april, "A")[NEW] + _credited(april, "B")[NEW] == D("-33.01")
    assert _credited(may, "A")[NEW] + _credited(may, "B")[NEW] == D("-67.02")  # 33.01 + 34.01


@pytest.mark.parametrize(
    ("refund_day", "taken_back"),
    [
        # 2027-01-04 + 180 days: 27 (to 31 Jan) + 28 + 31 + 30 + 31 + 30 = 177 at 30 June,
        # + 3 = 2027-07-03.  180 days is inside the window, 181 and 182 are not.
        ("2027-07-03", True),
        ("2027-07-04", False),
        ("2027-07-05", False),
    ],
)
def test_clawback_window(minimal_doc: Callable[[], Doc], refund_day: str, taken_back: bool) -> None:
    deals = [
        _deal("D1", "2027-01-04", "5000.00", since="2027-01-04"),  # new revenue
        _deal("R1", refund_day, "-5000.00", since="2027-01-04", refund_of="D1"),
    ]
    payroll = _run(_doc(minimal_doc), JULY, deals)
    findings = _codes(payroll, "CLAWBACK_WINDOW")
    if taken_back:
        assert _credited(payroll, "A") == {NEW: D("-5000.00")}
        assert findings == []
        assert payroll.credited_deals == 1
    else:
        assert _credited(payroll, "A") == {}
        (finding,) = findings
        days = (date.fromisoformat(refund_day) - date(2027, 1, 4)).days
        assert days in (181, 182)
        assert finding.severity == "warning"
        assert finding.path == ("deals", 1)
        assert finding.data == {"deal_id": "R1"}
        assert f"{days} days after the deal" in finding.message
        assert "180-day clawback window" in finding.message
        assert payroll.credited_deals == 0


def test_refund_of_an_unknown_deal_uses_its_own_credit(minimal_doc: Callable[[], Doc]) -> None:
    refund = _deal("R9", "2027-04-03", "-5000.00", (("B", "1"),), refund_of="D-404")
    payroll = _run(_doc(minimal_doc), APRIL, [_deal("D1", "2027-04-01", "7000.00"), refund])
    # A keeps D1; B is credited the refund by its own credit and its own date (new revenue)
    assert _credited(payroll, "A") == {NEW: D("7000.00")}
    assert _credited(payroll, "B") == {NEW: D("-5000.00")}
    (finding,) = _codes(payroll, "REFUND_UNKNOWN_ORIGINAL")
    assert finding.path == ("deals", 1)
    assert finding.data == {"deal_id": "R9"}
    assert "unknown deal 'D-404'" in finding.message
    (line,) = _deal_lines(payroll, "B")
    assert line.note == "refund of an unknown deal"
    assert payroll.credited_deals == 2


def test_clawback_recover_none_ignores_refunds(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(_doc(minimal_doc), "clawback.recover", "none")
    deals = [
        _deal("D1", "2027-03-10", "100000.00"),
        _deal("R1", "2027-04-02", "-40000.00", refund_of="D1"),
        _deal("D2", "2027-04-03", "1000.00"),
    ]
    payroll = _run(doc, APRIL, deals)
    assert _credited(payroll, "A") == {NEW: D("1000.00")}  # the refund takes nothing back
    (finding,) = _codes(payroll, "REFUND_NOT_RECOVERED")
    assert finding.path == ("deals", 1)
    assert finding.data == {"deal_id": "R1"}
    assert payroll.credited_deals == 1


def test_only_deals_dated_in_the_period_are_credited(minimal_doc: Callable[[], Doc]) -> None:
    deals = [  # a client since March: new revenue up to 2027-06-01
        _deal("BEFORE", "2027-03-31", "1.00", since="2027-03-01"),
        _deal("FIRST", "2027-04-01", "10.00", since="2027-03-01"),
        _deal("LAST", "2027-04-30", "100.00", since="2027-03-01"),
        _deal("AFTER", "2027-05-01", "1000.00", since="2027-03-01"),
    ]
    payroll = _run(_doc(minimal_doc), APRIL, deals)
    assert _credited(payroll, "A") == {NEW: D("110.00")}  # 10 + 100
    assert [d.deal_id for d in _deal_lines(payroll, "A")] == ["FIRST", "LAST"]
    assert payroll.credited_deals == 2


def test_roster_totals_and_deal_credits_add_up(minimal_doc: Callable[[], Doc]) -> None:
    roster = [
        Employee("A", "sales", "rep", credited={NEW: D("200000.00"), REPEAT: D("5.00")}),
        *ROSTER[1:],
    ]
    deals = [
        _deal("D1", "2027-04-01", "50000.00"),
        _deal("D2", "2027-04-02", "-20000.00", refund_of="D1"),
        _deal("D3", "2027-04-03", "300.00", since=OLD_CLIENT),
    ]
    payroll = _run(_doc(minimal_doc), APRIL, deals, roster)
    # new: 200 000 + 50 000 − 20 000 = 230 000; repeat: 5 + 300 = 305
    assert _credited(payroll, "A") == {NEW: D("230000.00"), REPEAT: D("305.00")}
    line = payroll.payslip("A").lines[1]
    assert (line.basis, line.amount) == (D("230000.00"), D("23000.00"))  # × 10%
    assert "new_revenue 230 000.00" in line.explanation
    # the head-less report still sums it: sales revenue = 230 000 + 305
    assert payroll.report is not None
    sales = next(d for d in payroll.report.departments if d.department == "sales")
    assert sales.revenue == D("230305.00")


def test_with_deals_a_missing_measure_is_zero(minimal_doc: Callable[[], Doc]) -> None:
    doc = _doc(minimal_doc)
    # B and K have no roster totals and no deals: their measures count as zero
    payroll = _run(doc, APRIL, [_deal("D1", "2027-04-01", "100.00")])
    assert payroll.payslip("B").lines[1].amount == D("0.00")
    assert payroll.payslip("B").gross == D("45000.00")
    assert [line.amount for line in payroll.payslip("K").lines] == [D("85000.00"), D(0), D(0)]
    # without deals the same roster is refused: the measures are required
    with pytest.raises(InputError) as caught:
        calculate(parse_scheme(doc), APRIL, ROSTER)
    assert {p.code for p in caught.value.problems} == {"MISSING_MEASURE"}


def test_totals_and_lines_keep_the_order_first_credited(minimal_doc: Callable[[], Doc]) -> None:
    # Sales are credited inline, a refund by the general path: both add to the same books.
    # Employees, and each one's measures, come in the order first credited; lines, per
    # measure, in deal order.
    deals = [
        _deal("D0", "2027-02-10", "100.00", (("B", "1"),)),  # February: history, a new client
        _deal("S1", "2027-03-01", "10.00", since=OLD_CLIENT),  # A: repeat revenue
        _deal("R", "2027-03-03", "-40.00", (("B", "1"),), refund_of="D0"),  # B: new, −40.00
        _deal("S2", "2027-03-04", "5.00"),  # A: new revenue (client since 15 January)
        _deal("S3", "2027-03-05", "25.00", (("B", "1"),), since=OLD_CLIENT),  # B: repeat
        _deal("S4", "2027-03-06", "1.50"),  # A: new again
    ]
    credits, problems = credit_deals(
        parse_scheme(_doc(minimal_doc)), MARCH, deals, {e.id for e in ROSTER}
    )
    assert problems == []
    assert list(credits.totals) == list(credits.lines) == ["A", "B"]
    assert list(credits.totals["A"].items()) == [(REPEAT, D("10.00")), (NEW, D("6.50"))]
    assert list(credits.totals["B"].items()) == [(NEW, D("-40.00")), (REPEAT, D("25.00"))]
    assert {
        measure: [(c.deal_id, c.measure, c.amount) for c in lines]
        for measure, lines in credits.lines["A"].items()
    } == {
        REPEAT: [("S1", REPEAT, D("10.00"))],
        NEW: [("S2", NEW, D("5.00")), ("S4", NEW, D("1.50"))],
    }
    assert list(credits.lines["A"]) == [REPEAT, NEW]
    assert {
        measure: [(c.deal_id, c.amount, c.note) for c in lines]
        for measure, lines in credits.lines["B"].items()
    } == {
        NEW: [("R", D("-40.00"), "refund of D0")],
        REPEAT: [("S3", D("25.00"), "")],
    }
    assert list(credits.lines["B"]) == [NEW, REPEAT]
    assert credits.credited_deals == 5


def test_refund_of_a_key_account_deal_follows_its_measures(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    deals = [
        _big("D1", "2027-04-05", "300000.00"),
        _big("D2", "2027-04-20", "400000.00"),  # 200 000 repeat + 200 000 growth
        _big("R2", "2027-05-06", "-100000.00", refund_of="D2"),
    ]
    payroll = _run(_key_doc(minimal_doc, edit), MAY, deals)
    # −100 000 in D2's proportions 200 000 : 200 000 → −50 000 repeat, −50 000 growth
    assert _credited(payroll, "A") == {REPEAT: D("-50000.00"), GROWTH: D("-50000.00")}


# --- bad input: every problem at once ---------------------------------------------------------


def test_every_deal_problem_at_once(minimal_doc: Callable[[], Doc]) -> None:
    deals = [
        _deal("OK", "2027-04-01", "1000.00"),  # 0: refunded 600 + 500 = 1 100 > 1 000
        _deal("GHOST", "2027-04-01", "1.00", (("NOBODY", "1"),)),  # 1
        _deal("SUM", "2027-04-01", "1.00", (("A", "0.5"), ("B", "0.4"))),  # 2: 0.9
        _deal("RANGE", "2027-04-01", "1.00", (("A", "0"), ("B", "1"))),  # 3: share 0
        _deal("R1", "2027-04-02", "-600.00", refund_of="OK"),  # 4
        _deal("R2", "2027-04-03", "-500.00", refund_of="OK"),  # 5
        _deal("OTHER", "2027-04-01", "300.00"),  # 6
        _deal("SIGN", "2027-04-04", "100.00", refund_of="GHOST"),  # 7: a positive "refund"
        _deal("OTHER", "2027-04-05", "5.00"),  # 8: the same id again
        _deal("OLD", "1980-06-01", "1.00", since="1980-01-01"),  # 9: both dates before 1990
        _deal("EARLY", "2027-04-02", "1.00", since="2027-04-03"),  # 10: client after the deal
        _deal("ZERO", "2027-04-01", "0"),  # 11
        _deal("FINE", "2027-04-01", "10.001"),  # 12: RUB has 2 decimals
        _deal("NOBODY", "2027-04-01", "1.00", ()),  # 13
        _deal("TOOSOON", "2027-04-01", "-1.00", refund_of="LATE"),  # 14: before its deal
        _deal("LATE", "2027-04-10", "50.00"),  # 15
        _deal("RR", "2027-04-05", "-1.00", refund_of="R1"),  # 16: a refund of a refund
    ]
    problems = _problems(_doc(minimal_doc), APRIL, deals)
    assert all(p.source == "deals" for p in problems)
    assert sorted((p.index or 0, p.code, p.field or "") for p in problems) == [
        (0, "REFUND_EXCEEDS", "amount"),
        (1, "UNKNOWN_EMPLOYEE", "credit"),
        (2, "SHARES_SUM", "credit"),
        (3, "SHARE_RANGE", "credit"),
        (7, "REFUND_SIGN", "amount"),
        (8, "DUPLICATE_DEAL", "id"),
        (9, "DATE_RANGE", "client_since"),
        (9, "DATE_RANGE", "date"),
        (10, "DATE_RANGE", "client_since"),
        (11, "INVALID_AMOUNT", "amount"),
        (12, "PRECISION", "amount"),
        (13, "NO_CREDIT", "credit"),
        (14, "DATE_RANGE", "date"),
        (16, "REFUND_SIGN", "refund_of"),
    ]
    messages = {(p.index, p.code): p.message for p in problems}
    assert "'OK'" in messages[0, "REFUND_EXCEEDS"] and "1100" in messages[0, "REFUND_EXCEEDS"]
    assert "'NOBODY'" in messages[1, "UNKNOWN_EMPLOYEE"]
    assert "'SUM'" in messages[2, "SHARES_SUM"] and "0.9" in messages[2, "SHARES_SUM"]
    assert "'RANGE'" in messages[3, "SHARE_RANGE"]
    assert "'SIGN'" in messages[7, "REFUND_SIGN"] and "'GHOST'" in messages[7, "REFUND_SIGN"]
    assert "'OTHER'" in messages[8, "DUPLICATE_DEAL"]
    assert "2027-04-03" in messages[10, "DATE_RANGE"]
    assert "'ZERO'" in messages[11, "INVALID_AMOUNT"]
    assert "10.001" in messages[12, "PRECISION"]
    assert "'NOBODY'" in messages[13, "NO_CREDIT"]
    assert "before the deal 'LATE'" in messages[14, "DATE_RANGE"]
    assert "'R1'" in messages[16, "REFUND_SIGN"]


def test_problems_after_deals_already_credited_are_all_reported(
    minimal_doc: Callable[[], Doc],
) -> None:
    # Unique ids: the deals are credited while they are checked.  The first problem comes
    # after two deals were credited (one a split), and more follow it: every one is reported,
    # in deal order, and nothing is credited.
    deals = [
        _deal("S1", "2027-04-01", "100.00"),
        _deal("S2", "2027-04-02", "90.00", (("A", "0.5"), ("B", "0.5"))),
        _deal("S3", "2027-04-02", "30.00", (("A", "0.5"), ("NOBODY", "0.5"))),  # 2
        _deal("R1", "2027-04-03", "-10.00", refund_of="S1"),
        _deal("S4", "2027-04-04", "1.005"),  # 4: RUB has 2 decimals
        _deal("R2", "2027-04-05", "-95.00", refund_of="S1"),  # 5: S1 refunded 105 > 100
        _deal("S5", "2027-04-06", "5.00", (("B", "1"),)),
    ]
    doc = _doc(minimal_doc)
    problems = _problems(doc, APRIL, deals)
    assert [(p.index, p.code, p.field) for p in problems] == [
        (2, "UNKNOWN_EMPLOYEE", "credit"),
        (4, "PRECISION", "amount"),
        (0, "REFUND_EXCEEDS", "amount"),
    ]
    assert problems == deal_problems(deals, {"A", "B", "C"}, 2, APRIL)
    credits, found = credit_deals(parse_scheme(doc), APRIL, deals, {"A", "B", "C"})
    assert found == problems
    assert credits.totals == {} and credits.lines == {} and credits.credited_deals == 0


@pytest.mark.parametrize(
    ("credit", "code"),
    [
        ((Credit("A", D("0.9")),), "SHARES_SUM"),
        ((Credit("NOBODY", D(1)),), "UNKNOWN_EMPLOYEE"),
        ((Credit("A", D("0.5")), Credit("B", D("0.4"))), "SHARES_SUM"),
        ((Credit("A", D("1.5")), Credit("B", D("-0.5"))), "SHARE_RANGE"),
        ((Credit("A", D(1), commission=D("3.00")),), "INVALID_COMMISSION"),
        ((Credit("A", D("0.5")), Credit("B", D("0.5"), commission=D(1))), "INVALID_COMMISSION"),
    ],
)
def test_a_sale_with_a_wrong_credit_stops_the_crediting(
    minimal_doc: Callable[[], Doc], credit: tuple[Credit, ...], code: str
) -> None:
    # A sale of the period whose credit is wrong always has a problem: the crediting stops
    # there, and the problems are those of the full check, with nothing credited.
    wrong = Deal("W", date(2027, 4, 2), "CL", date(2027, 1, 15), D("10.00"), credit)
    deals = [_deal("S1", "2027-04-01", "100.00"), wrong, _deal("S2", "2027-04-03", "7.00")]
    credits, problems = credit_deals(parse_scheme(_doc(minimal_doc)), APRIL, deals, {"A", "B"})
    assert code in {p.code for p in problems}
    assert {p.index for p in problems} == {1}
    assert problems == deal_problems(deals, {"A", "B"}, 2, APRIL)
    assert credits.totals == {} and credits.lines == {} and credits.credited_deals == 0


def test_a_deal_that_is_fine_but_not_plainly_is_credited(minimal_doc: Callable[[], Doc]) -> None:
    # A deal of an earlier period carrying the commission paid on it is not "plainly fine"
    # (its commission is checked in full); its refund this period takes that commission back.
    paid = Deal(
        "OLD",
        date(2027, 3, 20),
        "CL",
        date(2027, 1, 15),
        D("1000.00"),
        (Credit("A", D(1), commission=D("100.00")),),
    )
    deals = [
        paid,
        _deal("NEW", "2027-04-02", "200.00"),
        _deal("R", "2027-04-03", "-500.00", refund_of="OLD"),
    ]
    credits, problems = credit_deals(parse_scheme(_doc(minimal_doc)), APRIL, deals, {"A", "B"})
    assert problems == []
    assert credits.credited_deals == 2
    assert credits.totals == {"A": {Measure.NEW_REVENUE: D("-300.00")}}
    assert credits.excluded == {"A": {Measure.NEW_REVENUE: D("-500.00")}}
    assert [taken for _, taken in credits.recovered["A"]] == [D("-50.00")]  # half of 100.00


def test_history_may_name_people_who_have_left(minimal_doc: Callable[[], Doc]) -> None:
    # LEFT was credited half of D1 in March and is not on April's payroll
    d1 = _deal("D1", "2027-03-10", "1000.00", (("A", "0.5"), ("LEFT", "0.5")))
    sale = _deal("D2", "2027-04-01", "10.00")
    payroll = _run(_doc(minimal_doc), APRIL, [d1, sale])
    assert _credited(payroll, "A") == {NEW: D("10.00")}  # the history is not refused
    # a refund of D1 takes A's half back (−400 × 0.5 = −200); LEFT's half is not taken back
    refund = _deal("R1", "2027-04-02", "-400.00", refund_of="D1")
    payroll = _run(_doc(minimal_doc), APRIL, [d1, sale, refund])
    assert _credited(payroll, "A") == {NEW: D("-190.00")}  # 10 − 200
    (finding,) = _codes(payroll, "REFUND_NOT_RECOVERED")
    assert finding.path == ("deals", 2)
    assert "'LEFT' is not on this payroll" in finding.message
    # but a deal of the period credited to someone not on the payroll is refused
    problems = _problems(
        _doc(minimal_doc), APRIL, [_deal("D3", "2027-04-03", "1.00", (("LEFT", "1"),))]
    )
    assert [(p.code, p.index) for p in problems] == [("UNKNOWN_EMPLOYEE", 0)]


def test_deal_and_roster_problems_come_together(minimal_doc: Callable[[], Doc]) -> None:
    roster = [*ROSTER, Employee("A", "sales", "rep")]  # A twice
    problems = _problems(
        _doc(minimal_doc), APRIL, [_deal("D", "2027-04-01", "1.00", (("X", "1"),))], roster=roster
    )
    assert [(p.source, p.code, p.index) for p in problems] == [
        ("roster", "DUPLICATE_EMPLOYEE", 4),
        ("deals", "UNKNOWN_EMPLOYEE", 0),
    ]


def test_a_refund_exactly_as_large_as_the_deal_is_fine(minimal_doc: Callable[[], Doc]) -> None:
    deals = [
        _deal("D", "2027-04-01", "1000.00"),
        _deal("R1", "2027-04-02", "-600.00", refund_of="D"),
        _deal("R2", "2027-04-03", "-400.00", refund_of="D"),  # 600 + 400 = 1 000: not more
    ]
    payroll = _run(_doc(minimal_doc), APRIL, deals)
    assert _credited(payroll, "A") == {NEW: D("0.00")}


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_problems_not_crashes(
    minimal_doc: Callable[[], Doc], value: str
) -> None:
    # Deal is a public type: a caller may build one with any Decimal.  Each non-finite number
    # is reported like any bad value (INVALID_AMOUNT, SHARE_RANGE), never raised as an
    # arithmetic signal from a comparison.
    deals = [
        _deal("D", "2027-04-01", "100.00"),
        _deal("R", "2027-04-02", value, refund_of="D"),  # 1: a refund of a known deal
        _deal("CN", "2027-04-03", value),  # 2: no refund_of
        _deal("S", "2027-04-04", "1.00", (("A", value), ("B", "1"))),  # 3: a share
        _deal("RR", "2027-04-05", "-1.00", refund_of="R"),  # 4: refunds the bad one
    ]
    problems = _problems(_doc(minimal_doc), APRIL, deals)
    codes = {(p.index, p.code, p.field) for p in problems}
    assert (1, "INVALID_AMOUNT", "amount") in codes
    assert (2, "INVALID_AMOUNT", "amount") in codes
    assert (3, "SHARE_RANGE", "credit") in codes
    assert all(p.source == "deals" for p in problems)


def test_amount_above_the_limit(minimal_doc: Callable[[], Doc]) -> None:
    problems = _problems(
        _doc(minimal_doc), APRIL, [_deal("BIG", "2027-04-01", "10000000000000.01")]
    )
    assert [(p.code, p.index, p.field) for p in problems] == [("INVALID_AMOUNT", 0, "amount")]


@pytest.mark.parametrize(
    ("balances", "code", "field"),
    [
        ({"clawback": D("-0.01")}, "NEGATIVE_BALANCE", "balance_clawback"),
        ({"draw": D("-12000")}, "NEGATIVE_BALANCE", "balance_draw"),
        ({"advance": D("100")}, "UNKNOWN_BALANCE", "balance_advance"),
    ],
)
def test_bad_balances(
    minimal_doc: Callable[[], Doc], balances: dict[str, Decimal], code: str, field: str
) -> None:
    roster = [Employee("A", "sales", "rep", balances=balances), *ROSTER[1:]]
    problems = _problems(
        _doc(minimal_doc), APRIL, [_deal("D", "2027-04-01", "1.00")], roster=roster
    )
    assert [(p.source, p.code, p.index, p.field) for p in problems] == [("roster", code, 0, field)]
    assert "'A'" in problems[0].message
