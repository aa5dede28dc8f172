"""calculate chooses the engine by the roster's size; the bytes do not depend on it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from app.engine import Employee, Measure, Period, calculate, parse_scheme
from app.engine.calculate import COLUMNAR_FROM, calculate_decimal
from app.io.output.payrollcsv import payroll_csv
from app.io.output.payrolljson import payroll_json

MARCH = Period(2027, 3)


def _roster(size: int) -> list[Employee]:
    """Sales reps credited 10 000.50 more each, every seventh at half time."""
    return [
        Employee(
            f"E{i:04d}",
            "sales",
            "rep",
            fte=Decimal("0.5") if i % 7 == 0 else Decimal(1),
            credited={Measure.NEW_REVENUE: Decimal("10000.50") * (i + 1)},
        )
        for i in range(size)
    ]


def test_the_columnar_engine_computes_from_columnar_from_employees(
    acme_doc: Callable[[], dict[str, Any]],
) -> None:
    scheme = parse_scheme(acme_doc())
    for size, engine in ((COLUMNAR_FROM - 1, "decimal"), (COLUMNAR_FROM, "columnar")):
        roster = _roster(size)
        payroll = calculate(scheme, MARCH, roster)
        assert payroll.engine == engine
        expected = calculate_decimal(scheme, MARCH, roster)
        assert payroll_json(payroll) == payroll_json(expected)
        assert payroll_csv(payroll) == payroll_csv(expected)
        # by hand: E0000, 10 000.50 at half time, is below the threshold (50% of the target
        # 600 000 × 0.5): the base 45 000 × 0.5 = 22 500.00
        assert payroll.payslip("E0000").gross == Decimal("22500.00")
    # E0099 (full time): 1 000 050.00 -> 600 000 × 15% + 400 050 × 20% = 90 000 + 80 010;
    # attainment 166.7% ≥ 120%: the 15 000 bonus; 45 000 + 170 010 + 15 000 = 230 010.00
    assert payroll.payslip("E0099").gross == Decimal("230010.00")
