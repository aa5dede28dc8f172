"""A role's pay as a function of attainment, and the break-even between departments.

Pay at attainment ``a`` assumes every employee of the department reaches ``a`` of
their targets: a rep is credited ``a × target``; a head's override applies to the
planned team (Σ headcount × target × a over the department's roles).  Between its
breakpoints (thresholds, tier starts, bonus attainments, cap points) pay is affine in
``a``, so the break-even is solved exactly, not searched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal, localcontext
from typing import Final

from .commission import commission, reached
from .money import EXACT, format_decimal, round_money
from .scheme import MEASURE_OF_KIND, CommissionRule, Measure, Role, Scheme

__all__ = [
    "BreakEven",
    "RolePay",
    "attainment_for_pay",
    "first_reach",
    "pay_at",
    "primary_measure",
    "team_revenue_at",
]

_ZERO: Final = Decimal(0)
#: The search limit: an attainment beyond 100 (10 000% of target) is not a break-even anyone
#: can reach, whether pay would get there on a slope or by a jump (docs/calculation.md).
_LIMIT: Final = Decimal(100)


@dataclass(frozen=True, slots=True)
class RolePay:
    exact: Decimal  # before any rounding: the continuous function solved for break-even
    gross: Decimal  # what a payslip would show: each line rounded, then summed


@dataclass(frozen=True, slots=True)
class BreakEven:
    """Where the sales role's pay reaches the client role's pay at the policy attainment."""

    sales: str  # "sales.rep"
    client: str  # "clients.rep"
    client_attainment: Decimal
    client_pay: Decimal
    sales_pay_at_same: Decimal
    attainment: Decimal | None  # None: the sales role never reaches it
    revenue: Decimal | None  # credited revenue (a head: the team's) at the break-even

    def as_dict(self) -> dict[str, str | None]:
        return {
            "sales_role": self.sales,
            "client_role": self.client,
            "client_attainment": format_decimal(self.client_attainment),
            "client_pay": format_decimal(self.client_pay),
            "sales_pay_at_same_attainment": format_decimal(self.sales_pay_at_same),
            "break_even_attainment": None
            if self.attainment is None
            else format_decimal(self.attainment),
            "break_even_revenue": None if self.revenue is None else format_decimal(self.revenue),
        }


def primary_measure(scheme: Scheme, department: str, role: Role) -> Measure | None:
    kind_measure = MEASURE_OF_KIND[scheme.departments[department].kind]
    if kind_measure in role.target or not role.target:
        return kind_measure if kind_measure in role.target else None
    return next(iter(role.target))


def team_revenue_at(scheme: Scheme, department: str, measure: Measure, a: Decimal) -> Decimal:
    """Planned team revenue of ``measure`` when everyone reaches attainment ``a``."""
    total = _ZERO
    for role in scheme.departments[department].roles.values():
        target = role.target.get(measure)
        if target is not None:
            total += (role.headcount if role.headcount is not None else 1) * target * a
    return total


def pay_at(scheme: Scheme, department: str, role: Role, a: Decimal) -> RolePay:
    """Pay of ``role`` when it (and its team) reach attainment ``a`` of target."""
    digits, mode = scheme.minor_units, scheme.rounding
    with localcontext(EXACT):
        exact = role.base
        gross = round_money(role.base, digits, mode)
        for rule in role.commission:
            target = role.target.get(rule.measure)
            credited = _ZERO if target is None else target * a
            value = commission(rule, credited, target, 1).total
            exact += value
            gross += round_money(value, digits, mode)
        if role.override is not None:
            team = team_revenue_at(scheme, department, role.override.measure, a)
            value = team * role.override.rate
            exact += value
            gross += round_money(value, digits, mode)
        for bonus in role.bonuses:
            measure = bonus.measure or (next(iter(role.target)) if len(role.target) == 1 else None)
            if measure in role.target:
                target = role.target[measure]
                if target and reached(target * a, target, bonus.attainment):
                    exact += bonus.amount
                    gross += round_money(bonus.amount, digits, mode)
    return RolePay(exact, gross)


def breakpoints(role: Role) -> set[Decimal]:
    """Attainments at which some part of the role's pay jumps or changes slope."""
    points = {_ZERO}
    with localcontext(EXACT) as ctx:
        ctx.rounding = ROUND_CEILING  # a tier start is reached at, never just below, the point
        for rule in role.commission:
            target = role.target.get(rule.measure)
            if not target:
                continue
            if rule.threshold is not None:
                points.add(rule.threshold)
            for tier in rule.tiers:
                if tier.from_ is not None:
                    points.add(tier.from_ / target)
                elif tier.from_attainment is not None:
                    points.add(tier.from_attainment)
        points.update(bonus.attainment for bonus in role.bonuses)
    return {p for p in points if p >= 0}


