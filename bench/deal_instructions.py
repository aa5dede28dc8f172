"""Instructions per deal of ``credit_deals``, counted by valgrind: a figure the machine's speed
does not move.

Wall-clock times on a shared virtual machine drift by a quarter within minutes; the number of
instructions the CPU executes for the same work does not.  This script prints it, running
itself under ``valgrind --tool=callgrind`` twice: once to build the bench deals (``make_deals``
of ``bench/engine.py``) and credit them once, once to credit them twice.  The difference is one
``credit_deals`` call.  Valgrind runs the interpreter some 50 times slower, so the counts come
from a smaller run than the wall-clock bench: by default 20 000 deals over 200 employees, the
same deals and parts per employee as a million over 10 000.

    .venv/bin/python bench/deal_instructions.py                      # 20 000 deals, 200 people
    .venv/bin/python bench/deal_instructions.py --deals 50000 --employees 500

Instructions are not time: a cache miss costs a few hundred instructions' worth and is not
counted, so use this to compare two versions of the code, and the wall-clock bench for speed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import shutil
import subprocess
import sys
from decimal import localcontext
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:  # run as a script from a checkout
        sys.path.insert(0, str(path))

_COLLECTED: Final = re.compile(r"Collected : ([0-9]+)")


def _credit(count: int, employees: int, times: int) -> None:
    """Child mode: build the deals, then credit them ``times`` times."""
    bench = importlib.import_module("engine")  # the wall-clock bench: scheme, roster, deals

    from app.engine.deals import credit_deals
    from app.engine.money import EXACT

    scheme, _ = bench.deal_scheme()
    roster = bench.deal_roster(scheme, employees)
    deals = bench.make_deals(scheme, roster, count)
    ids = {emp.id for emp in roster}
    for _ in range(times):
        with localcontext(EXACT):
            credits, problems = credit_deals(scheme, bench.PERIOD, deals, ids)
        assert not problems, problems[:3]
        del credits


def _instructions(count: int, employees: int, times: int) -> int:
    valgrind = shutil.which("valgrind")
    assert valgrind is not None  # checked by main()
    command = [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
    command += [__file__, "--child", str(times), "--deals", str(count)]
    command += ["--employees", str(employees)]
    # the same hash seed in both runs: set and dict layouts, and so their costs, are the same
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        _credit(args.deals, args.employees, args.child)
        return 0
    if shutil.which("valgrind") is None:  # (make bench runs every script: not an error)
        print("skipped: valgrind is not installed (Debian: apt-get install valgrind)")
        return 0
    once = _instructions(args.deals, args.employees, 1)
    twice = _instructions(args.deals, args.employees, 2)
    per_deal = (twice - once) / args.deals
    print(
        f"credit_deals, {args.deals:,} deals over {args.employees:,} employees: "
        f"{twice - once:,} instructions = {per_deal:,.0f} per deal"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
