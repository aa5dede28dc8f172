"""The payslip numbers of a whole batch in integers: :func:`compute_columns`.

Every payslip line of the Decimal engine (:mod:`app.engine.calculate`), as an ``int64`` array
of minor units, rounded once with :func:`.rounding.round_div`.  A proration factor is the
exact fraction ``N / D`` (fte numerator × paid days over the fte scale × the period's working
days); commission is computed in the space where every value is multiplied by ``D × A × R``
(``A``: the power of ten of the scheme's attainments, thresholds and cap multiples, ``R``:
of its rates), in which every bound, target and slice is a whole number.

Overflow is proven, never hoped for: before any block of a role is computed, every
intermediate value of its lines is bounded from the batch's peaks (the largest magnitudes of
the credited columns, of N and of D), each bound the product or sum of its operands' bounds
(:mod:`.blocks`), and a bound at or above :data:`.rounding.LIMIT` raises :class:`Overflow`:
the caller computes the batch with the Decimal engine instead.  The rest (proration, the
ledger, the minimum wage, fte_gross) goes through :func:`_mul` and :func:`_add`, which bound
each result from the exact maxima of its operands before computing it.

A batch is computed role by role, each role's rows in blocks of :data:`BLOCK` rows, so that
the passes over a block stay in the processor's cache; what a batch does not use is not
computed: no proration when everyone is paid in full (N = D = 1), no ledger when there is no
balance, no draw and no negative pay (its lines are then zeros).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..calendar import Period
from ..commission import bonus_measure
from ..money import EXACT, Rounding, decimal_places
from ..roster import work_calendar
from ..scheme import Measure, Role, Scheme
from .blocks import Factor, bonus, commission, fits, plan_bonus, plan_commission
from .columns import RosterColumns, role_keys
from .rounding import LIMIT, Int64s, Overflow, round_div

__all__ = ["Columns", "Overflow", "compute_columns", "department_totals", "exact_total", "scales"]

_ONE: Final = Decimal(1)


def _peak(value: Int64s | int) -> int:
    if isinstance(value, int):
        return abs(value)
    if value.size == 0:
        return 0
    return max(abs(int(value.max())), abs(int(value.min())))


def _mul(*factors: Int64s | int) -> Int64s:
    """The product, after proving from the operands' maxima that it fits."""
    bound = 1
    for factor in factors:
        bound *= _peak(factor)
    if bound >= LIMIT:
        raise Overflow(f"a product could reach {bound:.3e}")
    result: Int64s = np.asarray(factors[0], dtype=np.int64)
    for factor in factors[1:]:
        result = result * np.asarray(factor, dtype=np.int64)
    return np.asarray(result, dtype=np.int64)


def _add(*terms: Int64s | int) -> Int64s:
    """The sum, after proving from the terms' maxima that it fits."""
    if sum(_peak(t) for t in terms) >= LIMIT:
        raise Overflow("a sum could leave int64")
    result: Int64s = np.asarray(terms[0], dtype=np.int64)
    for term in terms[1:]:
        result = result + np.asarray(term, dtype=np.int64)
    return np.asarray(result, dtype=np.int64)


def exact_total(values: Int64s) -> int:
    """Σ values exactly: bounded by size × maximum before numpy sums."""
    if values.size * _peak(values) >= LIMIT:
        raise Overflow("a total could leave int64")
    return int(values.sum())


def _int(value: Decimal, scale: int) -> int:
    """``value × 10^scale`` as an integer: exact (the scale covers its decimals)."""
    return int(value.scaleb(scale, EXACT))


def scales(scheme: Scheme) -> tuple[int, int]:
    """(a, r): decimal places of the scheme's fractions of a target and of its rates."""
    fractions: list[Decimal] = []
    rates: list[Decimal] = []
    for dept in scheme.departments.values():
        for role in dept.roles.values():
            for rule in role.commission:
                rates.extend(t.rate for t in rule.tiers)
                fractions.extend(t.from_attainment for t in rule.tiers if t.from_attainment)
                fractions.extend(x for x in (rule.threshold, rule.cap_multiple) if x is not None)
            if role.override is not None:
                rates.append(role.override.rate)
            fractions.extend(b.attainment for b in role.bonuses)
    return (
        max((decimal_places(x) for x in fractions), default=0),
        max((decimal_places(x) for x in rates), default=0),
    )


