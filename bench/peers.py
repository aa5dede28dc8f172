"""Peers benchmark: the same pay rules computed five ways, in one process, on one population.

A measurement script, not a test: it prints figures and asserts nothing about time.

    .venv/bin/python bench/peers.py                        # 110 000 and 1 100 000 employees
    .venv/bin/python bench/peers.py --sizes 110000 --repeat 3
    .venv/bin/python bench/peers.py --sizes 1100000 --peers columnar   # the process's own RSS
    .venv/bin/python bench/peers.py --sizes 1100000 --peers columnar numpy --profile
    make bench-peers                                       # installs OpenFisca, then runs this

The rules (``examples/acme.yaml`` without its assistant head and key-account department): one
sales department — reps with base 45 000, marginal commission 15% up to 600 000 and 20% above,
nothing below 50% of a 600 000 target, capped at 250 000, a 15 000 bonus from 120%; heads with
66 000 + 3% of the department's new revenue — and one client department — reps with 85 000 +
1.5% of repeat revenue, heads 120 000 + 0.3% of the department's repeat revenue.  The
population (seeded): units of 5 sales reps + 1 head and 4 client reps + 1 head, revenue uniform
in [0, 1 200 000] (sales reps) and [0, 4 000 000] (client reps) in kopecks, whole months.

The peers, each given its input ready-made (not timed):

* ``numpy float64``: the formula on float64 arrays of roubles, rounded to kopecks at the end;
* ``OpenFisca 46``: the rules as OpenFisca variables in a small ``TaxBenefitSystem`` (float32,
  its default for ``float`` variables), one simulation per run; the time is ``calculate``
  on a simulation whose entities and inputs are set (building it is printed apart).  Skipped,
  with a message, when ``openfisca_core`` is not installed (``make bench-peers`` installs
  ``requirements-bench.lock``);
* ``Decimal loop``: a plain Python loop in ``Decimal``, half-up to the kopeck per line;
* ``compcalc Decimal``: :func:`app.engine.calculate.calculate_decimal` on ``Employee`` rows;
* ``columnar``: :func:`app.engine.columnar.compute_columns` on ``RosterColumns`` built from
  the arrays; ``columnar calculate``: the whole :func:`app.engine.columnar.calculate` on
  ``Employee`` rows (checks, validation, report; payslips made when read, which is not timed).

The two peers on ``Employee`` rows run on the first ``--sample`` employees (whole units) and
their payslips/s is the sample's rate.  Each time is the best of ``--repeat`` runs; the peak
memory is ``tracemalloc``'s peak during one more call (what the call allocates, its inputs
excluded; numpy's arrays are traced), and the process's peak RSS is printed at the end.
"Wrong" counts the payslips whose gross, rounded to the kopeck, differs from the exact gross
by one kopeck or more.  The exact gross is the columnar engine's, checked here against the
Decimal loop on every employee and against the compcalc Decimal engine on the sample.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import os
import pstats
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, TypeVar

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import engine as engine_bench  # type: ignore[import-not-found]  # (bench/engine.py)

from app.engine import Employee, Scheme, columnar
from app.engine.calculate import calculate_decimal
from app.engine.columnar import RosterColumns, compute_columns, role_keys
from app.engine.scheme import Measure

T = TypeVar("T")
Ints = NDArray[np.int64]

SEED: Final = 20271207
DEFAULT_SIZES: Final = (110_000, 1_100_000)
#: One unit pair: 5 sales reps, their head, 4 client reps, their head (role positions).
UNIT: Final = (0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 3)
SALES_MAX: Final = 120_000_000  # kopecks
CLIENT_MAX: Final = 400_000_000
PEERS: Final = ("numpy", "openfisca", "loop", "decimal", "columnar", "calculate")


def bench_scheme() -> Scheme:
    """examples/acme.yaml without the assistant head and the key-account department."""
    scheme, _ = engine_bench.load_scheme()
    data = scheme.model_dump(by_alias=True, exclude_none=True)
    del data["departments"]["development"]
    del data["departments"]["sales"]["roles"]["assistant_head"]
    result = Scheme.model_validate(data)
    assert role_keys(result) == [
        ("sales", "rep"),
        ("sales", "head"),
        ("clients", "rep"),
        ("clients", "head"),
    ]
    return result


@dataclass(slots=True)
class Population:
    role: NDArray[np.int32]  # 0 sales rep, 1 sales head, 2 client rep, 3 client head
    new: Ints  # new revenue, kopecks (sales reps; 0 elsewhere)
    repeat: Ints  # repeat revenue, kopecks (client reps; 0 elsewhere)

    def __len__(self) -> int:
        return len(self.role)

    def head(self, size: int) -> Population:
        return Population(self.role[:size], self.new[:size], self.repeat[:size])


def population(size: int, seed: int = SEED) -> Population:
    """``size`` employees in unit pairs (``size`` a multiple of 11), revenue uniform."""
    assert size % len(UNIT) == 0, f"the size must be a multiple of {len(UNIT)}"
    rng = np.random.default_rng(seed)
    role = np.tile(np.array(UNIT, dtype=np.int32), size // len(UNIT))
    new = np.where(role == 0, rng.integers(0, SALES_MAX, size, endpoint=True), 0)
    repeat = np.where(role == 2, rng.integers(0, CLIENT_MAX, size, endpoint=True), 0)
    return Population(role, new.astype(np.int64), repeat.astype(np.int64))


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


def traced_peak(run: Callable[[], object]) -> int:
    """Bytes: tracemalloc's peak during one call of ``run`` (its result included)."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del kept
    return peak


