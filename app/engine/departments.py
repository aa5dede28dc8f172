"""The payroll's own earnings check: per-department figures and EARNINGS_ORDER_ACTUAL.

The scheme's EARNINGS_ORDER says sales *should* out-earn client staff at target; this
report says whether they *did* in a real period, by how much, and who did not.
Prorated employees (part-time, part-period) are compared on their full-time-equivalent
pay (gross ÷ proration factor).  The report's types are in :mod:`.results`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from .findings import Finding
from .money import format_amount, format_decimal, round_money
from .results import Comparison, DepartmentFigures, PayrollReport, Payslip, Shortfall
from .scheme import Scheme
from .structure import comparable_pairs

__all__ = ["payroll_report"]

_ZERO: Final = Decimal(0)
_RATIO: Final = Decimal("0.0001")


def _median(values: list[Decimal], digits: int, scheme: Scheme) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round_money(ordered[middle - 1] + ordered[middle], digits, scheme.rounding, 2)


def _statistic(kind: str, values: list[Decimal], digits: int, scheme: Scheme) -> Decimal:
    if kind == "mean":
        return round_money(sum(values, _ZERO), digits, scheme.rounding, len(values))
    return _median(values, digits, scheme)


def _department(scheme: Scheme, name: str, slips: list[Payslip]) -> DepartmentFigures:
    digits = scheme.minor_units
    gross = [slip.gross for slip in slips]
    total = sum(gross, _ZERO)
    revenue = sum((sum(s.credited.values(), _ZERO) for s in slips), _ZERO)
    share = (total / revenue).quantize(_RATIO) if revenue > 0 else None
    return DepartmentFigures(
        name,
        scheme.departments[name].kind.value,
        len(slips),
        total,
        _statistic("mean", gross, digits, scheme),
        _median(gross, digits, scheme),
        min(gross),
        max(gross),
        revenue,
        share,
    )


def payroll_report(scheme: Scheme, slips: Sequence[Payslip]) -> PayrollReport:
    digits = scheme.minor_units
    by_department: dict[str, list[Payslip]] = {}
    by_role: dict[tuple[str, str], list[Payslip]] = {}
    for slip in slips:
        by_department.setdefault(slip.department, []).append(slip)
        by_role.setdefault((slip.department, slip.role), []).append(slip)
    departments = tuple(
        _department(scheme, name, by_department[name])
        for name in scheme.departments
        if name in by_department
    )
    statistic = scheme.policy.earnings_order.statistic
    comparisons, findings = [], []
    for s_dept, s_name, _, c_dept, c_name, _ in comparable_pairs(scheme):
        sales = [s for s in by_role.get((s_dept, s_name), []) if s.fte_gross is not None]
        client = [s for s in by_role.get((c_dept, c_name), []) if s.fte_gross is not None]
        if not sales or not client:
            continue
        sales_values = [s.fte_gross for s in sales if s.fte_gross is not None]
        client_values = [s.fte_gross for s in client if s.fte_gross is not None]
        s_value = _statistic(statistic, sales_values, digits, scheme)
        c_value = _statistic(statistic, client_values, digits, scheme)
        below = tuple(
            Shortfall(s.employee_id, s.fte_gross, c_value - s.fte_gross)
            for s in sales
            if s.fte_gross is not None and s.fte_gross < c_value
        )
        prorated = sum(1 for s in [*sales, *client] if s.proration != "1")
        comparison = Comparison(
            f"{s_dept}.{s_name}",
            f"{c_dept}.{c_name}",
            statistic,
            s_value,
            c_value,
            s_value - c_value,
            s_value > c_value,
            below,
            prorated,
        )
        comparisons.append(comparison)
        if not comparison.holds:
            findings.append(_actual_finding(comparison, digits))
    return PayrollReport(departments, tuple(comparisons), tuple(findings))


def _actual_finding(c: Comparison, digits: int) -> Finding:
    names = ", ".join(
        f"{b.employee_id} ({format_amount(b.fte_gross, digits)}, "
        f"{format_amount(b.difference, digits)} less)"
        for b in c.below
    )
    fte = " (full-time-equivalent pay)" if c.prorated else ""
    return Finding(
        "EARNINGS_ORDER_ACTUAL",
        "warning",
        ("payroll", c.sales_role),
        f"this period the {c.statistic} pay{fte} of {c.sales_role} "
        f"{format_amount(c.sales_value, digits)} is not above {c.client_role}'s "
        f"{format_amount(c.client_value, digits)}; "
        + (f"below the client {c.statistic}: {names}" if names else "but nobody is below it"),
        {"sales": format_decimal(c.sales_value), "client": format_decimal(c.client_value)},
    )
