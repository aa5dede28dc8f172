"""Rounding in integers: :func:`round_div` is :func:`app.engine.money.round_money` on arrays.

``round_money(value, digits, mode, divisor)`` rounds ``value / divisor`` to the currency's
minor unit.  With ``value`` written as an exact fraction ``num / den`` of minor units the same
step is an integer division whose remainder decides: more than half a unit rounds away from
zero, less rounds towards it, exactly half rounds away from zero (half_up) or to the even
neighbour (half_even).  The sign is taken off first and put back after, as round_money does
(it rounds the magnitude), so -2.5 rounds like 2.5.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..money import Rounding

__all__ = ["LIMIT", "Int64s", "Overflow", "round_div"]

Int64s = NDArray[np.int64]
#: Every intermediate value of the columnar engine stays below this in magnitude, so that
#: twice a remainder (``2 r < 2 den``) and a sum of two such values still fit in ``int64``.
LIMIT: Final = 2**62


class Overflow(ArithmeticError):
    """A product or sum of the batch could leave int64: compute it with Decimals."""


def _half_floor(magnitude: Int64s, den: int, mode: Rounding) -> Int64s:
    """``round(magnitude / den)`` for ``magnitude`` >= 0 and a scalar ``den`` > 0.

    One floor division with half the divisor added: ``r`` (the remainder of ``magnitude``)
    reaches ``den`` once ``r + den // 2 >= den``, i.e. ``r >= den - den // 2``: more than half
    for an odd ``den``, half or more for an even one (half_up's tie).  A half_even tie
    (``den`` even, ``r == den / 2``, so the shifted remainder is 0) that went up to an odd
    result comes back down.  ``magnitude + den // 2 < LIMIT + LIMIT / 2`` fits in int64.
    """
    half = den // 2
    shifted = magnitude + half
    units = shifted // den
    if mode is Rounding.HALF_EVEN and den % 2 == 0:
        tie = (shifted - units * den == 0) & (units % 2 == 1)
        units -= tie
    return units


def round_div(num: Int64s | int, den: Int64s | int, mode: Rounding) -> Int64s:
    """``num / den`` rounded to a whole number with ``mode``; ``den`` > 0 everywhere.

    Both may be arrays (broadcast) or scalars; ``|num|`` and ``den`` must be below
    :data:`LIMIT` (the callers prove it before they compute ``num``).  The sign is tested
    once: a scalar ``den`` with ``num`` all of one sign is one floor division
    (:func:`_half_floor`); anything else the remainder's comparison, element by element.
    """
    numerator = np.asarray(num, dtype=np.int64)
    if np.ndim(den) == 0 and numerator.ndim == 1 and numerator.size:
        divisor = int(den)
        if divisor == 1:
            return numerator.copy()
        if int(numerator.min()) >= 0:
            return _half_floor(numerator, divisor, mode)
        if int(numerator.max()) <= 0:
            return -_half_floor(-numerator, divisor, mode)
    denominator = np.asarray(den, dtype=np.int64)
    magnitude = np.abs(numerator)
    units, remainder = np.divmod(magnitude, denominator)
    twice = 2 * remainder
    up = twice > denominator
    tie = twice == denominator
    if mode is Rounding.HALF_UP:
        up |= tie
    else:
        up |= tie & (units % 2 == 1)
    units += up
    return np.where(numerator < 0, -units, units).astype(np.int64)