# --- numpy float64 ---------------------------------------------------------------------------


def numpy_gross(
    role: NDArray[np.int32], new: NDArray[np.float64], rep: NDArray[np.float64]
) -> Ints:
    """The rules on float64 roubles; the gross rounded to kopecks at the end."""
    sales = role == 0
    comm = np.where(
        new >= 300_000.0,
        0.15 * np.minimum(new, 600_000.0) + 0.20 * np.maximum(new - 600_000.0, 0.0),
        0.0,
    )
    sales_rep = 45_000.0 + np.minimum(comm, 250_000.0) + np.where(new >= 720_000.0, 15_000.0, 0.0)
    sales_head = 66_000.0 + 0.03 * new[sales].sum()
    client_rep = 85_000.0 + 0.015 * rep
    client_head = 120_000.0 + 0.003 * rep[role == 2].sum()
    gross = np.select(
        [sales, role == 1, role == 2], [sales_rep, sales_head, client_rep], client_head
    )
    result: Ints = np.round(gross * 100.0).astype(np.int64)
    return result


# --- OpenFisca ---------------------------------------------------------------------------------


class OpenFisca:
    """The rules as an OpenFisca tax-benefit system: persons in two departments."""

    def __init__(self) -> None:
        core = importlib.import_module("openfisca_core")
        entities = importlib.import_module("openfisca_core.entities")
        systems = importlib.import_module("openfisca_core.taxbenefitsystems")
        variables = importlib.import_module("openfisca_core.variables")
        periods = importlib.import_module("openfisca_core.periods")
        builders = importlib.import_module("openfisca_core.simulations")
        self.version = getattr(core, "__version__", None) or _version("openfisca-core")
        person = entities.build_entity(
            key="person", plural="persons", label="An employee", is_person=True
        )
        department = entities.build_entity(
            key="department",
            plural="departments",
            label="A department",
            roles=[{"key": "member", "plural": "members", "label": "Member"}],
        )
        self.system = systems.TaxBenefitSystem([person, department])
        month = periods.DateUnit.MONTH
        self.period = periods.period(str(engine_bench.PERIOD))
        self.builders = builders

        def variable(name: str, entity: Any, kind: type, formula: Any = None) -> None:
            attrs: dict[str, Any] = {
                "value_type": kind,
                "entity": entity,
                "definition_period": month,
                "label": name,
            }
            if formula is not None:
                attrs["formula"] = formula
            self.system.add_variable(type(name, (variables.Variable,), attrs))

        def sales_rep_pay(person: Any, period: Any, parameters: Any) -> Any:
            r = person("new_revenue", period)
            comm = np.where(
                r >= 300_000,
                0.15 * np.minimum(r, 600_000) + 0.20 * np.maximum(r - 600_000, 0),
                0,
            )
            return 45_000 + np.minimum(comm, 250_000) + np.where(r >= 720_000, 15_000, 0)

        def sales_head_pay(person: Any, period: Any, parameters: Any) -> Any:
            return 66_000 + 0.03 * person.department("department_new_revenue", period)

        def client_rep_pay(person: Any, period: Any, parameters: Any) -> Any:
            return 85_000 + 0.015 * person("repeat_revenue", period)

        def client_head_pay(person: Any, period: Any, parameters: Any) -> Any:
            return 120_000 + 0.003 * person.department("department_repeat_revenue", period)

        def department_new(department: Any, period: Any, parameters: Any) -> Any:
            return department.sum(department.members("new_revenue", period))

        def department_repeat(department: Any, period: Any, parameters: Any) -> Any:
            return department.sum(department.members("repeat_revenue", period))

        def gross(person: Any, period: Any, parameters: Any) -> Any:
            role = person("role", period)
            return np.select(
                [role == 0, role == 1, role == 2],
                [
                    person("sales_rep_pay", period),
                    person("sales_head_pay", period),
                    person("client_rep_pay", period),
                ],
                person("client_head_pay", period),
            )

        variable("role", person, int)
        variable("new_revenue", person, float)
        variable("repeat_revenue", person, float)
        variable("department_new_revenue", department, float, department_new)
        variable("department_repeat_revenue", department, float, department_repeat)
        variable("sales_rep_pay", person, float, sales_rep_pay)
        variable("sales_head_pay", person, float, sales_head_pay)
        variable("client_rep_pay", person, float, client_rep_pay)
        variable("client_head_pay", person, float, client_head_pay)
        variable("gross", person, float, gross)

    def simulation(self, pop: Population) -> Any:
        """A simulation of ``pop`` with its inputs set (roubles, as OpenFisca users keep them)."""
        builder = self.builders.SimulationBuilder()
        builder.create_entities(self.system)
        builder.declare_person_entity("person", np.arange(len(pop)))
        departments = builder.declare_entity("department", np.array([0, 1]))
        member = np.zeros(len(pop), dtype=np.int64)  # everyone has the role "member"
        builder.join_with_persons(departments, (pop.role >= 2).astype(np.int64), member)
        sim = builder.build(self.system)
        sim.set_input("role", self.period, pop.role)
        sim.set_input("new_revenue", self.period, pop.new / 100)
        sim.set_input("repeat_revenue", self.period, pop.repeat / 100)
        return sim

    def gross(self, sim: Any) -> Ints:
        value = sim.calculate("gross", self.period)
        assert value.dtype == np.float32, value.dtype
        result: Ints = np.round(value.astype(np.float64) * 100.0).astype(np.int64)
        return result


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def load_openfisca() -> OpenFisca | None:
    try:
        importlib.import_module("openfisca_core")
    except ImportError:
        print(
            "OpenFisca peer skipped: openfisca_core is not installed "
            "(make bench-peers installs requirements-bench.lock)"
        )
        return None
    return OpenFisca()


