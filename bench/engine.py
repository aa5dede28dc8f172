"""Engine benchmark: payslips per second and peak memory of ``calculate`` on the acme scheme.

A measurement script, not a test: it prints figures and asserts nothing about time.

    .venv/bin/python bench/engine.py                      # 1k, 10k, 100k employees
    .venv/bin/python bench/engine.py --sizes 1000 10000 --repeat 3
    .venv/bin/python bench/engine.py --sizes 10000 --profile      # cProfile hot spots
    .venv/bin/python bench/engine.py --workers 2                  # also: 2 processes on chunks
    .venv/bin/python bench/engine.py --gc-threshold 10000         # fewer young-gen collections
    .venv/bin/python bench/engine.py --deals 1000000              # deals: 1M over 10k employees
    .venv/bin/python bench/engine.py --deals 100000 --profile     # cProfile of the deals run
    .venv/bin/python bench/engine.py --deals 1000000 --via-csv    # deals read back from CSV

Each size runs in a fresh child process, so the peak RSS (``ru_maxrss``) is that size's
own.  The scheme is ``examples/acme.yaml``, read with the project's loader.  Rosters are
deterministic (seeded): the acme mix of roles, revenue drawn around each role's target, and
about one employee in eight prorated (hired or left in the month, part-time, or with unpaid
days).

``--deals N`` measures the deals path instead: N deals (seeded) credited to a roster of
``--deal-employees`` (10 000) employees that has no totals of its own, timing
``credit_deals`` alone (classification, splits, refunds) and the whole ``calculate`` with
the deals, in deals per second.  See :func:`make_deals` for the mix.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import multiprocessing
import os
import platform
import pstats
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout without an installed package
    sys.path.insert(0, str(ROOT))

from app.engine import (  # noqa: E402
    Credit,
    Deal,
    Employee,
    Measure,
    Payroll,
    Payslip,
    Period,
    Scheme,
    calculate,
)
from app.engine.deals import DealCredits, add_months, credit_deals  # noqa: E402
from app.engine.money import EXACT  # noqa: E402
from app.engine.scheme import KeyAccounts  # noqa: E402

PERIOD: Final = Period(2027, 3)
SEED: Final = 20270301
DEFAULT_SIZES: Final = (1_000, 10_000, 100_000)
ACME_YAML: Final = ROOT / "examples" / "acme.yaml"


def load_scheme() -> tuple[Scheme, str]:
    """examples/acme.yaml, read with the project's own loader; and where it came from."""
    from app.io import load_scheme as load_scheme_file

    loaded = load_scheme_file(str(ACME_YAML), max_bytes=2**21)
    return loaded.scheme, str(ACME_YAML.relative_to(ROOT))


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount in [low, high] with kopecks."""
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


def make_roster(scheme: Scheme, size: int, seed: int = SEED) -> list[Employee]:
    """``size`` employees cycling through every role of the scheme, weighted by headcount."""
    rng = random.Random(seed)
    slots: list[tuple[str, str]] = []
    for dept_name, dept in scheme.departments.items():
        for role_name, role in dept.roles.items():
            slots.extend([(dept_name, role_name)] * (role.headcount or 1))
    roster = []
    for index in range(size):
        dept_name, role_name = slots[index % len(slots)]
        role = scheme.departments[dept_name].roles[role_name]
        measures = {rule.measure for rule in role.commission} | set(role.target)
        credited: dict[Measure, Decimal] = {}
        for measure in measures:
            target = int(role.target.get(measure, Decimal(1_000_000)))
            credited[measure] = _cents(rng, 0, target * 2)
        start: date | None = None
        end: date | None = None
        fte = Decimal(1)
        unpaid = 0
        kind = rng.randrange(32)  # about 1 in 8 prorated
        if kind == 0:
            start = date(2027, 3, rng.randint(2, 28))
        elif kind == 1:
            end = date(2027, 3, rng.randint(3, 30))
        elif kind == 2:
            fte = Decimal("0.5")
        elif kind == 3:
            unpaid = rng.randint(1, 5)
        roster.append(
            Employee(
                f"E{index:06d}",
                dept_name,
                role_name,
                name=f"Employee {index}",
                start_date=start,
                end_date=end,
                fte=fte,
                unpaid_days=unpaid,
                credited=credited,
            )
        )
    return roster


def _maxrss_mib() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


# --- the 2-process variant -------------------------------------------------------------------

_SCHEME: Scheme | None = None
_ROSTER: list[Employee] = []


def _chunk(bounds: tuple[int, int]) -> tuple[Payslip, ...]:
    assert _SCHEME is not None
    low, high = bounds
    return tuple(calculate(_SCHEME, PERIOD, _ROSTER[low:high]).payslips)


def calculate_in_processes(scheme: Scheme, roster: list[Employee], workers: int) -> int:
    """``calculate`` on ``workers`` contiguous chunks in forked processes; payslips made.

    Not a drop-in replacement: a head's override is computed from the chunk's team, not
    the whole department's (the engine takes team totals from the roster it is given).
    """
    global _SCHEME, _ROSTER
    _SCHEME, _ROSTER = scheme, roster  # inherited by the forked workers, not pickled
    step = -(-len(roster) // workers)
    bounds = [(i, min(i + step, len(roster))) for i in range(0, len(roster), step)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return sum(len(slips) for slips in pool.map(_chunk, bounds))


# --- one size, in its own process ------------------------------------------------------------


def measure(
    size: int, repeat: int, workers: int, trace: bool, gc_threshold: int | None
) -> dict[str, Any]:
    scheme, source = load_scheme()
    started = time.perf_counter()
    roster = make_roster(scheme, size)
    built = time.perf_counter() - started
    if gc_threshold is not None:
        # What a caller (the CLI) may do around a big run: collect the youngest generation
        # every N new container objects instead of every 700.  A payroll allocates a few
        # dozen per payslip, all of which live on, so frequent collections are pure cost.
        gc.set_threshold(gc_threshold, *gc.get_threshold()[1:])
    prorated = sum(1 for e in roster if e.start_date or e.end_date or e.fte != 1 or e.unpaid_days)
    gc.collect()
    rss_before = _maxrss_mib()
    times = []
    payroll: Payroll | None = None
    for _ in range(repeat):
        payroll = None
        gc.collect()
        started = time.perf_counter()
        payroll = calculate(scheme, PERIOD, roster)
        times.append(time.perf_counter() - started)
    assert payroll is not None and len(payroll.payslips) == size
    best = min(times)
    result: dict[str, Any] = {
        "size": size,
        "source": source,
        "gc_threshold": gc.get_threshold()[0],
        "prorated": prorated,
        "roster_build_s": round(built, 3),
        "seconds": round(best, 3),
        "payslips_per_s": round(size / best),
        "maxrss_before_mib": round(rss_before, 1),
        "maxrss_mib": round(_maxrss_mib(), 1),
        "lines": sum(len(slip.lines) for slip in payroll.payslips),
        "total": str(payroll.total),
    }
    del payroll
    if trace:
        gc.collect()
        tracemalloc.start()
        traced = calculate(scheme, PERIOD, roster)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["traced_result_mib"] = round(current / 2**20, 1)
        result["traced_peak_mib"] = round(peak / 2**20, 1)
        del traced
    if workers > 1:
        times = []
        for _ in range(repeat):
            gc.collect()
            started = time.perf_counter()
            made = calculate_in_processes(scheme, roster, workers)
            times.append(time.perf_counter() - started)
        assert made == size
        result["workers"] = workers
        result["parallel_seconds"] = round(min(times), 3)
        result["parallel_payslips_per_s"] = round(size / min(times))
    return result


# --- the deals run ----------------------------------------------------------------------------

DEAL_SEED: Final = 20270302
DEAL_EMPLOYEES: Final = 10_000
KEY_CLIENTS: Final = 200
_ONE: Final = Decimal(1)
_SPLITS: Final = (  # 2- and 3-way splits; every tuple adds up to exactly 1
    (Decimal("0.5"), Decimal("0.5")),
    (Decimal("0.6"), Decimal("0.4")),
    (Decimal("0.7"), Decimal("0.3")),
    (Decimal("0.5"), Decimal("0.25"), Decimal("0.25")),
    (Decimal("0.34"), Decimal("0.33"), Decimal("0.33")),
    (Decimal("0.33334"), Decimal("0.33333"), Decimal("0.33333")),
)


def deal_scheme() -> tuple[Scheme, str]:
    """The bench scheme with ``KEY_CLIENTS`` key accounts (baselines 300 000 – 2 000 000)."""
    scheme, source = load_scheme()
    rng = random.Random(DEAL_SEED)
    baseline = {f"K{i:04d}": rng.randint(3, 20) * 100_000 for i in range(KEY_CLIENTS)}
    accounts = KeyAccounts.model_validate({"client_ids": sorted(baseline), "baseline": baseline})
    return scheme.model_copy(update={"key_accounts": accounts}), source


def make_deals(
    scheme: Scheme, roster: Sequence[Employee], count: int, seed: int = DEAL_SEED
) -> list[Deal]:
    """``count`` deals dated in ``PERIOD``, seeded.  The mix:

    * about 5% are refunds of an earlier deal of the list (a quarter to all of it, credited
      like the original; each deal refunded at most once);
    * of the rest, 70% credit one employee and 30% are split 2 or 3 ways (``_SPLITS``);
    * 5% are deals of one of ``KEY_CLIENTS`` key accounts (100 000 – 900 000 each, credited to
      key-account managers), the rest come from ``count / 20`` ordinary clients first paid
      between January 2025 and the deal date (1 000 – 200 000 each): new revenue, credited to
      sales reps, while the client is younger than the hand-off window, then repeat revenue,
      credited to client reps.
    """
    rng = random.Random(seed)
    pools: dict[str, list[str]] = {"new": [], "repeat": [], "key": []}
    for emp in roster:
        kind = scheme.departments[emp.department].kind.value
        if emp.role in ("rep", "key_account"):
            pools[{"acquisition": "new", "retention": "repeat"}.get(kind, "key")].append(emp.id)
    if not pools["key"]:
        pools["key"] = pools["repeat"]
    days = [PERIOD.first_day + timedelta(d) for d in range(PERIOD.last_day.day)]
    origin = date(2025, 1, 1)
    span = (PERIOD.last_day - origin).days
    starts = [origin + timedelta(d) for d in range(span + 1)]
    clients = [(f"C{i:06d}", rng.choice(starts)) for i in range(max(100, count // 20))]
    keys = [(f"K{i:04d}", date(2024, 1, 15)) for i in range(KEY_CLIENTS)]
    months = scheme.handoff.new_client_months
    deals: list[Deal] = []
    refundable: list[int] = []  # positions of deals that may still be refunded
    for number in range(count):
        if rng.random() < 0.05 and refundable:
            position = refundable.pop(rng.randrange(len(refundable)))
            original = deals[position]
            quarters = rng.randint(1, 4)
            cents = int(original.amount.scaleb(2)) * quarters // 4 or 1
            deals.append(
                Deal(
                    f"D{number:07d}",
                    rng.choice(days[original.date.day - 1 :]),
                    original.client_id,
                    original.client_since,
                    Decimal(-cents).scaleb(-2),
                    original.credit,
                    refund_of=original.id,
                )
            )
            continue
        day = rng.choice(days)
        if rng.random() < 0.05:
            client, since = rng.choice(keys)
            pool = pools["key"]
            cents = rng.randint(10_000_000, 90_000_000)
        else:
            client, since = rng.choice(clients)
            since = min(since, day)
            pool = pools["new"] if day < add_months(since, months) else pools["repeat"]
            cents = rng.randint(100_000, 20_000_000)
        if rng.random() < 0.7:
            credit: tuple[Credit, ...] = (Credit(rng.choice(pool), _ONE),)
        else:
            shares = rng.choice(_SPLITS)
            people = rng.sample(pool, len(shares))
            credit = tuple(Credit(who, share) for who, share in zip(people, shares, strict=True))
        refundable.append(len(deals))
        deals.append(Deal(f"D{number:07d}", day, client, since, Decimal(cents).scaleb(-2), credit))
    return deals


def deal_roster(scheme: Scheme, employees: int) -> list[Employee]:
    """The bench roster without its own totals: everything comes from the deals."""
    return [replace(emp, credited={}) for emp in make_roster(scheme, employees)]


def _credit(scheme: Scheme, deals: Sequence[Deal], ids: set[str]) -> DealCredits:
    """``credit_deals`` as ``calculate`` runs it (under the exact context)."""
    with localcontext(EXACT):
        credits, problems = credit_deals(scheme, PERIOD, deals, ids)
    assert not problems, problems[:3]
    return credits


def deals_csv(deals: Sequence[Deal]) -> str:
    """``deals`` as a deals CSV file (the columns of ``app.io.deals``)."""
    rows = ["id,date,client_id,client_since,amount,refund_of,kind,credit"]
    for d in deals:
        credit = "|".join(f"{c.employee_id}:{c.share}" for c in d.credit)
        rows.append(
            f"{d.id},{d.date},{d.client_id},{d.client_since},{d.amount},{d.refund_of or ''},"
            f"{d.kind or ''},{credit}"
        )
    return "\n".join(rows) + "\n"


def measure_deals(
    count: int, employees: int, repeat: int, trace: bool, via_csv: bool = False
) -> dict[str, Any]:
    scheme, source = deal_scheme()
    started = time.perf_counter()
    roster = deal_roster(scheme, employees)
    deals = make_deals(scheme, roster, count)
    built = time.perf_counter() - started
    read_s = None
    if via_csv:  # as a file of deals gives them: each deal's own objects, as the loader makes
        from app.io.deals.load import parse_csv_deals

        text = deals_csv(deals)
        del deals
        gc.collect()
        started = time.perf_counter()
        deals = parse_csv_deals(text, "bench-deals.csv").deals
        read_s = round(time.perf_counter() - started, 3)
        del text
    ids = {emp.id for emp in roster}
    gc.collect()
    rss_before = _maxrss_mib()
    # wall-clock and CPU seconds of each run: on a shared machine the CPU time of the process
    # shows what the code costs when another process takes turns on the same core
    credit_times, calc_times, credit_cpu, calc_cpu = [], [], [], []
    credited = 0
    for _ in range(repeat):
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        credits = _credit(scheme, deals, ids)
        credit_times.append(time.perf_counter() - started)
        credit_cpu.append(time.process_time() - cpu)
        credited = credits.credited_deals
        del credits  # freed outside the timed span, as calculate's payroll is
    rss_credit = _maxrss_mib()
    payroll: Payroll | None = None
    for _ in range(repeat):
        payroll = None
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        payroll = calculate(scheme, PERIOD, roster, deals)
        calc_times.append(time.perf_counter() - started)
        calc_cpu.append(time.process_time() - cpu)
    assert payroll is not None and payroll.credited_deals == credited
    parts = sum(len(line.deals) for slip in payroll.payslips for line in slip.lines)
    result: dict[str, Any] = {
        "deals": count,
        "employees": employees,
        "source": source,
        "credited": credited,
        "refunds": sum(1 for d in deals if d.refund_of is not None),
        "splits": sum(1 for d in deals if len(d.credit) > 1),
        "key_account_deals": sum(1 for d in deals if d.client_id.startswith("K")),
        "deals_build_s": round(built, 3),
        "csv_read_s": read_s,
        "credit_s": round(min(credit_times), 3),
        "credit_deals_per_s": round(count / min(credit_times)),
        "credit_cpu_s": round(min(credit_cpu), 3),
        "calculate_s": round(min(calc_times), 3),
        "calculate_deals_per_s": round(count / min(calc_times)),
        "calculate_cpu_s": round(min(calc_cpu), 3),
        "credited_parts": parts,
        "total": str(payroll.total),
        "maxrss_before_mib": round(rss_before, 1),
        "maxrss_credit_mib": round(rss_credit, 1),
        "maxrss_mib": round(_maxrss_mib(), 1),
    }
    del payroll
    if trace:
        gc.collect()
        tracemalloc.start()
        credits = _credit(scheme, deals, ids)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del credits
        result["traced_credit_result_mib"] = round(current / 2**20, 1)
        result["traced_credit_peak_mib"] = round(peak / 2**20, 1)
    return result


def profile_deals(count: int, employees: int, top: int) -> str:
    scheme, _ = deal_scheme()
    roster = deal_roster(scheme, employees)
    deals = make_deals(scheme, roster, count)
    return _profiled(lambda: calculate(scheme, PERIOD, roster, deals), top, ("tottime",))


def _profiled(run: Callable[[], object], top: int, orders: Sequence[str]) -> str:
    """cProfile's ``top`` entries of ``run()``, sorted by each of ``orders`` in turn."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    for order in orders:
        stats.sort_stats(order).print_stats(top)
    return out.getvalue()


