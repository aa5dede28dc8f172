"""A role's commission and bonus lines on a block of rows, with overflow proven once per batch.

:func:`plan_commission` and :func:`plan_bonus` take the scheme's numbers (as integers) and the
batch's peaks — the largest magnitude of the credited column (``|credited|``), of the
proration's numerator ``N`` and denominator ``D`` over the whole batch — and bound every
intermediate value :func:`commission` and :func:`bonus` will compute, on any block of any
role, before any is computed: each bound is the product (or sum) of the bounds of its
operands, so it covers the value on every row whatever the block.  A bound at or above
:data:`.rounding.LIMIT` raises :class:`.rounding.Overflow` (the Decimal engine computes the
batch).  The block functions then compute without checking.

``n`` and ``d`` are arrays for the block's rows, or one Python ``int`` for all of them (a
batch without part periods or fte: ``N = D = 1``), in which case every product of constants
(the space ``D × A``, the tiers' edges, the cap) is a Python integer already proven to fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from ..commission import bonus_measure
from ..money import EXACT, Rounding
from ..scheme import Bonus, CommissionRule, Measure, Role, TierMode
from .rounding import LIMIT, Int64s, Overflow, round_div

__all__ = [
    "BonusPlan",
    "Factor",
    "RulePlan",
    "bonus",
    "commission",
    "fits",
    "plan_bonus",
    "plan_commission",
]

#: Per-row values of a block, or one integer for every row.
Factor = Int64s | int


def _int(value: Decimal, scale: int) -> int:
    return int(value.scaleb(scale, EXACT))


def fits(bound: int, what: str) -> int:
    if bound >= LIMIT:
        raise Overflow(f"{what} could reach {bound:.3e}")
    return bound


@dataclass(frozen=True, slots=True)
class RulePlan:
    """One commission rule's integers (see :func:`plan_commission`); ``peak`` bounds |line|."""

    rule: CommissionRule
    A: int
    R: int
    target: int | None  # the target in minor units (× N: prorated, in the space × D × A)
    edges: tuple[tuple[bool, int], ...]  # (of the target?, from_ in units or attainment × A)
    rates: tuple[int, ...]  # × R
    cap: int | None
    multiple: int | None
    threshold: int | None
    peak: int


def _tiered_bound(
    amount: int, edges: list[int], below: list[bool], rates: tuple[int, ...], mode: TierMode
) -> int:
    """A bound of :func:`_tiered`'s total and of every product and partial sum it computes.

    ``amount`` bounds the amounts, ``edges`` each tier's edge in magnitude, ``below`` whether
    that edge may be negative.  A marginal slice is ``max(min(amount, next edge) - edge, 0)``:
    at most ``min(amount, next edge)`` (the last tier: ``amount``) when its edge is not
    negative, plus the edge's magnitude when it may be.  The subtraction itself cannot wrap:
    both operands are below LIMIT = 2^62, so their difference is below 2^63.
    """
    if mode is TierMode.RETROACTIVE:
        return fits(max((amount * abs(r) for r in rates), default=0), "a commission")
    total = 0
    last = len(rates) - 1
    for index, rate in enumerate(rates):
        high = amount if index == last else min(amount, edges[index + 1])
        part = fits(high + (edges[index] if below[index] else 0), "a tier's slice")
        total = fits(total + fits(part * abs(rate), "a tier's commission"), "a commission")
    return total


