"""Monte Carlo over HTTP: a population simulated under a scheme, within a payslip budget.

The pay is the scheme's; the comparisons follow the statistic of the scheme under the
organisation policy in force today. A request may simulate at most
``COMPCALC_MAX_SIMULATED_PAYSLIPS`` payslips (runs × employees); larger jobs are the command
line's (``compcalc simulate``). Nothing is stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.db.session import Database
from app.engine import SchemeError, json_pointer
from app.engine.plan.population import (
    Empirical,
    Population,
    PopulationError,
    check_population,
    parse_population,
)
from app.engine.plan.simstats import summarise
from app.engine.plan.simulate import simulate
from app.engine.policy import apply_policy
from app.io.output.simulation import simulation_json

from .errors import MAX_ERRORS, ErrorItem, Invalid, scheme_error_items
from .inputs import SchemeRef
from .payroll import find_version
from .policy import in_force
from .schemes import parse
from .transactions import read
from .types import SchemeDocument

__all__ = ["simulate_population"]


def _population(data: object) -> Population:
    try:
        population = parse_population(data)
    except PopulationError as exc:
        raise _invalid(exc) from None
    files = [
        ("teams", d, "roles", r, "attainment", m, "file")
        for d, dept in population.teams.items()
        for r, role in dept.roles.items()
        for m, dist in role.attainment.items()
        if isinstance(dist, Empirical) and dist.file is not None
    ]
    if files:
        items = [
            ErrorItem(
                "files are read by the command line only: send the past amounts as `amounts`",
                pointer="/population" + json_pointer(path),
                code="FILE_NOT_ALLOWED",
            )
            for path in files
        ]
        raise Invalid("INVALID_POPULATION", items[0].detail, items)
    return population


def _invalid(exc: PopulationError) -> Invalid:
    items = [
        ErrorItem(p.message, pointer="/population" + json_pointer(p.path), code=p.code)
        for p in exc.problems[:MAX_ERRORS]
    ]
    count = len(exc.problems)
    detail = f"the population has {count} problem(s): {items[0].detail}"
    return Invalid("INVALID_POPULATION", detail, items, {"error_count": count})


def simulate_population(
    db: Database,
    source: dict[str, Any] | SchemeRef,
    population_data: object,
    *,
    runs: int,
    seed: int,
    max_payslips: int,
    today: date,
) -> str:
    """The simulation's figures as JSON text (docs/api.md "Simulations")."""
    population = _population(population_data)
    if isinstance(source, dict):
        scheme, prefix = parse(SchemeDocument.inline(source), "/scheme"), "/scheme"
    else:
        scheme, prefix = find_version(db, source).scheme, None
    try:
        check_population(scheme, population)
    except PopulationError as exc:
        raise _invalid(exc) from None
    payslips = runs * population.employees
    if payslips > max_payslips:
        detail = (
            f"{runs:,} runs × {population.employees:,} employees = {payslips:,} payslips; at "
            f"most {max_payslips:,} a request (COMPCALC_MAX_SIMULATED_PAYSLIPS): run larger "
            "simulations with `compcalc simulate`"
        ).replace(",", " ")
        item = ErrorItem(detail, pointer="/runs", code="TOO_MANY_PAYSLIPS")
        raise Invalid("TOO_MANY_PAYSLIPS", detail, [item])
    with read(db) as repo:
        context = in_force(repo).context(today)
    checked, _ = apply_policy(scheme, context)
    try:
        sim = simulate(scheme, population, runs=runs, seed=seed, checked=checked)
    except SchemeError as exc:
        items = scheme_error_items(exc, prefix)
        raise Invalid("INVALID_SCHEME", "the scheme's rules cannot be applied", items) from None
    return simulation_json(sim, summarise(sim))