def _aligned(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """``head`` and ``rows`` as right-aligned columns two spaces apart."""
    widths = [max(len(head[i]), *(len(row[i]) for row in rows)) for i in range(len(head))]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def _deals_table(results: Sequence[dict[str, Any]]) -> str:
    head = ["deals", "credit_deals s (cpu)", "deals/s", "calculate s (cpu)", "deals/s", "RSS MiB"]
    rows = [
        [
            f"{r['deals']:,}",
            f"{r['credit_s']:.3f} ({r['credit_cpu_s']:.3f})",
            f"{r['credit_deals_per_s']:,}",
            f"{r['calculate_s']:.3f} ({r['calculate_cpu_s']:.3f})",
            f"{r['calculate_deals_per_s']:,}",
            f"{r['maxrss_mib']:.0f}",
        ]
        for r in results
    ]
    return _aligned(head, rows)


def profile(size: int, top: int) -> str:
    scheme, _ = load_scheme()
    roster = make_roster(scheme, size)
    return _profiled(lambda: calculate(scheme, PERIOD, roster), top, ("tottime", "cumulative"))


def _table(results: Sequence[dict[str, Any]]) -> str:
    head = ["employees", "seconds", "payslips/s", "peak RSS MiB", "traced peak MiB", "2 procs/s"]
    rows = [
        [
            f"{r['size']:,}",
            f"{r['seconds']:.3f}",
            f"{r['payslips_per_s']:,}",
            f"{r['maxrss_mib']:.0f}",
            f"{r['traced_peak_mib']:.0f}" if "traced_peak_mib" in r else "-",
            f"{r['parallel_payslips_per_s']:,}" if "parallel_payslips_per_s" in r else "-",
        ]
        for r in results
    ]
    return _aligned(head, rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the best counts")
    parser.add_argument("--workers", type=int, default=1, help="also time N processes")
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc run")
    parser.add_argument(
        "--gc-threshold", type=int, help="gc generation-0 threshold (Python's default: 700)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    parser.add_argument("--top", type=int, default=25, help="rows of the profile")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--deals", type=int, nargs="+", help="run the deals bench: N deals")
    parser.add_argument(
        "--deal-employees", type=int, default=DEAL_EMPLOYEES, help="roster size of --deals"
    )
    parser.add_argument(
        "--via-csv",
        action="store_true",
        help="--deals: write the deals as CSV and read them back with the loader first",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--one-deals", type=int, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args(argv)

    if args.one_deals is not None:
        trace = not args.no_trace
        result = measure_deals(
            args.one_deals, args.deal_employees, args.repeat, trace, args.via_csv
        )
        print(json.dumps(result))
        return 0
    if args.deals and args.profile:
        print(profile_deals(max(args.deals), args.deal_employees, args.top))
        return 0
    if args.deals:
        return _run_deals(args)
    if args.one is not None:
        trace = not args.no_trace
        result = measure(args.one, args.repeat, args.workers, trace, args.gc_threshold)
        print(json.dumps(result))
        return 0
    if args.profile:
        print(profile(max(args.sizes), args.top))
        return 0

    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}",
        file=sys.stderr if args.json else sys.stdout,
    )
    results = []
    for size in args.sizes:
        command = [sys.executable, __file__, "--one", str(size), "--repeat", str(args.repeat)]
        command += ["--workers", str(args.workers)]
        if args.no_trace:
            command.append("--no-trace")
        if args.gc_threshold is not None:
            command += ["--gc-threshold", str(args.gc_threshold)]
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return child.returncode
        result = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(result)
        if not args.json:
            print(
                f"{size:>7,} employees ({result['prorated']:,} prorated, {result['source']}): "
                f"{result['seconds']:.3f} s, {result['payslips_per_s']:,} payslips/s, "
                f"peak RSS {result['maxrss_mib']:.0f} MiB",
                flush=True,
            )
    print(json.dumps(results, indent=2) if args.json else "\n" + _table(results))
    return 0


def _read(result: dict[str, Any]) -> str:
    read = result["csv_read_s"]
    return "" if read is None else f", read from CSV in {read:.1f} s"


def _run_deals(args: argparse.Namespace) -> int:
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}",
        file=sys.stderr if args.json else sys.stdout,
    )
    results = []
    for count in args.deals:
        command = [sys.executable, __file__, "--one-deals", str(count)]
        command += ["--deal-employees", str(args.deal_employees), "--repeat", str(args.repeat)]
        if args.no_trace:
            command.append("--no-trace")
        if args.via_csv:
            command.append("--via-csv")
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return child.returncode
        result = json.loads(child.stdout.strip().splitlines()[-1])
        results.append(result)
        if not args.json:
            print(
                f"{count:>9,} deals over {result['employees']:,} employees "
                f"({result['splits']:,} split, {result['refunds']:,} refunds, "
                f"{result['key_account_deals']:,} key-account{_read(result)}): credit_deals "
                f"{result['credit_s']:.3f} s = {result['credit_deals_per_s']:,} deals/s; "
                f"calculate {result['calculate_s']:.3f} s = "
                f"{result['calculate_deals_per_s']:,} deals/s; "
                f"peak RSS {result['maxrss_mib']:.0f} MiB",
                flush=True,
            )
    print(json.dumps(results, indent=2) if args.json else "\n" + _deals_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
