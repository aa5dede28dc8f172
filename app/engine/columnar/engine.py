"""The columnar engine's :func:`calculate`: the Decimal engine's contract, computed on arrays.

The checks, the roster's validation and the deals' crediting are the Decimal engine's own
(:func:`app.engine.calculate.prepare`); the numbers come from :func:`.compute.compute_columns`;
the report is :func:`app.engine.departments.payroll_report` over light rows made from them.
Payslips, with their lines and explanations, are made when they are read
(:class:`app.engine.results.LazyPayslips`) by the Decimal engine's own payslip builder, so
their text is the Decimal engine's by construction; each made payslip's gross and
full-time-equivalent gross are compared with the columns (a difference is an error, never a
silent second answer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final

from ..calculate import calculate_decimal, payslip_maker, prepare
from ..calendar import Period
from ..collector import collector_paused
from ..deals import Deal
from ..dealtypes import DealCredits
from ..departments import payroll_report
from ..money import EXACT, decimal_places, to_units
from ..parse import scheme_hash
from ..results import LazyPayslips, Payroll, Payslip
from ..roster import Employee
from ..scheme import Measure, Scheme
from ..version import ENGINE_VERSION
from .columns import roster_columns
from .compute import Columns, Overflow, compute_columns, exact_total

__all__ = ["calculate", "supports"]

_ONE: Final = Decimal(1)


def _amounts(scheme: Scheme) -> list[Decimal]:
    found = [entry.amount for entry in scheme.minimum_wage]
    for dept in scheme.departments.values():
        for role in dept.roles.values():
            found.append(role.base)
            found.extend(role.target.values())
            for rule in role.commission:
                found.extend(t.from_ for t in rule.tiers if t.from_ is not None)
                if rule.cap is not None:
                    found.append(rule.cap)
            found.extend(b.amount for b in role.bonuses)
            if role.draw is not None:
                found.append(role.draw.amount)
                if role.draw.recover_limit is not None:
                    found.append(role.draw.recover_limit)
    return found


def supports(scheme: Scheme, roster: Sequence[Employee], deals: Sequence[Deal] = ()) -> str | None:
    """None when the columnar engine computes this batch, else why the Decimal engine does.

    Overflow is decided later, from the batch's own maxima (:class:`.compute.Overflow`).
    """
    if deals:
        return "deals are credited by the Decimal engine"
    if not roster:
        return "an empty roster"
    digits = scheme.minor_units
    if any(decimal_places(amount) > digits for amount in _amounts(scheme)):
        return f"an amount of the scheme has more than {digits} decimals"
    return None


@dataclass(slots=True)
class _Row:
    """What the payroll report reads of a payslip."""

    employee_id: str
    department: str
    role: str
    gross: Decimal
    fte_gross: Decimal | None
    proration: str
    credited: Mapping[Measure, Decimal]


def _money(units: int, digits: int) -> Decimal:
    return Decimal(units).scaleb(-digits)


def _rows(roster: Sequence[Employee], out: Columns, digits: int) -> list[_Row]:
    gross = out.gross.tolist()
    fte_gross = out.fte_gross.tolist()
    has = out.has_fte_gross.tolist()
    rows = []
    for i, emp in enumerate(roster):
        full = (
            emp.fte == _ONE
            and emp.start_date is None
            and emp.end_date is None
            and not emp.unpaid_days
        )
        rows.append(
            _Row(
                emp.id,
                emp.department,
                emp.role,
                _money(gross[i], digits),
                _money(fte_gross[i], digits) if has[i] else None,
                "1" if full else "prorated",
                emp.credited,
            )
        )
    return rows


def _builder(
    scheme: Scheme,
    rules: Scheme,
    period: Period,
    roster: Sequence[Employee],
    credits: DealCredits,
    out: Columns,
) -> Callable[[int], Payslip]:
    made: list[Callable[[Employee], Payslip]] = []
    digits = scheme.minor_units

    def build(index: int) -> Payslip:
        if not made:
            with localcontext(EXACT):
                made.append(payslip_maker(scheme, rules, period, roster, credits))
        with localcontext(EXACT):
            slip = made[0](roster[index])
        fte = None if not out.has_fte_gross[index] else int(out.fte_gross[index])
        if to_units(slip.gross, digits) != int(out.gross[index]) or fte != (
            None if slip.fte_gross is None else to_units(slip.fte_gross, digits)
        ):
            raise AssertionError(f"the engines differ on employee {slip.employee_id!r}")
        return slip

    return build


def calculate(
    scheme: Scheme,
    period: Period,
    roster: Sequence[Employee],
    deals: Sequence[Deal] = (),
    *,
    check: bool = True,
    checked: Scheme | None = None,
) -> Payroll:
    """:func:`app.engine.calculate` on the columnar engine; the Decimal engine computes
    what :func:`supports` refuses and a batch that could overflow (``Payroll.engine``)."""
    reason = supports(scheme, roster, deals)
    if reason is None and checked is not None:
        reason = supports(checked, roster, deals)
    if reason is not None:
        return calculate_decimal(scheme, period, roster, deals, check=check, checked=checked)
    rules, findings, credits = prepare(scheme, period, roster, deals, check=check, checked=checked)
    digits = scheme.minor_units
    try:
        columns = roster_columns(scheme, period, roster, rules)
        out = compute_columns(scheme, period, columns)
        total = exact_total(out.gross)
    except Overflow:
        return calculate_decimal(scheme, period, roster, deals, check=check, checked=checked)
    with localcontext(EXACT), collector_paused():
        report = payroll_report(rules, _rows(roster, out, digits))  # type: ignore[arg-type]
    findings.extend(credits.findings)
    findings.extend(report.findings)
    slips = LazyPayslips(
        [emp.id for emp in roster],
        _builder(scheme, rules, period, roster, credits, out),
        _money(total, digits),
    )
    return Payroll(
        scheme.key,
        scheme_hash(scheme),
        ENGINE_VERSION,
        period,
        scheme.currency,
        digits,
        slips,
        tuple(findings),
        report,
        credits.credited_deals,
        engine="columnar",
    )
