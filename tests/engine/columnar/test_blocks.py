"""compute_columns in blocks: the same payroll whatever the block size; round_div's fast paths."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from app.engine import Employee, Measure, Period, parse_scheme
from app.engine.calculate import calculate_decimal
from app.engine.columnar import calculate, compute
from app.engine.columnar.rounding import round_div
from app.engine.money import Rounding
from app.io.output.payrolljson import payroll_json

MARCH = Period(2027, 3)
NEW, REPEAT = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE


def _roster(size: int, *, part: bool, owed: bool) -> list[Employee]:
    """The scheme's roles in turn, credited 7 919.37 more each; with ``part`` every third at
    half time and every fifth from 10 March; with ``owed`` every fourth rep owing a clawback
    of 1 000 000 (the ledger's path: it takes the rep's variable pay)."""
    roles = [
        ("sales", "rep", NEW),
        ("sales", "rep", NEW),
        ("sales", "head", NEW),
        ("clients", "rep", REPEAT),
        ("clients", "head", REPEAT),
    ]
    out = []
    for i in range(size):
        dept, role, measure = roles[i % len(roles)]
        amount = Decimal("7919.37") * (i + 1)
        out.append(
            Employee(
                f"E{i:04d}",
                dept,
                role,
                fte=Decimal("0.5") if part and i % 3 == 0 else Decimal(1),
                start_date=date(2027, 3, 10) if part and i % 5 == 0 else None,
                credited={measure: amount},
                balances={"clawback": Decimal(1_000_000)} if owed and i % 4 == 0 else {},
            )
        )
    return out


@pytest.mark.parametrize(("part", "owed"), [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("mode", ["half_up", "half_even"])
def test_blocks_of_any_size_give_the_decimal_engines_payroll(
    part: bool,
    owed: bool,
    mode: str,
    acme_doc: Callable[[], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = acme_doc()
    doc["rounding"] = mode
    scheme = parse_scheme(doc)
    roster = _roster(150, part=part, owed=owed)
    expected = payroll_json(calculate_decimal(scheme, MARCH, roster))
    for block in (1, 4, 7, compute.BLOCK):  # 150 rows: one block, or many with a short last
        monkeypatch.setattr(compute, "BLOCK", block)
        payroll = calculate(scheme, MARCH, roster)
        assert payroll.engine == "columnar"
        assert payroll_json(payroll) == expected


@pytest.mark.parametrize(
    ("mode", "num", "den", "expected"),
    [
        # a power of ten, all of one sign: 2.5 → 3 (half_up) or 2 (half_even, even);
        # 3.5 → 4 both; 2.49 → 2; 2.51 → 3; the negatives the same magnitudes, signed
        (Rounding.HALF_UP, [25, 35, 249, 251, 0], [10, 10, 100, 100, 10], [3, 4, 2, 3, 0]),
        (Rounding.HALF_EVEN, [25, 35, 249, 251, 0], [10, 10, 100, 100, 10], [2, 4, 2, 3, 0]),
        (Rounding.HALF_UP, [-25, -35, -249, -251], [10, 10, 100, 100], [-3, -4, -2, -3]),
        (Rounding.HALF_EVEN, [-25, -35, -249, -251], [10, 10, 100, 100], [-2, -4, -2, -3]),
        # an odd divisor has no tie: 10/7 = 1.43 → 1, 11/7 = 1.57 → 2, -11/7 → -2
        (Rounding.HALF_EVEN, [10, 11, -11], [7, 7, 7], [1, 2, -2]),
        # mixed signs take the general path: ±2.5 → ±3 (half_up), ±2 (half_even)
        (Rounding.HALF_UP, [25, -25, 14], [10, 10, 10], [3, -3, 1]),
        (Rounding.HALF_EVEN, [25, -25, 15], [10, 10, 10], [2, -2, 2]),
    ],
)
def test_round_div_by_one_divisor(
    mode: Rounding, num: list[int], den: list[int], expected: list[int]
) -> None:
    divisor = den[0] if len(set(den)) == 1 else None
    for value, d, want in zip(num, den, expected, strict=True):
        assert round_div(np.array([value], dtype=np.int64), d, mode).tolist() == [want]
    if divisor is not None:
        got = round_div(np.array(num, dtype=np.int64), divisor, mode)
        assert got.tolist() == expected
    # the per-row path agrees with the scalar one
    assert round_div(np.array(num, dtype=np.int64), np.array(den), mode).tolist() == expected


def test_round_div_by_one_is_the_value() -> None:
    values = np.array([-3, 0, 5], dtype=np.int64)
    assert round_div(values, 1, Rounding.HALF_EVEN).tolist() == [-3, 0, 5]
