"""What a :class:`~.simulate.Simulation` says: the odds of the article's promise, pay and
attainment per role, and the cost per department.

- ``p_sales_out_earn``: P(a random employee of the sales role out-earns a random one of the
  client role in a period): the share of (sales, client) pairs of each run in which the sales
  pay is strictly higher, averaged over runs; ``p_sales_statistic_out_earn``: the share of runs
  in which the sales role's statistic (median or mean, the effective policy's) is above the
  client role's, as the payroll's own earnings check decides it.
- Each with a 95 % **Wilson score interval** over the runs (n = runs). For the second it is
  the interval of a binomial proportion; for the first it is conservative, since a run's share
  of pairs, a mean of 0/1 outcomes with the same probability, varies no more than one outcome.
- Percentiles of pay are simulated payslips' exact amounts (numpy's ``inverted_cdf``: the
  smallest value with at least that share of payslips at or below it, never an interpolation);
  expected amounts are the exact mean of whole minor units, rounded once with the scheme's
  rounding; payroll's share of revenue is quantised to 0.0001 as in the payroll report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..money import Rounding, round_money
from .simulate import Simulation

__all__ = ["Cost", "Odds", "RoleFigures", "Summary", "summarise", "wilson"]

#: The normal quantile of a two-sided 95 % interval.
Z95: Final = 1.959963984540054
_RATIO: Final = Decimal("0.0001")
#: Runs of one search of the pair share (arrays that stay in the processor's cache).
_PAIR_RUNS: Final = 256


@dataclass(frozen=True, slots=True)
class Odds:
    sales_role: str
    client_role: str
    statistic: str
    p_sales_out_earn: float
    p_sales_out_earn_interval: tuple[float, float]
    p_sales_statistic_out_earn: float
    p_sales_statistic_out_earn_interval: tuple[float, float]


@dataclass(frozen=True, slots=True)
class RoleFigures:
    role: str  # department.role
    headcount: int
    pay: tuple[Decimal, Decimal, Decimal]  # p10, p50, p90
    attainment: dict[str, tuple[float, float, float]]  # per measure with a target
    #: The share of the role's simulated payslips topped up to the minimum wage.
    p_minimum_wage_topup: float = 0.0


@dataclass(frozen=True, slots=True)
class Cost:
    department: str | None  # None: all departments together
    headcount: int
    expected_payroll: Decimal
    p95_payroll: Decimal
    expected_revenue: Decimal
    payroll_share_of_revenue: Decimal | None


@dataclass(frozen=True, slots=True)
class Summary:
    odds: tuple[Odds, ...]
    roles: tuple[RoleFigures, ...]
    departments: tuple[Cost, ...]
    total: Cost


def wilson(successes: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``successes / n``."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(max(0.0, p * (1 - p)) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _money(units: int, digits: int) -> Decimal:
    return Decimal(units).scaleb(-digits)


def _percentiles(values: NDArray[np.int64], shares: list[int], digits: int) -> list[Decimal]:
    """Percentiles of every value of ``values`` (of any shape)."""
    found = np.percentile(values, shares, method="inverted_cdf")
    return [_money(int(v), digits) for v in found]


def _columns(cols: list[int]) -> slice | list[int]:
    """A role's or department's columns as a slice when they follow each other (a view of
    the arrays, not a copy: the people of a role are drawn side by side)."""
    if cols == list(range(cols[0], cols[-1] + 1)):
        return slice(cols[0], cols[-1] + 1)
    return cols


def _pair_share(sales: NDArray[np.int64], client: NDArray[np.int64]) -> float:
    """Mean over runs of the share of (sales, client) pairs with the sales pay higher."""
    runs = sales.shape[0]
    pairs: int = runs * sales.shape[1] * client.shape[1]
    total = 0
    for start in range(0, runs, _PAIR_RUNS):
        total += _pairs_below(sales[start : start + _PAIR_RUNS], client[start : start + _PAIR_RUNS])
    return total / pairs


def _pairs_below(sales: NDArray[np.int64], client: NDArray[np.int64]) -> int:
    """Σ over runs and sales pays of the client pays of the run strictly below.

    All the runs in one search: both sorted per run, each run's pays shifted into a range of
    its own (run by run when the shifted pays would not fit).
    """
    runs = sales.shape[0]
    low = min(int(sales.min()), int(client.min()))
    span = max(int(sales.max()), int(client.max())) - low + 1
    if runs * span >= 2**62:
        total = 0
        for s_row, c_row in zip(sales, client, strict=True):
            total += int(np.searchsorted(np.sort(c_row), s_row, side="left").sum())
        return total
    shift = (np.arange(runs, dtype=np.int64) * span - low)[:, None]
    ordered = (np.sort(client, axis=1) + shift).ravel()
    # sorted keys: each search starts from the last one found
    below = np.searchsorted(ordered, (np.sort(sales, axis=1) + shift).ravel(), side="left")
    # each run's client pays start at run × (client count) in ``ordered``
    starts = np.arange(runs, dtype=np.int64) * client.shape[1]
    count: int = int(below.sum()) - int(starts.sum()) * int(sales.shape[1])
    return count


def _cost(sim: Simulation, name: str | None, cols: list[int], mode: Rounding) -> Cost:
    digits = sim.minor_units
    at = _columns(cols)
    payroll = sim.pay[:, at].sum(axis=1)
    revenue = sim.revenue[:, at].sum(axis=1)
    pay_total = sum(int(v) for v in payroll)
    revenue_total = sum(int(v) for v in revenue)
    share = None
    if revenue_total:
        share = (Decimal(pay_total) / Decimal(revenue_total)).quantize(_RATIO)
    return Cost(
        name,
        len(cols),
        round_money(_money(pay_total, digits), digits, mode, sim.runs),
        _percentiles(payroll, [95], digits)[0],
        round_money(_money(revenue_total, digits), digits, mode, sim.runs),
        share,
    )


def summarise(sim: Simulation) -> Summary:
    """The figures of ``sim``."""
    rounding = sim.rounding
    by_role: dict[str, list[int]] = {}
    by_department: dict[str, list[int]] = {}
    for index, col in enumerate(sim.columns):
        by_role.setdefault(f"{col.department}.{col.role}", []).append(index)
        by_department.setdefault(col.department, []).append(index)
    odds = []
    for sales, client in sim.pairs:
        s_cols, c_cols = by_role.get(sales), by_role.get(client)
        if not s_cols or not c_cols:
            continue
        share = _pair_share(sim.pay[:, _columns(s_cols)], sim.pay[:, _columns(c_cols)])
        held = float(sim.holds[(sales, client)].mean())
        odds.append(
            Odds(
                sales,
                client,
                sim.statistic,
                share,
                wilson(share * sim.runs, sim.runs),
                held,
                wilson(held * sim.runs, sim.runs),
            )
        )
    roles = []
    for role, cols in by_role.items():
        at = _columns(cols)
        p10, p50, p90 = _percentiles(sim.pay[:, at], [10, 50, 90], sim.minor_units)
        attainment = {}
        for measure, values in sorted(sim.attainment.items()):
            mine = values[:, at]
            if np.isnan(mine).any():
                continue
            a10, a50, a90 = np.percentile(mine, [10, 50, 90], method="inverted_cdf")
            attainment[measure] = (float(a10), float(a50), float(a90))
        topped = float(sim.topped[:, at].mean())
        roles.append(RoleFigures(role, len(cols), (p10, p50, p90), attainment, topped))
    departments = tuple(_cost(sim, n, c, rounding) for n, c in by_department.items())
    total = _cost(sim, None, list(range(len(sim.columns))), rounding)
    return Summary(tuple(odds), tuple(roles), departments, total)