@dataclass(slots=True)
class Columns:
    """The computed payslips: ``gross`` and every line, in minor units, roster order.

    ``lines[(role, kind, k)]``: the amounts of the role's k-th line of ``kind`` (commission
    rules and bonuses by position) for the employees ``members[role]``; ``fte_gross`` is
    meaningful where ``has_fte_gross``; ``clawback_out``/``draw_out`` the balances carried.
    """

    gross: Int64s
    fte_gross: Int64s
    has_fte_gross: NDArray[np.bool_]
    clawback_out: Int64s
    draw_out: Int64s
    members: dict[int, NDArray[np.intp]] = field(default_factory=dict)
    lines: dict[tuple[int, str, int], Int64s] = field(default_factory=dict)
    num: Int64s | None = None
    den: Int64s | None = None


#: Rows per block: a block's columns and temporaries (a few dozen int64 arrays) stay in the
#: processor's cache; measured on bench/peers.py (docs/benchmarks.md, Peers).
BLOCK: Final = 65_536
#: Up to this many roles, each role's rows are found by one comparison of the role column
#: (the mask also gives its departments' totals); beyond, by one stable sort.
_MASKED_ROLES: Final = 16


def _proration(scheme: Scheme, period: Period, cols: RosterColumns) -> tuple[Int64s, Int64s] | None:
    """N and D per employee: fte × paid days / (fte scale × working days), reduced; None when
    everyone is full time for the whole period (N = D = 1)."""
    if cols.fte_num is None and (cols.prorated is None or cols.paid is None):
        return None
    size = len(cols)
    fte = np.ones(size, dtype=np.int64) if cols.fte_num is None else cols.fte_num
    scale = 1 if cols.fte_num is None else cols.fte_scale
    num = fte.copy()
    den = np.full(size, scale, dtype=np.int64)
    if cols.prorated is not None and cols.paid is not None:
        working = work_calendar(scheme).working_days(period)
        num = np.where(cols.prorated, _mul(fte, cols.paid), num)
        den = np.where(cols.prorated, _mul(den, working), den)
    divisor = np.gcd(num, den)
    divisor[divisor == 0] = 1  # num = 0 (no paid day): D stays positive
    return num // divisor, den // divisor


def department_totals(scheme: Scheme, cols: RosterColumns) -> dict[tuple[str, Measure], int]:
    """Each department's credited total per measure (what an override is paid on)."""
    names = list(scheme.departments)
    role_dept = np.array([names.index(d) for d, _ in role_keys(scheme)], dtype=np.intp)
    emp_dept = role_dept[cols.role]
    team: dict[tuple[str, Measure], int] = {}
    for measure, values in cols.credited.items():
        peak = _peak(values)
        for k, name in enumerate(names):
            team[name, measure] = _masked_total(values, emp_dept == k, peak)
    return team


def _masked_total(values: Int64s, mask: NDArray[np.bool_], peak: int) -> int:
    """Σ values where mask, exactly: proven below count × peak before numpy sums (the
    column's peak first, the masked values' own when that is not enough)."""
    count = int(np.count_nonzero(mask))
    if count * peak >= LIMIT:
        part = values[mask]
        if count * _peak(part) >= LIMIT:
            raise Overflow("a total could leave int64")
    return int(values.sum(where=mask))