def first_reach(
    f: Callable[[Decimal], Decimal],
    points: set[Decimal],
    level: Decimal,
    rounding: str = ROUND_HALF_EVEN,
) -> Decimal | None:
    """Smallest ``a ≥ 0`` with ``f(a) ≥ level``, for ``f`` affine between ``points``
    (right-continuous at each point) and ``a ≤`` :data:`_LIMIT`.  None when ``f`` stays below
    ``level`` up to the limit.

    ``rounding`` applies to the one division that solves for ``a``; cap points use
    ceiling so that a cap is always fully reached at its point (never a hair before,
    which would leave a tiny slope in the next segment).
    """
    ordered = sorted(points)
    with localcontext(EXACT) as ctx:
        ctx.rounding = rounding
        for index, low in enumerate(ordered):
            if low > _LIMIT:  # a jump beyond the limit (a retroactive tier's start) is no reach
                return None
            value = f(low)
            if value >= level:
                return low
            high = ordered[index + 1] if index + 1 < len(ordered) else None
            probe = low + 1 if high is None else (low + high) / 2
            slope = (f(probe) - value) / (probe - low)
            if slope <= 0:
                continue
            solved = low + (level - value) / slope
            if solved > _LIMIT or (high is not None and solved >= high):
                # Beyond this segment (or any reachable attainment): a flat enough slope
                # puts it at 10^60, where pay would overflow the rounding's precision.
                continue
            hit = _settle(f, solved, level)
            if hit is not None and hit <= _LIMIT and (high is None or hit < high):
                return hit
    return None


def _settle(f: Callable[[Decimal], Decimal], hit: Decimal, level: Decimal) -> Decimal | None:
    """Move a solved point up by the last-digit error of 60-digit arithmetic until
    ``f(hit) ≥ level`` really holds (a few steps of growing size at most)."""
    step = max(abs(hit), Decimal(1)).scaleb(-55)
    for _ in range(12):
        if f(hit) >= level:
            return hit
        hit += step
        step *= 10
    return None


def cap_points(role: Role) -> set[Decimal]:
    """Attainments where a capped rule's commission reaches its cap."""
    points: set[Decimal] = set()
    base = breakpoints(role)
    for rule in role.commission:
        target = role.target.get(rule.measure)
        if not target or (rule.cap is None and rule.cap_multiple is None):
            continue
        uncapped = rule.model_copy(update={"cap": None, "cap_multiple": None})
        if rule.cap is not None:
            limit = rule.cap
        else:
            assert rule.cap_multiple is not None
            limit = rule.cap_multiple * commission(uncapped, target, target, 1).total

        def value(a: Decimal, rule_: CommissionRule = uncapped, t: Decimal = target) -> Decimal:
            return commission(rule_, t * a, t, 1).total

        hit = first_reach(value, base, limit, ROUND_CEILING)
        if hit is not None:
            points.add(hit)
    return points


def attainment_for_pay(
    scheme: Scheme, department: str, role: Role, level: Decimal
) -> Decimal | None:
    """Smallest attainment at which ``role``'s exact pay reaches ``level``."""
    points = breakpoints(role) | cap_points(role)
    return first_reach(lambda a: pay_at(scheme, department, role, a).exact, points, level)
