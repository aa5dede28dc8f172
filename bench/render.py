"""Render benchmark: a columnar payroll written as JSON, against the time of computing it.

A measurement script, not a test: it prints figures and asserts nothing about time.

    .venv/bin/python bench/render.py                      # 100 000 employees, best of 3
    .venv/bin/python bench/render.py --sizes 10000 100000 --repeat 5
    .venv/bin/python bench/render.py --population acme    # bench/engine.py's acme roster
    .venv/bin/python bench/render.py --slow               # also the per-payslip writer
    .venv/bin/python bench/render.py --profile            # cProfile of the fast render

Population ``issue`` (the default): the rules of the columnar engine's issue — one sales
department (reps: base 45 000, marginal commission 15% up to 600 000 and 20% above, nothing
below 50% of a 600 000 target, capped at 250 000, a 15 000 bonus from 120%; heads: 66 000 +
3% of the department's new revenue) and one client department (reps: 85 000 + 1.5% of repeat
revenue; heads 120 000 + 0.3% of the department's), in units of 5 sales reps + 1 head and
4 client reps + 1 head, revenue uniform in [0, 1.2M] (sales) and [0, 4M] (client reps),
whole months.  Population ``acme``: examples/acme.yaml with bench/engine.py's roster (about
one employee in eight prorated).

Figures, best of ``--repeat`` each, in one process:

* compute: ``app.engine.columnar.calculate`` (checks, validation, columns, report); the
  payroll it returns holds its columns for the writer (``LazyPayslips.source``);
* render: ``payroll_json`` of that payroll, written from its columns, and ``render`` (the
  compact document the API stores);
* ratio: render / compute (target ≤ 2);
* with ``--slow``: ``payroll_json`` of the same payroll without its columns (each payslip made
  by the Decimal engine's builder on read), once; and the documents compared, byte for byte.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import random
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout without an installed package
    sys.path.insert(0, str(ROOT))

from app.engine import Employee, Measure, Payroll, Period, Scheme, parse_scheme  # noqa: E402
from app.engine.columnar import calculate  # noqa: E402
from app.engine.columnar.explain import ColumnarRun  # noqa: E402
from app.engine.results import LazyPayslips  # noqa: E402
from app.io.output.payrolljson import payroll_json, render  # noqa: E402

PERIOD: Final = Period(2027, 3)
SEED: Final = 20270301

ISSUE_SCHEME: Final[dict[str, Any]] = {
    "key": "issue-rules",
    "name": "The columnar engine's benchmark rules",
    "currency": "RUB",
    "effective_from": "2027-01-01",
    "rounding": "half_up",
    "calendar": {"holidays": ["2027-01-01", "2027-01-07", "2027-02-23", "2027-03-08"]},
    "departments": {
        "sales": {
            "kind": "acquisition",
            "roles": {
                "rep": {
                    "headcount": 5,
                    "base": 45000,
                    "target": {"new_revenue": 600000},
                    "commission": [
                        {
                            "measure": "new_revenue",
                            "mode": "marginal",
                            "threshold": "0.5",
                            "tiers": [
                                {"from": 0, "rate": "0.15"},
                                {"from": 600000, "rate": "0.20"},
                            ],
                            "cap": 250000,
                        }
                    ],
                    "bonuses": [{"attainment": "1.2", "amount": 15000}],
                },
                "head": {
                    "headcount": 1,
                    "base": 66000,
                    "override": {"measure": "new_revenue", "rate": "0.03"},
                },
            },
        },
        "clients": {
            "kind": "retention",
            "roles": {
                "rep": {
                    "headcount": 4,
                    "base": 85000,
                    "commission": [
                        {"measure": "repeat_revenue", "tiers": [{"from": 0, "rate": "0.015"}]}
                    ],
                },
                "head": {
                    "headcount": 1,
                    "base": 120000,
                    "override": {"measure": "repeat_revenue", "rate": "0.003"},
                },
            },
        },
    },
}


def issue_population(size: int, seed: int = SEED) -> tuple[Scheme, list[Employee]]:
    """The issue's rules and ``size`` employees in its units (5 + 1 sales, 4 + 1 clients)."""
    scheme = parse_scheme(ISSUE_SCHEME)
    rng = random.Random(seed)
    unit = [("sales", "rep")] * 5 + [("sales", "head")] + [("clients", "rep")] * 4
    unit.append(("clients", "head"))
    roster = []
    for index in range(size):
        dept, role = unit[index % len(unit)]
        credited: dict[Measure, Decimal] = {}
        if role == "rep":
            measure, high = (
                (Measure.NEW_REVENUE, 1_200_000)
                if dept == "sales"
                else (Measure.REPEAT_REVENUE, 4_000_000)
            )
            credited[measure] = Decimal(rng.randint(0, high * 100)).scaleb(-2)
        roster.append(Employee(f"E{index:07d}", dept, role, f"Employee {index}", credited=credited))
    return scheme, roster


def acme_population(size: int) -> tuple[Scheme, list[Employee]]:
    """examples/acme.yaml and bench/engine.py's seeded roster."""
    from bench.engine import load_scheme, make_roster

    scheme, _ = load_scheme()
    return scheme, make_roster(scheme, size)


def best(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeat`` runs (collected before each), and the last result."""
    fastest, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = work()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, result


def measure(population: str, size: int, repeat: int, slow: bool, profile: bool) -> None:
    scheme, roster = (issue_population if population == "issue" else acme_population)(size)
    compute, fast = best(repeat, lambda: calculate(scheme, PERIOD, roster))
    assert isinstance(fast, Payroll) and isinstance(fast.payslips, LazyPayslips)
    assert isinstance(fast.payslips.source, ColumnarRun), "the engine kept no columns"
    rendered, text = best(repeat, lambda: payroll_json(fast))
    compact, _ = best(repeat, lambda: render(fast))
    assert isinstance(text, str)
    print(
        f"{size:>9,} employees ({population}): compute {compute:.3f} s, "
        f"render {rendered:.3f} s (compact {compact:.3f} s), "
        f"ratio {rendered / compute:.2f} (compact {compact / compute:.2f}), "
        f"{len(text.encode()) / 2**20:.0f} MiB of JSON"
    )
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        payroll_json(fast)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue())
    if slow:
        plain = calculate(scheme, PERIOD, roster)
        assert isinstance(plain.payslips, LazyPayslips)
        plain.payslips.source = None  # each payslip made on read, as before the writer
        start = time.perf_counter()
        expected = payroll_json(plain)
        took = time.perf_counter() - start
        print(
            f"{'':>9}  per payslip (Decimal builder on read): render {took:.3f} s, "
            f"ratio {took / compute:.2f}; same bytes: {expected == text}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; the best counts")
    parser.add_argument("--population", choices=("issue", "acme"), default="issue")
    parser.add_argument("--slow", action="store_true", help="also the per-payslip writer")
    parser.add_argument("--profile", action="store_true", help="cProfile the fast render")
    args = parser.parse_args(argv)
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}"
    )
    for size in args.sizes:
        measure(args.population, size, args.repeat, args.slow, args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
