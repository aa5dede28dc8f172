"""Monte Carlo, the costing model: one scheme, many simulated attainments, exact payslips.

:func:`simulate` draws every attainment of a :class:`~.population.Population` (:mod:`.draws`),
turns each into the revenue credited — attainment × the role's target, rounded once to the
currency's minor unit with the scheme's rounding (an empirical distribution credits the past
amount itself) — and computes each run's payroll with :func:`app.engine.calculate`: every
simulated payslip is one the engine would pay. Pay is kept as whole minor units (int64), never
as a float. :func:`simulation_rosters` gives the rosters themselves, to recompute any run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..calculate import calculate
from ..calendar import Period
from ..minwage import TOPUP_CODE
from ..money import EXACT, Rounding, round_money, to_units
from ..parse import scheme_hash
from ..roster import Employee
from ..scheme import Measure, Scheme
from ..structure import comparable_pairs
from ..version import ENGINE_VERSION
from .draws import Column, draw
from .population import Empirical, Population, check_population

__all__ = ["MAX_RUNS", "Simulation", "simulate", "simulation_rosters"]

#: The most runs of one simulation.
MAX_RUNS: Final = 1_000_000


@dataclass(frozen=True, slots=True)
class Simulation:
    """Every simulated payslip's gross and attainment, per run (rows) and person (columns).

    ``pay`` and ``revenue`` are whole minor units (``revenue``: everything credited to the
    person); ``attainment[measure]`` is credited ÷ target (NaN where the role has no target
    on the measure); ``holds[(sales, client)]`` per run whether the sales role's
    ``statistic`` (the effective policy's, over full-time-equivalent pay) was above the client
    role's, as the payroll's own earnings check says.
    """

    scheme_key: str
    scheme_hash: str
    engine_version: str
    currency: str
    minor_units: int
    rounding: Rounding
    period: Period
    runs: int
    seed: int
    statistic: str
    columns: tuple[Column, ...]
    pay: NDArray[np.int64]
    revenue: NDArray[np.int64]
    attainment: dict[str, NDArray[np.float64]]
    pairs: tuple[tuple[str, str], ...]
    holds: dict[tuple[str, str], NDArray[np.bool_]]
    #: Per run and person whether the payslip has a ``minimum_wage_topup`` line.
    topped: NDArray[np.bool_]


def _credited(
    scheme: Scheme,
    population: Population,
    columns: tuple[Column, ...],
    values: dict[str, NDArray[np.float64]],
    runs: int,
) -> Iterator[list[Employee]]:
    digits, mode = scheme.minor_units, scheme.rounding
    # per column: its index, id, and per measure (measure, target, sorted amounts or None)
    plan = []
    for index, col in enumerate(columns):
        role = scheme.departments[col.department].roles[col.role]
        dists = population.teams[col.department].roles[col.role].attainment
        how = [
            (
                Measure(name),
                role.target.get(Measure(name), Decimal(0)),
                tuple(sorted(dist.amounts)) if isinstance(dist, Empirical) else None,
            )
            for name, dist in sorted(dists.items())
        ]
        plan.append((index, col, how))
    with localcontext(EXACT):
        for run in range(runs):
            roster = []
            for index, col, how in plan:
                credited: dict[Measure, Decimal] = {}
                for measure, target, amounts in how:
                    value = float(values[measure.value][run, index])
                    if amounts is not None:
                        credited[measure] = amounts[int(value)]
                    else:
                        credited[measure] = round_money(Decimal(repr(value)) * target, digits, mode)
                roster.append(Employee(col.id, col.department, col.role, credited=credited))
            yield roster


def simulation_rosters(
    scheme: Scheme, population: Population, runs: int, seed: int
) -> Iterator[list[Employee]]:
    """The roster of each run, in order, as :func:`simulate` computes it (attainments depend
    only on ``population`` and ``seed``: two schemes with the same seed face the same ones)."""
    check_population(scheme, population)
    drawn = draw(population, runs, seed)
    return _credited(scheme, population, drawn.columns, drawn.values, runs)


def simulate(
    scheme: Scheme,
    population: Population,
    *,
    runs: int,
    seed: int,
    checked: Scheme | None = None,
    progress: Callable[[int], None] | None = None,
) -> Simulation:
    """``runs`` payrolls of ``population`` under ``scheme`` for the population's month.

    ``checked``: the scheme under its effective organisation policy, whose
    ``earnings_order.statistic`` the comparisons use (the pay is ``scheme``'s, as in
    :func:`~app.engine.calculate`). ``progress(done)`` is told the runs done every 1 %.
    Raises :class:`~.population.PopulationError` (nothing computed) for a population the
    scheme cannot pay, :class:`~app.engine.SchemeError` for a scheme with structural errors.
    """
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs must be between 1 and {MAX_RUNS}")
    period = check_population(scheme, population)
    rules = scheme if checked is None else checked
    drawn = draw(population, runs, seed)
    columns, digits = drawn.columns, scheme.minor_units
    pay = np.zeros((runs, len(columns)), dtype=np.int64)
    revenue = np.zeros((runs, len(columns)), dtype=np.int64)
    pairs = tuple((f"{p[0]}.{p[1]}", f"{p[3]}.{p[4]}") for p in comparable_pairs(rules))
    holds = {pair: np.zeros(runs, dtype=np.bool_) for pair in pairs}
    topped = np.zeros((runs, len(columns)), dtype=np.bool_)
    every = max(1, runs // 100)
    for run, roster in enumerate(_credited(scheme, population, columns, drawn.values, runs)):
        payroll = calculate(scheme, period, roster, check=run == 0, checked=checked)
        pay[run] = [to_units(slip.gross, digits) for slip in payroll.payslips]
        topped[run] = [
            any(line.code == TOPUP_CODE for line in slip.lines) for slip in payroll.payslips
        ]
        revenue[run] = [
            to_units(sum(slip.credited.values(), Decimal(0)), digits) for slip in payroll.payslips
        ]
        report = payroll.report
        for comparison in report.comparisons if report else ():
            holds[(comparison.sales_role, comparison.client_role)][run] = comparison.holds
        if progress is not None and (run + 1) % every == 0:
            progress(run + 1)
    attainment = {}
    for measure, values in drawn.values.items():
        attainment[measure] = _attainment(scheme, population, columns, measure, values)
    return Simulation(
        scheme.key,
        scheme_hash(scheme),
        ENGINE_VERSION,
        scheme.currency,
        digits,
        scheme.rounding,
        period,
        runs,
        seed,
        rules.policy.earnings_order.statistic,
        columns,
        pay,
        revenue,
        attainment,
        pairs,
        holds,
        topped,
    )


def _attainment(
    scheme: Scheme,
    population: Population,
    columns: tuple[Column, ...],
    measure: str,
    values: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Attainment per run and column; an empirical draw's amount ÷ target (a float ratio of
    two exact amounts: a statistic, not money)."""
    out = np.array(values, dtype=np.float64)
    for index, col in enumerate(columns):
        dist = population.teams[col.department].roles[col.role].attainment.get(measure)
        if not isinstance(dist, Empirical):
            continue
        target = scheme.departments[col.department].roles[col.role].target.get(Measure(measure))
        ordered = np.array([float(a) for a in sorted(dist.amounts)])
        picked = ordered[values[:, index].astype(np.int64)]
        out[:, index] = picked / float(target) if target else np.nan
    return out
