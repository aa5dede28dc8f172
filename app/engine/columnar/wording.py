"""The Decimal engine's numbers and words from integers: amounts as ``money`` and
``format_amount`` write them, percentages of attainment, proration texts and each commission
rule's explanation (:mod:`.explain` puts them into payslips).

A value the Decimal engine shows unrounded (a tier's slice ``part / den``, the uncapped
commission, a prorated threshold) is shown by its format spec rounded half-even to the minor
digits (under :data:`~app.engine.money.EXACT`): here :func:`.rounding.round_div` of the same
exact fraction, half-even.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..money import Rounding, format_amount, format_percent, format_plain
from ..roster import Employee
from ..scheme import CommissionRule, Role, TierMode
from .compute import _int, _mul
from .layout import ESCAPE, inside
from .rounding import Int64s, round_div

__all__ = ["Commission", "attainment", "commission", "described", "fixed", "grouped"]

_ONE: Final = Decimal(1)


# --- amounts as text -------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _fractions(digits: int) -> NDArray[np.object_]:
    """``'.00'`` … ``'.99'`` (for 2 digits): the text after the whole units, by value."""
    return np.array([f".{f:0{digits}d}" for f in range(10**digits)], dtype=object)


def _join(whole: list[str], units: Int64s, frac: Int64s, digits: int) -> list[str]:
    """The whole part's text, the fraction's and the sign, joined (C loops, no f-string)."""
    texts = whole if digits == 0 else list(map(operator.add, whole, _fractions(digits)[frac]))
    for j in np.flatnonzero(units < 0).tolist():
        texts[j] = "-" + texts[j]
    return texts


def fixed(units: Int64s, digits: int) -> list[str]:
    """``money``: exactly ``digits`` decimals, no grouping, never ``-0``."""
    whole, frac = np.divmod(np.abs(units), 10**digits)
    return _join(list(map(str, whole.tolist())), units, frac, digits)


def grouped(units: Int64s, digits: int) -> list[str]:
    """``format_amount``: thousands grouped with spaces, exactly ``digits`` decimals."""
    whole, frac = np.divmod(np.abs(units), 10**digits)
    commas = "\n".join(map("{:,}".format, whole.tolist()))
    grouped = commas.replace(",", " ").split("\n") if units.size else []
    return _join(grouped, units, frac, digits)


def _shown(value: Int64s, divisor: Int64s | int) -> Int64s:
    """A fraction of minor units as the Decimal engine's format spec shows it: half-even."""
    return round_div(value, divisor, Rounding.HALF_EVEN)


def _percent_of_basis_points(q: int) -> str:
    """``format_percent`` of ``q / 10 000`` (q ≥ 0): 13015 → '130.15%', 12000 → '120%'."""
    whole, frac = divmod(q, 100)
    if not frac:
        return f"{whole}%"
    if frac % 10 == 0:
        return f"{whole}.{frac // 10}%"
    return f"{whole}.{frac:02d}%"


def attainment(credited: list[int], den: list[int], num: list[int], target: int) -> list[str]:
    """``format_percent((credited × D / (target × N)).quantize(0.0001))``, half-even, exact in
    Python integers (the product may leave int64)."""
    shown = []
    for c, d, n in zip(credited, den, num, strict=True):
        q, r = divmod(c * d * 10_000, target * n)
        twice = 2 * r
        if twice > target * n or (twice == target * n and q % 2 == 1):
            q += 1
        shown.append(_percent_of_basis_points(q))
    return shown


# --- one commission rule ---------------------------------------------------------------------


@dataclass(slots=True)
class Commission:
    """One rule's explanation columns for a role's members (see :func:`_commission`)."""

    text: list[str]
    rate: list[str]  # a JSON value: the single slice's rate, or null
    taken_back: NDArray[np.bool_]


