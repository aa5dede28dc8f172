"""Carried balances: clawbacks moved to the next period, recoverable and non-recoverable draws.

The sales rep of the minimal scheme: base 45 000, commission 10% of new_revenue (one tier, no
threshold, no cap, no target), so commission = credited × 10%.  Each period's balances out are
handed to the next period as balances in, as a caller of the stateless engine would.
Every payslip is also checked for gross = Σ lines and gross ≥ base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import (
    Credit,
    Deal,
    Employee,
    Line,
    Measure,
    Payslip,
    Period,
    calculate,
    parse_scheme,
)

#: each test runs on the Decimal and the columnar engine (tests/engine/conftest.py)
pytestmark = pytest.mark.usefixtures("both_engines")

Doc = dict[str, Any]
Edit = Callable[[Doc, str, object], Doc]
D = Decimal
NEW = Measure.NEW_REVENUE
MARCH, APRIL, MAY, JUNE = (Period(2027, m) for m in (3, 4, 5, 6))
REP = "departments.sales.roles.rep"
BASE = D("45000.00")


def _doc(minimal_doc: Callable[[], Doc], edit: Edit, draw: dict[str, Any] | None = None) -> Doc:
    doc = edit(
        minimal_doc(),
        f"{REP}.commission",
        [{"measure": "new_revenue", "tiers": [{"from": 0, "rate": "0.10"}]}],
    )
    if draw is not None:
        edit(doc, f"{REP}.draw", draw)
    return doc


def _deal(deal_id: str, day: str, amount: str, refund_of: str | None = None) -> Deal:
    # a client first paid on 2027-03-01: new revenue until 2027-06-01
    return Deal(
        deal_id,
        date.fromisoformat(day),
        "CL",
        date(2027, 3, 1),
        D(amount),
        (Credit("A", D(1)),),
        refund_of=refund_of,
    )


def _slip(
    doc: Doc,
    period: Period,
    *,
    credited: str | None = None,
    deals: Sequence[Deal] = (),
    balances: Mapping[str, Decimal] | None = None,
    base: Decimal = BASE,
    **employee: Any,
) -> Payslip:
    emp = Employee(
        "A",
        "sales",
        "rep",
        credited={} if credited is None else {NEW: D(credited)},
        balances=dict(balances or {}),
        **employee,
    )
    slip = calculate(parse_scheme(doc), period, [emp], deals).payslips[0]
    assert slip.gross == sum((line.amount for line in slip.lines), D(0))
    assert slip.gross >= base  # pay never goes below the base
    assert all(amount >= 0 for amount in slip.balances.values())
    return slip


def _lines(slip: Payslip) -> list[tuple[str, Decimal]]:
    return [(line.code, line.amount) for line in slip.lines]


def _line(slip: Payslip, code: str) -> Line:
    (line,) = [line for line in slip.lines if line.code == code]
    return line


# --- clawbacks --------------------------------------------------------------------------------


def test_refund_in_the_next_period_is_carried_as_a_clawback(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    doc = _doc(minimal_doc, edit)
    d1 = _deal("D1", "2027-03-10", "300000.00")

    # March: 300 000 × 10% = 30 000; nothing to settle
    march = _slip(doc, MARCH, deals=[d1])
    assert _lines(march) == [("base", BASE), ("commission", D("30000.00"))]
    assert (march.gross, march.balances) == (D("75000.00"), {})

    # April: D1 refunded in full, 100 000 of new sales: −300 000 + 100 000 = −200 000 credited.
    # commission(−200 000) = −(200 000 × 10%) = −20 000; pay cannot go below the base, so the
    # clawback line +20 000 moves it to the balance: gross = 45 000 − 20 000 + 20 000 = base.
    april_deals = [
        d1,
        _deal("R1", "2027-04-12", "-300000.00", "D1"),
        _deal("D2", "2027-04-20", "100000.00"),
    ]
    april = _slip(doc, APRIL, deals=april_deals)
    assert _lines(april) == [
        ("base", BASE),
        ("commission", D("-20000.00")),
        ("clawback", D("20000.00")),
    ]
    assert april.gross == BASE
    assert april.balances == {"clawback": D("20000.00")}
    assert _line(april, "commission").explanation == (
        "new_revenue -200 000.00 (refunds above the period's sales): "
        "takes back 200 000.00 × 10% = -20 000.00"
    )
    assert _line(april, "clawback").explanation == (
        "variable pay -20 000.00 would take pay below the base: 20 000.00 moved to the clawback "
        "balance (balance 0.00 → 20 000.00)"
    )
    refund = [d for d in _line(april, "commission").deals if d.deal_id == "R1"]
    assert [(d.amount, d.note) for d in refund] == [(D("-300000.00"), "refund of D1")]

    # May: 150 000 × 10% = 15 000 of variable pay, all of it recovered; 20 000 − 15 000 = 5 000
    # carried; gross = 45 000 + 15 000 − 15 000 = base
    may = _slip(doc, MAY, deals=[_deal("D3", "2027-05-06", "150000.00")], balances=april.balances)
    assert _lines(may) == [
        ("base", BASE),
        ("commission", D("15000.00")),
        ("clawback", D("-15000.00")),
    ]
    assert may.gross == BASE
    assert may.balances == {"clawback": D("5000.00")}
    assert _line(may, "clawback").explanation == (
        "recovered 15 000.00 of the clawback balance 20 000.00 from variable pay 15 000.00; "
        "5 000.00 carried"
    )

    # June (roster totals, no deals): 80 000 × 10% = 8 000; the last 5 000 recovered, 3 000 paid
    june = _slip(doc, JUNE, credited="80000", balances=may.balances)
    assert _lines(june) == [
        ("base", BASE),
        ("commission", D("8000.00")),
        ("clawback", D("-5000.00")),
    ]
    assert june.gross == D("48000.00")
    assert june.balances == {"clawback": D("0.00")}  # reported even when settled
    assert (
        "recovered 5 000.00 of the clawback balance 5 000.00" in _line(june, "clawback").explanation
    )


def test_a_clawback_balance_with_no_variable_pay_is_carried_whole(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    slip = _slip(_doc(minimal_doc, edit), MAY, credited="0", balances={"clawback": D("3400.00")})
    # nothing to recover from: no clawback line, the balance goes out as it came in
    assert _lines(slip) == [("base", BASE), ("commission", D("0.00"))]
    assert slip.balances == {"clawback": D("3400.00")}


# --- recoverable draws ------------------------------------------------------------------------


def test_recoverable_draw_recovered_over_two_periods(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    doc = _doc(minimal_doc, edit, {"amount": 30000, "recoverable": True})

    # month 1: commission 100 000 × 10% = 10 000 < draw 30 000 → draw line 30 000 − 10 000
    # = 20 000, advanced: draw balance 0 → 20 000; gross 45 000 + 10 000 + 20 000 = 75 000
    m1 = _slip(doc, MARCH, credited="100000")
    assert _lines(m1) == [("base", BASE), ("commission", D("10000.00")), ("draw", D("20000.00"))]
    assert (m1.gross, m1.balances) == (D("75000.00"), {"draw": D("20000.00")})
    assert _line(m1, "draw").explanation == (
        "recoverable draw 30 000.00 − variable pay 10 000.00 = 20 000.00 advanced; "
        "draw balance 0.00 → 20 000.00"
    )
    assert _line(m1, "draw").basis == D("30000")

    # month 2: commission 450 000 × 10% = 45 000; 45 000 − 30 000 = 15 000 above the draw,
    # all recovered: −15 000, balance 20 000 − 15 000 = 5 000; gross 45 000 + 45 000 − 15 000
    m2 = _slip(doc, APRIL, credited="450000", balances=m1.balances)
    assert _lines(m2) == [
        ("base", BASE),
        ("commission", D("45000.00")),
        ("draw_recovery", D("-15000.00")),
    ]
    assert (m2.gross, m2.balances) == (D("75000.00"), {"draw": D("5000.00")})
    assert _line(m2, "draw_recovery").explanation == (
        "recovered 15 000.00 of the draw balance 20 000.00 from variable pay above the draw; "
        "5 000.00 carried"
    )

    # month 3: commission 400 000 × 10% = 40 000; 10 000 above the draw, the last 5 000 of
    # the balance recovered: gross 45 000 + 40 000 − 5 000 = 80 000, balance 0
    m3 = _slip(doc, MAY, credited="400000", balances=m2.balances)
    assert _lines(m3) == [
        ("base", BASE),
        ("commission", D("40000.00")),
        ("draw_recovery", D("-5000.00")),
    ]
    assert (m3.gross, m3.balances) == (D("80000.00"), {"draw": D("0.00")})


def test_recover_limit_caps_each_period(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = _doc(minimal_doc, edit, {"amount": 30000, "recover_limit": 10000})
    # 15 000 above the draw, but at most 10 000 a period: −10 000, balance 20 000 → 10 000
    m2 = _slip(doc, APRIL, credited="450000", balances={"draw": D("20000.00")})
    assert _lines(m2) == [
        ("base", BASE),
        ("commission", D("45000.00")),
        ("draw_recovery", D("-10000.00")),
    ]
    assert (m2.gross, m2.balances) == (D("80000.00"), {"draw": D("10000.00")})
    assert _line(m2, "draw_recovery").explanation == (
        "recovered 10 000.00 of the draw balance 20 000.00 from variable pay above the draw, "
        "at most 10 000.00 a period; 10 000.00 carried"
    )
    # 40 000 − 30 000 = 10 000 above the draw = the limit = the balance: all of it
    m3 = _slip(doc, MAY, credited="400000", balances=m2.balances)
    assert _lines(m3)[-1] == ("draw_recovery", D("-10000.00"))
    assert (m3.gross, m3.balances) == (D("75000.00"), {"draw": D("0.00")})


def test_a_period_at_the_draw_neither_tops_up_nor_recovers(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    doc = _doc(minimal_doc, edit, {"amount": 30000})
    # commission 300 000 × 10% = 30 000 = the draw: no room above it, nothing below it
    slip = _slip(doc, APRIL, credited="300000", balances={"draw": D("7000.00")})
    assert _lines(slip) == [("base", BASE), ("commission", D("30000.00"))]
    assert slip.balances == {"draw": D("7000.00")}


# --- non-recoverable draws --------------------------------------------------------------------


def test_non_recoverable_draw_carries_nothing(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = _doc(minimal_doc, edit, {"amount": 30000, "recoverable": False, "label": "Guarantee"})
    # month 1: topped up 30 000 − 10 000 = 20 000, which is not owed back
    m1 = _slip(doc, MARCH, credited="100000")
    assert _lines(m1) == [("base", BASE), ("commission", D("10000.00")), ("draw", D("20000.00"))]
    assert m1.balances == {}
    assert _line(m1, "draw").label == "Guarantee"
    assert _line(m1, "draw").explanation == (
        "non-recoverable draw 30 000.00 − variable pay 10 000.00 = 20 000.00"
    )
    # month 2: 45 000 is paid in full, nothing recovered
    m2 = _slip(doc, APRIL, credited="450000", balances=m1.balances)
    assert _lines(m2) == [("base", BASE), ("commission", D("45000.00"))]
    assert (m2.gross, m2.balances) == (D("90000.00"), {})


# --- a draw is prorated like the base ---------------------------------------------------------


@pytest.mark.parametrize("recoverable", [True, False])
def test_draw_prorated_for_a_mid_month_hire(
    minimal_doc: Callable[[], Doc], edit: Edit, recoverable: bool
) -> None:
    doc = _doc(minimal_doc, edit, {"amount": 30000, "recoverable": recoverable})
    # hired 10 March 2027: 16 of 22 working days (8 March is a holiday).
    # base 45 000 × 16/22 = 32 727.2727… → 32 727.27; draw 30 000 × 16/22 = 21 818.1818…
    # → 21 818.18; commission 5 000 × 10% = 500; top-up 21 818.18 − 500 = 21 318.18
    slip = _slip(doc, MARCH, credited="5000", base=D("32727.27"), start_date=date(2027, 3, 10))
    assert _lines(slip) == [
        ("base", D("32727.27")),
        ("commission", D("500.00")),
        ("draw", D("21318.18")),
    ]
    assert _line(slip, "draw").basis == D("21818.18")
    assert "draw 21 818.18 − variable pay 500.00 = 21 318.18" in _line(slip, "draw").explanation
    assert slip.gross == D("54545.45")  # 32 727.27 + 500 + 21 318.18
    assert slip.balances == ({"draw": D("21318.18")} if recoverable else {})


def test_draw_prorated_for_half_time(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = _doc(minimal_doc, edit, {"amount": 30000})
    # fte 0.5: base 22 500, draw 15 000; no commission → top-up 15 000
    slip = _slip(doc, APRIL, credited="0", base=D("22500.00"), fte=D("0.5"))
    assert _lines(slip) == [("base", D("22500.00")), ("commission", D(0)), ("draw", D("15000.00"))]
    assert slip.balances == {"draw": D("15000.00")}


# --- clawback and draw on one payslip ---------------------------------------------------------


def test_clawback_is_settled_before_the_draw(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = _doc(minimal_doc, edit, {"amount": 30000})
    # commission 10 000; clawback first: −5 000 recovered → variable 5 000; then the draw
    # tops 5 000 up to 30 000 (25 000, advanced).  gross 45 000 + 10 000 − 5 000 + 25 000
    slip = _slip(doc, APRIL, credited="100000", balances={"clawback": D("5000"), "draw": D("0")})
    assert _lines(slip) == [
        ("base", BASE),
        ("commission", D("10000.00")),
        ("clawback", D("-5000.00")),
        ("draw", D("25000.00")),
    ]
    assert slip.gross == D("75000.00")
    assert slip.balances == {"clawback": D("0.00"), "draw": D("25000.00")}


def test_negative_variable_pay_with_a_draw(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = _doc(minimal_doc, edit, {"amount": 30000})
    deals = [_deal("D1", "2027-03-10", "300000.00"), _deal("R1", "2027-04-12", "-300000.00", "D1")]
    slip = _slip(doc, APRIL, deals=deals)
    # −30 000 of commission moved to the clawback balance; variable pay is then 0 and the draw
    # tops it up by the whole 30 000 (advanced).  gross = 45 000 − 30 000 + 30 000 + 30 000
    assert _lines(slip) == [
        ("base", BASE),
        ("commission", D("-30000.00")),
        ("clawback", D("30000.00")),
        ("draw", D("30000.00")),
    ]
    assert slip.gross == D("75000.00")
    assert slip.balances == {"clawback": D("30000.00"), "draw": D("30000.00")}


def test_a_draw_balance_without_a_draw_is_recovered_from_all_variable_pay(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    # e.g. moved to a role without a draw: the whole commission is room for recovery
    slip = _slip(_doc(minimal_doc, edit), APRIL, credited="50000", balances={"draw": D("8000")})
    assert _lines(slip) == [
        ("base", BASE),
        ("commission", D("5000.00")),
        ("draw_recovery", D("-5000.00")),
    ]
    assert slip.balances == {"draw": D("3000.00")}
