"""Rule 1: base = role base × fte × paid working days / working days of the period.

March 2027 starts on a Monday: 23 weekdays (1-5, 8-12, 15-19, 22-26, 29-31), minus the
8 March holiday = 22 working days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import Employee, Period, WorkCalendar, calculate, parse_scheme

#: each test runs on the Decimal and the columnar engine (tests/engine/conftest.py)
pytestmark = pytest.mark.usefixtures("both_engines")

Doc = dict[str, Any]
D = Decimal
MARCH = Period(2027, 3)


def test_march_2027_has_22_working_days() -> None:
    cal = WorkCalendar(frozenset({date(2027, 3, 8)}))
    assert cal.working_days(MARCH) == 22  # 23 weekdays − 8 March
    assert cal.working_days(MARCH, date(2027, 3, 10)) == 16  # 10-12 (3) + 15-19 + 22-26 + 29-31
    assert cal.working_days(MARCH, None, date(2027, 3, 12)) == 9  # 1-5 (5) + 9-12 (4)
    assert WorkCalendar().working_days(MARCH) == 23
    saturday = WorkCalendar(frozenset({date(2027, 3, 8)}), frozenset({date(2027, 3, 13)}))
    assert saturday.working_days(MARCH) == 23  # 22 + Saturday 13 March
    assert saturday.is_working_day(date(2027, 3, 13))
    assert not saturday.is_working_day(date(2027, 3, 14))  # Sunday
    assert not saturday.is_working_day(date(2027, 3, 8))  # holiday


@pytest.mark.parametrize(
    ("employee", "amount", "explanation"),
    [
        (Employee("E", "sales", "rep"), D("45000.00"), "45 000.00 (full period)"),
        # 45 000 × 0.5 = 22 500.00
        (
            Employee("E", "sales", "rep", fte=D("0.5")),
            D("22500.00"),
            "45 000.00 × 0.5 fte = 22 500.00",
        ),
        # hired Wednesday 10 March, across the 8 March holiday: 16 of 22 days
        # 45 000 × 16 / 22 = 32 727.2727… → 32 727.27
        (
            Employee("E", "sales", "rep", start_date=date(2027, 3, 10)),
            D("32727.27"),
            "45 000.00 × 16/22 working days = 32 727.27",
        ),
        # hired Tuesday 9 March: 17 of 22 days; 45 000 × 17 / 22 = 34 772.7272… → 34 772.73
        (
            Employee("E", "sales", "rep", start_date=date(2027, 3, 9)),
            D("34772.73"),
            "45 000.00 × 17/22 working days = 34 772.73",
        ),
        # hired on the holiday itself: paid from 9 March, 17 days, same as above
        (Employee("E", "sales", "rep", start_date=date(2027, 3, 8)), D("34772.73"), None),
        # left Friday 12 March: 1-5 (5) + 9-12 (4) = 9 days; 45 000 × 9 / 22 = 18 409.0909… → .09
        (
            Employee("E", "sales", "rep", end_date=date(2027, 3, 12)),
            D("18409.09"),
            "45 000.00 × 9/22 working days = 18 409.09",
        ),
        # hired and left inside the month: 15-19 March = 5 days; 45 000 × 5 / 22 = 10 227.2727…
        (
            Employee("E", "sales", "rep", start_date=date(2027, 3, 15), end_date=date(2027, 3, 19)),
            D("10227.27"),
            None,
        ),
        # 2 unpaid days: 20 of 22; 45 000 × 20 / 22 = 40 909.0909… → 40 909.09
        (
            Employee("E", "sales", "rep", unpaid_days=2),
            D("40909.09"),
            "45 000.00 × 20/22 working days = 40 909.09",
        ),
        # half time, hired 10 March, 1 unpaid day: 0.5 × 45 000 × 15 / 22 = 15 340.9090… → .91
        (
            Employee(
                "E", "sales", "rep", fte=D("0.5"), start_date=date(2027, 3, 10), unpaid_days=1
            ),
            D("15340.91"),
            "45 000.00 × 0.5 fte × 15/22 working days = 15 340.91",
        ),
        # dates around the whole month: 22/22 = the full base
        (
            Employee("E", "sales", "rep", start_date=date(2020, 1, 1), end_date=date(2030, 1, 1)),
            D("45000.00"),
            None,
        ),
        # every working day unpaid: 0/22 = 0.00
        (Employee("E", "sales", "rep", unpaid_days=22), D("0.00"), None),
    ],
)
def test_base_proration(
    minimal_doc: Callable[[], Doc], employee: Employee, amount: Decimal, explanation: str | None
) -> None:
    slip = calculate(parse_scheme(minimal_doc()), MARCH, [employee]).payslips[0]
    base = slip.lines[0]
    assert base.code == "base"
    assert base.amount == amount
    assert str(base.amount) == str(amount)  # exactly two decimals
    assert slip.gross == amount
    if explanation is not None:
        assert base.explanation == explanation


def test_working_weekend(minimal_doc: Callable[[], Doc]) -> None:
    doc = minimal_doc()
    doc["calendar"]["working_weekends"] = ["2027-03-13"]  # Saturday made a working day
    scheme = parse_scheme(doc)
    roster = [
        Employee("FULL", "sales", "rep"),
        Employee("NEW", "sales", "rep", start_date=date(2027, 3, 10)),
    ]
    payroll = calculate(scheme, MARCH, roster)
    # a full period is still the full base
    assert payroll.payslip("FULL").gross == D("45000.00")
    # 23 working days; from 10 March: 10-13 (4, Saturday included) + 15-19 + 22-26 + 29-31 = 17
    # 45 000 × 17 / 23 = 33 260.8695… → 33 260.87
    new = payroll.payslip("NEW")
    assert new.gross == D("33260.87")
    assert new.lines[0].explanation == "45 000.00 × 17/23 working days = 33 260.87"


def test_proration_rounds_half_even_on_a_tie(minimal_doc: Callable[[], Doc]) -> None:
    # base 0.25 × 1/2 fte = 0.125 → half_up 0.13, half_even 0.12
    doc = minimal_doc()
    doc["departments"]["sales"]["roles"]["rep"]["base"] = "0.25"
    half = [Employee("E", "sales", "rep", fte=D("0.5"))]
    assert calculate(parse_scheme(doc), MARCH, half).payslips[0].gross == D("0.13")
    doc["rounding"] = "half_even"
    assert calculate(parse_scheme(doc), MARCH, half).payslips[0].gross == D("0.12")


def test_proration_description_and_full_time_equivalent(minimal_doc: Callable[[], Doc]) -> None:
    scheme = parse_scheme(minimal_doc())
    roster = [
        Employee("FULL", "sales", "rep"),
        Employee("HALF", "sales", "rep", fte=D("0.5")),
        Employee("NEW", "sales", "rep", start_date=date(2027, 3, 10)),
    ]
    payroll = calculate(scheme, MARCH, roster)
    assert payroll.payslip("FULL").proration == "1"
    assert payroll.payslip("HALF").proration == "0.5 fte"
    assert payroll.payslip("NEW").proration == "16/22 working days"
    # full-time equivalent: 22 500.00 / 0.5 = 45 000.00; 32 727.27 × 22 / 16 = 44 999.99625 → .00
    assert payroll.payslip("HALF").fte_gross == D("45000.00")
    assert payroll.payslip("NEW").fte_gross == D("45000.00")