def commission(
    rule: CommissionRule,
    role: Role,
    credited: Int64s,
    num: Int64s,
    den: Int64s,
    amount: Int64s,
    digits: int,
    places: tuple[int, int],
    full: NDArray[np.bool_],
    described: list[str],
) -> Commission:
    """The explanation of :meth:`app.engine.calculate._Calculator.commission_line`, from the
    same integers as :func:`.compute._commission` (values × D × A, commission × D × A × R)."""
    a, r = places
    A, R = 10**a, 10**r
    space = _mul(den, A)
    x = _mul(np.abs(credited), space)
    target = role.target.get(rule.measure)
    prorated = None if target is None else _mul(num, _int(target, digits))
    edges: list[Int64s] = []
    for tier in rule.tiers:
        if tier.from_ is not None:
            edges.append(_mul(space, _int(tier.from_, digits)))
        else:
            assert tier.from_attainment is not None and prorated is not None
            edges.append(_mul(prorated, _int(tier.from_attainment, a)))
    rates = [_int(t.rate, r) for t in rule.tiers]
    size = x.size
    # slices[i]: the part of the amount in tier i (0: no slice), as Decimal slices are.
    slices: list[Int64s] = []
    if rule.mode is TierMode.RETROACTIVE:
        reached = np.full(size, -1, dtype=np.int64)
        for index in range(len(rates) - 1, -1, -1):
            reached = np.where((reached < 0) & (x >= edges[index]), index, reached)
        for index in range(len(rates)):
            slices.append(np.where(reached == index, x, 0))
    else:
        last = len(rates) - 1
        for index in range(len(rates)):
            low = edges[index]
            high = x if index == last else np.minimum(x, edges[index + 1])
            slices.append(np.where(x > low, np.maximum(high - low, 0), 0))
    total = np.zeros(size, dtype=np.int64)
    for part, rate in zip(slices, rates, strict=True):
        total = total + _mul(part, rate)
    unit = _mul(space, R)
    capped = np.zeros(size, dtype=np.bool_)
    if rule.cap is not None:
        capped = total > _mul(unit, _int(rule.cap, digits))
    elif rule.cap_multiple is not None and prorated is not None:
        at_target = np.zeros(size, dtype=np.int64)
        y = _mul(prorated, A)
        if rule.mode is TierMode.RETROACTIVE:
            done = np.zeros(size, dtype=np.bool_)
            for index in range(len(rates) - 1, -1, -1):
                hit = ~done & (y >= edges[index])
                at_target = np.where(hit, _mul(y, rates[index]), at_target)
                done |= hit
        else:
            last = len(rates) - 1
            for index in range(len(rates)):
                high = y if index == last else np.minimum(y, edges[index + 1])
                part = np.where(y > edges[index], np.maximum(high - edges[index], 0), 0)
                at_target = at_target + _mul(part, rates[index])
        capped = _mul(total, A) > _mul(at_target, _int(rule.cap_multiple, a))
    below = np.zeros(size, dtype=np.bool_)
    needed: Int64s | None = None
    if rule.threshold is not None and prorated is not None:
        needed = _mul(prorated, _int(rule.threshold, a))
        below = x < needed
    measure = inside(f"{rule.measure}")
    percents = [inside(format_percent(t.rate)) for t in rule.tiers]
    rate_values = [ESCAPE(format_plain(t.rate)) for t in rule.tiers]
    retro = (
        " (whole amount at the reached tier's rate)" if rule.mode is TierMode.RETROACTIVE else ""
    )
    texts = [""] * size
    rate_json = ["null"] * size
    # Rows worded alike are worded together: below the threshold (-1), or by the tiers paid
    # (a bit each) and whether the cap applies (the lowest bit).
    shape = np.zeros(size, dtype=np.int64)
    for i, part in enumerate(slices):
        shape |= (part != 0).astype(np.int64) << (i + 1)
    shape = np.where(below, -1, shape | capped.astype(np.int64))
    for key in np.unique(shape).tolist():
        rows = np.flatnonzero(shape == key)
        where = rows.tolist()
        heads = grouped(credited[rows], digits)
        amounts = grouped(amount[rows], digits)
        if key < 0:
            assert needed is not None and target is not None and rule.threshold is not None
            threshold = grouped(_shown(needed[rows], space[rows]), digits)
            of_target = (
                f" ({inside(format_percent(rule.threshold))} of target "
                f"{inside(format_amount(target, digits))}"
            )
            full_rows = full[rows].tolist()
            for j, head, bar, whole, shown in zip(
                where, heads, threshold, full_rows, amounts, strict=True
            ):
                prorated_text = "" if whole else f", prorated {described[j]}"
                texts[j] = (
                    f"{measure} {head} is below the threshold {bar}{of_target}"
                    f"{prorated_text}): no commission = {shown}"
                )
            continue
        paid = [i for i in range(len(slices)) if key >> (i + 1) & 1]
        terms = [
            [f"{p} × {percents[i]}" for p in grouped(_shown(slices[i][rows], space[rows]), digits)]
            for i in paid
        ]
        if not terms:
            formulas = ["nothing in any tier"] * len(where)
        elif len(terms) == 1:
            formulas = [f"{t}{retro}" for t in terms[0]]
        else:
            formulas = [" + ".join(ts) + retro for ts in zip(*terms, strict=True)]
        if key & 1:
            uncapped = grouped(_shown(total[rows], unit[rows]), digits)
            formulas = [
                f"{f} = {u}, capped at {a}"
                for f, u, a in zip(formulas, uncapped, amounts, strict=True)
            ]
        single_rate = rate_values[paid[0]] if len(paid) == 1 else "null"
        for j, head, formula, shown in zip(where, heads, formulas, amounts, strict=True):
            texts[j] = f"{measure} {head}: {formula} = {shown}"
            rate_json[j] = single_rate
    return Commission(texts, rate_json, credited < 0)


def described(emps: list[Employee], full: list[bool], paid: list[int], working: int) -> list[str]:
    """The proration text of :meth:`app.engine.calculate._Calculator.scale`."""
    texts = ["1"] * len(emps)
    for j in [j for j, whole in enumerate(full) if not whole]:
        emp, days = emps[j], paid[j]
        if emp.start_date is None and emp.end_date is None and not emp.unpaid_days:
            texts[j] = f"{emp.fte:f} fte"
        else:
            fte = "" if emp.fte == _ONE else f"{emp.fte:f} fte × "
            texts[j] = f"{fte}{days}/{working} working days"
    return texts