# --- the Decimal loop --------------------------------------------------------------------------

_CENT: Final = Decimal("0.01")
_R15: Final = Decimal("0.15")
_R20: Final = Decimal("0.20")
_R015: Final = Decimal("0.015")
_R3: Final = Decimal("0.03")
_R03: Final = Decimal("0.003")
_ZERO: Final = Decimal(0)
_QUOTA: Final = Decimal(600_000)
_CAP: Final = Decimal(250_000)


def decimal_loop(roles: Sequence[int], new: Sequence[int], repeat: Sequence[int]) -> list[int]:
    """The rules in Decimal, one employee at a time; each line half-up to the kopeck."""
    new_total = sum(n for r, n in zip(roles, new, strict=True) if r == 0)
    repeat_total = sum(p for r, p in zip(roles, repeat, strict=True) if r == 2)
    sales_head = 66_000 + (Decimal(new_total).scaleb(-2) * _R3).quantize(_CENT, ROUND_HALF_UP)
    client_head = 120_000 + (Decimal(repeat_total).scaleb(-2) * _R03).quantize(_CENT, ROUND_HALF_UP)
    fixed = {1: int(sales_head.scaleb(2)), 3: int(client_head.scaleb(2))}
    out: list[int] = []
    for role, n, p in zip(roles, new, repeat, strict=True):
        if role == 0:
            revenue = Decimal(n).scaleb(-2)
            gross = Decimal(45_000)
            if revenue >= 300_000:
                comm = min(revenue, _QUOTA) * _R15 + max(revenue - _QUOTA, _ZERO) * _R20
                gross += min(comm, _CAP).quantize(_CENT, ROUND_HALF_UP)
            if revenue >= 720_000:
                gross += 15_000
            out.append(int(gross.scaleb(2)))
        elif role == 2:
            comm = (Decimal(p).scaleb(-2) * _R015).quantize(_CENT, ROUND_HALF_UP)
            out.append(int((85_000 + comm).scaleb(2)))
        else:
            out.append(fixed[role])
    return out


# --- compcalc -----------------------------------------------------------------------------------

