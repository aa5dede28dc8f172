"""Attainment draws of a population: each department's people correlated by a Gaussian copula.

Per department one standard normal per person and run, all pairs correlated ``correlation``
(one shared factor when it is ≥ 0, the equicorrelation matrix's square root when it is
below); each measure's attainment is that normal through the measure's distribution: normal
and lognormal directly (``mean + spread × z``, ``exp(μ + σz)``), beta and empirical through
Φ(z) and their inverse distribution function. An employee's measures share their normal.
Draws depend only on the population and the seed, never on a scheme.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.random import PCG64, Generator
from numpy.typing import NDArray

from .population import MAX_ATTAINMENT, Beta, Distribution, Empirical, LogNormal, Normal, Population

__all__ = ["BETA_TABLE", "Column", "Draws", "draw"]

#: Draws of a beta distribution whose order statistics serve as its inverse distribution
#: function (numpy has no beta quantile): resolution 1/65 536 in probability.
BETA_TABLE: Final = 65_536

_erfc = np.frompyfunc(math.erfc, 1, 1)


@dataclass(frozen=True, slots=True)
class Column:
    """One simulated person: department, role, and their 1-based number in the role."""

    department: str
    role: str
    number: int

    @property
    def id(self) -> str:
        return f"{self.department}.{self.role}.{self.number}"


@dataclass(frozen=True, slots=True)
class Draws:
    """``values[measure]``: per run and column the attainment drawn (a float), or for an
    empirical distribution the index of the amount drawn among its sorted amounts; NaN where
    the column's role has no such measure."""

    columns: tuple[Column, ...]
    values: dict[str, NDArray[np.float64]]


def _phi(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(0.5 * _erfc(-z / math.sqrt(2)), dtype=np.float64)


def _latent(gen: Generator, runs: int, size: int, rho: float) -> NDArray[np.float64]:
    if rho >= 0:
        shared = gen.standard_normal((runs, 1))
        own = gen.standard_normal((runs, size))
        # √(1-ρ)·own + √ρ·shared in place: the same sums, without two temporary arrays
        own *= math.sqrt(1 - rho)
        own += math.sqrt(rho) * shared
        return own
    matrix = np.full((size, size), rho) + (1 - rho) * np.eye(size)
    values, vectors = np.linalg.eigh(matrix)
    root = vectors * np.sqrt(np.clip(values, 0, None))
    return np.asarray(gen.standard_normal((runs, size)) @ root.T)


def _marginal(
    dist: Distribution, z: NDArray[np.float64], gen: Generator, out: NDArray[np.float64]
) -> None:
    """The attainments of ``z`` through ``dist``, written into ``out`` (normal and lognormal
    step by step in ``out``: the same operations as one expression, without temporaries)."""
    if isinstance(dist, Normal):
        np.multiply(z, dist.spread, out=out)
        out += dist.mean
        np.clip(out, 0, MAX_ATTAINMENT, out=out)
        return
    if isinstance(dist, LogNormal):
        sigma = math.sqrt(math.log1p((dist.spread / dist.mean) ** 2))
        mu = math.log(dist.mean) - sigma**2 / 2
        np.multiply(z, sigma, out=out)
        out += mu
        np.exp(out, out=out)
        np.clip(out, 0, MAX_ATTAINMENT, out=out)
        return
    out[:] = _inverse(dist, z, gen)


def _inverse(dist: Distribution, z: NDArray[np.float64], gen: Generator) -> NDArray[np.float64]:
    u = _phi(z)
    if isinstance(dist, Beta):
        table = np.sort(gen.beta(dist.alpha, dist.beta, BETA_TABLE))
        index = np.minimum((u * BETA_TABLE).astype(np.int64), BETA_TABLE - 1)
        return np.clip(dist.scale * table[index], 0, MAX_ATTAINMENT)
    assert isinstance(dist, Empirical)
    count = len(dist.amounts)
    return np.minimum(np.floor(u * count), count - 1)


def draw(population: Population, runs: int, seed: int) -> Draws:
    """Every attainment of ``runs`` runs of ``population`` (``Generator(PCG64(seed))``)."""
    gen = Generator(PCG64(seed))
    columns: list[Column] = []
    blocks: list[tuple[int, int, str, str]] = []  # first column, count, department, role
    for dept_name, dept in population.teams.items():
        for role_name, role in dept.roles.items():
            blocks.append((len(columns), role.headcount, dept_name, role_name))
            columns += [Column(dept_name, role_name, k + 1) for k in range(role.headcount)]
    measures = sorted(
        {m for d in population.teams.values() for r in d.roles.values() for m in r.attainment}
    )
    # NaN written only where no draw goes (a whole array of NaN first costs its own pass)
    values = {m: np.empty((runs, len(columns))) for m in measures}
    for first, count, dept_name, role_name in blocks:
        drawn = population.teams[dept_name].roles[role_name].attainment
        for measure in measures:
            if measure not in drawn:
                values[measure][:, first : first + count] = np.nan
    for dept_name, dept in population.teams.items():
        mine = [b for b in blocks if b[2] == dept_name]
        size = sum(b[1] for b in mine)
        if size == 0:
            continue
        z = _latent(gen, runs, size, dept.correlation)
        offset = 0
        for first, count, _, role_name in mine:
            part = z[:, offset : offset + count]
            offset += count
            for measure, dist in sorted(dept.roles[role_name].attainment.items()):
                if count:
                    _marginal(dist, part, gen, values[measure][:, first : first + count])
    return Draws(tuple(columns), values)
