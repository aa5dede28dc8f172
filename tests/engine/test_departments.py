"""The payroll's own earnings check: per-department figures and EARNINGS_ORDER_ACTUAL.

The minimal scheme with a sales rep paid 45 000 + 10% of new_revenue and a client rep paid
85 000 + 1% of repeat_revenue (no targets, no thresholds), so every gross is base + credited ×
rate.  March 2027 has 22 working days (8 March is a holiday).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import Employee, Finding, Measure, Payroll, Period, calculate, parse_scheme
from app.engine.results import Comparison, DepartmentFigures

Doc = dict[str, Any]
Edit = Callable[[Doc, str, object], Doc]
D = Decimal
NEW, REPEAT = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE
MARCH = Period(2027, 3)


def _doc(minimal_doc: Callable[[], Doc]) -> Doc:
    doc = minimal_doc()
    departments = doc["departments"]
    departments["sales"]["roles"]["rep"]["commission"] = [
        {"measure": "new_revenue", "tiers": [{"from": 0, "rate": "0.10"}]}
    ]
    departments["clients"]["roles"]["rep"]["commission"] = [
        {"measure": "repeat_revenue", "tiers": [{"from": 0, "rate": "0.01"}]}
    ]
    return doc


def _sales(emp_id: str, new: str, **kw: Any) -> Employee:
    return Employee(emp_id, "sales", "rep", credited={NEW: D(new)}, **kw)


def _client(emp_id: str, repeat: str, **kw: Any) -> Employee:
    return Employee(emp_id, "clients", "rep", credited={REPEAT: D(repeat)}, **kw)


# gross = 45 000 + 10% of new revenue / 85 000 + 1% of repeat revenue
ROSTER = [
    _sales("S1", "600000"),  # 45 000 + 60 000 = 105 000.00
    _sales("S2", "200000.10"),  # 45 000 + 20 000.01 = 65 000.01
    _sales("S3", "400000"),  # 45 000 + 40 000 = 85 000.00
    _sales("S4", "0"),  # 45 000.00
    _client("C1", "2000000"),  # 85 000 + 20 000 = 105 000.00
    _client("C2", "1000000"),  # 85 000 + 10 000 = 95 000.00
    _client("C3", "3000000"),  # 85 000 + 30 000 = 115 000.00
]


def _payroll(doc: Doc, roster: Sequence[Employee] = ROSTER) -> Payroll:
    return calculate(parse_scheme(doc), MARCH, roster)


def _departments(payroll: Payroll) -> dict[str, DepartmentFigures]:
    assert payroll.report is not None
    return {figures.department: figures for figures in payroll.report.departments}


def _comparison(payroll: Payroll) -> Comparison:
    assert payroll.report is not None
    (comparison,) = payroll.report.comparisons
    assert (comparison.sales_role, comparison.client_role) == ("sales.rep", "clients.rep")
    return comparison


def _actual(payroll: Payroll) -> list[Finding]:
    return [f for f in payroll.findings if f.code == "EARNINGS_ORDER_ACTUAL"]


# --- department figures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rounding", "sales_median"),
    [
        # the two middle sales grosses 65 000.01 and 85 000.00: (150 000.01) / 2 = 75 000.005
        ("half_up", "75000.01"),
        ("half_even", "75000.00"),  # 7 500 000.5 kopecks → the even 7 500 000
    ],
)
def test_department_figures(
    minimal_doc: Callable[[], Doc], edit: Edit, rounding: str, sales_median: str
) -> None:
    payroll = _payroll(edit(_doc(minimal_doc), "rounding", rounding))
    departments = _departments(payroll)
    assert list(departments) == ["sales", "clients"]  # the scheme's order
    assert departments["sales"] == DepartmentFigures(
        department="sales",
        kind="acquisition",
        headcount=4,
        # 105 000 + 65 000.01 + 85 000 + 45 000 = 300 000.01
        gross_total=D("300000.01"),
        # 300 000.01 / 4 = 75 000.0025 → 75 000.00 (either rounding)
        mean=D("75000.00"),
        median=D(sales_median),
        min=D("45000.00"),
        max=D("105000.00"),
        # 600 000 + 200 000.10 + 400 000 + 0 = 1 200 000.10
        revenue=D("1200000.10"),
        # 300 000.01 / 1 200 000.10 = 0.2499999875… → 0.2500
        payroll_share=D("0.2500"),
    )
    assert departments["clients"] == DepartmentFigures(
        department="clients",
        kind="retention",
        headcount=3,
        gross_total=D("315000.00"),  # 105 000 + 95 000 + 115 000
        mean=D("105000.00"),  # 315 000 / 3
        median=D("105000.00"),  # odd count: the middle one of 95 000, 105 000, 115 000
        min=D("95000.00"),
        max=D("115000.00"),
        revenue=D("6000000"),  # 2 000 000 + 1 000 000 + 3 000 000
        payroll_share=D("0.0525"),  # 315 000 / 6 000 000
    )


def test_no_revenue_no_payroll_share(minimal_doc: Callable[[], Doc]) -> None:
    payroll = _payroll(_doc(minimal_doc), [_sales("S", "0"), _client("C", "0")])
    departments = _departments(payroll)
    assert departments["sales"].revenue == 0
    assert departments["sales"].payroll_share is None
    assert departments["clients"].payroll_share is None


def test_a_department_without_employees_is_left_out(minimal_doc: Callable[[], Doc]) -> None:
    payroll = _payroll(_doc(minimal_doc), [_sales("S", "1000")])
    assert list(_departments(payroll)) == ["sales"]
    assert payroll.report is not None
    assert payroll.report.comparisons == ()  # nothing to compare with
    assert _actual(payroll) == []


# --- EARNINGS_ORDER_ACTUAL --------------------------------------------------------------------


def test_raised_when_the_sales_median_is_not_above_the_client_median(
    minimal_doc: Callable[[], Doc],
) -> None:
    payroll = _payroll(_doc(minimal_doc))
    comparison = _comparison(payroll)
    assert comparison.statistic == "median"
    assert comparison.sales_value == D("75000.01")  # half_up, see above
    assert comparison.client_value == D("105000.00")
    assert comparison.difference == D("-29999.99")  # 75 000.01 − 105 000
    assert comparison.holds is False
    assert comparison.prorated == 0
    # every salesperson below 105 000, with the shortfall; S1 at exactly 105 000 is not below
    assert [(b.employee_id, b.fte_gross, b.difference) for b in comparison.below] == [
        ("S2", D("65000.01"), D("39999.99")),
        ("S3", D("85000.00"), D("20000.00")),
        ("S4", D("45000.00"), D("60000.00")),
    ]
    (finding,) = _actual(payroll)
    assert finding.severity == "warning"
    assert finding.path == ("payroll", "sales.rep")
    assert finding.data == {"sales": "75000.01", "client": "105000.00"}
    assert finding.message == (
        "this period the median pay of sales.rep 75 000.01 is not above clients.rep's "
        "105 000.00; below the client median: S2 (65 000.01, 39 999.99 less), "
        "S3 (85 000.00, 20 000.00 less), S4 (45 000.00, 60 000.00 less)"
    )


def test_not_raised_when_sales_out_earn(minimal_doc: Callable[[], Doc]) -> None:
    roster = [
        _sales("S1", "600000"),  # 105 000
        _sales("S2", "500000"),  # 95 000
        _client("C1", "0"),  # 85 000
        _client("C2", "100000"),  # 86 000
    ]
    payroll = _payroll(_doc(minimal_doc), roster)
    comparison = _comparison(payroll)
    # sales median (95 000 + 105 000) / 2 = 100 000 > client median (85 000 + 86 000) / 2 = 85 500
    assert (comparison.sales_value, comparison.client_value) == (D("100000.00"), D("85500.00"))
    assert comparison.difference == D("14500.00")
    assert comparison.holds is True
    assert comparison.below == ()
    assert _actual(payroll) == []


def test_equal_medians_are_not_above(minimal_doc: Callable[[], Doc]) -> None:
    # 45 000 + 40 000 = 85 000 against 85 000 + 0: equal is not out-earning
    payroll = _payroll(_doc(minimal_doc), [_sales("S", "400000"), _client("C", "0")])
    comparison = _comparison(payroll)
    assert comparison.difference == 0
    assert comparison.holds is False
    assert comparison.below == ()  # 85 000 is not below 85 000
    (finding,) = _actual(payroll)
    # the message does not trail off into an empty list of names
    assert finding.message == (
        "this period the median pay of sales.rep 85 000.00 is not above clients.rep's "
        "85 000.00; but nobody is below it"
    )


def test_prorated_employees_are_compared_on_full_time_equivalent_pay(
    minimal_doc: Callable[[], Doc],
) -> None:
    roster = [
        _sales("FULL", "400000"),  # 45 000 + 40 000 = 85 000
        # half time: base 22 500 + 20 000 = 42 500, half of FULL's; FTE 42 500 / 0.5 = 85 000
        _sales("HALF", "200000", fte=D("0.5")),
        # hired 10 March, 16 of 22 days: 45 000 × 16/22 = 32 727.27; FTE 32 727.27 × 22/16
        # = 719 999.94 / 16 = 44 999.99625 → 45 000.00
        _sales("HIRED", "0", start_date=date(2027, 3, 10)),
        _client("C", "1000000"),  # 85 000 + 10 000 = 95 000
    ]
    payroll = _payroll(_doc(minimal_doc), roster)
    half, hired = payroll.payslip("HALF"), payroll.payslip("HIRED")
    assert (half.gross, half.fte_gross, half.proration) == (D("42500.00"), D("85000.00"), "0.5 fte")
    assert (hired.gross, hired.fte_gross) == (D("32727.27"), D("45000.00"))
    assert hired.proration == "16/22 working days"

    comparison = _comparison(payroll)
    assert comparison.prorated == 2
    # FTE values 85 000, 85 000, 45 000: median 85 000 (on gross it would be 42 500)
    assert comparison.sales_value == D("85000.00")
    assert comparison.client_value == D("95000.00")
    assert [(b.employee_id, b.fte_gross, b.difference) for b in comparison.below] == [
        ("FULL", D("85000.00"), D("10000.00")),
        ("HALF", D("85000.00"), D("10000.00")),  # the same shortfall as FULL, not 52 500
        ("HIRED", D("45000.00"), D("50000.00")),
    ]
    (finding,) = _actual(payroll)
    assert "median pay (full-time-equivalent pay) of sales.rep 85 000.00" in finding.message
    assert "HALF (85 000.00, 10 000.00 less)" in finding.message

    # the department figures stay on actual pay: 85 000 + 42 500 + 32 727.27 = 160 227.27
    sales = _departments(payroll)["sales"]
    assert (sales.gross_total, sales.median) == (D("160227.27"), D("42500.00"))
    assert (sales.min, sales.max) == (D("32727.27"), D("85000.00"))
    assert sales.mean == D("53409.09")  # 160 227.27 / 3, exact


def test_statistic_mean(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    roster = [
        _sales("S1", "2000000"),  # 45 000 + 200 000 = 245 000
        _sales("S4", "0"),  # 45 000
        _sales("S5", "0"),  # 45 000
        *ROSTER[4:],  # clients 105 000, 95 000, 115 000: mean and median 105 000
    ]
    median = _payroll(_doc(minimal_doc), roster)
    assert _comparison(median).sales_value == D("45000.00")
    assert len(_actual(median)) == 1  # 45 000 ≤ 105 000

    doc = edit(_doc(minimal_doc), "policy.earnings_order.statistic", "mean")
    mean = _payroll(doc, roster)
    comparison = _comparison(mean)
    assert comparison.statistic == "mean"
    # (245 000 + 45 000 + 45 000) / 3 = 335 000 / 3 = 111 666.666… → 111 666.67
    assert comparison.sales_value == D("111666.67")
    assert comparison.client_value == D("105000.00")
    assert comparison.difference == D("6666.67")
    assert comparison.holds is True
    assert _actual(mean) == []
    # who is below the client mean is still listed on the comparison
    assert [(b.employee_id, b.difference) for b in comparison.below] == [
        ("S4", D("60000.00")),
        ("S5", D("60000.00")),
    ]


def test_statistic_mean_in_the_finding(minimal_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(_doc(minimal_doc), "policy.earnings_order.statistic", "mean")
    payroll = _payroll(doc)
    # sales 300 000.01 / 4 = 75 000.0025 → 75 000.00; clients 315 000 / 3 = 105 000
    (finding,) = _actual(payroll)
    assert finding.message.startswith(
        "this period the mean pay of sales.rep 75 000.00 is not above clients.rep's 105 000.00; "
        "below the client mean: S2 (65 000.01, 39 999.99 less)"
    )
