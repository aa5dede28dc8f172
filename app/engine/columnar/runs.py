"""Many payrolls of one roster at once: :func:`compute_runs` stacks runs into one batch.

A simulation pays the same people (the same roles, full time, a full period) many times over
with other credited amounts.  :func:`.compute.compute_columns` computes one payroll: a head's
override is paid on the department's total, one number per batch.  To stack runs, each run
needs its own total, and :func:`compute_runs` gives it one by paying the override as what it
is in the arithmetic of the engine: a one-tier marginal commission from 0 at the override's
rate, on the run's department total written into the head's own column of the measure.

Why the two are the same number: the override line is ``round_div(team × rate·10^r, 10^r)``;
a one-tier marginal commission from 0 without threshold or cap is ``round_div(|c|·D·A·rate·
10^r, D·A·10^r)`` with the sign put back, the same rounding of the same magnitude, and both
are added to the variable pay before the balances are settled and the minimum wage is
applied.  It holds when nothing else of the role reads its column of that measure: no
commission rule on it and no target for it (a bonus needs a target); :func:`stackable` says
when it does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from ..calendar import Period
from ..scheme import CommissionRule, Measure, Scheme, Tier, TierMode
from .columns import MEASURES, RosterColumns, role_keys
from .compute import Overflow, compute_columns
from .rounding import LIMIT, Int64s

__all__ = ["Runs", "compute_runs", "stackable"]


@dataclass(frozen=True, slots=True)
class Runs:
    """Per run (rows) and person (columns): gross and full-time-equivalent gross in minor
    units, and whether the payslip has a minimum-wage top-up (an amount above zero)."""

    gross: NDArray[np.int64]
    fte_gross: NDArray[np.int64]
    topped: NDArray[np.bool_]


def stackable(scheme: Scheme) -> str | None:
    """None when :func:`compute_runs` computes the scheme's runs, else why it does not."""
    for dept_name, dept in scheme.departments.items():
        for name, role in dept.roles.items():
            override = role.override
            if override is None:
                continue
            own = {rule.measure for rule in role.commission} | set(role.target)
            if override.measure in own:
                return f"{dept_name}.{name} is paid on its own {override.measure} beside the team's"
    return None


def _unrolled(scheme: Scheme) -> Scheme:
    """The scheme with each override as a commission on the role's own column."""
    departments = {}
    for dept_name, dept in scheme.departments.items():
        roles = {}
        for name, role in dept.roles.items():
            override = role.override
            if override is not None:
                # built as the engine reads it (a rule file could not name a role's own
                # column for the team's total)
                tier = Tier.model_construct(from_=Decimal(0), rate=override.rate)
                rule = CommissionRule.model_construct(
                    measure=override.measure, mode=TierMode.MARGINAL, tiers=[tier]
                )
                update = {"override": None, "commission": [*role.commission, rule]}
                role = role.model_copy(update=update)
            roles[name] = role
        departments[dept_name] = dept.model_copy(update={"roles": roles})
    return scheme.model_copy(update={"departments": departments})


def _team(values: Int64s, people: NDArray[np.intp]) -> Int64s:
    """Each run's total of ``values`` over ``people``, bounded before numpy sums."""
    part = values[:, people]
    peak = max(abs(int(part.max())), abs(int(part.min()))) if part.size else 0
    if len(people) * peak >= LIMIT:
        raise Overflow("a department's total could leave int64")
    return np.asarray(part.sum(axis=1), dtype=np.int64)


def compute_runs(
    scheme: Scheme,
    period: Period,
    role: NDArray[np.int32],
    credited: Mapping[Measure, Int64s],
    floor: Int64s | None = None,
) -> Runs:
    """The payslips of every run: ``credited[measure]`` is (runs, people) minor units of
    people in ``role`` (positions in :func:`.columns.role_keys`), full time for the whole
    period, without balances; ``floor`` each person's minimum wage as in
    :class:`.columns.RosterColumns`.  Raises :class:`.compute.Overflow`; the scheme must be
    :func:`stackable`."""
    reason = stackable(scheme)
    if reason is not None:
        raise ValueError(reason)
    runs, size = next(iter(credited.values())).shape
    credited = {
        m: credited[m] if m in credited else np.zeros((runs, size), dtype=np.int64)
        for m in MEASURES
    }
    keys = role_keys(scheme)
    names = list(scheme.departments)
    dept_of = np.array([names.index(d) for d, _ in keys], dtype=np.intp)[role]
    stacked: dict[Measure, Int64s] = {}
    replaced: dict[Measure, Int64s] = {}
    for index, (dept_name, name) in enumerate(keys):
        override = scheme.departments[dept_name].roles[name].override
        if override is None or not (role == index).any():
            continue
        measure = override.measure
        team = _team(credited[measure], np.flatnonzero(dept_of == names.index(dept_name)))
        if measure not in replaced:
            replaced[measure] = credited[measure].copy()
        replaced[measure][:, role == index] = team[:, None]
    for measure, values in credited.items():
        stacked[measure] = replaced.get(measure, values).reshape(-1)
    batch = RosterColumns(
        role=np.tile(role, runs),
        credited=stacked,
        floor=None if floor is None else np.tile(floor, runs),
    )
    out = compute_columns(_unrolled(scheme), period, batch, team={})
    top_up = out.lines.get((-1, "minimum_wage_topup", 0))
    topped = np.zeros(runs * size, dtype=np.bool_) if top_up is None else top_up > 0
    return Runs(
        out.gross.reshape(runs, size),
        out.fte_gross.reshape(runs, size),
        topped.reshape(runs, size),
    )
