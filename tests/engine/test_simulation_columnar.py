"""The simulation on the columnar engine gives the Decimal engine's numbers, run for run.

Each case simulates twice with the same seed: as :func:`simulate` does (blocks of runs on the
columnar engine) and with ``columnar=False`` (one Decimal ``calculate`` per run, the path of a
scheme the columnar engine does not compute), and compares every array.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from app.engine import InputError, Scheme, parse_scheme
from app.engine.calendar import Period
from app.engine.columnar import Overflow, RosterColumns, compute_columns, role_keys
from app.engine.columnar.runs import compute_runs, stackable
from app.engine.plan import simulate as simulate_module
from app.engine.plan.population import Population, parse_population
from app.engine.plan.simcolumns import ColumnarRuns
from app.engine.plan.simstats import _pair_share, summarise
from app.engine.plan.simulate import Simulation, simulate, simulation_rosters
from app.engine.scheme import Measure
from app.io import load_scheme
from app.io.population import load_population

ROOT = Path(__file__).resolve().parents[2]
MARCH = Period.parse("2027-03")


def _document(name: str) -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load((ROOT / "examples" / name).read_text("utf-8"))
    return found


@pytest.fixture(scope="module")
def acme() -> Scheme:
    return load_scheme(str(ROOT / "examples" / "acme.yaml"), max_bytes=1 << 20).scheme


def _acme_population(sales: Any, clients: Any, correlation: float = 0.0) -> Population:
    return parse_population(
        {
            "month": "2027-03",
            "teams": {
                "sales": {
                    "correlation": correlation,
                    "roles": {
                        "rep": {"headcount": 7, "attainment": {"new_revenue": sales}},
                        "head": {"headcount": 1},
                        "assistant_head": {"headcount": 2},
                    },
                },
                "clients": {
                    "correlation": 0.4,
                    "roles": {
                        "rep": {"headcount": 6, "attainment": {"repeat_revenue": clients}},
                        "head": {"headcount": 1},
                    },
                },
                "development": {
                    "roles": {
                        "key_account": {
                            "headcount": 3,
                            "attainment": {
                                "growth_revenue": {
                                    "distribution": "empirical",
                                    "amounts": ["0", "850000.50", "1000000", "2400000.01"],
                                }
                            },
                        }
                    }
                },
            },
        }
    )


def _normal(mean: float, spread: float) -> dict[str, Any]:
    return {"distribution": "normal", "mean": mean, "spread": spread}


def _both(
    scheme: Scheme,
    population: Population,
    runs: int,
    seed: int,
    checked: Scheme | None = None,
) -> tuple[Simulation, Simulation]:
    fast = simulate(scheme, population, runs=runs, seed=seed, checked=checked)
    slow = simulate(scheme, population, runs=runs, seed=seed, checked=checked, columnar=False)
    assert slow.columnar_runs == 0
    return fast, slow


def _same(fast: Simulation, slow: Simulation) -> None:
    assert np.array_equal(fast.pay, slow.pay)
    assert np.array_equal(fast.revenue, slow.revenue)
    assert np.array_equal(fast.topped, slow.topped)
    assert fast.holds.keys() == slow.holds.keys()
    for pair, held in fast.holds.items():
        assert np.array_equal(held, slow.holds[pair]), pair
    assert summarise(fast) == summarise(slow)


def test_the_example_population_is_the_decimal_engines(acme: Scheme) -> None:
    path = str(ROOT / "examples" / "acme-population.yaml")
    population = load_population(path, acme, max_bytes=1 << 20)
    fast, slow = _both(acme, population, 300, 11)
    assert fast.columnar_runs == 300
    _same(fast, slow)


@pytest.mark.parametrize(
    ("sales", "correlation"),
    [
        ({"distribution": "lognormal", "mean": 1.0, "spread": 0.6}, 0.3),
        ({"distribution": "beta", "alpha": 2, "beta": 3, "scale": 2.5}, -0.1),
        ({"distribution": "normal", "mean": 0.5, "spread": 0}, 0.0),  # at the threshold
        ({"distribution": "normal", "mean": 1.2, "spread": 0.05}, 1.0),  # at the bonus
    ],
)
def test_every_distribution_pays_the_decimal_engines_payslips(
    acme: Scheme, sales: dict[str, Any], correlation: float
) -> None:
    population = _acme_population(sales, _normal(1.0, 0.15), correlation)
    fast, slow = _both(acme, population, 150, 5)
    assert fast.columnar_runs == 150
    _same(fast, slow)


@pytest.mark.parametrize(("rounding", "units"), [("half_up", 30000001), ("half_even", 30000000)])
def test_a_credited_half_kopeck_rounds_as_the_scheme_says(rounding: str, units: int) -> None:
    # 0.5 × 600 000.01 = 300 000.005: exactly half a kopeck, rounded by the scheme's rule
    doc = _document("acme.yaml")
    doc["rounding"] = rounding
    doc["departments"]["sales"]["roles"]["rep"]["target"] = {"new_revenue": "600000.01"}
    scheme = parse_scheme(doc)
    half = {"distribution": "normal", "mean": 0.5, "spread": 0}
    population = _acme_population(half, {"distribution": "normal", "mean": 1, "spread": 0.1})
    fast, slow = _both(scheme, population, 20, 3)
    assert fast.columnar_runs == 20
    assert list(fast.revenue[:, 0]) == [units] * 20
    _same(fast, slow)
    roster = next(iter(simulation_rosters(scheme, population, 1, 3)))
    assert roster[0].credited == {Measure.NEW_REVENUE: Decimal(units).scaleb(-2)}


def test_the_minimum_wage_and_the_mean_statistic() -> None:
    # examples/small-company.yaml tops a rep's base 25 000 up to the МРОТ 27 093 when the
    # commission is small; here the roles are compared on their mean pay
    doc = _document("small-company.yaml")
    doc.setdefault("policy", {})["earnings_order"] = {"attainment": 1.0, "statistic": "mean"}
    scheme = parse_scheme(doc)
    population = parse_population(
        {
            "month": "2026-03",
            "teams": {
                "sales": {
                    "roles": {
                        "rep": {
                            "headcount": 5,
                            "attainment": {"new_revenue": _normal(0.6, 0.3)},
                        },
                        "head": {"headcount": 1},
                    }
                },
                "clients": {
                    "roles": {
                        "rep": {
                            "headcount": 4,
                            "attainment": {"repeat_revenue": _normal(1.0, 0.2)},
                        },
                        "head": {"headcount": 1},
                    }
                },
            },
        }
    )
    fast, slow = _both(scheme, population, 200, 8)
    assert fast.statistic == "mean" and fast.columnar_runs == 200
    assert 0 < fast.topped[:, :5].mean() < 1  # some months topped up, some not
    _same(fast, slow)


def test_a_block_that_could_overflow_is_the_decimal_engines(
    acme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    population = _acme_population(
        {"distribution": "lognormal", "mean": 1.0, "spread": 0.4},
        {"distribution": "normal", "mean": 1.0, "spread": 0.1},
    )
    real = ColumnarRuns.pay
    calls: list[int] = []

    def second_overflows(self: ColumnarRuns, credited: dict[Measure, Any]) -> Any:
        calls.append(len(calls))
        if len(calls) == 2:
            raise Overflow("the test's")
        return real(self, credited)

    monkeypatch.setattr(simulate_module, "BLOCK_PAYSLIPS", 20 * 20)  # 20 runs of 20 people
    monkeypatch.setattr(ColumnarRuns, "pay", second_overflows)
    fast, slow = _both(acme, population, 70, 2)
    assert fast.columnar_runs == 50 and len(calls) == 4  # blocks of 20, 20, 20, 10
    _same(fast, slow)


def test_an_amount_the_roster_refuses_is_refused_as_before() -> None:
    # 3 × 5 000 000 000 000 = 1.5 × 10^13 credited: above 10^13, AMOUNT_TOO_LARGE
    doc = _document("acme.yaml")
    doc["departments"]["sales"]["roles"]["rep"]["target"] = {"new_revenue": 5 * 10**12}
    doc["departments"]["sales"]["roles"]["rep"]["commission"][0].pop("cap")
    scheme = parse_scheme(doc)
    population = _acme_population(
        {"distribution": "normal", "mean": 1.0, "spread": 0.8},
        {"distribution": "normal", "mean": 1.0, "spread": 0.1},
    )
    errors = []
    for columnar in (True, False):
        with pytest.raises(InputError) as caught:
            simulate(scheme, population, runs=200, seed=1, columnar=columnar)
        errors.append([(p.code, p.message) for p in caught.value.problems])
    assert errors[0] == errors[1] and errors[0][0][0] == "AMOUNT_TOO_LARGE"


def test_stacked_runs_pay_each_run_its_own_department_total(acme: Scheme) -> None:
    # two runs of the same six people, computed one run at a time and stacked
    keys = role_keys(acme)
    role = np.array([keys.index(k) for k in [("sales", "rep")] * 3 + [("sales", "head")] * 2
                     + [("clients", "head")]], dtype=np.int32)  # fmt: skip
    new = np.array([[60_000_000, 30_000_000, 0, 0, 0, 0], [1, 2, 3, 0, 0, 0]], dtype=np.int64)
    stacked = compute_runs(acme, MARCH, role, {Measure.NEW_REVENUE: new})
    for run in range(2):
        credited = {m: np.zeros(6, dtype=np.int64) for m in Measure} | {
            Measure.NEW_REVENUE: new[run]
        }
        alone = compute_columns(acme, MARCH, RosterColumns(role, credited))
        assert list(stacked.gross[run]) == list(alone.gross)
    # run 0: the head is paid 66 000 + 3 % × 900 000 = 93 000; run 1: 66 000 + 3 % × 0.06
    assert stacked.gross[0, 3] == 9_300_000 and stacked.gross[1, 3] == 6_600_000


def test_a_head_paid_on_its_own_column_is_not_stacked() -> None:
    doc = _document("acme.yaml")
    head = doc["departments"]["sales"]["roles"]["head"]
    head["target"] = {"new_revenue": 100000}
    head["commission"] = [{"measure": "new_revenue", "tiers": [{"from": 0, "rate": 0.01}]}]
    assert stackable(parse_scheme(doc)) == (
        "sales.head is paid on its own new_revenue beside the team's"
    )


@pytest.mark.parametrize("spread", [3, 2**60])  # one search over all runs; run by run
def test_the_pair_share_counts_every_pair_with_the_sales_pay_higher(spread: int) -> None:
    gen = np.random.default_rng(4)
    # 600 runs: three searches of at most 256 runs; small ranges: many equal pays (not higher)
    sales = gen.integers(0, 6, (600, 4)) * spread
    client = gen.integers(0, 6, (600, 3)) * spread
    by_pair = (sales[:, :, None] > client[:, None, :]).sum()
    assert _pair_share(sales, client) == by_pair / (600 * 4 * 3)


def test_retroactive_tiers_a_draw_and_half_even_pay_the_decimal_engines() -> None:
    # the rep's tiers retroactive, a guaranteed draw of 60 000 on the variable pay, the key
    # account's bonus at 150 % of growth, and halves to even: every line kind the columnar
    # engine has beside those of acme itself
    doc = _document("acme.yaml")
    doc["rounding"] = "half_even"
    rep = doc["departments"]["sales"]["roles"]["rep"]
    rep["commission"][0]["mode"] = "retroactive"
    rep["draw"] = {"amount": 60000, "recoverable": False}
    key = doc["departments"]["development"]["roles"]["key_account"]
    key["bonuses"] = [{"attainment": 1.5, "amount": 20000}]
    scheme = parse_scheme(doc)
    population = _acme_population(
        {"distribution": "lognormal", "mean": 0.9, "spread": 0.5}, _normal(1.0, 0.2)
    )
    fast, slow = _both(scheme, population, 200, 9)
    assert fast.columnar_runs == 200
    # a rep below the threshold is paid the base and the draw: 45 000 + 60 000
    assert (fast.pay[:, :7] == 10_500_000).any()
    # 2 400 000.01 of growth: 95 000 + 5 % × 1 000 000 + 8 % × 1 400 000.01 (cap 100 000)
    # + 20 000 = 215 000 (the cap: at most twice the 50 000 at target)
    assert (fast.pay[:, -3:] == 21_500_000).any()
    _same(fast, slow)