class _Batch:
    """The batch's roles as rows, its peaks and its departments' totals, each found once."""

    def __init__(self, scheme: Scheme, cols: RosterColumns) -> None:
        self.cols = cols
        self.keys = role_keys(scheme)
        self.masks: dict[int, NDArray[np.bool_]] = {}
        self.members: dict[int, NDArray[np.intp]] = {}
        if len(self.keys) <= _MASKED_ROLES:
            for index in range(len(self.keys)):
                mask = cols.role == index
                members = np.flatnonzero(mask)
                if members.size:
                    self.masks[index], self.members[index] = mask, members
        else:
            order = np.argsort(cols.role, kind="stable")
            bounds = np.searchsorted(cols.role[order], np.arange(len(self.keys) + 1))
            for index in range(len(self.keys)):
                if bounds[index + 1] > bounds[index]:
                    self.members[index] = order[bounds[index] : bounds[index + 1]]
        self._peaks: dict[tuple[str, Measure], int] = {}

    def peak(self, kind: str, measure: Measure) -> int:
        """The largest magnitude of a credited (or excluded) column over the batch."""
        key = (kind, measure)
        if key not in self._peaks:
            source = self.cols.credited if kind == "credited" else self.cols.excluded
            assert source is not None
            self._peaks[key] = _peak(source[measure])
        return self._peaks[key]

    def team(self, scheme: Scheme, dept: str, measure: Measure) -> int:
        """The department's credited total of the measure."""
        if not self.masks and self.members:
            return department_totals(scheme, self.cols)[dept, measure]
        values = self.cols.credited[measure]
        peak = self.peak("credited", measure)
        total = 0
        for index, (name, _) in enumerate(self.keys):
            if name == dept and index in self.masks:
                total += _masked_total(values, self.masks[index], peak)
        return total


def compute_columns(
    scheme: Scheme,
    period: Period,
    cols: RosterColumns,
    *,
    team: dict[tuple[str, Measure], int] | None = None,
) -> Columns:
    """Every payslip's numbers (see :class:`Columns`); raises :class:`Overflow`.

    ``team``: each department's credited total per measure (for overrides); computed from
    ``cols`` when not given.

    The batch is computed role by role, each role's rows in blocks of :data:`BLOCK` (their
    columns gathered per block, so that every pass over them stays in the cache), after the
    departments' totals over the whole batch.  Every bound is proven once, from the batch's
    peaks (:mod:`.blocks`), before any block is computed.
    """
    mode = scheme.rounding
    size = len(cols)
    prorations = _proration(scheme, period, cols)
    batch = _Batch(scheme, cols)
    if prorations is None:
        whole = np.broadcast_to(np.int64(1), (size,))
        out = _empty(size, whole, whole)
        peaks_nd = None
    else:
        num, den = prorations
        out = _empty(size, num, den)
        peaks_nd = (_peak(num), _peak(den))
    draws = _Draws(size) if _has_draw(scheme) else None
    negative = False
    variable = np.zeros(size, dtype=np.int64) if _settles(cols, draws) else None
    for index, members in batch.members.items():
        out.members[index] = members
        dept, name = batch.keys[index]
        role = scheme.departments[dept].roles[name]
        low = _role(out, batch, scheme, index, role, team, peaks_nd, variable, draws)
        negative |= low < 0
    if variable is None and negative:  # a negative pay settles: compute it with the ledger
        variable = np.zeros(size, dtype=np.int64)
        for index, members in out.members.items():
            variable[members] = out.gross[members] - out.lines[index, "base", 0]
    if cols.recovered is not None:
        out.lines[-1, "commission_clawback", 0] = cols.recovered
    if variable is not None:
        if draws is None:
            draws = _Draws(size)
        _settle(out, cols, variable, draws.amount, draws.has, draws.recoverable, draws.limit)
    else:  # no balance in, no draw, no negative pay: the ledger leaves every payslip as it is
        for kind in ("clawback", "draw", "draw_recovery"):
            out.lines[-1, kind, 0] = np.zeros(size, dtype=np.int64)
    if cols.floor is not None:
        assert out.num is not None and out.den is not None
        _floor(out, cols.floor, out.num, out.den, mode)
    if prorations is None:  # N = D = 1: the gross is its own full-period, full-time gross
        out.fte_gross = out.gross.copy()
        out.has_fte_gross = np.ones(size, dtype=np.bool_)
    else:
        # fte_gross: the gross scaled to a full period at full time, round(gross × D / N);
        # none without a paid day (N = 0).
        num, den = prorations
        paid = num != 0
        out.fte_gross = round_div(_mul(out.gross, den), np.where(paid, num, 1), mode)
        out.has_fte_gross = paid
    return out


class _Gathered(dict[Measure, Int64s]):
    """A block's credited columns, each gathered from the batch when first read."""

    def __init__(self, columns: Mapping[Measure, Int64s], rows: NDArray[np.intp]) -> None:
        super().__init__()
        self.columns, self.rows = columns, rows

    def __missing__(self, measure: Measure) -> Int64s:
        values = self[measure] = self.columns[measure][self.rows]
        return values


