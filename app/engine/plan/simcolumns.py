"""The simulation on the columnar engine: many runs' payslips in one batch of integers.

:class:`ColumnarRuns` computes a block of runs of a simulation as
:mod:`.simulate` does one run at a time with the Decimal engine, to the same minor unit:

- the credited amounts: attainment × target rounded once with the scheme's rounding, the
  attainment read as the shortest decimal that gives the float back (``Decimal(repr(x))``).
  In integers that is the nearest whole minor unit of ``x × T`` (``T``: the target in minor
  units). ``y = x × T`` in floats is within ``2⁻⁵² |y|`` of the decimal product (half an ulp
  of ``x`` times ``T``, and the product's own rounding), so wherever ``y`` is farther than
  ``10⁻¹⁵`` × the block's largest ``|y|`` from a half unit both round to the same whole unit;
  the few nearer ones (and exact halves) are computed in Decimals. An empirical draw credits
  the past amount.
- the payslips: :func:`app.engine.columnar.runs.compute_runs` (every run's own department
  totals for the overrides);
- the earnings check of each run, as :func:`app.engine.departments.payroll_report` decides
  it: the statistic (median of the sorted pay, the two middle ones' sum rounded over 2, or
  the mean rounded over the headcount) of the sales role above the client role's.

A block whose credited amounts the roster would refuse (negative, above 10^13) raises
:class:`Refused`, and one that could leave int64 :class:`~app.engine.columnar.Overflow`: the
caller computes that block with the Decimal engine, which also says what it refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..calendar import Period
from ..columnar import MEASURES, Overflow, roster_columns, round_div, supports
from ..columnar.rounding import LIMIT
from ..columnar.runs import compute_runs, stackable
from ..money import EXACT, MAX_AMOUNT, round_money, to_units
from ..roster import Employee
from ..scheme import Measure, Scheme
from .draws import Column
from .population import Empirical, Population

__all__ = ["ColumnarRuns", "Refused", "columnar_reason"]

#: Beyond this the floats of ``x × T`` are too coarse: every amount is computed in Decimals.
_EXACT_FLOAT: Final = 2**52
_MARGIN: Final = 1e-15


class Refused(ValueError):
    """A credited amount of the block is one the roster refuses."""


def columnar_reason(scheme: Scheme, rules: Scheme, roster: Sequence[Employee]) -> str | None:
    """None when :class:`ColumnarRuns` computes the simulation, else why the Decimal
    engine does."""
    return supports(scheme, roster) or supports(rules, roster) or stackable(scheme)


@dataclass(frozen=True, slots=True)
class _Credit:
    """How one role block's people are credited with one measure."""

    measure: Measure
    first: int
    stop: int
    target: Decimal
    units: int | None  # the target in minor units when whole, else None
    amounts: NDArray[np.int64] | None  # empirical: sorted amounts in units, -1 if refused


