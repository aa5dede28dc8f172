"""A simulation's figures as JSON (``compcalc simulate --format json``, ``POST /v1/simulations``)
and as text. Amounts are strings with exactly the currency's minor digits; probabilities and
attainments are numbers rounded to 4 decimals."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from babel.numbers import format_percent as format_percent_cldr

from app.engine import format_amount, format_fixed, format_percent
from app.engine.plan.simstats import Cost, Summary
from app.engine.plan.simulate import Simulation
from app.i18n import translation

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


class _Words:
    """The numbers of the text in one language: English keeps the house style (``45 000.00``,
    ``56.6%``), Russian takes CLDR's (``45 000,00``, ``56,6 %``)."""

    def __init__(self, lang: str, digits: int) -> None:
        self.lang, self.digits = lang, digits
        self._ = translation(lang).gettext

    def n(self, count: int) -> str:
        if self.lang == "en":
            return f"{count:,}".replace(",", " ")
        return format_decimal(count, locale=self.lang)

    def pct(self, value: float) -> str:
        if self.lang == "en":
            return f"{value * 100:.1f}%"
        return format_percent_cldr(value, "#,##0.0\u00a0%", locale=self.lang)

    def money(self, amount: Decimal) -> str:
        if self.lang == "en":
            return format_amount(amount, self.digits)
        pattern = "#,##0" + ("." + "0" * self.digits if self.digits else "")
        return format_decimal(amount, pattern, locale=self.lang, decimal_quantization=False)

    def share(self, rate: Decimal) -> str:
        if self.lang == "en":
            return format_percent(rate)
        return format_percent_cldr(rate, locale=self.lang, decimal_quantization=False)


def simulation_text(sim: Simulation, summary: Summary, lang: str = "en") -> str:
    """The figures for a person, in ``lang`` (ru or en)."""
    w = _Words(lang, sim.minor_units)
    _ = w._
    lines = [
        _(
            "{scheme} {period}: {runs} runs × {employees} employees = {payslips} payslips "
            "(seed {seed}, {currency})"
        ).format(
            scheme=sim.scheme_key,
            period=sim.period,
            runs=w.n(sim.runs),
            employees=w.n(len(sim.columns)),
            payslips=w.n(sim.runs * len(sim.columns)),
            seed=sim.seed,
            currency=sim.currency,
        ),
        "",
        _("Does sales out-earn the client department? (95% Wilson intervals)"),
    ]
    for o in summary.odds:
        lo, hi = o.p_sales_out_earn_interval
        s_lo, s_hi = o.p_sales_statistic_out_earn_interval
        statistic = _("the medians") if o.statistic == "median" else _("the means")
        lines.append(
            "  "
            + _(
                "{sales} vs {client}: a random pair {p} [{lo}, {hi}]; {statistic} {ps} "
                "[{slo}, {shi}]"
            ).format(
                sales=o.sales_role,
                client=o.client_role,
                p=w.pct(o.p_sales_out_earn),
                lo=w.pct(lo),
                hi=w.pct(hi),
                statistic=statistic,
                ps=w.pct(o.p_sales_statistic_out_earn),
                slo=w.pct(s_lo),
                shi=w.pct(s_hi),
            )
        )
    if not summary.odds:
        lines.append("  " + _("no comparable role pair is simulated"))
    lines += ["", _("Pay and attainment per role (p10 / p50 / p90)")]
    for r in summary.roles:
        pay = " / ".join(w.money(v) for v in r.pay)
        text = "  " + _("{role} ({headcount}): pay {pay}").format(
            role=r.role, headcount=r.headcount, pay=pay
        )
        for measure, values in r.attainment.items():
            text += f"; {measure} " + " / ".join(w.pct(v) for v in values)
        if r.p_minimum_wage_topup:
            text += "; " + _("topped up to the minimum wage in {share}").format(
                share=w.pct(r.p_minimum_wage_topup)
            )
        lines.append(text)
    lines += ["", _("Cost per period: expected payroll, p95 payroll, expected revenue, share")]
    for c in [*summary.departments, summary.total]:
        share = c.payroll_share_of_revenue
        figures = _("{payroll}, {p95}, {revenue}, {share}").format(
            payroll=w.money(c.expected_payroll),
            p95=w.money(c.p95_payroll),
            revenue=w.money(c.expected_revenue),
            share="-" if share is None else w.share(share),
        )
        name = c.department or _("total")
        lines.append(f"  {name}: {figures}")
    return "\n".join(lines) + "\n"
