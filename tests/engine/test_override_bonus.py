"""Rules 3 and 4: a head's override on the department's credited revenue; fixed bonuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import Employee, Line, Measure, Period, calculate, parse_scheme

#: each test runs on the Decimal and the columnar engine (tests/engine/conftest.py)
pytestmark = pytest.mark.usefixtures("both_engines")

Doc = dict[str, Any]
Edit = Callable[[Doc, str, object], Doc]
D = Decimal
MARCH = Period(2027, 3)
NEW, REPEAT = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE
HIRED_10_MARCH = date(2027, 3, 10)  # 16 of 22 working days


def _sales_rep(emp_id: str, new_revenue: str, start: date | None = None) -> Employee:
    return Employee(emp_id, "sales", "rep", start_date=start, credited={NEW: D(new_revenue)})


def _lines(lines: tuple[Line, ...], code: str) -> list[Line]:
    return [line for line in lines if line.code == code]


def _team() -> list[Employee]:
    # 500 000 + 600 000 + 700 000 + 800 000 + 400 000 = 3 000 000
    return [
        _sales_rep("R1", "500000"),
        _sales_rep("R2", "600000"),
        _sales_rep("R3", "700000", HIRED_10_MARCH),  # prorated reps count in full
        _sales_rep("R4", "800000"),
        _sales_rep("R5", "400000"),
        Employee("C1", "clients", "rep", credited={REPEAT: D(2500000)}),
        Employee("C2", "clients", "rep", credited={REPEAT: D(1500000)}),
    ]


def test_override_is_rate_times_the_department_total_and_not_prorated(
    acme_doc: Callable[[], Doc],
) -> None:
    head = Employee("H", "sales", "head", start_date=HIRED_10_MARCH)
    client_head = Employee("CH", "clients", "head")
    payroll = calculate(parse_scheme(acme_doc()), MARCH, [*_team(), head, client_head])
    slip = payroll.payslip("H")
    # base 66 000 × 16 / 22 = 48 000.00; override 3% × 3 000 000 = 90 000.00 (not prorated);
    # repeat_revenue of the clients department does not count
    assert [(line.code, line.amount) for line in slip.lines] == [
        ("base", D("48000.00")),
        ("override", D("90000.00")),
    ]
    assert slip.gross == D("138000.00")
    override = slip.lines[1]
    assert override.explanation == (
        "3% × team new_revenue 3 000 000.00 (sales, 6 employees) = 90 000.00"
    )
    assert override.basis == D(3000000)
    assert override.rate == D("0.03")
    # the client head: 0.3% × (2 500 000 + 1 500 000) = 12 000.00; base 120 000
    client = payroll.payslip("CH")
    assert _lines(client.lines, "override")[0].amount == D("12000.00")
    assert client.gross == D("132000.00")


def test_override_counts_every_employee_of_the_department(acme_doc: Callable[[], Doc]) -> None:
    # a head credited with new revenue adds to the team total: 3 000 000 + 100 000
    head = Employee("H", "sales", "head", credited={NEW: D(100000)})
    payroll = calculate(parse_scheme(acme_doc()), MARCH, [*_team(), head])
    # 3% × 3 100 000 = 93 000.00
    assert _lines(payroll.payslip("H").lines, "override")[0].amount == D("93000.00")


def test_override_rounds_once(acme_doc: Callable[[], Doc]) -> None:
    # 0.3% × 1 234 567.89 = 3 703.70367 → 3 703.70
    doc = acme_doc()
    roster = [
        Employee("C1", "clients", "rep", credited={REPEAT: D("1234567.89")}),
        Employee("CH", "clients", "head"),
    ]
    override = _lines(calculate(parse_scheme(doc), MARCH, roster).payslip("CH").lines, "override")
    assert override[0].amount == D("3703.70")


def _two_bonuses(doc: Doc, edit: Edit) -> Doc:
    return edit(
        doc,
        "departments.sales.roles.rep.bonuses",
        [{"attainment": "1.2", "amount": 15000}, {"attainment": "1.5", "amount": 25000}],
    )


@pytest.mark.parametrize(
    ("credited", "start", "bonuses"),
    [
        # 960 000 / 600 000 = 160%: both → 15 000 + 25 000 = 40 000
        ("960000", None, ["15000.00", "25000.00"]),
        # exactly 150% (900 000): both
        ("900000", None, ["15000.00", "25000.00"]),
        # one kopeck below 150%: only the first
        ("899999.99", None, ["15000.00"]),
        # exactly 120% (720 000): the first; one kopeck below: none
        ("720000", None, ["15000.00"]),
        ("719999.99", None, []),
        # full period 540 000 is 90%: none
        ("540000", None, []),
        # hired 10 March: target 600 000 × 16/22 = 436 363.6363…; 540 000 is 123.75%: the first
        ("540000", HIRED_10_MARCH, ["15000.00"]),
        # 120% of the prorated target = 523 636.3636…: 523 636.37 reaches it, 523 636.36 not
        ("523636.37", HIRED_10_MARCH, ["15000.00"]),
        ("523636.36", HIRED_10_MARCH, []),
        # 150% of it = 654 545.4545…
        ("654545.46", HIRED_10_MARCH, ["15000.00", "25000.00"]),
    ],
)
def test_bonuses_add_up_and_read_the_prorated_target(
    acme_doc: Callable[[], Doc],
    edit: Edit,
    credited: str,
    start: date | None,
    bonuses: list[str],
) -> None:
    doc = _two_bonuses(acme_doc(), edit)
    slip = calculate(parse_scheme(doc), MARCH, [_sales_rep("E", credited, start)]).payslips[0]
    assert [line.amount for line in _lines(slip.lines, "bonus")] == [D(b) for b in bonuses]


def test_bonus_explanation(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = _two_bonuses(acme_doc(), edit)
    slip = calculate(parse_scheme(doc), MARCH, [_sales_rep("E", "960000")]).payslips[0]
    assert [line.explanation for line in _lines(slip.lines, "bonus")] == [
        "new_revenue attainment 160% ≥ 120%: 15 000.00",
        "new_revenue attainment 160% ≥ 150%: 25 000.00",
    ]
    # base 45 000 + commission 600 000 × 15% + 360 000 × 20% = 162 000 + bonuses 40 000
    assert slip.gross == D("247000.00")
    prorated = calculate(
        parse_scheme(doc), MARCH, [_sales_rep("E", "540000", HIRED_10_MARCH)]
    ).payslips[0]
    # 540 000 × 22 / (600 000 × 16) = 11 880 000 / 9 600 000 = 1.2375
    assert _lines(prorated.lines, "bonus")[0].explanation == (
        "new_revenue attainment 123.75% ≥ 120%: 15 000.00"
    )
