"""Calculation input: every roster problem is reported, all at once, each naming its employee."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import (
    Employee,
    InputError,
    Measure,
    Period,
    Scheme,
    calculate,
    parse_scheme,
    validate_roster,
)

Doc = dict[str, Any]
D = Decimal
MARCH = Period(2027, 3)
NEW, REPEAT = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE


def _rep(emp_id: str = "E", **changes: Any) -> Employee:
    fields: dict[str, Any] = {"credited": {NEW: D(600000)}} | changes
    return Employee(emp_id, fields.pop("department", "sales"), fields.pop("role", "rep"), **fields)


def _problems(scheme: Scheme, roster: list[Employee]) -> list[tuple[str, int | None, str | None]]:
    return [(p.code, p.index, p.field) for p in validate_roster(scheme, MARCH, roster)]


@pytest.fixture
def acme(acme_doc: Callable[[], Doc]) -> Scheme:
    return parse_scheme(acme_doc())


@pytest.mark.parametrize(
    ("employee", "expected"),
    [
        (_rep(department="marketing"), ("UNKNOWN_DEPARTMENT", 0, "department")),
        (_rep(role="intern"), ("UNKNOWN_ROLE", 0, "role")),
        (_rep(credited={}), ("MISSING_MEASURE", 0, "new_revenue")),
        (_rep(fte=D(0)), ("FTE_RANGE", 0, "fte")),
        (_rep(fte=D("1.01")), ("FTE_RANGE", 0, "fte")),
        (_rep(fte=D("-0.5")), ("FTE_RANGE", 0, "fte")),
        (
            _rep(start_date=date(2027, 3, 20), end_date=date(2027, 3, 10)),
            ("INVALID_DATES", 0, "end_date"),
        ),
        (_rep(start_date=date(2027, 4, 1)), ("NOT_EMPLOYED", 0, "start_date")),
        (_rep(end_date=date(2027, 2, 28)), ("NOT_EMPLOYED", 0, "end_date")),
        # 22 working days in March: 23 unpaid days are too many
        (_rep(unpaid_days=23), ("UNPAID_DAYS", 0, "unpaid_days")),
        # hired 10 March: 16 working days employed, so 17 are too many
        (_rep(start_date=date(2027, 3, 10), unpaid_days=17), ("UNPAID_DAYS", 0, "unpaid_days")),
        (_rep(unpaid_days=-1), ("UNPAID_DAYS", 0, "unpaid_days")),
        (_rep(credited={NEW: D("-0.01")}), ("NEGATIVE_CREDIT", 0, "new_revenue")),
        (_rep(credited={NEW: D("100.001")}), ("PRECISION", 0, "new_revenue")),
        # 31 significant digits: 25 decimals, however many digits the context keeps
        (
            _rep(credited={NEW: D("600000.0000000000000000000000001")}),
            ("PRECISION", 0, "new_revenue"),
        ),
        (_rep(credited={NEW: D("NaN")}), ("INVALID_NUMBER", 0, "new_revenue")),
        (_rep(credited={NEW: D(10) ** 13 + 1}), ("AMOUNT_TOO_LARGE", 0, "new_revenue")),
    ],
)
def test_one_problem(acme: Scheme, employee: Employee, expected: tuple[str, int, str]) -> None:
    assert _problems(acme, [employee]) == [expected]


@pytest.mark.parametrize(
    "employee",
    [
        _rep(),
        _rep(fte=D(1)),
        _rep(fte=D("0.01")),
        _rep(unpaid_days=22),  # every working day unpaid is allowed: base 0
        _rep(start_date=date(2027, 3, 10), unpaid_days=16),
        _rep(start_date=date(2027, 3, 31), end_date=date(2027, 3, 31)),
        _rep(end_date=date(2027, 3, 1)),
        _rep(credited={NEW: D("0")}),  # zero is a value
        _rep(credited={NEW: D("100.10")}),  # trailing zeros do not count as decimals
        _rep(credited={NEW: D(10) ** 13}),
    ],
)
def test_valid_rows(acme: Scheme, employee: Employee) -> None:
    assert _problems(acme, [employee]) == []


def test_empty_roster(acme: Scheme) -> None:
    assert _problems(acme, []) == [("EMPTY_ROSTER", None, None)]
    with pytest.raises(InputError) as refused:
        calculate(acme, MARCH, [])
    assert [p.code for p in refused.value.problems] == ["EMPTY_ROSTER"]


def test_duplicate_ids(acme: Scheme) -> None:
    roster = [_rep("E1"), _rep("E2"), _rep("E1")]
    assert _problems(acme, roster) == [("DUPLICATE_EMPLOYEE", 2, "id")]


def test_precision_follows_the_currency(acme_doc: Callable[[], Doc]) -> None:
    doc = acme_doc()
    doc["currency"] = "JPY"
    jpy = parse_scheme(doc)
    assert _problems(jpy, [_rep(credited={NEW: D("600000.5")})]) == [
        ("PRECISION", 0, "new_revenue")
    ]
    doc["currency"] = "KWD"
    kwd = parse_scheme(doc)
    assert _problems(kwd, [_rep(credited={NEW: D("600000.125")})]) == []


def test_a_head_needs_no_measure(acme: Scheme) -> None:
    assert _problems(acme, [_rep(role="head", credited={})]) == []


def test_every_problem_is_reported_at_once(acme: Scheme) -> None:
    roster = [
        _rep("E0"),
        _rep("E0"),  # 1: duplicate
        _rep("E2", department="marketing"),  # 2
        _rep("E3", role="intern"),  # 3
        _rep("E4", credited={}),  # 4
        _rep("E5", fte=D("1.5"), credited={NEW: D("-1")}),  # 5: two problems in one row
        _rep("E6", start_date=date(2027, 3, 20), end_date=date(2027, 3, 1)),  # 6
        _rep("E7", start_date=date(2027, 5, 1)),  # 7
        _rep("E8", unpaid_days=30),  # 8
        _rep("E9", credited={NEW: D("1.234")}),  # 9
        Employee("C1", "clients", "rep", credited={REPEAT: D(1), NEW: D("-5")}),  # 10
    ]
    expected = [
        ("DUPLICATE_EMPLOYEE", 1, "id"),
        ("UNKNOWN_DEPARTMENT", 2, "department"),
        ("UNKNOWN_ROLE", 3, "role"),
        ("MISSING_MEASURE", 4, "new_revenue"),
        ("NEGATIVE_CREDIT", 5, "new_revenue"),
        ("FTE_RANGE", 5, "fte"),
        ("INVALID_DATES", 6, "end_date"),
        ("NOT_EMPLOYED", 7, "start_date"),
        ("UNPAID_DAYS", 8, "unpaid_days"),
        ("PRECISION", 9, "new_revenue"),
        ("NEGATIVE_CREDIT", 10, "new_revenue"),
    ]
    assert _problems(acme, roster) == expected
    with pytest.raises(InputError) as refused:
        calculate(acme, MARCH, roster)
    assert [(p.code, p.index, p.field) for p in refused.value.problems] == expected
    # each message names its employee
    for problem in refused.value.problems:
        assert f"'{roster[problem.index or 0].id}'" in problem.message


def test_problem_messages(acme: Scheme) -> None:
    messages = [
        p.message
        for p in validate_roster(
            acme,
            MARCH,
            [_rep("E1", department="marketing"), _rep("E2", unpaid_days=23)],
        )
    ]
    assert messages == [
        "employee 'E1': department 'marketing' is not in the scheme (sales, clients)",
        "employee 'E2': unpaid_days 23 is outside 0..22 (working days employed in 2027-03)",
    ]


def test_a_period_without_working_days_is_refused_not_crashed(
    minimal_doc: Callable[[], Doc],
) -> None:
    # every weekday of May 2027 a holiday: a part-period base (paid days / 0) is undefined;
    # the engine must say so as an input problem instead of raising a bare ValueError
    doc = minimal_doc()
    may = [date(2027, 5, day) for day in range(1, 32)]
    doc["calendar"]["holidays"] = [d.isoformat() for d in may if d.weekday() < 5]
    scheme = parse_scheme(doc)
    roster = [Employee("NEW", "sales", "rep", start_date=date(2027, 5, 10))]
    with pytest.raises(InputError) as refused:
        calculate(scheme, Period(2027, 5), roster)
    assert [p.code for p in refused.value.problems] == ["NO_WORKING_DAYS"]


@pytest.mark.parametrize(
    ("effective_to", "period"),
    [
        (None, Period(2026, 12)),  # before effective_from 2027-01-01
        ("2027-03-15", Period(2027, 3)),  # ends inside the month
        ("2027-02-28", Period(2027, 3)),  # ended before it
    ],
)
def test_a_period_outside_the_effective_dates_is_refused(
    acme_doc: Callable[[], Doc], effective_to: str | None, period: Period
) -> None:
    doc = acme_doc()
    if effective_to is not None:
        doc["effective_to"] = effective_to
    scheme = parse_scheme(doc)
    # applied from its effective date, never backwards: refused as a whole
    assert [p.code for p in validate_roster(scheme, period, [_rep()])] == ["PERIOD_NOT_EFFECTIVE"]
    with pytest.raises(InputError) as refused:
        calculate(scheme, period, [_rep()])
    assert [p.code for p in refused.value.problems] == ["PERIOD_NOT_EFFECTIVE"]


def test_a_period_inside_the_effective_dates(acme_doc: Callable[[], Doc]) -> None:
    doc = acme_doc()
    doc["effective_to"] = "2027-03-31"  # the last day of the period is still inside
    assert _problems(parse_scheme(doc), [_rep()]) == []
