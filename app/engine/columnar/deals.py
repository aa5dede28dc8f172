"""Deals credited in columns: :func:`credit_columns`, exactly :func:`app.engine.deals.credit_deals`.

How the payslip engine uses it::

    from app.engine.columnar.deals import credit_columns
    from app.engine.columnar.deals_columns import MEASURES, DealColumns

    columns = DealColumns.from_deals(deals, scheme.minor_units)  # or app.io.deals.columns
    credits = credit_columns(scheme, period, columns, [emp.id for emp in roster])
    if credits.problems:
        ...  # the Decimal engine's problems, as a list
    credits.totals[e, m]  # int64 minor units credited to roster index e on MEASURES[m]
    credits.credited[e, m]  # whether anything was credited there (a total of 0 included)
    credits.excluded[e, m]  # refund parts left out of the commission base (<= 0)
    credits.has_excluded[e, m]  # whether any refund part was left out there
    credits.recovered[e]  # commission taken back from e by refunds (<= 0), minor units
    credits.credited_deals  # how many deals were credited
    credits.findings  # the Decimal engine's findings (built when read)
    credits.to_credits()  # the DealCredits credit_deals returns, every line built
    credits.engine, credits.reason  # "columnar", or "decimal" and why

Employees are indexed by their position in ``employee_ids`` (the roster's order) and measures
by their position in :data:`~.deals_columns.MEASURES` (new, repeat, growth revenue).

What is vectorised: the classification by age (the hand-off window), key-account growth over
the monthly baseline (a running sum per client and month, deals in date and id order), the
largest-remainder split of every deal (integer floors and remainders, the units left over to
the largest remainders, ties to the earlier share), refunds (the original's split and
classification, the clawback window, a deal refunded in pieces split cumulatively in date and
id order) and the sums per employee and measure (exact in ``int64``).  Done per refund in
Python integers: what a refund takes back of a commission paid (a product of two amounts) and
the split over two measures of a refund of a key account's deal.

The Decimal engine credits the batch instead (``engine == "decimal"``, ``reason`` says why)
when the deals have a problem (it reports every one), when a value is not a whole number of
minor units at the scheme's decimals, when a split's common denominator is 2^31 or more, when
the sum of every amount could leave ``int64``, and in a few rare edges (an employee twice in
one credit that carries a commission; a refund part of zero on both measures of a key
account's deal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..calendar import Period
from ..deals import credit_deals
from ..dealtypes import CreditedDeal, DealCredits
from ..findings import Finding, Problem
from ..money import EXACT
from ..scheme import Scheme
from .deals_columns import MEASURES, DealColumns
from .deals_credit import Detail, Fallback, compute

__all__ = ["ColumnCredits", "credit_columns", "supports"]

_NOTES: Final = ("", "refund of an unknown deal")


@dataclass(slots=True, eq=False)
class ColumnCredits:
    """What the deals credit, per roster index and measure, in minor units (see the module)."""

    employee_ids: list[str]
    digits: int
    totals: NDArray[np.int64]
    credited: NDArray[np.bool_]
    excluded: NDArray[np.int64]
    has_excluded: NDArray[np.bool_]
    recovered: NDArray[np.int64]
    credited_deals: int
    problems: list[Problem]
    engine: str
    reason: str = ""
    _columns: DealColumns | None = field(default=None, repr=False)
    _detail: Detail | None = field(default=None, repr=False)
    _decimal: DealCredits | None = field(default=None, repr=False)
    _findings: list[Finding] | None = field(default=None, repr=False)

    @property
    def findings(self) -> list[Finding]:
        """The deals' findings, in deal order, as the Decimal engine words them."""
        if self._findings is None:
            if self._decimal is not None:
                self._findings = self._decimal.findings
            else:
                assert self._columns is not None and self._detail is not None
                self._findings = _findings(self._columns, self._detail, self.employee_ids)
        return self._findings

    def to_credits(self) -> DealCredits:
        """The :class:`~app.engine.DealCredits` that ``credit_deals`` returns for the batch."""
        if self._decimal is not None:
            return self._decimal
        assert self._columns is not None and self._detail is not None
        return _materialise(self, self._columns, self._detail)


