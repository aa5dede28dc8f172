"""Which engine is faster at which roster size: payslips/s of both engines, JSON included.

A measurement script, not a test: it prints figures and asserts nothing about time.

    .venv/bin/python bench/columnar.py                          # 1, 10, 100, 1 000, 10 000
    .venv/bin/python bench/columnar.py --sizes 50 100 200 --repeat 7

The rules are the issue's (``examples/acme.yaml`` without its assistant head and its
key-account department): sales reps 45 000 + marginal 15% / 20% above 600 000, nothing below
50% of the 600 000 target, capped at 250 000, a 15 000 bonus from 120%; sales heads 66 000 +
3% of the department's new revenue; client reps 85 000 + 1.5% of repeat revenue; client heads
120 000 + 0.3% of the department's.  The roster (seeded) repeats units of 5 sales reps + 1 head
and 4 client reps + 1 head, revenue uniform in [0, 1.2M] (sales reps) and [0, 4M] (client
reps), whole months, cut to each size.

For each size and engine it times ``calculate`` (checks, validation, payslips, report) and
``calculate`` followed by :func:`app.io.output.payrolljson.payroll_json` — the columnar engine
makes its payslips when they are read, so the JSON is where most of its work on a small roster
is.  Each figure is the best of ``--repeat`` runs; both engines' JSON is compared byte for
byte.  The crossover is the smallest measured size from which the columnar engine (with JSON)
is faster at every larger measured size.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Final

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from app.engine import Employee, Measure, Payroll, Period, Scheme
from app.engine.calculate import calculate_decimal
from app.engine.columnar import calculate as calculate_columnar
from app.io import load_scheme
from app.io.output.payrolljson import payroll_json

ROOT: Final = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PERIOD: Final = Period(2027, 3)
SEED: Final = 20271207
DEFAULT_SIZES: Final = (1, 10, 100, 1_000, 10_000)
#: One unit pair: 5 sales reps, their head, 4 client reps, their head.
UNIT: Final = (0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 3)
KEYS: Final = (("sales", "rep"), ("sales", "head"), ("clients", "rep"), ("clients", "head"))
SALES_MAX: Final = 120_000_000  # kopecks
CLIENT_MAX: Final = 400_000_000

Engine = Callable[[Scheme, Period, Sequence[Employee]], Payroll]


def bench_scheme() -> Scheme:
    """examples/acme.yaml without the assistant head and the key-account department."""
    loaded = load_scheme(os.path.join(ROOT, "examples", "acme.yaml"), max_bytes=2**21)
    data = loaded.scheme.model_dump(by_alias=True, exclude_none=True)
    del data["departments"]["development"]
    del data["departments"]["sales"]["roles"]["assistant_head"]
    return Scheme.model_validate(data)


def roster(size: int, seed: int = SEED) -> list[Employee]:
    """The first ``size`` employees of the seeded population of unit pairs."""
    units = -(-size // len(UNIT))
    rng = np.random.default_rng(seed)
    role = np.tile(np.array(UNIT), units)[:size].tolist()
    new = rng.integers(0, SALES_MAX, size, endpoint=True).tolist()
    repeat = rng.integers(0, CLIENT_MAX, size, endpoint=True).tolist()
    rows = []
    for i in range(size):
        dept, name = KEYS[role[i]]
        credited: dict[Measure, Decimal] = {}
        if role[i] == 0:
            credited[Measure.NEW_REVENUE] = Decimal(new[i]).scaleb(-2)
        elif role[i] == 2:
            credited[Measure.REPEAT_REVENUE] = Decimal(repeat[i]).scaleb(-2)
        rows.append(Employee(f"E{i:06d}", dept, name, credited=credited))
    return rows


def best(repeat: int, run: Callable[[], object]) -> float:
    """The shortest wall-clock time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(scheme: Scheme, size: int, repeat: int) -> dict[str, float]:
    """Seconds per run of each engine, without and with the JSON."""
    employees = roster(size)
    engines: dict[str, Engine] = {"decimal": calculate_decimal, "columnar": calculate_columnar}
    out: dict[str, float] = {}
    texts = {}
    for name, engine in engines.items():
        payroll = engine(scheme, PERIOD, employees)
        assert payroll.engine == name, (name, payroll.engine)
        texts[name] = payroll_json(payroll)
        out[name] = best(repeat, lambda e=engine: e(scheme, PERIOD, employees))  # type: ignore[misc]
        out[f"{name}+json"] = best(
            repeat,
            lambda e=engine: payroll_json(e(scheme, PERIOD, employees)),  # type: ignore[misc]
        )
    if texts["decimal"] != texts["columnar"]:
        raise SystemExit(f"the engines' JSON differs at {size} employees")
    return out


def crossover(sizes: Sequence[int], results: Sequence[dict[str, float]]) -> int | None:
    """The smallest size from which the columnar engine (with JSON) is faster at every
    larger measured size; None when it is not faster at the largest."""
    found = None
    for size, result in zip(reversed(sizes), reversed(results), strict=True):
        if result["columnar+json"] >= result["decimal+json"]:
            break
        found = size
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (best is kept)")
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)
    scheme = bench_scheme()
    print(
        f"compcalc bench/columnar.py: Python {platform.python_version()}, numpy {np.__version__}"
        f", {platform.machine()}, {os.cpu_count()} CPUs, best of {args.repeat}"
    )
    head = (
        "employees",
        "Decimal /s",
        "columnar /s",
        "Decimal+JSON /s",
        "columnar+JSON /s",
        "columnar+JSON ÷ Decimal+JSON",
    )
    rows = []
    results = []
    for size in sizes:
        result = measure(scheme, size, max(1, args.repeat if size < 10_000 else 2))
        results.append(result)
        rows.append(
            (
                f"{size:,}".replace(",", " "),
                f"{size / result['decimal']:,.0f}".replace(",", " "),
                f"{size / result['columnar']:,.0f}".replace(",", " "),
                f"{size / result['decimal+json']:,.0f}".replace(",", " "),
                f"{size / result['columnar+json']:,.0f}".replace(",", " "),
                f"{result['decimal+json'] / result['columnar+json']:.2f}",
            )
        )
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    for row in (head, *rows):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    found = crossover(sizes, results)
    if found is None:
        print("crossover: the columnar engine is not faster at the largest size measured")
    else:
        print(f"crossover: the columnar engine (with JSON) is faster from {found} employees on")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