_KEYS: Final = (("sales", "rep"), ("sales", "head"), ("clients", "rep"), ("clients", "head"))


def employees(pop: Population) -> list[Employee]:
    """``pop`` as roster rows (reps credited with their measure, heads with nothing)."""
    rows = []
    for i, (role, n, p) in enumerate(
        zip(pop.role.tolist(), pop.new.tolist(), pop.repeat.tolist(), strict=True)
    ):
        dept, name = _KEYS[role]
        credited: dict[Measure, Decimal] = {}
        if role == 0:
            credited[Measure.NEW_REVENUE] = Decimal(n).scaleb(-2)
        elif role == 2:
            credited[Measure.REPEAT_REVENUE] = Decimal(p).scaleb(-2)
        rows.append(Employee(f"E{i:07d}", dept, name, credited=credited))
    return rows


def columns_of(pop: Population) -> RosterColumns:
    """``RosterColumns`` straight from the arrays (every measure a column)."""
    credited = {m: np.zeros(len(pop), dtype=np.int64) for m in Measure}
    credited[Measure.NEW_REVENUE] = pop.new
    credited[Measure.REPEAT_REVENUE] = pop.repeat
    return RosterColumns(role=pop.role, credited=credited)


def kopecks(values: Sequence[Decimal]) -> Ints:
    return np.array([int(v.scaleb(2)) for v in values], dtype=np.int64)


# --- one size ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Figure:
    peer: str
    size: int  # employees timed
    seconds: float
    peak: int | None  # bytes, tracemalloc
    wrong: int | None = None
    note: str = ""

    @property
    def rate(self) -> float:
        return self.size / self.seconds


def run_size(
    scheme: Scheme,
    size: int,
    sample: int,
    repeat: int,
    peers: Sequence[str],
    fisca: OpenFisca | None,
    trace: bool,
) -> list[Figure]:
    period = engine_bench.PERIOD
    pop = population(size)
    sample = min(size, sample - sample % len(UNIT))
    part = pop.head(sample)
    figures: list[Figure] = []
    peak: int | None

    cols = columns_of(pop)
    seconds, out = best(repeat, lambda: compute_columns(scheme, period, cols))
    exact = out.gross
    peak = traced_peak(lambda: compute_columns(scheme, period, cols)) if trace else None
    if "columnar" in peers:
        figures.append(Figure("columnar compute_columns", size, seconds, peak, 0))
    del out

    if "numpy" in peers:
        new64, rep64 = pop.new / 100.0, pop.repeat / 100.0
        seconds, got = best(repeat, lambda: numpy_gross(pop.role, new64, rep64))
        peak = traced_peak(lambda: numpy_gross(pop.role, new64, rep64)) if trace else None
        figures.append(Figure("numpy float64", size, seconds, peak, int((got != exact).sum())))
        del new64, rep64, got

    if "openfisca" in peers and fisca is not None:
        name = f"OpenFisca {fisca.version} (float32)"
        calc_times, whole_times = [], []
        got = exact
        for _ in range(repeat):
            gc.collect()
            started = time.perf_counter()
            sim = fisca.simulation(pop)
            built = time.perf_counter()
            got = fisca.gross(sim)
            done = time.perf_counter()
            calc_times.append(done - built)
            whole_times.append(done - started)
            del sim
        wrong = int((got != exact).sum())
        del got
        if trace:
            sim = fisca.simulation(pop)
            calc_peak: int | None = traced_peak(lambda: fisca.gross(sim))
            del sim
            peak = traced_peak(lambda: fisca.gross(fisca.simulation(pop)))
        else:
            calc_peak = peak = None
        figures.append(Figure(f"{name}, calculate", size, min(calc_times), calc_peak, wrong))
        figures.append(
            Figure(f"{name}, simulation built + calculate", size, min(whole_times), peak, wrong)
        )

    if "loop" in peers:
        lists = (pop.role.tolist(), pop.new.tolist(), pop.repeat.tolist())
        seconds, loop = best(repeat, lambda: decimal_loop(*lists))
        same = np.array_equal(np.array(loop, dtype=np.int64), exact)
        small = tuple(values[:sample] for values in lists)
        peak = traced_peak(lambda: decimal_loop(*small)) if trace else None
        note = "equals the columnar gross on every employee" if same else "DIFFERS FROM COLUMNAR"
        if trace and sample < size:
            note += f"; memory on the first {sample}"
        figures.append(Figure("Decimal loop", size, seconds, peak, None, note))
        del lists, loop, small

    if "decimal" in peers or "calculate" in peers:
        roster = employees(part)
        part_exact = compute_columns(scheme, period, columns_of(part)).gross
        on = "" if sample == size else f"on the first {sample}, "
        reference = None
        if "decimal" in peers:
            seconds, payroll = best(repeat, lambda: calculate_decimal(scheme, period, roster))
            dec = kopecks([slip.gross for slip in payroll.payslips])
            same = np.array_equal(dec, part_exact)
            peak = traced_peak(lambda: calculate_decimal(scheme, period, roster)) if trace else None
            note = on + ("equals the columnar gross" if same else "DIFFERS FROM COLUMNAR")
            figures.append(Figure("compcalc Decimal engine", sample, seconds, peak, None, note))
            reference = payroll
            del payroll
        if "calculate" in peers:
            seconds, payroll = best(repeat, lambda: columnar.calculate(scheme, period, roster))
            peak = (
                traced_peak(lambda: columnar.calculate(scheme, period, roster)) if trace else None
            )
            note = on + f"engine {payroll.engine}"
            if reference is not None:
                same = list(payroll.payslips) == list(reference.payslips) and (
                    payroll.total == reference.total
                )
                note += "; payslips equal the Decimal engine's" if same else "; PAYSLIPS DIFFER"
            figures.append(Figure("columnar calculate", sample, seconds, peak, None, note))
            del payroll
        del roster, reference
    return figures