def plan_commission(
    rule: CommissionRule,
    role: Role,
    credited: int,
    n: int,
    d: int,
    digits: int,
    places: tuple[int, int],
) -> RulePlan:
    """The rule's integers, every intermediate of :func:`commission` bounded (see the module).

    ``credited``, ``n``, ``d``: the batch's peaks of the amount paid on, of N and of D."""
    a, r = places
    A, R = 10**a, 10**r
    space = fits(d * A, "the space D × A")
    x = fits(credited * space, "an amount × D × A")
    target = role.target.get(rule.measure)
    units = None if target is None else _int(target, digits)
    prorated = 0 if units is None else fits(n * abs(units), "a prorated target")
    edges: list[tuple[bool, int]] = []
    peaks: list[int] = []
    below: list[bool] = []  # may the edge be negative? (D > 0 and N >= 0: its constant's sign)
    for tier in rule.tiers:
        if tier.from_ is not None:
            edge = _int(tier.from_, digits)
            edges.append((False, edge))
            peaks.append(fits(space * abs(edge), "a tier's edge"))
            below.append(edge < 0)
        else:
            assert tier.from_attainment is not None and units is not None
            edge = _int(tier.from_attainment, a)
            edges.append((True, edge))
            peaks.append(fits(prorated * abs(edge), "a tier's edge"))
            below.append(edge * units < 0)
    rates = tuple(_int(t.rate, r) for t in rule.tiers)
    total = _tiered_bound(x, peaks, below, rates, rule.mode)
    unit = fits(space * R, "the unit D × A × R")
    # |round(total / unit)| <= total / (A × R) + 1, as D >= 1
    peak = total // (A * R) + 1
    cap = multiple = threshold = None
    if rule.cap is not None:
        cap = _int(rule.cap, digits)
        fits(unit * abs(cap), "a cap")
        peak = max(peak, abs(cap))
    elif rule.cap_multiple is not None and units is not None:
        multiple = _int(rule.cap_multiple, a)
        capped = _tiered_bound(fits(prorated * A, "a cap's amount"), peaks, below, rates, rule.mode)
        fits(capped * abs(multiple), "a cap")
        fits(total * A, "a commission × A")
        fits(unit * A, "the unit × A")
        peak = max(peak, capped * abs(multiple) // (A * R * A) + 1)
    if rule.threshold is not None and units is not None:
        threshold = _int(rule.threshold, a)
        fits(prorated * abs(threshold), "a threshold")
    return RulePlan(rule, A, R, units, tuple(edges), rates, cap, multiple, threshold, peak)


def _tiered(amount: Int64s, edges: list[Factor], rates: tuple[int, ...], mode: TierMode) -> Int64s:
    if mode is TierMode.RETROACTIVE:
        total = np.zeros(amount.shape, dtype=np.int64)
        done = np.zeros(amount.shape, dtype=np.bool_)
        for index in range(len(rates) - 1, -1, -1):
            hit = ~done & (amount >= edges[index])
            total = np.where(hit, amount * rates[index], total)
            done |= hit
        return total
    last = len(rates) - 1
    result: Int64s | None = None
    for index, rate in enumerate(rates):
        low = edges[index]
        high = amount if index == last else np.minimum(amount, edges[index + 1])
        part = np.maximum(high - low, 0)  # 0 where amount <= low, as high <= amount
        part *= rate
        result = part if result is None else result + part
    assert result is not None
    return result


def commission(plan: RulePlan, credited: Int64s, n: Factor, d: Factor, mode: Rounding) -> Int64s:
    """One rule's rounded commission line for a block (``credited`` in minor units).

    As :func:`app.engine.commission.commission`: threshold, tiers, cap; a negative credit
    takes back what its magnitude pays.  Values are in the space × D × A (amounts) and
    × D × A × R (commission); every one was bounded by :func:`plan_commission`.
    """
    A, R = plan.A, plan.R
    space = d * A
    signed = int(credited.min(initial=0)) < 0
    x: Int64s = np.asarray((np.abs(credited) if signed else credited) * space, dtype=np.int64)
    prorated = None if plan.target is None else n * plan.target
    edges: list[Factor] = []
    for of_target, edge in plan.edges:
        if of_target:
            assert prorated is not None
            edges.append(prorated * edge)
        else:
            edges.append(space * edge)
    total = _tiered(x, edges, plan.rates, plan.rule.mode)
    unit = space * R
    result = round_div(total, unit, mode)
    if plan.cap is not None:
        cap = unit * plan.cap
        result = np.where(total > cap, plan.cap, result)  # round(unit × cap / unit) = cap
    elif plan.multiple is not None and prorated is not None:
        cap_total = _tiered(
            np.asarray(prorated * A, dtype=np.int64), edges, plan.rates, plan.rule.mode
        )
        cap = cap_total * plan.multiple  # × D × A × R × A
        result = np.where(total * A > cap, round_div(cap, unit * A, mode), result)
    if plan.threshold is not None and prorated is not None:
        result = np.where(x < prorated * plan.threshold, 0, result)
    if signed:
        result = np.where(credited < 0, -result, result)
    return np.asarray(result, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class BonusPlan:
    """One bonus's integers (``target`` None: never paid); ``peak`` bounds |line|."""

    bonus: Bonus
    measure: Measure | None
    target: int | None
    attainment: int
    scale: int  # 10^a
    amount: int
    peak: int


def plan_bonus(
    role: Role, bonus_: Bonus, credited: dict[Measure, int], n: int, d: int, digits: int, a: int
) -> BonusPlan:
    """The bonus's integers, :func:`bonus`'s products bounded (``credited``: peaks)."""
    measure = bonus_measure(role, bonus_)
    amount = _int(bonus_.amount, digits)
    if measure is None or measure not in role.target:
        return BonusPlan(bonus_, None, None, 0, 10**a, amount, 0)
    target = _int(role.target[measure], digits)
    attainment = _int(bonus_.attainment, a)
    prorated = fits(n * abs(target), "a prorated target")
    fits(d * 10**a, "D × 10^a")  # computed first: the amount times it, then
    fits(credited[measure] * d * 10**a, "a credited amount × D × 10^a")
    fits(prorated * abs(attainment), "a bonus's attainment")
    return BonusPlan(bonus_, measure, target, attainment, 10**a, amount, abs(amount))


def bonus(plan: BonusPlan, credited: Int64s, n: Factor, d: Factor, size: int) -> Int64s:
    """The bonus paid where credited × D ≥ attainment × target × N (and the target is not 0)."""
    if plan.target is None:
        return np.zeros(size, dtype=np.int64)
    prorated = n * plan.target
    reached = credited * (d * plan.scale) >= prorated * plan.attainment
    if isinstance(prorated, int):
        paid = reached if prorated != 0 else np.zeros(size, dtype=np.bool_)
    else:
        paid = reached & (prorated != 0)
    return np.where(paid, plan.amount, 0).astype(np.int64)
