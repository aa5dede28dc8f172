"""Deals as parallel numpy arrays: :class:`DealColumns`, what :func:`.deals.credit_columns` reads.

One row per deal, in file order (the order the Decimal engine credits and reports in), and one
row per credit (who, and the commission an earlier period paid them) in a flat array cut by
``start``: deal ``i``'s credits are rows ``start[i]:start[i + 1]``.  Money is whole minor units
at ``digits`` decimals in ``int64``; days are proleptic ordinals (``date.toordinal()``).  A
split's shares are not repeated per deal: deals credited the same way share one ``group``, an
index into ``groups`` (the shares as the Decimal engine sees them).

:meth:`DealColumns.from_deals` builds the columns from :class:`~app.engine.Deal` objects;
``app.io.deals.columns`` builds them straight from a file.  A value the arrays cannot hold
exactly (an amount with more decimals than the currency has, a non-finite one, one beyond
10^13, an id twice) is kept in :attr:`DealColumns.unsupported`: :func:`.deals.credit_columns`
then credits the deals with the Decimal engine, which reports the problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..dealtypes import Credit, Deal
from ..money import MAX_AMOUNT
from ..scheme import Measure

__all__ = ["MEASURES", "ColumnsBuilder", "DealColumns"]

#: The measures in the order of the arrays' measure axis (``kind`` and results).
MEASURES: Final = tuple(Measure)
_MEASURE_INDEX: Final = {m: i for i, m in enumerate(MEASURES)}
_MAX_UNITS: Final = {d: int(MAX_AMOUNT.scaleb(d)) for d in range(0, 5)}

#: ``original`` of a deal that is not a refund, and of one whose refund_of names no deal.
NOT_A_REFUND: Final = -1
UNKNOWN_ORIGINAL: Final = -2


@dataclass(frozen=True, slots=True, eq=False)
class DealColumns:
    """The deals of a batch as parallel arrays (see the module's docstring)."""

    digits: int
    ids: list[str]
    #: per deal: its day, the client's first day (ordinals), the client's code (into clients)
    date: NDArray[np.int32]
    since: NDArray[np.int32]
    client: NDArray[np.int32]
    clients: list[str]
    #: per deal, in minor units at ``digits`` decimals (0 where unsupported says why)
    amount: NDArray[np.int64]
    #: per deal, the index of its ``kind`` in :data:`MEASURES`, −1 when it has none
    kind: NDArray[np.int8]
    refund_of: list[str | None]
    #: per deal, the row of the deal its refund_of names; −1 not a refund, −2 no such deal
    original: NDArray[np.int32]
    #: deal i's credits are rows start[i]:start[i+1] of who, paid and has_paid
    start: NDArray[np.int64]
    who: NDArray[np.int32]
    names: list[str]
    paid: NDArray[np.int64]
    has_paid: NDArray[np.bool_]
    #: per credit row, its deal (the inverse of start)
    credit_deal: NDArray[np.int64]
    #: per deal, its split: an index into groups (the shares in credit order)
    group: NDArray[np.int32]
    groups: list[tuple[Decimal, ...]]
    #: why the arrays do not hold every deal exactly ("" when they do)
    unsupported: str = ""
    #: the deals themselves, when built from them (for the Decimal engine's fallback)
    deals: Sequence[Deal] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_deals(cls, deals: Sequence[Deal], digits: int) -> DealColumns:
        """The columns of ``deals`` (amounts at the currency's ``digits`` decimals)."""
        builder = ColumnsBuilder(digits)
        for deal in deals:
            builder.add(
                deal.id,
                deal.date,
                deal.client_id,
                deal.client_since,
                deal.amount,
                deal.kind,
                deal.refund_of,
                deal.credit,
            )
        return builder.build(deals)

    def to_deals(self) -> Sequence[Deal]:
        """The deals as :class:`~app.engine.Deal` objects (the source ones when known)."""
        if self.deals is not None:
            return self.deals
        digits, ordinal = self.digits, dt.date.fromordinal
        dates, sinces = self.date.tolist(), self.since.tolist()
        amounts, kinds, clients = self.amount.tolist(), self.kind.tolist(), self.client.tolist()
        starts, who, paid = self.start.tolist(), self.who.tolist(), self.paid.tolist()
        has_paid, groups = self.has_paid.tolist(), self.group.tolist()
        deals = []
        for i, deal_id in enumerate(self.ids):
            shares = self.groups[groups[i]]
            credit = tuple(
                Credit(
                    self.names[who[row]],
                    shares[row - starts[i]],
                    Decimal(paid[row]).scaleb(-digits) if has_paid[row] else None,
                )
                for row in range(starts[i], starts[i + 1])
            )
            kind = kinds[i]
            deals.append(
                Deal(
                    deal_id,
                    ordinal(dates[i]),
                    self.clients[clients[i]],
                    ordinal(sinces[i]),
                    Decimal(amounts[i]).scaleb(-digits),
                    credit,
                    self.refund_of[i],
                    None if kind < 0 else MEASURES[kind],
                )
            )
        return deals


class ColumnsBuilder:
    """Deals added one by one into lists, then :meth:`build` into :class:`DealColumns`."""

    def __init__(self, digits: int) -> None:
        self.digits = digits
        self._most = _MAX_UNITS.get(digits, int(MAX_AMOUNT.scaleb(digits)))
        self.ids: list[str] = []
        self.dates: list[int] = []
        self.sinces: list[int] = []
        self.clients: list[int] = []
        self.client_codes: dict[str, int] = {}
        self.amounts: list[int] = []
        self.kinds: list[int] = []
        self.refund_of: list[str | None] = []
        self.counts: list[int] = []
        self.who: list[int] = []
        self.name_codes: dict[str, int] = {}
        self.paid: list[int] = []
        self.has_paid: list[bool] = []
        self.groups: list[int] = []
        self.group_codes: dict[tuple[Decimal, ...], int] = {}
        self.unsupported = ""

    def units(self, value: Decimal, what: str) -> int:
        """``value`` in whole minor units; 0 (and a reason in unsupported) if it has none."""
        try:
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and exponent >= -self.digits:
                units = int(value.scaleb(self.digits))
                if -self._most <= units <= self._most:
                    return units
        except (ArithmeticError, TypeError, ValueError):
            pass
        self.unsupported = self.unsupported or (
            f"{what} {value} is not a whole number of minor units up to 10^13"
        )
        return 0

    def add(
        self,
        deal_id: str,
        day: dt.date,
        client: str,
        since: dt.date,
        amount: Decimal | int,
        kind: Measure | None,
        refund_of: str | None,
        credit: Iterable[Credit],
    ) -> None:
        """One deal (``amount`` a Decimal, or already in minor units as an int)."""
        self.ids.append(deal_id)
        self.dates.append(day.toordinal())
        self.sinces.append(since.toordinal())
        code = self.client_codes.get(client)
        if code is None:
            code = self.client_codes[client] = len(self.client_codes)
        self.clients.append(code)
        self.amounts.append(amount if isinstance(amount, int) else self.units(amount, "amount"))
        self.kinds.append(-1 if kind is None else _MEASURE_INDEX[kind])
        self.refund_of.append(refund_of)
        if refund_of == "":
            self.unsupported = self.unsupported or "a deal's refund_of is empty"
        shares = []
        count = 0
        for c in credit:
            count += 1
            name = self.name_codes.get(c.employee_id)
            if name is None:
                name = self.name_codes[c.employee_id] = len(self.name_codes)
            self.who.append(name)
            shares.append(c.share)
            if c.commission is None:
                self.paid.append(0)
                self.has_paid.append(False)
            else:
                self.paid.append(self.units(c.commission, "commission"))
                self.has_paid.append(True)
        self.counts.append(count)
        split = tuple(shares)
        group = self.group_codes.get(split)
        if group is None:
            group = self.group_codes[split] = len(self.group_codes)
        self.groups.append(group)

    def build(self, deals: Sequence[Deal] | None = None) -> DealColumns:
        """The columns of the deals added."""
        row_of = {deal_id: row for row, deal_id in enumerate(self.ids)}  # (the last, as refunds)
        unsupported = self.unsupported
        if not unsupported and len(row_of) < len(self.ids):
            unsupported = "a deal id appears twice"
        original = [
            NOT_A_REFUND if r is None else row_of.get(r, UNKNOWN_ORIGINAL) for r in self.refund_of
        ]
        start = np.zeros(len(self.ids) + 1, dtype=np.int64)
        np.cumsum(np.asarray(self.counts, dtype=np.int64), out=start[1:])
        return DealColumns(
            digits=self.digits,
            ids=self.ids,
            date=np.asarray(self.dates, dtype=np.int32),
            since=np.asarray(self.sinces, dtype=np.int32),
            client=np.asarray(self.clients, dtype=np.int32),
            clients=list(self.client_codes),
            amount=np.asarray(self.amounts, dtype=np.int64),
            kind=np.asarray(self.kinds, dtype=np.int8),
            refund_of=self.refund_of,
            original=np.asarray(original, dtype=np.int32),
            start=start,
            who=np.asarray(self.who, dtype=np.int32),
            names=list(self.name_codes),
            paid=np.asarray(self.paid, dtype=np.int64),
            has_paid=np.asarray(self.has_paid, dtype=np.bool_),
            credit_deal=np.repeat(np.arange(len(self.ids), dtype=np.int64), np.diff(start)),
            group=np.asarray(self.groups, dtype=np.int32),
            groups=list(self.group_codes),
            unsupported=unsupported,
            deals=deals,
        )