def _mib(value: int | None) -> str:
    return "—" if value is None else f"{value / 2**20:,.1f} MiB"


def report(size: int, figures: Sequence[Figure]) -> None:
    print(f"\n{size:,} employees (best of the runs; memory: tracemalloc peak of one call)")
    print("| peer | payslips/s | seconds | peak memory | wrong by ≥ 1 kopeck | note |")
    print("|---|---:|---:|---:|---:|---|")
    for f in figures:
        wrong = "" if f.wrong is None else f"{f.wrong:,} ({f.wrong / size:.2%})"
        if f.wrong is None and "equal" in f.note:
            wrong = "0"
        scaled = "" if f.size == size else f" (rate of {f.size:,})"
        print(
            f"| {f.peer} | {f.rate:,.0f}{scaled} | {f.seconds:.4f} | {_mib(f.peak)} | "
            f"{wrong} | {f.note} |"
        )
    rate = {f.peer: f.rate for f in figures}
    col = rate.get("columnar compute_columns")
    if col is None:
        return
    for name, fisca in rate.items():
        if name.startswith("OpenFisca"):
            print(f"columnar / {name}: {col / fisca:.2f}x (target ≥ 3x)")
    if "numpy float64" in rate:
        print(f"columnar / numpy float64: {col / rate['numpy float64']:.2f}x (target ≥ 0.5x)")
    if "compcalc Decimal engine" in rate:
        print(f"columnar / compcalc Decimal engine: {col / rate['compcalc Decimal engine']:.0f}x")
    peak = next(f.peak for f in figures if f.peer == "columnar compute_columns")
    if peak is not None:
        inputs = size * (4 + 8 * len(Measure))
        print(
            f"columnar peak memory {_mib(peak)} + inputs {_mib(inputs)} "
            f"(target ≤ 1 GiB at 1 100 000)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--sample", type=int, default=110_000, help="employees for Employee rows")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--peers", nargs="+", choices=PEERS, default=list(PEERS))
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc calls")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile of compute_columns at the last size"
    )
    args = parser.parse_args()

    scheme = bench_scheme()
    fisca = load_openfisca() if "openfisca" in args.peers else None
    print(
        f"peers on {engine_bench.PERIOD}, numpy {np.__version__}, Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs; sizes {args.sizes}, "
        f"best of {args.repeat}"
    )
    for size in args.sizes:
        figures = run_size(
            scheme, size, args.sample, args.repeat, args.peers, fisca, not args.no_trace
        )
        report(size, figures)
    if args.profile:
        cols = columns_of(population(args.sizes[-1]))
        compute_columns(scheme, engine_bench.PERIOD, cols)  # warm
        profile = cProfile.Profile()
        profile.enable()
        compute_columns(scheme, engine_bench.PERIOD, cols)
        profile.disable()
        print(f"\ncompute_columns on {args.sizes[-1]:,} employees, by own time:")
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    scale = 1 if sys.platform == "darwin" else 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    print(f"\nprocess peak RSS (ru_maxrss, every peer and size): {_mib(maxrss)}")


if __name__ == "__main__":
    main()
