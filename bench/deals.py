"""Deals benchmark: deals per second credited and classified, columnar and Decimal, in one run.

A measurement script, not a test: it prints figures and asserts nothing about time.

    .venv/bin/python bench/deals.py                        # 1 000 000 deals, 10 000 employees
    .venv/bin/python bench/deals.py --deals 100000 --decimal-deals 100000
    .venv/bin/python bench/deals.py --decimal-deals 1000000   # the Decimal engine on all of them
    .venv/bin/python bench/deals.py --profile              # cProfile of one columnar run

The deals, scheme and roster are those of ``bench/engine.py --deals`` (seeded: 5% refunds,
30% split 2 or 3 ways, 5% of 200 key accounts with monthly baselines).  The columnar engine
(``app.engine.columnar.deals.credit_columns``) credits all of them from ``DealColumns``; the
Decimal engine (``app.engine.deals.credit_deals``) the first ``--decimal-deals`` of them
(100 000 by default: a million take it some seconds a run), and the two results are compared
on that subset field by field.  Each engine's figure is the best of ``--repeat`` (2) runs.
Building the columns (from the Deal objects, and from the CSV file with
``app.io.deals.columns``) is timed apart: it is loading, not crediting.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import localcontext
from typing import TypeVar

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import engine as engine_bench  # type: ignore[import-not-found]  # (bench/engine.py)

from app.engine.columnar.deals import credit_columns
from app.engine.columnar.deals_columns import DealColumns
from app.engine.deals import DealCredits, credit_deals
from app.engine.findings import Problem
from app.engine.money import EXACT

T = TypeVar("T")


def best(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """The shortest wall-clock time of ``repeat`` runs, and the last run's result."""
    times = []
    result: T | None = None
    for _ in range(repeat):
        result = None
        gc.collect()
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    assert result is not None
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--decimal-deals", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-csv", action="store_true", help="skip the CSV loader's timing")
    args = parser.parse_args()

    scheme, source = engine_bench.deal_scheme()
    period = engine_bench.PERIOD
    started = time.perf_counter()
    roster = engine_bench.deal_roster(scheme, args.employees)
    deals = engine_bench.make_deals(scheme, roster, args.deals)
    ids = [emp.id for emp in roster]
    print(
        f"{args.deals} deals over {args.employees} employees ({source}, {period}); "
        f"generated in {time.perf_counter() - started:.1f} s; "
        f"{sum(1 for d in deals if d.refund_of)} refunds, "
        f"{sum(1 for d in deals if len(d.credit) > 1)} split"
    )
    digits = scheme.minor_units
    built, columns = best(1, lambda: DealColumns.from_deals(deals, digits))
    print(f"columns from Deal objects: {built:.2f} s")
    if not args.no_csv:
        from app.io.deals.columns import load_deal_columns

        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "deals.csv")
            with open(path, "w", encoding="utf-8") as out:
                out.write(engine_bench.deals_csv(deals))
            read, loaded = best(1, lambda: load_deal_columns(path, digits=digits, max_bytes=2**31))
        same = loaded.amount.tolist() == columns.amount.tolist()
        how = loaded.unsupported or "without Deal objects"
        print(
            f"columns from the CSV file: {read:.2f} s ({args.deals / read:,.0f} deals/s; "
            f"{'the same amounts' if same else 'AMOUNTS DIFFER'}; {how})"
        )

    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        credit_columns(scheme, period, columns, ids)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)

    seconds, result = best(args.repeat, lambda: credit_columns(scheme, period, columns, ids))
    print(
        f"columnar: {seconds:.3f} s, {args.deals / seconds:,.0f} deals/s "
        f"(engine {result.engine}{': ' + result.reason if result.reason else ''}; "
        f"{result.credited_deals} credited)"
    )

    subset = deals[: args.decimal_deals]
    note = "" if len(subset) == len(deals) else f" (on the first {len(subset)} deals)"

    def by_decimal() -> tuple[DealCredits, list[Problem]]:
        with localcontext(EXACT):
            return credit_deals(scheme, period, subset, set(ids))

    decimal_s, (expected, problems) = best(args.repeat, by_decimal)
    print(f"Decimal:  {decimal_s:.3f} s, {len(subset) / decimal_s:,.0f} deals/s{note}")
    sub_columns = columns if len(subset) == len(deals) else DealColumns.from_deals(subset, digits)
    sub_seconds, sub_result = best(
        args.repeat, lambda: credit_columns(scheme, period, sub_columns, ids)
    )
    got = sub_result.to_credits()
    equal = (
        all(
            getattr(got, name) == getattr(expected, name)
            for name in ("totals", "lines", "excluded", "recovered", "findings", "credited_deals")
        )
        and sub_result.problems == problems
    )
    print(
        f"columnar on the same {len(subset)} deals: {sub_seconds:.3f} s, "
        f"{len(subset) / sub_seconds:,.0f} deals/s, "
        f"{len(subset) / sub_seconds / (len(subset) / decimal_s):.1f}x the Decimal engine; "
        f"results {'equal field by field' if equal else 'DIFFER'}"
    )


if __name__ == "__main__":
    main()
