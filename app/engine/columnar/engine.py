"""The columnar engine's :func:`calculate`: the Decimal engine's contract, computed on arrays.

The checks and the roster's validation are the Decimal engine's own
(:func:`app.engine.calculate.check_inputs`); deals are credited in columns
(:func:`.deals.credit_columns`, which hands a batch it cannot prove exact to the Decimal
crediting); the numbers come from :func:`.compute.compute_columns`; the report is
:func:`app.engine.departments.payroll_report` over light rows made from them.
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

import numpy as np
from numpy.typing import NDArray

from ..calculate import calculate_decimal, check_inputs, payslip_maker
from ..calendar import Period
from ..collector import collector_paused
from ..deals import Deal, credit_deals
from ..dealtypes import DealCredits
from ..departments import payroll_report
from ..findings import InputError, Problem
from ..money import EXACT, decimal_places, to_units
from ..parse import scheme_hash
from ..results import LazyPayslips, Payroll, Payslip
from ..roster import Employee
from ..scheme import Measure, Scheme
from ..version import ENGINE_VERSION
from .columns import MEASURES, RosterColumns, roster_columns
from .compute import Columns, Overflow, compute_columns, exact_total
from .deals import ColumnCredits, credit_columns
from .deals_columns import DealColumns
from .explain import ColumnarRun
from .rounding import LIMIT

__all__ = ["calculate", "supports"]

_ONE: Final = Decimal(1)
_ZERO: Final = Decimal(0)


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
    Any ``deals`` are credited in columns; what the columnar crediting cannot prove exact it
    credits with the Decimal crediting (:func:`.deals.credit_columns`), so deals never send
    the payroll to the Decimal engine.
    """
    del deals  # accepted: see above
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


def _merged(
    roster: Sequence[Employee], credits: ColumnCredits | None, digits: int
) -> list[Mapping[Measure, Decimal]]:
    """Each employee's credited amounts with the deals', merged as the Decimal engine does."""
    merged: list[Mapping[Measure, Decimal]] = [emp.credited for emp in roster]
    if credits is None:
        return merged
    for i in np.flatnonzero(credits.credited.any(axis=1)).tolist():
        amounts = dict(roster[i].credited)
        for m in np.flatnonzero(credits.credited[i]).tolist():
            measure = MEASURES[m]
            deal = _money(int(credits.totals[i, m]), digits)
            amounts[measure] = amounts.get(measure, _ZERO) + deal
        merged[i] = amounts
    return merged


def _rows(
    roster: Sequence[Employee],
    out: Columns,
    digits: int,
    credited: Sequence[Mapping[Measure, Decimal]],
) -> list[_Row]:
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
                credited[i],
            )
        )
    return rows


def _builder(
    scheme: Scheme,
    rules: Scheme,
    period: Period,
    roster: Sequence[Employee],
    credits: Callable[[], DealCredits],
    out: Columns,
) -> Callable[[int], Payslip]:
    made: list[Callable[[Employee], Payslip]] = []
    digits = scheme.minor_units

    def build(index: int) -> Payslip:
        if not made:
            with localcontext(EXACT), collector_paused():
                made.append(payslip_maker(scheme, rules, period, roster, credits()))
        with localcontext(EXACT):
            slip = made[0](roster[index])
        fte = None if not out.has_fte_gross[index] else int(out.fte_gross[index])
        if to_units(slip.gross, digits) != int(out.gross[index]) or fte != (
            None if slip.fte_gross is None else to_units(slip.fte_gross, digits)
        ):
            raise AssertionError(f"the engines differ on employee {slip.employee_id!r}")
        return slip

    return build


def _credit(
    scheme: Scheme,
    period: Period,
    roster: Sequence[Employee],
    deals: Sequence[Deal],
    problems: list[Problem],
) -> ColumnCredits | None:
    """The deals credited in columns (None without deals); raises :class:`InputError` with
    the roster's ``problems`` and the deals' (worded by the Decimal crediting)."""
    if problems:  # the roster is invalid: the Decimal crediting words the deals' problems
        if deals:
            with localcontext(EXACT), collector_paused():
                _, deal_problems = credit_deals(scheme, period, deals, {e.id for e in roster})
            problems.extend(deal_problems)
        raise InputError(problems)
    if not deals:
        return None
    columns = DealColumns.from_deals(deals, scheme.minor_units)
    with collector_paused():
        credits = credit_columns(scheme, period, columns, [emp.id for emp in roster])
    if credits.problems:
        raise InputError(credits.problems)
    return credits


def _with_deals(cols: RosterColumns, credits: ColumnCredits) -> None:
    """Add what the deals credit to the roster's columns, and their refunds."""
    excluded: dict[Measure, NDArray[np.int64]] = {}
    for m, measure in enumerate(MEASURES):
        own, deal = cols.credited[measure], credits.totals[:, m]
        if np.abs(own).max(initial=0) + np.abs(deal).max(initial=0) >= LIMIT:
            raise Overflow("a credited amount could leave int64")
        np.add(own, deal, out=own)
        excluded[measure] = np.ascontiguousarray(credits.excluded[:, m])
    if credits.has_excluded.any():
        cols.excluded = excluded
    if credits.recovered.any():
        cols.recovered = credits.recovered


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
    rules, findings, problems = check_inputs(
        scheme, period, roster, with_deals=bool(deals), check=check, checked=checked
    )
    credits = _credit(scheme, period, roster, deals, problems)
    digits = scheme.minor_units
    try:
        columns = roster_columns(scheme, period, roster, rules)
        if credits is not None:
            _with_deals(columns, credits)
        out = compute_columns(scheme, period, columns)
        total = exact_total(out.gross)
    except Overflow:
        return calculate_decimal(scheme, period, roster, deals, check=check, checked=checked)
    merged = _merged(roster, credits, digits)
    with localcontext(EXACT), collector_paused():
        report = payroll_report(rules, _rows(roster, out, digits, merged))  # type: ignore[arg-type]
    if credits is not None:
        findings.extend(credits.findings)
    findings.extend(report.findings)
    slips = LazyPayslips(
        [emp.id for emp in roster],
        _builder(scheme, rules, period, roster, _credits_of(credits), out),
        _money(total, digits),
        ColumnarRun(scheme, rules, period, roster, columns, out, _dealt(credits)),
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
        0 if credits is None else credits.credited_deals,
        engine="columnar",
    )


def _dealt(credits: ColumnCredits | None) -> NDArray[np.bool_] | None:
    """The employees whose payslips deals touch (their lines list the deals)."""
    if credits is None:
        return None
    touched = credits.credited.any(axis=1) | credits.has_excluded.any(axis=1)
    return np.asarray(touched | (credits.recovered != 0), dtype=np.bool_)


def _credits_of(credits: ColumnCredits | None) -> Callable[[], DealCredits]:
    """The Decimal engine's DealCredits of the batch, made when a payslip is first read."""
    if credits is None:
        return DealCredits
    return credits.to_credits
