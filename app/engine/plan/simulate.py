"""Monte Carlo, the costing model: one scheme, many simulated attainments, exact payslips.

:func:`simulate` draws every attainment of a :class:`~.population.Population` (:mod:`.draws`),
turns each into the revenue credited — attainment × the role's target, rounded once to the
currency's minor unit with the scheme's rounding (an empirical distribution credits the past
amount itself) — and computes the payslips of blocks of runs at once on the columnar engine
(:mod:`.simcolumns`, about :data:`BLOCK_PAYSLIPS` payslips a block, the earnings check of each
run from the arrays).  A scheme the columnar engine does not compute, and a block that could
leave int64 or that the roster would refuse, is computed one run at a time with the Decimal
engine (:func:`app.engine.calculate.calculate_decimal`, its payroll's own earnings check); the
numbers are the same to the minor unit either way: every simulated payslip is one
:func:`app.engine.calculate` would pay.  The checks and the roster's validation are run 0's, as
a payroll's.  Pay is kept as whole minor units (int64), never as a float.
:func:`simulation_rosters` gives the rosters themselves, to recompute any run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..calculate import calculate_decimal, prepare
from ..calendar import Period
from ..columnar import Overflow
from ..minwage import TOPUP_CODE
from ..money import EXACT, Rounding, round_money, to_units
from ..parse import scheme_hash
from ..roster import Employee
from ..scheme import Measure, Scheme
from ..structure import comparable_pairs
from ..version import ENGINE_VERSION
from .draws import Column, draw
from .population import Empirical, Population, check_population
from .simcolumns import ColumnarRuns, Refused, columnar_reason

__all__ = ["BLOCK_PAYSLIPS", "MAX_RUNS", "Simulation", "simulate", "simulation_rosters"]

#: The most runs of one simulation.
MAX_RUNS: Final = 1_000_000
#: The columnar engine computes about this many payslips at once (whole runs, at least one):
#: enough to amortise numpy's per-call cost, few enough to bound memory (~1 KB a payslip).
BLOCK_PAYSLIPS: Final = 250_000


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
    #: How many runs the columnar engine computed (the others: the Decimal engine, one
    #: ``calculate`` per run); the numbers are the same either way.
    columnar_runs: int = 0


@dataclass(frozen=True, slots=True)
class _Arrays:
    pay: NDArray[np.int64]
    revenue: NDArray[np.int64]
    holds: dict[tuple[str, str], NDArray[np.bool_]]
    topped: NDArray[np.bool_]


def _credited(
    scheme: Scheme,
    population: Population,
    columns: tuple[Column, ...],
    values: dict[str, NDArray[np.float64]],
    runs: range,
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
        for run in runs:
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
    return _credited(scheme, population, drawn.columns, drawn.values, range(runs))


def simulate(
    scheme: Scheme,
    population: Population,
    *,
    runs: int,
    seed: int,
    checked: Scheme | None = None,
    progress: Callable[[int], None] | None = None,
    columnar: bool = True,
) -> Simulation:
    """``runs`` payrolls of ``population`` under ``scheme`` for the population's month.

    ``checked``: the scheme under its effective organisation policy, whose
    ``earnings_order.statistic`` the comparisons use (the pay is ``scheme``'s, as in
    :func:`~app.engine.calculate`). ``progress(done)`` is told the runs done every 1 %.
    ``columnar=False`` computes every run with the Decimal engine (the same numbers, slower:
    for comparisons).
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
    out = _Arrays(pay, revenue, holds, topped)
    first = next(_credited(scheme, population, columns, drawn.values, range(1)))
    batch = None
    if columnar and columnar_reason(scheme, rules, first) is None:
        prepare(scheme, period, first, (), check=True, checked=checked)  # as run 0 would
        batch = ColumnarRuns(scheme, rules, period, population, columns, first)
    block = max(1, BLOCK_PAYSLIPS // max(1, len(columns)))
    done_columnar = 0

    def tell(before: int, after: int) -> None:  # every multiple of 1 % passed
        if progress is not None:
            for done in range((before // every + 1) * every, after + 1, every):
                progress(done)

    for start in range(0, runs, block):
        stop = min(runs, start + block)
        if batch is not None and _columnar(batch, drawn.values, start, stop, pairs, columns, out):
            done_columnar += stop - start
            tell(start, stop)
            continue
        runs_of = range(start, stop)
        rosters = _credited(scheme, population, columns, drawn.values, runs_of)
        for run, roster in zip(runs_of, rosters, strict=True):
            _decimal(scheme, period, roster, run, checked, out)
            tell(run, run + 1)
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
        done_columnar,
    )


def _columnar(
    batch: ColumnarRuns,
    values: dict[str, NDArray[np.float64]],
    start: int,
    stop: int,
    pairs: tuple[tuple[str, str], ...],
    columns: tuple[Column, ...],
    out: _Arrays,
) -> bool:
    """Runs ``start:stop`` on the columnar engine; False (nothing written) when the block is
    the Decimal engine's: an amount the roster refuses, or one that could leave int64."""
    try:
        credited = batch.credited(values, start, stop)
        gross, fte_gross, topped = batch.pay(credited)
        members: dict[str, list[int]] = {}
        for index, col in enumerate(columns):
            members.setdefault(f"{col.department}.{col.role}", []).append(index)
        holds = {}
        for sales, client in pairs:
            if members.get(sales) and members.get(client):
                holds[sales, client] = batch.holds(fte_gross, members[sales], members[client])
    except (Overflow, Refused):
        return False
    out.pay[start:stop] = gross
    out.revenue[start:stop] = sum(credited.values(), np.zeros_like(gross))
    out.topped[start:stop] = topped
    for pair, held in holds.items():
        out.holds[pair][start:stop] = held
    return True


def _decimal(
    scheme: Scheme,
    period: Period,
    roster: list[Employee],
    run: int,
    checked: Scheme | None,
    out: _Arrays,
) -> None:
    """Run ``run`` with the Decimal engine (the checks on run 0, as a payroll's)."""
    digits = scheme.minor_units
    payroll = calculate_decimal(scheme, period, roster, check=run == 0, checked=checked)
    out.pay[run] = [to_units(slip.gross, digits) for slip in payroll.payslips]
    out.topped[run] = [
        any(line.code == TOPUP_CODE for line in slip.lines) for slip in payroll.payslips
    ]
    out.revenue[run] = [
        to_units(sum(slip.credited.values(), Decimal(0)), digits) for slip in payroll.payslips
    ]
    report = payroll.report
    for comparison in report.comparisons if report else ():
        out.holds[(comparison.sales_role, comparison.client_role)][run] = comparison.holds


def _attainment(
    scheme: Scheme,
    population: Population,
    columns: tuple[Column, ...],
    measure: str,
    values: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Attainment per run and column; an empirical draw's amount ÷ target (a float ratio of
    two exact amounts: a statistic, not money), written over ``values`` (the draws are not
    used after; a copy of 10 million floats would cost more than the pay of a block)."""
    out = values
    for index, col in enumerate(columns):
        dist = population.teams[col.department].roles[col.role].attainment.get(measure)
        if not isinstance(dist, Empirical):
            continue
        target = scheme.departments[col.department].roles[col.role].target.get(Measure(measure))
        ordered = np.array([float(a) for a in sorted(dist.amounts)])
        picked = ordered[values[:, index].astype(np.int64)]
        out[:, index] = picked / float(target) if target else np.nan
    return out
