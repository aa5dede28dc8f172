"""The payslip numbers of a whole batch in integers: :func:`compute_columns`.

Every payslip line of the Decimal engine (:mod:`app.engine.calculate`), as an ``int64`` array
of minor units, rounded once with :func:`.rounding.round_div`.  A proration factor is the
exact fraction ``N / D`` (fte numerator × paid days over the fte scale × the period's working
days); commission is computed in the space where every value is multiplied by ``D × A × R``
(``A``: the power of ten of the scheme's attainments, thresholds and cap multiples, ``R``:
of its rates), in which every bound, target and slice is a whole number.

Overflow is proven, never hoped for: every product goes through :func:`_mul`, which bounds
it from the exact maxima of its operands (Python integers) before computing it, and every
sum through :func:`_add`; a bound at or above :data:`.rounding.LIMIT` raises
:class:`Overflow`, and the caller computes the batch with the Decimal engine instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..calendar import Period
from ..commission import bonus_measure
from ..money import EXACT, Rounding, decimal_places
from ..roster import work_calendar
from ..scheme import CommissionRule, Measure, Role, Scheme, TierMode
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


def _proration(scheme: Scheme, period: Period, cols: RosterColumns) -> tuple[Int64s, Int64s]:
    """N and D per employee: fte × paid days / (fte scale × working days), reduced."""
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


def _commission(
    rule: CommissionRule,
    role: Role,
    credited: Int64s,
    num: Int64s,
    den: Int64s,
    digits: int,
    places: tuple[int, int],
    mode: Rounding,
) -> Int64s:
    """One rule's rounded commission line for a role's employees (``credited`` in units).

    As :func:`app.engine.commission.commission`: threshold, tiers, cap; a negative credit
    takes back what its magnitude pays.  Values are in the space × D × A (amounts) and
    × D × A × R (commission).
    """
    a, r = places
    A, R = 10**a, 10**r
    space = _mul(den, A)
    negative = credited < 0
    x = _mul(np.abs(credited), space)
    target = role.target.get(rule.measure)
    # target × N / D prorated, × D × A: target × N × A; attainments a/A of it: target × N × a.
    prorated = None if target is None else _mul(num, _int(target, digits))
    edges: list[Int64s] = []
    for tier in rule.tiers:
        if tier.from_ is not None:
            edges.append(_mul(space, _int(tier.from_, digits)))
        else:
            assert tier.from_attainment is not None and prorated is not None
            edges.append(_mul(prorated, _int(tier.from_attainment, a)))
    rates = [_int(t.rate, r) for t in rule.tiers]

    def tiered(amount: Int64s) -> Int64s:
        total = np.zeros(amount.shape, dtype=np.int64)
        if rule.mode is TierMode.RETROACTIVE:
            done = np.zeros(amount.shape, dtype=np.bool_)
            for index in range(len(rates) - 1, -1, -1):
                hit = ~done & (amount >= edges[index])
                total = np.where(hit, _mul(amount, rates[index]), total)
                done |= hit
            return total
        last = len(rates) - 1
        for index in range(len(rates)):
            low = edges[index]
            high = amount if index == last else np.minimum(amount, edges[index + 1])
            part = np.where(amount > low, np.maximum(high - low, 0), 0)
            total = _add(total, _mul(part, rates[index]))
        return total

    total = tiered(x)
    unit = _mul(space, R)
    result = round_div(total, unit, mode)
    if rule.cap is not None:
        cap = _mul(unit, _int(rule.cap, digits))
        result = np.where(total > cap, round_div(cap, unit, mode), result)
    elif rule.cap_multiple is not None and prorated is not None:
        multiple = _int(rule.cap_multiple, a)
        cap = _mul(tiered(_mul(prorated, A)), multiple)  # × D × A × R × A
        result = np.where(_mul(total, A) > cap, round_div(cap, _mul(unit, A), mode), result)
    if rule.threshold is not None and prorated is not None:
        result = np.where(x < _mul(prorated, _int(rule.threshold, a)), 0, result)
    return np.asarray(np.where(negative, -result, result), dtype=np.int64)


def _bonus(
    role: Role,
    credited: dict[Measure, Int64s],
    num: Int64s,
    den: Int64s,
    digits: int,
    a: int,
) -> list[Int64s]:
    """Each bonus of the role, paid where credited × D ≥ attainment × target × N."""
    out: list[Int64s] = []
    size = len(num)
    for bonus in role.bonuses:
        measure = bonus_measure(role, bonus)
        if measure is None or measure not in role.target:
            out.append(np.zeros(size, dtype=np.int64))
            continue
        prorated = _mul(num, _int(role.target[measure], digits))
        reached = _mul(credited[measure], den, 10**a) >= _mul(prorated, _int(bonus.attainment, a))
        paid = reached & (prorated != 0)
        out.append(np.where(paid, _int(bonus.amount, digits), 0).astype(np.int64))
    return out


def department_totals(scheme: Scheme, cols: RosterColumns) -> dict[tuple[str, Measure], int]:
    """Each department's credited total per measure (what an override is paid on)."""
    names = list(scheme.departments)
    role_dept = np.array([names.index(d) for d, _ in role_keys(scheme)], dtype=np.intp)
    emp_dept = role_dept[cols.role]
    team: dict[tuple[str, Measure], int] = {}
    for measure, values in cols.credited.items():
        for k, name in enumerate(names):
            team[name, measure] = exact_total(values[emp_dept == k])
    return team


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
    """
    digits, mode = scheme.minor_units, scheme.rounding
    places = scales(scheme)
    size = len(cols)
    num, den = _proration(scheme, period, cols)
    keys = role_keys(scheme)
    if team is None:
        team = department_totals(scheme, cols)
    gross = np.zeros(size, dtype=np.int64)
    variable = np.zeros(size, dtype=np.int64)
    draw_amount = np.zeros(size, dtype=np.int64)
    has_draw_rule = np.zeros(size, dtype=np.bool_)
    recoverable = np.zeros(size, dtype=np.bool_)
    limit = np.full(size, -1, dtype=np.int64)
    out = Columns(
        gross,
        np.zeros(size, dtype=np.int64),
        np.zeros(size, dtype=np.bool_),
        np.zeros(size, dtype=np.int64),
        np.zeros(size, dtype=np.int64),
        num=num,
        den=den,
    )
    order = np.argsort(cols.role, kind="stable")
    bounds = np.searchsorted(cols.role[order], np.arange(len(keys) + 1))
    for index, (dept, name) in enumerate(keys):
        members = order[bounds[index] : bounds[index + 1]]
        if not members.size:
            continue
        out.members[index] = members
        role = scheme.departments[dept].roles[name]
        n, d = num[members], den[members]
        base = round_div(_mul(n, _int(role.base, digits)), d, mode)
        out.lines[index, "base", 0] = base
        credited = {m: v[members] for m, v in cols.credited.items()}
        pay = np.zeros(members.size, dtype=np.int64)
        for k, rule in enumerate(role.commission):
            paid_on = credited[rule.measure]
            if cols.excluded is not None:  # refunds taken back at the commission paid
                paid_on = _add(paid_on, -cols.excluded[rule.measure][members])
            line = _commission(rule, role, paid_on, n, d, digits, places, mode)
            out.lines[index, "commission", k] = line
            pay = _add(pay, line)
        if cols.recovered is not None:
            pay = _add(pay, cols.recovered[members])
        if role.override is not None:
            amount = team[dept, role.override.measure] * _int(role.override.rate, places[1])
            if abs(amount) >= LIMIT:
                raise Overflow("an override could leave int64")
            line = round_div(np.full(members.size, amount, dtype=np.int64), 10 ** places[1], mode)
            out.lines[index, "override", 0] = line
            pay = _add(pay, line)
        for k, line in enumerate(_bonus(role, credited, n, d, digits, places[0])):
            out.lines[index, "bonus", k] = line
            pay = _add(pay, line)
        variable[members] = pay
        gross[members] = _add(base, pay)
        if role.draw is not None:
            has_draw_rule[members] = True
            draw_amount[members] = round_div(_mul(n, _int(role.draw.amount, digits)), d, mode)
            recoverable[members] = role.draw.recoverable
            if role.draw.recover_limit is not None:
                limit[members] = _int(role.draw.recover_limit, digits)
    if cols.recovered is not None:
        out.lines[-1, "commission_clawback", 0] = cols.recovered
    _settle(out, cols, variable, draw_amount, has_draw_rule, recoverable, limit)
    if cols.floor is not None:
        _floor(out, cols.floor, num, den, mode)
    # fte_gross: the gross scaled to a full period at full time, round(gross × D / N);
    # none without a paid day (N = 0).  A full payslip has N = D = 1: its gross.
    paid = num != 0
    out.fte_gross = round_div(_mul(out.gross, den), np.where(paid, num, 1), mode)
    out.has_fte_gross = paid
    return out


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