def _empty(size: int, num: Int64s, den: Int64s) -> Columns:
    return Columns(
        np.zeros(size, dtype=np.int64),
        np.zeros(size, dtype=np.int64),
        np.zeros(size, dtype=np.bool_),
        np.zeros(size, dtype=np.int64),
        np.zeros(size, dtype=np.int64),
        num=num,
        den=den,
    )


def _has_draw(scheme: Scheme) -> bool:
    return any(r.draw is not None for d in scheme.departments.values() for r in d.roles.values())


def _settles(cols: RosterColumns, draws: _Draws | None) -> bool:
    return draws is not None or cols.clawback is not None or cols.draw is not None


@dataclass(slots=True)
class _Draws:
    """Each employee's draw for the ledger (amount prorated, recoverable, recovery limit)."""

    amount: Int64s
    has: NDArray[np.bool_]
    recoverable: NDArray[np.bool_]
    limit: Int64s

    def __init__(self, size: int) -> None:
        self.amount = np.zeros(size, dtype=np.int64)
        self.has = np.zeros(size, dtype=np.bool_)
        self.recoverable = np.zeros(size, dtype=np.bool_)
        self.limit = np.full(size, -1, dtype=np.int64)


def _role(
    out: Columns,
    batch: _Batch,
    scheme: Scheme,
    index: int,
    role: Role,
    team: dict[tuple[str, Measure], int] | None,
    peaks_nd: tuple[int, int] | None,
    variable: Int64s | None,
    draws: _Draws | None,
) -> int:
    """The role's lines and gross, block by block; returns the smallest variable pay.

    ``peaks_nd``: the batch's peaks of N and D; None when everyone is paid in full (N = D
    = 1 for every row)."""
    whole = peaks_nd is None
    pn, pd = (1, 1) if peaks_nd is None else peaks_nd
    digits, mode = scheme.minor_units, scheme.rounding
    places = scales(scheme)
    cols = batch.cols
    members = batch.members[index]
    count = members.size
    dept = batch.keys[index][0]
    # every bound first, from the batch's peaks (see .blocks)
    base_units = _int(role.base, digits)
    base_peak = fits(pn * abs(base_units), "a prorated base")
    rules = []
    for rule in role.commission:
        on = batch.peak("credited", rule.measure)
        if cols.excluded is not None:
            on = fits(on + batch.peak("excluded", rule.measure), "an amount paid on")
        rules.append(plan_commission(rule, role, on, pn, pd, digits, places))
    measures = {bonus_measure(role, b) for b in role.bonuses}
    peaks = {m: batch.peak("credited", m) for m in measures if m is not None}
    bonuses = [plan_bonus(role, b, peaks, pn, pd, digits, places[0]) for b in role.bonuses]
    pay_peak = sum(p.peak for p in rules) + sum(p.peak for p in bonuses)
    if cols.recovered is not None:
        pay_peak += _peak(cols.recovered)
    override = None
    if role.override is not None:
        if team is None:
            total = batch.team(scheme, dept, role.override.measure)
        else:
            total = team[dept, role.override.measure]
        amount = total * _int(role.override.rate, places[1])
        if abs(amount) >= LIMIT:
            raise Overflow("an override could leave int64")
        override = int(round_div(np.array([amount], dtype=np.int64), 10 ** places[1], mode)[0])
        pay_peak += abs(override)
    fits(fits(pay_peak, "a variable pay") + base_peak + 1, "a gross")
    draw_units = None
    if role.draw is not None:
        draw_units = _int(role.draw.amount, digits)
        fits(pn * abs(draw_units), "a prorated draw")
    # then the blocks
    # everyone paid in full: the base is the role's, one value
    base_line = np.full(count, base_units, dtype=np.int64) if whole else np.empty(count, np.int64)
    commission_lines = [np.empty(count, dtype=np.int64) for _ in rules]
    bonus_lines = [np.empty(count, dtype=np.int64) for _ in bonuses]
    low = 0
    for start in range(0, count, BLOCK):
        rows = members[start : start + BLOCK]
        at = slice(start, start + rows.size)
        n: Factor = 1
        d: Factor = 1
        base: Factor = base_units
        if not whole:
            assert out.num is not None and out.den is not None
            n_rows, d_rows = out.num[rows], out.den[rows]
            base = base_line[at] = round_div(n_rows * base_units, d_rows, mode)
            n, d = n_rows, d_rows
        credited = _Gathered(cols.credited, rows)
        pay: Int64s | None = None
        for k, plan in enumerate(rules):
            paid_on = credited[plan.rule.measure]
            if cols.excluded is not None:  # refunds taken back at the commission paid
                paid_on = paid_on - cols.excluded[plan.rule.measure][rows]
            line = commission(plan, paid_on, n, d, mode)
            commission_lines[k][at] = line
            pay = line.copy() if pay is None else pay + line
        if pay is None:
            pay = np.zeros(rows.size, dtype=np.int64)
        if cols.recovered is not None:
            pay += cols.recovered[rows]
        if override is not None:
            pay += override
        for k, bplan in enumerate(bonuses):
            measure = bplan.measure
            values = credited[measure] if measure is not None else pay
            line = bonus(bplan, values, n, d, rows.size)
            bonus_lines[k][at] = line
            pay += line
        low = min(low, int(pay.min(initial=0)))
        if variable is not None:
            variable[rows] = pay
        out.gross[rows] = base + pay
        if draws is not None and draw_units is not None and role.draw is not None:
            draws.has[rows] = True
            draws.amount[rows] = round_div(n * draw_units, d, mode) if not whole else draw_units
            draws.recoverable[rows] = role.draw.recoverable
            if role.draw.recover_limit is not None:
                draws.limit[rows] = _int(role.draw.recover_limit, digits)
    out.lines[index, "base", 0] = base_line
    for k, line in enumerate(commission_lines):
        out.lines[index, "commission", k] = line
    if override is not None:
        out.lines[index, "override", 0] = np.full(count, override, dtype=np.int64)
    for k, line in enumerate(bonus_lines):
        out.lines[index, "bonus", k] = line
    return low


