"""Monte Carlo on examples/acme.yaml: known answers by hand, determinism, exact recomputation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.engine import Employee, Measure, Scheme, calculate
from app.engine.plan.population import Population, PopulationError, parse_population
from app.engine.plan.simstats import summarise, wilson
from app.engine.plan.simulate import simulate, simulation_rosters
from app.io import load_scheme

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def acme() -> Scheme:
    return load_scheme(str(ROOT / "examples" / "acme.yaml"), max_bytes=1 << 20).scheme


def _population(sales: Any, clients: Any, correlation: float = 0.0) -> Population:
    return parse_population(
        {
            "month": "2027-03",
            "teams": {
                "sales": {
                    "correlation": correlation,
                    "roles": {
                        "rep": {"headcount": 5, "attainment": {"new_revenue": sales}},
                        "head": {"headcount": 1},
                        "assistant_head": {"headcount": 1},
                    },
                },
                "clients": {
                    "roles": {
                        "rep": {"headcount": 4, "attainment": {"repeat_revenue": clients}},
                        "head": {"headcount": 1},
                    }
                },
            },
        }
    )


def _fixed(attainment: float) -> dict[str, Any]:
    return {"distribution": "normal", "mean": attainment, "spread": 0}


def test_everyone_at_target_pays_what_a_person_computes(acme: Scheme) -> None:
    # rep: 45 000 + 600 000 × 15% = 135 000; account manager 85 000 + 2 500 000 × 1.5% =
    # 122 500; head of sales 66 000 + 3% × 5 × 600 000 = 156 000; client head 120 000 +
    # 0.3% × 4 × 2 500 000 = 150 000; assistant 55 000 + 1% × 3 000 000 = 85 000.
    sim = simulate(acme, _population(_fixed(1.0), _fixed(1.0)), runs=20, seed=7)
    summary = summarise(sim)
    pay = {r.role: r.pay for r in summary.roles}
    assert pay["sales.rep"] == (Decimal("135000.00"),) * 3
    assert pay["clients.rep"] == (Decimal("122500.00"),) * 3
    assert pay["sales.head"] == (Decimal("156000.00"),) * 3
    assert pay["clients.head"] == (Decimal("150000.00"),) * 3
    for odds in summary.odds:
        assert odds.p_sales_out_earn == 1.0 and odds.p_sales_statistic_out_earn == 1.0
        # Wilson at p = 1, n = 20: [20 / (20 + z²), 1] = [0.8389, 1]
        assert odds.p_sales_out_earn_interval[0] == pytest.approx(0.83887, abs=1e-5)
    sales, clients = summary.departments
    # 5 × 135 000 + 156 000 + 85 000 = 916 000 on 3 000 000; 4 × 122 500 + 150 000 on 10 M
    assert (sales.expected_payroll, sales.p95_payroll) == (Decimal("916000.00"),) * 2
    assert sales.expected_revenue == Decimal("3000000.00")
    assert sales.payroll_share_of_revenue == Decimal("0.3053")
    assert (clients.expected_payroll, clients.payroll_share_of_revenue) == (
        Decimal("640000.00"),
        Decimal("0.0640"),
    )
    assert summary.total.expected_payroll == Decimal("1556000.00")


def test_half_the_quota_never_out_earns(acme: Scheme) -> None:
    # at 50%: 45 000 + 300 000 × 15% = 90 000 < 122 500; head 66 000 + 45 000 < 150 000
    summary = summarise(simulate(acme, _population(_fixed(0.5), _fixed(1.0)), runs=20, seed=1))
    for odds in summary.odds:
        assert odds.p_sales_out_earn == 0.0 and odds.p_sales_statistic_out_earn == 0.0
        low, high = odds.p_sales_out_earn_interval
        assert low == 0.0 and high == pytest.approx(3.8415 / 23.8415, abs=1e-4)


def test_wilson_interval_by_hand() -> None:
    # p = 0.5, n = 100: centre 0.5, half = 1.96 × sqrt(0.0025 + 0.000096) / 1.0384 = 0.0951
    low, high = wilson(50, 100)
    assert (round(low, 4), round(high, 4)) == (0.4038, 0.5962)


def test_same_seed_same_numbers(acme: Scheme) -> None:
    population = _population(
        {"distribution": "lognormal", "mean": 1.0, "spread": 0.35},
        {"distribution": "beta", "alpha": 5, "beta": 5, "scale": 2},
        correlation=0.3,
    )
    one = simulate(acme, population, runs=30, seed=42)
    two = simulate(acme, population, runs=30, seed=42)
    other = simulate(acme, population, runs=30, seed=43)
    assert np.array_equal(one.pay, two.pay) and summarise(one) == summarise(two)
    assert not np.array_equal(one.pay, other.pay)


def test_correlation_one_gives_one_attainment_per_department(acme: Scheme) -> None:
    population = _population(
        {"distribution": "normal", "mean": 1.0, "spread": 0.3},
        {"distribution": "normal", "mean": 1.0, "spread": 0.1},
        correlation=1.0,
    )
    sim = simulate(acme, population, runs=10, seed=3)
    reps = sim.attainment["new_revenue"][:, :5]
    assert np.all(reps == reps[:, :1]) and len(set(reps[:, 0])) == 10


def _acme_rep_lines(credited: Decimal) -> list[tuple[str, Decimal]]:
    """A sales rep's payslip under acme, by the file's rules (a full month)."""
    lines = [("base", Decimal("45000.00"))]
    if credited >= 300000:  # threshold 50% of 600 000
        commission = min(credited, Decimal(600000)) * Decimal("0.15")
        commission += max(credited - 600000, Decimal(0)) * Decimal("0.20")
        lines.append(("commission", min(commission, Decimal(250000)).quantize(Decimal("0.01"))))
    else:
        lines.append(("commission", Decimal("0.00")))
    if credited >= 720000:
        lines.append(("bonus", Decimal("15000.00")))
    return lines


def test_sampled_payslips_are_the_engines(acme: Scheme) -> None:
    population = _population(
        {"distribution": "lognormal", "mean": 1.0, "spread": 0.5},
        {"distribution": "normal", "mean": 1.0, "spread": 0.2},
    )
    sim = simulate(acme, population, runs=12, seed=5)
    rosters = list(simulation_rosters(acme, population, 12, 5))
    for run in (0, 5, 11):
        roster = rosters[run]
        for index in (0, 3):  # two sales reps: credited = attainment × 600 000, to the kopeck
            attainment = Decimal(repr(float(sim.attainment["new_revenue"][run, index])))
            credited = (attainment * 600000).quantize(Decimal("0.01"))
            assert roster[index].credited == {Measure.NEW_REVENUE: credited}
            rebuilt = [
                Employee(e.id, e.department, e.role, credited=dict(e.credited)) for e in roster
            ]
            slip = calculate(acme, sim.period, rebuilt).payslips[index]
            lines = [(line.code, line.amount) for line in slip.lines]
            assert lines == _acme_rep_lines(credited)
            assert int(slip.gross * 100) == sim.pay[run, index]
        payroll = calculate(acme, sim.period, roster)
        assert [int(s.gross * 100) for s in payroll.payslips] == list(sim.pay[run])


@pytest.mark.parametrize(
    ("change", "code", "where"),
    [
        (
            {"headcount": -1},
            "NEGATIVE_VALUE",
            ("teams", "sales", "roles", "rep", "headcount"),
        ),
        (
            {"attainment": {"new_revenue": {"distribution": "normal", "mean": 1}}},
            "MISSING_PARAMETER",
            ("teams", "sales", "roles", "rep", "attainment", "new_revenue", "spread"),
        ),
        (
            {"attainment": {"new_revenue": {"distribution": "lognormal", "mean": 1, "spread": -1}}},
            "NEGATIVE_VALUE",
            ("teams", "sales", "roles", "rep", "attainment", "new_revenue", "spread"),
        ),
    ],
)
def test_population_shape_problems(change: dict[str, Any], code: str, where: tuple[Any]) -> None:
    role = {"headcount": 5, "attainment": {"new_revenue": _fixed(1.0)}} | change
    with pytest.raises(PopulationError) as caught:
        parse_population({"teams": {"sales": {"roles": {"rep": role}}}})
    (problem,) = caught.value.problems
    assert (problem.code, problem.path) == (code, where)


@pytest.mark.parametrize(("attainment", "share"), [(0.4, 1.0), (1.0, 0.0)])
def test_how_often_the_minimum_wage_top_up_is_paid(attainment: float, share: float) -> None:
    # examples/small-company.yaml: a sales rep's base 25 000 is below the МРОТ 27 093. At 40% of
    # the 300 000 target (below the 50% threshold) the rep earns the base alone and is topped
    # up every month; at 100% 25 000 + 15% × 300 000 = 70 000, never.
    scheme = load_scheme(str(ROOT / "examples" / "small-company.yaml"), max_bytes=1 << 20).scheme
    fixed = {"distribution": "normal", "spread": 0}
    population = parse_population(
        {
            "month": "2026-03",
            "teams": {
                "sales": {
                    "roles": {
                        "rep": {
                            "headcount": 4,
                            "attainment": {"new_revenue": {**fixed, "mean": attainment}},
                        },
                        "head": {"headcount": 1},
                    }
                },
                "clients": {
                    "roles": {
                        "rep": {
                            "headcount": 3,
                            "attainment": {"repeat_revenue": {**fixed, "mean": 1.0}},
                        },
                        "head": {"headcount": 1},
                    }
                },
            },
        }
    )
    summary = summarise(simulate(scheme, population, runs=5, seed=1))
    topped = {r.role: r.p_minimum_wage_topup for r in summary.roles}
    assert topped["sales.rep"] == share
    assert topped["clients.rep"] == 0.0
    rep = next(r for r in summary.roles if r.role == "sales.rep")
    assert rep.pay[1] == (Decimal("27093.00") if share else Decimal("70000.00"))