class ColumnarRuns:
    """The simulation's blocks of runs on the columnar engine (see the module's docstring)."""

    def __init__(
        self,
        scheme: Scheme,
        rules: Scheme,
        period: Period,
        population: Population,
        columns: tuple[Column, ...],
        first_roster: Sequence[Employee],
    ) -> None:
        self.scheme, self.period = scheme, period
        self.digits, self.mode = scheme.minor_units, scheme.rounding
        base = roster_columns(scheme, period, first_roster, rules)
        self.role, self.floor = base.role, base.floor
        self.size = len(columns)
        self.credits = self._plan(population, columns)
        self.statistic = rules.policy.earnings_order.statistic
        self.rule_mode = rules.rounding
        self.limit = to_units(MAX_AMOUNT, self.digits)

    def _plan(self, population: Population, columns: tuple[Column, ...]) -> list[_Credit]:
        credits = []
        first = 0
        while first < len(columns):
            col = columns[first]
            stop = first
            while stop < len(columns) and (columns[stop].department, columns[stop].role) == (
                col.department,
                col.role,
            ):
                stop += 1
            role = self.scheme.departments[col.department].roles[col.role]
            dists = population.teams[col.department].roles[col.role].attainment
            for name, dist in sorted(dists.items()):
                measure = Measure(name)
                target = role.target.get(measure, Decimal(0))
                scaled = target.scaleb(self.digits, EXACT)
                units = int(scaled) if scaled == scaled.to_integral_value() else None
                amounts = None
                if isinstance(dist, Empirical):
                    amounts = np.array([self._units(a) for a in sorted(dist.amounts)])
                credits.append(_Credit(measure, first, stop, target, units, amounts))
            first = stop
        return credits

    def _units(self, amount: Decimal) -> int:
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -self.digits and 0 <= amount <= MAX_AMOUNT:
            return to_units(amount, self.digits)
        return -1

    def credited(
        self, values: dict[str, NDArray[np.float64]], start: int, stop: int
    ) -> dict[Measure, NDArray[np.int64]]:
        """Each measure's credited minor units of runs ``start:stop``, per run and person."""
        out = {m: np.zeros((stop - start, self.size), dtype=np.int64) for m in MEASURES}
        for credit in self.credits:
            drawn = values[credit.measure.value][start:stop, credit.first : credit.stop]
            target = out[credit.measure][:, credit.first : credit.stop]
            if credit.amounts is not None:
                target[:] = credit.amounts[drawn.astype(np.int64)]
            else:
                target[:] = self._scaled(drawn, credit)
        for block in out.values():
            if block.size and (int(block.min()) < 0 or int(block.max()) > self.limit):
                raise Refused("a credited amount the roster refuses")
        return out

    def _scaled(self, drawn: NDArray[np.float64], credit: _Credit) -> NDArray[np.int64]:
        """round_money(Decimal(repr(x)) × target) in minor units, for every x of ``drawn``."""
        if credit.units is None or not 0 <= credit.units < _EXACT_FLOAT:
            near = np.ones(drawn.shape, dtype=np.bool_)
            units = np.zeros(drawn.shape, dtype=np.int64)
        else:
            # in place: y = x·T, then its distance to the half unit above floor(y); one margin
            # for the block, from its largest |y| (wider than each value's own: safe)
            y = drawn * float(credit.units)
            whole = np.floor(y)
            peak = max(abs(float(y.max())), abs(float(y.min()))) if y.size else 0.0
            y -= whole
            y -= 0.5
            up = y > 0
            np.abs(y, out=y)
            near = ~(y > _MARGIN * peak + 1e-300)  # NaN and ±inf land here too
            if near.any():
                whole[near] = 0  # computed below; never cast to an integer as they are
            units = whole.astype(np.int64) + up
        if near.any():
            with localcontext(EXACT):
                for index in zip(*np.nonzero(near), strict=True):
                    exact = Decimal(repr(float(drawn[index]))) * credit.target
                    rounded = round_money(exact, self.digits, self.mode)
                    if not rounded.is_finite():
                        raise Refused("an attainment that is not a number")
                    units[index] = to_units(rounded, self.digits)
        return units

    def pay(
        self, credited: dict[Measure, NDArray[np.int64]]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
        """(gross, full-time-equivalent gross, topped up) per run and person."""
        runs = compute_runs(self.scheme, self.period, self.role, credited, self.floor)
        return runs.gross, runs.fte_gross, runs.topped

    def holds(
        self, fte_gross: NDArray[np.int64], sales: list[int], client: list[int]
    ) -> NDArray[np.bool_]:
        """Per run whether the sales people's statistic is above the client people's."""
        return np.asarray(
            self._statistic(fte_gross[:, sales]) > self._statistic(fte_gross[:, client])
        )

    def _statistic(self, values: NDArray[np.int64]) -> NDArray[np.int64]:
        count = values.shape[1]
        peak = max(abs(int(values.max())), abs(int(values.min())))
        if count * peak >= LIMIT:
            raise Overflow("a statistic could leave int64")
        if self.statistic == "mean":
            return round_div(values.sum(axis=1), count, self.rule_mode)
        ordered = np.sort(values, axis=1)
        middle = count // 2
        if count % 2:
            return np.asarray(ordered[:, middle], dtype=np.int64)
        return round_div(ordered[:, middle - 1] + ordered[:, middle], 2, self.rule_mode)
