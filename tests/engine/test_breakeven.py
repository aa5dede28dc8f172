"""The break-even search (app.engine.breakeven.first_reach) on hand-made pay functions."""

from __future__ import annotations

from decimal import Decimal

from app.engine.breakeven import first_reach


def test_an_affine_pay_is_solved_exactly() -> None:
    # f(a) = 45 000 + 90 000 a reaches 122 500 at a = 77 500 / 90 000 = 0.86111…
    found = first_reach(lambda a: 45_000 + 90_000 * a, {Decimal(0)}, Decimal(122_500))
    assert found is not None
    assert 45_000 + 90_000 * found >= 122_500
    assert found.quantize(Decimal("1e-20")) == Decimal("0.86111111111111111111")


def test_a_level_reached_only_far_beyond_the_limit_is_never_without_evaluating_there() -> None:
    # f(a) = a / 10^60 reaches 1 at a = 10^60, far beyond the 100× search limit; evaluating
    # pay there overflowed the rounding's precision (decimal.InvalidOperation).
    asked: list[Decimal] = []

    def f(a: Decimal) -> Decimal:
        asked.append(a)
        return a.scaleb(-60)

    assert first_reach(f, {Decimal(0)}, Decimal(1)) is None
    assert max(asked) <= 100
