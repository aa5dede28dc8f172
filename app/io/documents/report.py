"""The department report as a printable HTML document.

Per department: headcount, payroll, revenue and the payroll as a share of the revenue (the
article's argument: a sales department that brings 10 million costs a payroll of 1–2 million);
per comparison of a sales role with a client role: whether sales out-earned client staff this
period, and everyone below the line; and a chart of the pay per department and role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.i18n import translation

from .amounts import format_amount, format_day, format_period, format_share
from .chart import pay_chart
from .labels import SchemeLabels
from .render import render_template

__all__ = ["report_html"]


def _texts(lang: str) -> dict[str, str]:
    _ = translation(lang).gettext
    return {
        "title": _("Department report"),
        "period": _("Period"),
        "departments": _("Departments"),
        "department": _("Department"),
        "headcount": _("Employees"),
        "payroll": _("Payroll"),
        "revenue": _("Revenue"),
        "share": _("Payroll as a share of revenue"),
        "median": _("Median pay"),
        "no_revenue": _("no revenue"),
        "total": _("Total"),
        "comparisons": _("Did sales out-earn client staff?"),
        "sales": _("Sales role"),
        "client": _("Client role"),
        "yes": _("yes"),
        "no": _("no"),
        "result": _("Result"),
        "difference": _("Difference"),
        "below": _("Below the line"),
        "employee": _("Employee"),
        "fte_gross": _("Full-time pay"),
        "short": _("Short of the client statistic by"),
        "nobody": _("Nobody is below the line."),
        "no_comparisons": _("The scheme compares no sales role with a client role."),
        "chart": _("Pay per department and role"),
        "median_statistic": _("median pay"),
        "mean_statistic": _("mean pay"),
        "prorated": _("Compared on full-time-equivalent pay: {count} employee(s) prorated."),
    }


def _role_label(qualified: str, labels: SchemeLabels) -> str:
    department, _, role = qualified.partition(".")
    return f"{labels.department(department)}: {labels.role(department, role)}"


def report_html(
    envelope: Mapping[str, Any],
    slips: Iterable[Mapping[str, Any]],
    labels: SchemeLabels,
    lang: str,
) -> str:
    """The report of the payroll ``envelope`` (its ``report``), its chart drawn from ``slips``."""
    slips = list(slips)
    currency, digits = envelope["currency"], int(envelope["minor_units"])
    texts = _texts(lang)
    names = {slip["employee_id"]: slip["name"] for slip in slips}

    def amount(value: str) -> str:
        return format_amount(value, currency, digits, lang)

    report = envelope.get("report") or {}
    departments = [
        {
            "name": labels.department(d["department"]),
            "headcount": d["employees"],
            "payroll": amount(d["payroll"]),
            "revenue": amount(d["revenue"]),
            "share": texts["no_revenue"]
            if d["payroll_share"] is None
            else format_share(d["payroll_share"], lang),
            "median": amount(d["median"]),
        }
        for d in report.get("departments", [])
    ]
    comparisons = [
        {
            "sales": _role_label(c["sales_role"], labels),
            "client": _role_label(c["client_role"], labels),
            "statistic": texts.get(f"{c['statistic']}_statistic", c["statistic"]),
            "sales_value": amount(c["sales"]),
            "client_value": amount(c["client"]),
            "difference": amount(c["difference"]),
            "holds": c["holds"],
            "prorated": texts["prorated"].format(count=c["prorated"]) if c["prorated"] else "",
            "below": [
                {
                    "employee_id": b["employee_id"],
                    "name": names.get(b["employee_id"], ""),
                    "fte_gross": amount(b["fte_gross"]),
                    "difference": amount(b["difference"]),
                }
                for b in c["below"]
            ],
        }
        for c in report.get("comparisons", [])
    ]
    period = envelope["period"]
    return render_template(
        "report.html",
        lang=lang,
        t=texts,
        company=labels.name,
        period=format_period(period, lang),
        period_days=f"{format_day(period, False, lang)} – {format_day(period, True, lang)}",
        departments=departments,
        total_headcount=sum(d["employees"] for d in report.get("departments", [])),
        total=amount(envelope["total"]),
        comparisons=comparisons,
        chart=pay_chart(slips, labels, currency, lang) if slips else None,
    )
