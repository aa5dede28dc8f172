"""A simulation's figures as JSON (``compcalc simulate --format json``, ``POST /v1/simulations``)
and as text. Amounts are strings with exactly the currency's minor digits; probabilities and
attainments are numbers rounded to 4 decimals."""

from __future__ import annotations

import json
from typing import Any

from app.engine import format_amount, format_fixed, format_percent
from app.engine.plan.simstats import Cost, Summary
from app.engine.plan.simulate import Simulation

__all__ = ["INTERVAL", "simulation_document", "simulation_json", "simulation_text"]

#: How every probability's interval is computed (docs/plan-design.md "Monte Carlo").
INTERVAL = "wilson-95"


def _p(value: float) -> float:
    return round(value, 4)


def _cost(cost: Cost, digits: int) -> dict[str, Any]:
    share = cost.payroll_share_of_revenue
    return {
        **({"department": cost.department} if cost.department is not None else {}),
        "headcount": cost.headcount,
        "expected_payroll": format_fixed(cost.expected_payroll, digits),
        "p95_payroll": format_fixed(cost.p95_payroll, digits),
        "expected_revenue": format_fixed(cost.expected_revenue, digits),
        "payroll_share_of_revenue": None if share is None else str(share),
    }


def simulation_document(sim: Simulation, summary: Summary) -> dict[str, Any]:
    digits = sim.minor_units
    return {
        "scheme": {"key": sim.scheme_key, "hash": sim.scheme_hash},
        "engine_version": sim.engine_version,
        "currency": sim.currency,
        "period": str(sim.period),
        "runs": sim.runs,
        "seed": sim.seed,
        "employees": len(sim.columns),
        "payslips": sim.runs * len(sim.columns),
        "interval": INTERVAL,
        "comparisons": [
            {
                "sales_role": o.sales_role,
                "client_role": o.client_role,
                "p_sales_out_earn": _p(o.p_sales_out_earn),
                "p_sales_out_earn_interval": [_p(v) for v in o.p_sales_out_earn_interval],
                "statistic": o.statistic,
                "p_sales_statistic_out_earn": _p(o.p_sales_statistic_out_earn),
                "p_sales_statistic_out_earn_interval": [
                    _p(v) for v in o.p_sales_statistic_out_earn_interval
                ],
            }
            for o in summary.odds
        ],
        "roles": [
            {
                "role": r.role,
                "headcount": r.headcount,
                "pay": dict(
                    zip(
                        ("p10", "p50", "p90"), (format_fixed(v, digits) for v in r.pay), strict=True
                    )
                ),
                "attainment": {
                    m: dict(zip(("p10", "p50", "p90"), (_p(v) for v in values), strict=True))
                    for m, values in r.attainment.items()
                },
                "p_minimum_wage_topup": _p(r.p_minimum_wage_topup),
            }
            for r in summary.roles
        ],
        "departments": [_cost(c, digits) for c in summary.departments],
        "total": _cost(summary.total, digits),
    }


def simulation_json(sim: Simulation, summary: Summary) -> str:
    return json.dumps(simulation_document(sim, summary), ensure_ascii=False, indent=2) + "\n"


def _n(count: int) -> str:
    return f"{count:,}".replace(",", " ")


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def simulation_text(sim: Simulation, summary: Summary) -> str:
    digits = sim.minor_units
    lines = [
        f"{sim.scheme_key} {sim.period}: {_n(sim.runs)} runs × {_n(len(sim.columns))} "
        f"employees = {_n(sim.runs * len(sim.columns))} payslips (seed {sim.seed}, "
        f"{sim.currency})",
        "",
        "Does sales out-earn the client department? (95% Wilson intervals)",
    ]
    for o in summary.odds:
        lo, hi = o.p_sales_out_earn_interval
        s_lo, s_hi = o.p_sales_statistic_out_earn_interval
        lines.append(
            f"  {o.sales_role} vs {o.client_role}: a random pair {_pct(o.p_sales_out_earn)} "
            f"[{_pct(lo)}, {_pct(hi)}]; the {o.statistic}s "
            f"{_pct(o.p_sales_statistic_out_earn)} [{_pct(s_lo)}, {_pct(s_hi)}]"
        )
    if not summary.odds:
        lines.append("  no comparable role pair is simulated")
    lines += ["", "Pay and attainment per role (p10 / p50 / p90)"]
    for r in summary.roles:
        pay = " / ".join(format_amount(v, digits) for v in r.pay)
        text = f"  {r.role} ({r.headcount}): pay {pay}"
        for measure, values in r.attainment.items():
            text += f"; {measure} " + " / ".join(_pct(v) for v in values)
        if r.p_minimum_wage_topup:
            text += f"; topped up to the minimum wage in {_pct(r.p_minimum_wage_topup)}"
        lines.append(text)
    lines += ["", "Cost per period: expected payroll, p95 payroll, expected revenue, share"]
    for c in [*summary.departments, summary.total]:
        share = c.payroll_share_of_revenue
        lines.append(
            f"  {c.department or 'total'}: {format_amount(c.expected_payroll, digits)}, "
            f"{format_amount(c.p95_payroll, digits)}, {format_amount(c.expected_revenue, digits)}"
            f", {'-' if share is None else format_percent(share)}"
        )
    return "\n".join(lines) + "\n"
