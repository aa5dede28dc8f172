"""Rules 5-7 on a whole payroll: gross = Σ rounded lines, explanations, determinism, hash."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import (
    ENGINE_VERSION,
    Employee,
    Measure,
    Period,
    calculate,
    parse_scheme,
    scheme_hash,
)

#: each test runs on the Decimal and the columnar engine (tests/engine/conftest.py)
pytestmark = pytest.mark.usefixtures("both_engines")

Doc = dict[str, Any]
D = Decimal
MARCH = Period(2027, 3)
NEW, REPEAT = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE


def _roster() -> list[Employee]:
    return [
        Employee("S1", "sales", "rep", name="Anna", credited={NEW: D("820000")}),
        Employee("S2", "sales", "rep", start_date=date(2027, 3, 10), credited={NEW: D("540000")}),
        Employee("S3", "sales", "rep", fte=D("0.5"), credited={NEW: D("100000.01")}),
        Employee("SH", "sales", "head"),
        Employee("C1", "clients", "rep", credited={REPEAT: D("2500000")}),
        Employee("C2", "clients", "rep", unpaid_days=3, credited={REPEAT: D("1999999.99")}),
        Employee("CH", "clients", "head", end_date=date(2027, 3, 19)),
    ]


def test_gross_is_the_sum_of_the_rounded_lines(acme_doc: Callable[[], Doc]) -> None:
    payroll = calculate(parse_scheme(acme_doc()), MARCH, _roster())
    for slip in payroll.payslips:
        assert slip.gross == sum((line.amount for line in slip.lines), D(0))
        assert slip.gross.as_tuple().exponent == -2
    assert payroll.total == sum((slip.gross for slip in payroll.payslips), D(0))


def test_hand_computed_payslips(acme_doc: Callable[[], Doc]) -> None:
    payroll = calculate(parse_scheme(acme_doc()), MARCH, _roster())
    expected = {
        # 45 000 + (600 000 × 15% + 220 000 × 20% = 134 000) + bonus (820 000 ≥ 720 000) 15 000
        "S1": [("base", "45000.00"), ("commission", "134000.00"), ("bonus", "15000.00")],
        # 45 000 × 16/22 = 32 727.27; 540 000 × 15% = 81 000; 540 000 ≥ 120% × 436 363.63…
        "S2": [("base", "32727.27"), ("commission", "81000.00"), ("bonus", "15000.00")],
        # fte 0.5: base 22 500; threshold 50% × 300 000 = 150 000 > 100 000.01: no commission
        "S3": [("base", "22500.00"), ("commission", "0.00")],
        # 66 000 + 3% × (820 000 + 540 000 + 100 000.01 = 1 460 000.01) = 43 800.0003 → 43 800.00
        "SH": [("base", "66000.00"), ("override", "43800.00")],
        # 85 000 + 2 500 000 × 1.5% = 37 500
        "C1": [("base", "85000.00"), ("commission", "37500.00")],
        # 85 000 × 19/22 = 73 409.0909… → 73 409.09; 1 999 999.99 × 1.5% = 29 999.99985 → 30 000.00
        "C2": [("base", "73409.09"), ("commission", "30000.00")],
        # left 19 March: 1-5 + 9-12 + 15-19 = 14 days; 120 000 × 14/22 = 76 363.6363… → .64;
        # override 0.3% × 4 499 999.99 = 13 499.99997 → 13 500.00
        "CH": [("base", "76363.64"), ("override", "13500.00")],
    }
    for emp_id, lines in expected.items():
        slip = payroll.payslip(emp_id)
        assert [(line.code, line.amount) for line in slip.lines] == [
            (code, D(amount)) for code, amount in lines
        ], emp_id
        assert slip.gross == sum((D(amount) for _, amount in lines), D(0)), emp_id
    # Σ: 194 000 + 128 727.27 + 22 500 + 109 800 + 122 500 + 103 409.09 + 89 863.64
    #   = 770 800.00
    assert payroll.total == D("770800.00")
    assert payroll.payslip("S1").name == "Anna"


def test_explanation_contains_the_numbers(acme_doc: Callable[[], Doc]) -> None:
    slip = calculate(parse_scheme(acme_doc()), MARCH, _roster()).payslip("S1")
    assert [line.explanation for line in slip.lines] == [
        "45 000.00 (full period)",
        "new_revenue 820 000.00: 600 000.00 × 15% + 220 000.00 × 20% = 134 000.00",
        "new_revenue attainment 136.67% ≥ 120%: 15 000.00",  # 820 000 / 600 000 = 1.36666…
    ]
    assert [line.label for line in slip.lines] == [
        "Base salary",
        "Commission on new_revenue",
        "Bonus at 120% of new_revenue",
    ]


def test_result_is_deterministic_and_carries_hash_and_version(
    acme_doc: Callable[[], Doc],
) -> None:
    scheme = parse_scheme(acme_doc())
    first = calculate(scheme, MARCH, _roster())
    second = calculate(parse_scheme(acme_doc()), MARCH, _roster())
    # the columnar engine's payslips are made when read: compare them as made
    assert replace(first, payslips=tuple(first.payslips)) == replace(
        second, payslips=tuple(second.payslips)
    )
    assert first.scheme_hash == scheme_hash(scheme)
    assert first.scheme_hash.startswith("sha256:")
    assert first.engine_version == ENGINE_VERSION
    assert first.scheme_key == "acme-sales"
    assert (first.currency, first.minor_units, first.period) == ("RUB", 2, MARCH)
    assert [slip.employee_id for slip in first.payslips] == [e.id for e in _roster()]


def test_check_findings_do_not_stop_the_calculation(
    acme_doc: Callable[[], Doc],
) -> None:
    doc = acme_doc()
    doc["departments"]["sales"]["roles"]["rep"]["base"] = 85000  # BASE_GAP 0%
    payroll = calculate(parse_scheme(doc), MARCH, _roster())
    assert "BASE_GAP" in {finding.code for finding in payroll.findings}
    assert payroll.payslip("S1").lines[0].amount == D("85000.00")
