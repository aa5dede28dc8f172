"""The commission and bonus formulas of one role: commission (threshold, tiers, cap),
bonuses, override.

Prorated values are kept exact by scaling: with a proration factor ``num/den``
(fte × paid working days over the period's working days) every amount is multiplied
by ``den``, prorated targets become ``target × num``, and the only division happens
inside :func:`~app.engine.money.round_money`.  Unprorated employees have ``num = den = 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from .scheme import Bonus, CommissionRule, Measure, Role, TierMode

__all__ = ["FULL", "CommissionOutcome", "Scale", "bonus_measure", "commission", "reached"]

_ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class Scale:
    """Proration factor ``num / den``; ``den`` is a whole number of working days."""

    num: Decimal
    den: int

    @property
    def is_full(self) -> bool:
        return self.den == 1 and self.num == 1

    def factor(self) -> Decimal:
        return self.num / self.den


FULL: Final = Scale(Decimal(1), 1)


@dataclass(slots=True)  # not frozen: one per commission line (see results.Line)
class CommissionOutcome:
    """A commission rule applied to one credited amount, all values scaled by ``den``."""

    total: Decimal
    slices: tuple[tuple[Decimal, Decimal], ...]  # (scaled slice, rate) with a non-zero slice
    status: Literal["paid", "below_threshold", "capped", "taken_back"]
    threshold: Decimal | None = None  # scaled amount the credit had to reach
    uncapped: Decimal | None = None
    cap: Decimal | None = None


def _bounds(rule: CommissionRule, den: int, target: Decimal | None) -> list[Decimal]:
    bounds = []
    for tier in rule.tiers:
        if tier.from_ is not None:
            bounds.append(tier.from_ * den)
        else:
            assert tier.from_attainment is not None and target is not None
            bounds.append(tier.from_attainment * target)
    return bounds


def _tiered(rule: CommissionRule, credited: Decimal, bounds: list[Decimal]) -> CommissionOutcome:
    tiers = rule.tiers
    if rule.mode is TierMode.RETROACTIVE:
        for index in range(len(tiers) - 1, -1, -1):
            if credited >= bounds[index]:
                rate = tiers[index].rate
                paid = ((credited, rate),) if credited else ()
                return CommissionOutcome(credited * rate, paid, "paid")
        return CommissionOutcome(_ZERO, (), "paid")
    total = _ZERO
    slices: list[tuple[Decimal, Decimal]] = []
    last = len(tiers) - 1
    for index, tier in enumerate(tiers):
        low = bounds[index]
        if credited <= low:
            break
        high = credited if index == last else min(credited, bounds[index + 1])
        part = high - low
        if part > 0:
            total += part * tier.rate
            slices.append((part, tier.rate))
    return CommissionOutcome(total, tuple(slices), "paid")


def commission(
    rule: CommissionRule, credited: Decimal, target: Decimal | None, den: int
) -> CommissionOutcome:
    """Apply ``rule``; ``credited`` and ``target`` are already scaled (× den / × num).

    Order: threshold (nothing below threshold × target), tiers in the rule's mode,
    then the cap (an amount, or a multiple of the commission at 100% of target).

    A negative credit (refunds above the period's sales) takes back what that amount
    pays on its own: ``commission(-x) = -commission(x)``, so a deal and its full refund
    net to zero across the two periods.
    """
    if credited < 0:
        paid = commission(rule, -credited, target, den)
        return CommissionOutcome(
            -paid.total,
            tuple((-part, rate) for part, rate in paid.slices),
            "taken_back",
            threshold=paid.threshold,
            uncapped=None if paid.uncapped is None else -paid.uncapped,
            cap=paid.cap,
        )
    if rule.threshold is not None and target is not None:
        needed = rule.threshold * target
        if credited < needed:
            return CommissionOutcome(_ZERO, (), "below_threshold", threshold=needed)
    bounds = _bounds(rule, den, target)
    outcome = _tiered(rule, credited, bounds)
    cap: Decimal | None = None
    if rule.cap is not None:
        cap = rule.cap * den
    elif rule.cap_multiple is not None and target is not None:
        cap = rule.cap_multiple * _tiered(rule, target, bounds).total
    if cap is not None and outcome.total > cap:
        return CommissionOutcome(cap, outcome.slices, "capped", uncapped=outcome.total, cap=cap)
    return outcome


def bonus_measure(role: Role, bonus: Bonus) -> Measure | None:
    """The measure whose attainment a bonus reads: its own, or the role's only target."""
    if bonus.measure is not None:
        return bonus.measure
    if len(role.target) == 1:
        return next(iter(role.target))
    return None


def reached(credited: Decimal, target: Decimal, attainment: Decimal) -> bool:
    """Attainment reached, compared by multiplication so that no division rounds."""
    return credited >= attainment * target