def _settle(
    out: Columns,
    cols: RosterColumns,
    variable: Int64s,
    draw_amount: Int64s,
    has_draw: NDArray[np.bool_],
    recoverable: NDArray[np.bool_],
    limit: Int64s,
) -> None:
    """:func:`app.engine.ledger.settle` on every payslip: clawback, then the draw."""
    size = len(variable)
    owed = np.zeros(size, dtype=np.int64) if cols.clawback is None else cols.clawback
    advanced = np.zeros(size, dtype=np.int64) if cols.draw is None else cols.draw
    _add(owed, variable, draw_amount, advanced)  # proves every sum below fits
    settling = (owed != 0) | (variable < 0)
    line = np.where(settling, np.maximum(-variable, -owed), 0)
    carried = np.where(settling, np.maximum(0, owed - variable), owed)
    variable = variable + line
    out.clawback_out = carried
    top = has_draw & (variable < draw_amount)
    top_up = np.where(top, draw_amount - variable, 0)
    advanced_after = advanced + np.where(top & recoverable, top_up, 0)
    room = variable - np.where(has_draw, draw_amount, 0)
    recovered = np.minimum(advanced, room)
    recovered = np.where(limit >= 0, np.minimum(recovered, limit), recovered)
    recovering = ~top & (advanced != 0) & (recovered > 0)
    recovery = np.where(recovering, -recovered, 0)
    out.draw_out = advanced_after + recovery
    out.gross += line + top_up + recovery
    out.lines[-1, "clawback", 0] = line
    out.lines[-1, "draw", 0] = top_up
    out.lines[-1, "draw_recovery", 0] = recovery


def _floor(out: Columns, floor: Int64s, num: Int64s, den: Int64s, mode: Rounding) -> None:
    """The minimum-wage top-up: up to the floor prorated like the base, where below it."""
    applies = floor >= 0
    wage = round_div(_mul(num, np.maximum(floor, 0)), den, mode)
    top_up = np.where(applies & (wage > out.gross), wage - out.gross, 0)
    out.gross += top_up
    out.lines[-1, "minimum_wage_topup", 0] = top_up
