"""Monte Carlo benchmark: ``simulate`` against plain ``calculate`` of the same payslips.

A measurement script, not a test: it prints figures and asserts nothing about time.

    .venv/bin/python bench/simulate.py                         # 100 runs × 1 000 employees
    .venv/bin/python bench/simulate.py --runs 20 --employees 10000 --repeat 3

The scheme is ``examples/acme.yaml``; the population fills its roles in the acme proportions
(40% sales reps, 40% account managers, 8% key accounts, 4% of each head role) with the
attainment distributions of ``examples/acme-population.yaml`` (its empirical one replaced by a
lognormal, no file). Measured in one process, one after the other: ``simulate`` (draws,
credited amounts, one ``calculate`` per run, statistics of the arrays) and ``calculate`` of the
very rosters it computed (``simulation_rosters``, built beforehand), so the ratio is the
simulation's overhead over the engine itself. Best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout without an installed package
    sys.path.insert(0, str(ROOT))

from app.engine import calculate  # noqa: E402
from app.engine.plan.population import Population, parse_population  # noqa: E402
from app.engine.plan.simstats import summarise  # noqa: E402
from app.engine.plan.simulate import simulate, simulation_rosters  # noqa: E402
from app.io import load_scheme  # noqa: E402


def population(employees: int) -> Population:
    def share(part: float) -> int:
        return max(1, round(employees * part))

    def lognormal(spread: float) -> dict[str, Any]:
        return {"distribution": "lognormal", "mean": 1.0, "spread": spread}

    def role(count: int, measure: str | None = None, spread: float = 0.0) -> dict[str, Any]:
        found: dict[str, Any] = {"headcount": count}
        if measure is not None:
            found["attainment"] = {measure: lognormal(spread)}
        return found

    return parse_population(
        {
            "month": "2027-03",
            "teams": {
                "sales": {
                    "correlation": 0.3,
                    "roles": {
                        "rep": role(share(0.40), "new_revenue", 0.35),
                        "head": role(share(0.04)),
                        "assistant_head": role(share(0.04)),
                    },
                },
                "clients": {
                    "correlation": 0.5,
                    "roles": {
                        "rep": role(share(0.40), "repeat_revenue", 0.1),
                        "head": role(share(0.04)),
                    },
                },
                "development": {"roles": {"key_account": role(share(0.08), "growth_revenue", 0.4)}},
            },
        }
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    scheme = load_scheme(str(ROOT / "examples" / "acme.yaml"), max_bytes=1 << 20).scheme
    people = population(args.employees)
    payslips = args.runs * people.employees
    rosters = list(simulation_rosters(scheme, people, args.runs, args.seed))
    period = simulate(scheme, people, runs=1, seed=args.seed).period
    best_sim = best_plain = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        summarise(simulate(scheme, people, runs=args.runs, seed=args.seed))
        best_sim = min(best_sim, time.perf_counter() - start)
        start = time.perf_counter()
        for roster in rosters:
            calculate(scheme, period, roster, check=False)
        best_plain = min(best_plain, time.perf_counter() - start)
    print(f"python {platform.python_version()}, {platform.machine()}")
    print(f"{args.runs} runs × {people.employees} employees = {payslips} payslips")
    print(f"simulate:  {best_sim:8.3f} s  {payslips / best_sim:10,.0f} payslips/s")
    print(f"calculate: {best_plain:8.3f} s  {payslips / best_plain:10,.0f} payslips/s")
    print(f"overhead:  {best_sim / best_plain:8.2f} ×")


if __name__ == "__main__":
    main()
