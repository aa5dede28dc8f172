"""Pay curves: each comparable role pair's pay against attainment, from the engine's own rules.

The points are those of a grid (0–200% in steps of 1% by default) and every breakpoint of
either role inside it (thresholds, tier starts, bonus levels, cap points), so a chart drawn
through them has its kinks and jumps exactly where the rules put them: between two
breakpoints pay is affine in attainment (:mod:`app.engine.breakeven`).  Where pay jumps (a
threshold, a bonus) the point also carries the pay just below it (``before``), the limit from
the left, computed exactly from the segment that ends there.  Every amount is a ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final

from ..breakeven import BreakEven, breakpoints, cap_points, pay_at
from ..checks import break_even
from ..money import EXACT, round_money, to_decimal
from ..scheme import Role, Scheme
from ..structure import comparable_pairs

__all__ = [
    "DEFAULT_RANGE",
    "MAX_ATTAINMENT",
    "MAX_POINTS",
    "Curve",
    "Curves",
    "PairCurves",
    "Point",
    "Range",
    "RangeError",
    "pay_curves",
]

#: The highest attainment a curve may reach: 10 = 1000%, as everywhere in a scheme.
MAX_ATTAINMENT: Final = Decimal(10)
#: The most grid points of one curve (breakpoints come on top of them).
MAX_POINTS: Final = 2001
_TARGET: Final = Decimal(1)


class RangeError(ValueError):
    """A curve range that cannot be drawn; ``field`` is ``from``, ``to`` or ``step``."""

    code: Final = "CURVE_RANGE"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Range:
    """Attainments ``start``, ``start + step``, … up to ``stop`` (always included)."""

    start: Decimal
    stop: Decimal
    step: Decimal

    def __post_init__(self) -> None:
        for field, value in (("from", self.start), ("to", self.stop), ("step", self.step)):
            if not value.is_finite():
                raise RangeError(field, f"{field} must be a number, not {value}")
        if not 0 <= self.start <= MAX_ATTAINMENT:
            raise RangeError("from", f"from {self.start} is outside [0, 10] (10 = 1000%)")
        if not 0 <= self.stop <= MAX_ATTAINMENT:
            raise RangeError("to", f"to {self.stop} is outside [0, 10] (10 = 1000%)")
        if self.stop <= self.start:
            raise RangeError("to", f"to {self.stop} must be above from {self.start}")
        if self.step <= 0:
            raise RangeError("step", f"step {self.step} must be above 0")
        with localcontext(EXACT):
            count = (self.stop - self.start) / self.step
        if count > MAX_POINTS - 1:
            raise RangeError(
                "step",
                f"step {self.step} gives more than {MAX_POINTS} points from {self.start} to "
                f"{self.stop}; take a step of at least {(self.stop - self.start) / 2000}",
            )

    @classmethod
    def parse(cls, start: object, stop: object, step: object) -> Range:
        """The range of three numbers as written (``"0"``, ``"2"``, ``"0.01"``): exact."""
        values = []
        for field, value in (("from", start), ("to", stop), ("step", step)):
            try:
                values.append(to_decimal(value))
            except ValueError as exc:
                raise RangeError(field, f"{field}: {exc}") from None
        return cls(*values)

    def grid(self) -> list[Decimal]:
        points, index = [], 0
        with localcontext(EXACT):
            while (value := self.start + index * self.step) < self.stop:
                points.append(value)
                index += 1
        return [*points, self.stop]

    def covers(self, a: Decimal) -> bool:
        return self.start <= a <= self.stop


DEFAULT_RANGE: Final = Range(Decimal(0), Decimal(2), Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Point:
    """A role's pay when it (and its team) reach ``attainment`` of target."""

    attainment: Decimal
    pay: Decimal  # exact, before any rounding
    gross: Decimal  # as a payslip would show it: each line rounded, then summed
    base: Decimal  # the base salary line
    variable: Decimal  # gross − base: commission, override and bonuses
    before: Decimal | None = None  # exact pay just below ``attainment`` where pay jumps


@dataclass(frozen=True, slots=True)
class Curve:
    role: str  # "sales.rep"
    label: str  # the role's label, else its name
    points: tuple[Point, ...]
    at_target: Point  # the pay mix at 100% of target
    breakpoints: tuple[Decimal, ...]  # the role's breakpoints inside the range


@dataclass(frozen=True, slots=True)
class PairCurves:
    sales: Curve
    client: Curve
    break_even: BreakEven


@dataclass(frozen=True, slots=True)
class Curves:
    scheme: str
    name: str
    currency: str
    minor_units: int
    range: Range
    policy_attainment: Decimal  # scheme.policy.earnings_order.attainment (effective policy)
    pairs: tuple[PairCurves, ...]


def pay_curves(scheme: Scheme, grid: Range = DEFAULT_RANGE) -> Curves:
    """The curves of every comparable pair of ``scheme`` over ``grid``.

    ``scheme`` should be the scheme under its effective policy
    (:func:`app.engine.policy.apply_policy`): its ``earnings_order.attainment`` is the one
    marked, and the break-even is computed at it.
    """
    points = grid.grid()
    pairs = []
    for pair, even in zip(comparable_pairs(scheme), break_even(scheme), strict=True):
        s_dept, s_name, s_role, c_dept, c_name, c_role = pair
        pairs.append(
            PairCurves(
                _curve(scheme, s_dept, s_name, s_role, points, grid),
                _curve(scheme, c_dept, c_name, c_role, points, grid),
                even,
            )
        )
    return Curves(
        scheme.key,
        scheme.name,
        scheme.currency,
        scheme.minor_units,
        grid,
        scheme.policy.earnings_order.attainment,
        tuple(pairs),
    )


def _curve(
    scheme: Scheme, dept: str, name: str, role: Role, grid: Iterable[Decimal], limits: Range
) -> Curve:
    kinks = sorted(breakpoints(role) | cap_points(role))
    inside = [p for p in kinks if limits.covers(p)]
    base = round_money(role.base, scheme.minor_units, scheme.rounding)

    def point(a: Decimal, before: Decimal | None = None) -> Point:
        pay = pay_at(scheme, dept, role, a)
        return Point(a, pay.exact, pay.gross, base, pay.gross - base, before)

    shown = []
    for a in sorted(set(grid) | set(inside)):
        left = _left_limit(scheme, dept, role, kinks, a) if a in inside and a > 0 else None
        here = point(a)
        shown.append(here if left is None or _same(left, here.pay, scheme) else point(a, left))
    label = role.label or f"{dept}.{name}"
    return Curve(f"{dept}.{name}", label, tuple(shown), point(_TARGET), tuple(inside))


def _left_limit(scheme: Scheme, dept: str, role: Role, kinks: list[Decimal], a: Decimal) -> Decimal:
    """Pay just below breakpoint ``a``: pay is affine on ``[q, a)`` (``q`` the breakpoint
    before it), so the limit is ``2 f(m) − f(q)`` with ``m`` the middle of the segment."""
    q = max(p for p in kinks if p < a)
    with localcontext(EXACT):
        middle = (q + a) / 2
        return 2 * pay_at(scheme, dept, role, middle).exact - pay_at(scheme, dept, role, q).exact


def _same(left: Decimal, right: Decimal, scheme: Scheme) -> bool:
    """No jump: equal to well below the currency's minor unit (a cap point is solved to 60
    digits, so its left limit may differ from its value in the last few)."""
    with localcontext(EXACT):
        return abs(left - right) < Decimal(1).scaleb(-(scheme.minor_units + 6))