def supports(scheme: Scheme, columns: DealColumns) -> str:
    """Why the columns cannot be credited in columns at all ("" when they can)."""
    if columns.unsupported:
        return columns.unsupported
    if columns.digits != scheme.minor_units:
        return (
            f"the deals are in minor units of {columns.digits} decimals, the scheme's currency "
            f"has {scheme.minor_units}"
        )
    return ""


def credit_columns(
    scheme: Scheme, period: Period, columns: DealColumns, employee_ids: Sequence[str]
) -> ColumnCredits:
    """Credit the period's deals to the roster (``employee_ids``, in roster order)."""
    ids = list(employee_ids)
    reason = supports(scheme, columns)
    if not reason:
        try:
            detail = compute(scheme, period, columns, ids)
        except Fallback as why:
            reason = str(why)
        else:
            return ColumnCredits(
                ids,
                columns.digits,
                detail.totals,
                detail.credited,
                detail.excluded,
                detail.has_excluded,
                detail.recovered,
                detail.credited_deals,
                [],
                "columnar",
                "",
                columns,
                detail,
            )
    return _by_decimal(scheme, period, columns, ids, reason)


def _by_decimal(
    scheme: Scheme, period: Period, columns: DealColumns, ids: list[str], reason: str
) -> ColumnCredits:
    """The batch credited by the Decimal engine, its result also held as arrays."""
    with localcontext(EXACT):  # as calculate runs it
        credits, problems = credit_deals(scheme, period, columns.to_deals(), set(ids))
    digits = scheme.minor_units
    size = (len(ids), len(MEASURES))
    totals, credited = np.zeros(size, np.int64), np.zeros(size, np.bool_)
    excluded, has_excluded = np.zeros(size, np.int64), np.zeros(size, np.bool_)
    recovered = np.zeros(len(ids), np.int64)
    index = {who: i for i, who in enumerate(ids)}
    at = {m: j for j, m in enumerate(MEASURES)}

    def units(value: Decimal) -> int:
        return int(value.scaleb(digits, EXACT))

    for who, by_measure in credits.totals.items():
        for measure, amount in by_measure.items():
            totals[index[who], at[measure]] = units(amount)
            credited[index[who], at[measure]] = True
    for who, by_measure in credits.excluded.items():
        for measure, amount in by_measure.items():
            excluded[index[who], at[measure]] = units(amount)
            has_excluded[index[who], at[measure]] = True
    for who, taken in credits.recovered.items():
        recovered[index[who]] = sum(units(amount) for _, amount in taken)
    return ColumnCredits(
        ids,
        digits,
        totals,
        credited,
        excluded,
        has_excluded,
        recovered,
        credits.credited_deals,
        problems,
        "decimal",
        reason,
        _decimal=credits,
    )


# --- on demand: findings and the DealCredits ---------------------------------------------------


def _finding(columns: DealColumns, index: int, code: str, message: str) -> Finding:
    deal_id = columns.ids[index]
    return Finding(
        code, "warning", ("deals", index), f"deal {deal_id!r}: {message}", {"deal_id": deal_id}
    )


def _findings(columns: DealColumns, detail: Detail, employee_ids: list[str]) -> list[Finding]:
    on_payroll = set(employee_ids)
    found = []
    for index, kind in zip(detail.finding_deal.tolist(), detail.finding_kind.tolist(), strict=True):
        original = int(columns.original[index])
        if kind == 0:
            message = "the scheme's clawback policy is 'none': the refund takes nothing back"
            found.append(_finding(columns, index, "REFUND_NOT_RECOVERED", message))
        elif kind == 1:
            refund_of = columns.refund_of[index]
            what = (
                f"refunds unknown deal {refund_of!r}"
                if refund_of
                else "is a credit note without refund_of"
            )
            message = f"{what}: credited by its own credit list and classified by its own date"
            found.append(_finding(columns, index, "REFUND_UNKNOWN_ORIGINAL", message))
        elif kind == 2:
            days = int(columns.date[index]) - int(columns.date[original])
            message = (
                f"refund of {columns.ids[original]!r} comes {days} days after the deal, outside "
                f"the {detail.window}-day clawback window: not taken back"
            )
            found.append(_finding(columns, index, "CLAWBACK_WINDOW", message))
        else:
            rows = range(int(columns.start[original]), int(columns.start[original + 1]))
            names = [columns.names[int(columns.who[row])] for row in rows]
            gone = [name for name in names if name not in on_payroll]
            message = (
                f"refund of {columns.ids[original]!r}: {', '.join(map(repr, gone))} "
                f"{'is' if len(gone) == 1 else 'are'} not on this payroll; "
                "that part of the refund is not taken back"
            )
            found.append(_finding(columns, index, "REFUND_NOT_RECOVERED", message))
    return found


def _materialise(result: ColumnCredits, columns: DealColumns, detail: Detail) -> DealCredits:
    digits, ids = columns.digits, result.employee_ids
    out = DealCredits(credited_deals=result.credited_deals, findings=list(result.findings))
    rows = len(detail.emp)
    if not rows:
        return out
    emp, measure = detail.emp, detail.measure
    flat = emp.astype(np.int64) * len(MEASURES) + measure
    days: dict[int, dt.date] = {}
    amounts: dict[int, Decimal] = {}
    deal_of, part_of = detail.deal.tolist(), detail.part.tolist()
    credit_of, src_of = detail.credit.tolist(), detail.source.tolist()
    taken = detail.taken.tolist()
    starts, groups = columns.start, columns.group

    def money(units: int) -> Decimal:
        value = amounts.get(units)
        if value is None:
            value = amounts[units] = Decimal(units).scaleb(-digits, EXACT)
        return value

    def note(row: int) -> str:
        deal, source = deal_of[row], src_of[row]
        if source != deal:
            return f"refund of {columns.ids[source]}"
        return _NOTES[1] if columns.amount[deal] < 0 else _NOTES[0]

    def record(row: int, text: str) -> CreditedDeal:
        deal, source = deal_of[row], src_of[row]
        day = int(columns.date[deal])
        when = days.get(day)
        if when is None:
            when = days[day] = dt.date.fromordinal(day)
        position = credit_of[row] - int(starts[source])
        share = columns.groups[int(groups[source])][position]
        return CreditedDeal(
            columns.ids[deal],
            when,
            columns.clients[int(columns.client[deal])],
            MEASURES[int(measure[row])],
            share,
            money(part_of[row]),
            text,
        )

    # employees in the order first credited, each one's measures likewise (as the books)
    order = np.argsort(flat, kind="stable")
    keys = flat[order]
    cuts = np.flatnonzero(np.diff(keys)) + 1
    bounds = np.concatenate(([0], cuts, [rows])).tolist()
    firsts = order[bounds[:-1]]
    pair_keys = keys[bounds[:-1]].tolist()
    by_pair = sorted(range(len(pair_keys)), key=lambda p: int(firsts[p]))
    first_of_emp: dict[int, int] = {}
    for p in by_pair:
        first_of_emp.setdefault(pair_keys[p] // len(MEASURES), int(firsts[p]))
    order_list = order.tolist()
    for p in by_pair:
        e, m = divmod(pair_keys[p], len(MEASURES))
        who, what = ids[e], MEASURES[m]
        members = order_list[bounds[p] : bounds[p + 1]]
        total = sum(part_of[r] for r in members)
        out.totals.setdefault(who, {})[what] = money(total)
        out.lines.setdefault(who, {})[what] = [record(r, note(r)) for r in members if not taken[r]]
    # refund parts taken back at the commission paid, in deal order
    for row, take, words in zip(
        detail.take_rows, detail.take_units, detail.take_words, strict=True
    ):
        who, what = ids[int(emp[row])], MEASURES[int(measure[row])]
        left_out = out.excluded.setdefault(who, {})
        left_out[what] = left_out.get(what, money(0)) + money(part_of[row])
        out.recovered.setdefault(who, []).append(
            (record(row, f"{note(row)}, {words}"), money(take))
        )
    return out
