"""The arithmetic of :func:`.deals.credit_columns`: checks, classification, splits and sums.

Every step follows :mod:`app.engine.deals` rule for rule (see that module and the docstring of
:mod:`.deals`); what cannot be proven exact here raises :class:`Fallback` and the Decimal engine
credits the batch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..calendar import Period
from ..dealtypes import EARLIEST, LATEST
from ..money import EXACT, format_amount
from ..scheme import Scheme
from .deals_columns import MEASURES, DealColumns

__all__ = ["Detail", "Fallback", "compute", "words_of"]

I64 = NDArray[np.int64]
_M: Final = len(MEASURES)
_NEW, _REPEAT, _GROWTH = 0, 1, 2
_LIMIT: Final = 2**62
_WEIGHT_LIMIT: Final = 2**31  # r·w < W² < 2^62 for a common denominator W below this
_EPOCH: Final = 719_163  # date(1970, 1, 1).toordinal(): ordinals to datetime64 days


class Fallback(Exception):
    """The batch is credited by the Decimal engine; the message says why."""


@dataclass(slots=True, eq=False)
class Detail:
    """The crediting in arrays: per employee and measure, and per credited part (row)."""

    totals: I64
    credited: NDArray[np.bool_]
    excluded: I64
    has_excluded: NDArray[np.bool_]
    recovered: I64
    credited_deals: int
    window: int
    #: per part credited, in the Decimal engine's order: the deal, the deal it is split as
    #: (the original of a refund), the credit row, the roster index, the measure, the units,
    #: whether it is taken back at the commission paid
    deal: NDArray[np.int64]
    source: NDArray[np.int64]
    credit: NDArray[np.int64]
    emp: NDArray[np.int64]
    measure: NDArray[np.int64]
    part: I64
    taken: NDArray[np.bool_]
    #: the parts taken back (rows, in order), what each takes back and the words of it
    take_rows: list[int]
    take_units: list[int]
    take_words: list[str]
    #: findings: the deal and 0 policy none, 1 unknown original, 2 window, 3 left the payroll
    finding_deal: NDArray[np.int64]
    finding_kind: NDArray[np.int64]


def compute(scheme: Scheme, period: Period, cols: DealColumns, ids: list[str]) -> Detail:
    """The period's credits of ``cols`` to the roster ``ids``; raises :class:`Fallback`."""
    n = len(cols)
    digits = cols.digits
    amount = cols.amount
    date = cols.date.astype(np.int64)
    since = cols.since.astype(np.int64)
    original = cols.original.astype(np.int64)
    counts = np.diff(cols.start)
    index = {who: i for i, who in enumerate(ids)}
    emp_of_name = np.asarray([index.get(name, -1) for name in cols.names], dtype=np.int64)
    row_emp = emp_of_name[cols.who] if len(cols.who) else np.zeros(0, np.int64)
    first, last = period.first_day.toordinal(), period.last_day.toordinal()
    weights, common = _split_weights(cols.groups)
    if n:
        most = int(np.abs(amount).max())
        if most * 4 * (n + 1) >= _LIMIT:
            raise Fallback("the sum of the deals' amounts could exceed int64")
    _check(cols, date, since, original, counts, row_emp, first, last)

    # classification of every deal (each may be the source of a refund)
    by_age = np.where(date < _add_months(since, scheme.handoff.new_client_months), _NEW, _REPEAT)
    kind = cols.kind.astype(np.int64)
    measure1 = np.where(kind >= 0, kind, by_age)
    rest, growth, two = _key_accounts(scheme, cols, date, amount, kind, digits)
    key = rest >= 0
    measure1 = np.where(key & (rest == 0), _GROWTH, measure1)  # all growth: one measure

    # which deals are credited now, split as which deal
    in_period = (date >= first) & (date <= last)
    negative = in_period & (amount < 0)
    known = original >= 0
    window = scheme.clawback.window_days
    every = np.arange(n, dtype=np.int64)
    source = np.where(known, original, every)
    finding_deal: list[NDArray[np.int64]] = []
    finding_kind: list[NDArray[np.int64]] = []
    late = np.zeros(n, np.bool_)
    if scheme.clawback.recover == "none":
        credited = in_period & (amount > 0)
        refund_now = np.zeros(n, np.bool_)
        finding_deal.append(np.flatnonzero(negative))
        finding_kind.append(np.zeros(int(negative.sum()), np.int64))
    else:
        unknown = negative & ~known
        days = date - date[np.where(known, original, 0)] if n else date
        late = negative & known & (days > window)
        refund_now = negative & known & ~late
        credited = (in_period & (amount > 0)) | unknown | refund_now
        left = np.zeros(n, np.bool_)
        if len(row_emp):
            gone_rows = row_emp < 0
            gone_deals = cols.credit_deal[gone_rows]
            left[gone_deals] = True
        gone = refund_now & left[source]
        for mask, code in ((unknown, 1), (late, 2), (gone, 3)):
            finding_deal.append(np.flatnonzero(mask))
            finding_kind.append(np.full(int(mask.sum()), code, np.int64))
    source = np.where(refund_now, source, every)
    before = _refunded_before(cols, date, original, known, window)

    # slots: a credited deal on each measure of its source (two for a key account's deal
    # partly within its baseline), with the amount split (and the amount split before it)
    deals = np.flatnonzero(credited)
    src = source[deals]
    doubled = two[src]
    slots = 1 + doubled.astype(np.int64)
    slot_deal = np.repeat(deals, slots)
    slot_src = source[slot_deal]
    second = np.zeros(len(slot_deal), np.bool_)
    starts_of_slots = np.cumsum(slots) - slots
    second[starts_of_slots[doubled] + 1] = True
    slot_measure = np.where(
        two[slot_src], np.where(second, _GROWTH, by_age[slot_src]), measure1[slot_src]
    )
    now = before[slot_deal] + amount[slot_deal]
    then = before[slot_deal]
    if doubled.any():
        now, then = _over_measures(now, then, second, slot_deal, slot_src, amount, rest, growth)

    # credit rows: each slot over its source's credits, largest remainder
    k = counts[slot_src]
    row_slot = np.repeat(np.arange(len(slot_deal)), k)
    slot_first = np.cumsum(k) - k
    position = np.arange(len(row_slot)) - slot_first[row_slot]
    credit_row = cols.start[slot_src][row_slot] + position
    group = cols.group[slot_src].astype(np.int64)
    w = weights[0][weights[1][group][row_slot] + position]
    big = common[group]
    part = _allocate(now, k, slot_first, row_slot, position, w, big)
    if then.any():
        part = part - _allocate(then, k, slot_first, row_slot, position, w, big)
    emp = row_emp[credit_row]
    keep = emp >= 0
    rows_deal = slot_deal[row_slot]
    rows_src = slot_src[row_slot]
    rows_measure = slot_measure[row_slot]
    taken = keep & cols.has_paid[credit_row] & (rows_src != rows_deal)
    if not keep.all():
        rows_deal, rows_src, credit_row = rows_deal[keep], rows_src[keep], credit_row[keep]
        emp, rows_measure, part, taken = emp[keep], rows_measure[keep], part[keep], taken[keep]

    flat = emp * _M + rows_measure
    size = len(ids) * _M
    totals = _sum_by(flat, part, size).reshape(len(ids), _M)
    credited_at = _any_at(flat, size).reshape(len(ids), _M)
    excluded = _sum_by(flat[taken], part[taken], size).reshape(len(ids), _M)
    has_excluded = _any_at(flat[taken], size).reshape(len(ids), _M)
    recovered = np.zeros(len(ids), np.int64)
    take_rows, take_units, take_words = _takes(
        cols, taken, rows_deal, rows_src, credit_row, emp, part, before, recovered
    )
    fd = np.concatenate(finding_deal) if finding_deal else np.zeros(0, np.int64)
    fk = np.concatenate(finding_kind) if finding_kind else np.zeros(0, np.int64)
    order = np.argsort(fd, kind="stable")
    return Detail(
        totals,
        credited_at,
        excluded,
        has_excluded,
        recovered,
        int(credited.sum()),
        window,
        rows_deal,
        rows_src,
        credit_row,
        emp,
        rows_measure,
        part,
        taken,
        take_rows,
        take_units,
        take_words,
        fd[order],
        fk[order],
    )


def _check(
    cols: DealColumns,
    date: I64,
    since: I64,
    original: I64,
    counts: I64,
    row_emp: I64,
    first: int,
    last: int,
) -> None:
    """Fallback when any deal has a problem (the Decimal engine then reports every one)."""
    amount = cols.amount
    problem = Fallback("the deals have problems: the Decimal engine reports every one")
    if not len(cols):
        return
    early, late = EARLIEST.toordinal(), LATEST.toordinal()
    if (date < early).any() or (date > late).any() or (since < early).any():
        raise problem
    if (since > date).any() or (amount == 0).any() or (counts == 0).any():
        raise problem
    refunds = original != -1
    if (refunds & (amount > 0)).any():
        raise problem
    known = np.flatnonzero(original >= 0)
    of = original[known]
    if (date[of] > date[known]).any() or (amount[of] < 0).any():
        raise problem
    bad_groups = [g for g, shares in enumerate(cols.groups) if not _shares_fine(shares)]
    if bad_groups and np.isin(cols.group, bad_groups).any():
        raise problem
    in_period = (date >= first) & (date <= last)
    credited_now = in_period & ~((amount < 0) & (original >= 0))
    row_deal = cols.credit_deal
    if (credited_now[row_deal] & (row_emp < 0)).any():
        raise problem
    if cols.has_paid.any():
        paid_deals = row_deal[cols.has_paid]
        if (
            refunds[paid_deals].any()
            or (amount[paid_deals] < 0).any()
            or (date[paid_deals] >= first).any()
            or (cols.paid[cols.has_paid] < 0).any()
        ):
            raise problem
    if len(known):
        refunded = np.zeros(len(cols), np.int64)
        np.add.at(refunded, of, -amount[known])
        if ((refunded > amount) & (amount > 0)).any():
            raise problem


def _shares_fine(shares: tuple[Decimal, ...]) -> bool:
    try:
        return all(s.is_finite() and 0 < s <= 1 for s in shares) and sum(shares) == 1
    except (ArithmeticError, TypeError):
        return False


def _split_weights(groups: Sequence[tuple[Decimal, ...]]) -> tuple[tuple[I64, I64], I64]:
    """Each split's shares as whole weights over their common denominator (flat, with each
    split's first index) and the denominators; Fallback when one is 2^31 or more."""
    flat: list[int] = []
    offsets: list[int] = []
    commons: list[int] = []
    for shares in groups:
        offsets.append(len(flat))
        try:
            ratios = [s.as_integer_ratio() for s in shares]
        except (ValueError, OverflowError, ArithmeticError):
            ratios = [(1, 1)] * len(shares)  # not finite: a problem, found by _check
        common = math.lcm(*(den for _, den in ratios)) if ratios else 1
        weights = [num * (common // den) for num, den in ratios]
        total = sum(weights) or 1
        if total >= _WEIGHT_LIMIT:
            raise Fallback("a split's shares have a common denominator of 2^31 or more")
        flat.extend(weights)
        commons.append(total)
    return (np.asarray(flat, np.int64), np.asarray(offsets, np.int64)), np.asarray(
        commons, np.int64
    )


def _add_months(day: I64, months: int) -> I64:
    """:func:`app.engine.dealtypes.add_months` on ordinals: clamped to the month's end.

    Computed once per day of the range the batch spans (some hundreds of days, at most the
    40 000 from 1990 to 2100) and looked up."""
    if not len(day):
        return day
    low, high = int(day.min()), int(day.max())
    span = np.arange(low, high + 1, dtype=np.int64)
    days = (span - _EPOCH).astype("datetime64[D]")
    month = days.astype("datetime64[M]")
    of_month = (days - month.astype("datetime64[D]")).astype(np.int64)
    target = month + months
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    end: I64 = target.astype("datetime64[D]").astype(np.int64) + np.minimum(of_month, length - 1)
    table: I64 = end + _EPOCH
    return table[day - low]


def _months(day: I64) -> I64:
    return ((day - _EPOCH).astype("datetime64[D]").astype("datetime64[M]")).astype(np.int64)


def _order(keys: Sequence[I64], ids: Sequence[str], rows: I64) -> I64:
    """``rows`` sorted by ``keys`` (the first most significant, each indexed by row), ties by
    deal id as Python compares strings."""
    if not len(rows):
        return rows
    columns = [key[rows] for key in keys]
    order = rows[np.lexsort(columns[::-1])]
    sorted_keys = np.stack([key[order] for key in keys])
    same = (np.diff(sorted_keys, axis=1) == 0).all(axis=0)
    if not same.any():
        return order
    result = order.tolist()
    i, n = 0, len(result)
    flags = same.tolist()
    while i < n - 1:
        if flags[i]:
            j = i
            while j < n - 1 and flags[j]:
                j += 1
            result[i : j + 1] = sorted(result[i : j + 1], key=ids.__getitem__)
            i = j
        i += 1
    return np.asarray(result, np.int64)


def _key_accounts(
    scheme: Scheme, cols: DealColumns, date: I64, amount: I64, kind: I64, digits: int
) -> tuple[I64, I64, NDArray[np.bool_]]:
    """Per deal, its part within the monthly baseline and its growth (−1 for deals that are
    not a key account's), and whether it has both (two measures)."""
    n = len(cols)
    rest = np.full(n, -1, np.int64)
    growth = np.zeros(n, np.int64)
    accounts = scheme.key_accounts
    keys = set(accounts.client_ids) | set(accounts.baseline)
    codes = [code for code, name in enumerate(cols.clients) if name in keys]
    if not codes or not n:
        return rest, growth, np.zeros(n, np.bool_)
    baselines = np.zeros(len(cols.clients), np.int64)
    for code in codes:
        value = accounts.baseline.get(cols.clients[code], Decimal(0))
        units = value.scaleb(digits, EXACT)
        if units != units.to_integral_value() or abs(units) >= _LIMIT // 4:
            raise Fallback("a key account's baseline is not a whole number of minor units")
        baselines[code] = int(units)
    client = cols.client.astype(np.int64)
    rows = np.flatnonzero(np.isin(client, codes) & (kind < 0) & (amount > 0))
    month = np.zeros(n, np.int64)
    month[rows] = _months(date[rows])
    order = _order([client, month, date], cols.ids, rows)
    a = amount[order]
    after = np.cumsum(a)
    group_start = np.ones(len(order), np.bool_)
    group_start[1:] = (client[order][1:] != client[order][:-1]) | (
        month[order][1:] != month[order][:-1]
    )
    offset = np.maximum.accumulate(np.where(group_start, np.arange(len(order)), 0))
    base = (after - a)[offset]
    after = after - base
    before = after - a
    line = baselines[client[order]]
    grown = np.where(after > line, after - np.maximum(before, line), 0)
    rest[order] = a - grown
    growth[order] = grown
    return rest, growth, (rest > 0) & (growth > 0)


def _refunded_before(
    cols: DealColumns, date: I64, original: I64, known: NDArray[np.bool_], window: int
) -> I64:
    """Per refund taken back, what earlier refunds of the same deal (date, then id order)
    took back before it (≤ 0); 0 elsewhere."""
    before = np.zeros(len(cols), np.int64)
    if not known.any():
        return before
    days = date - date[np.where(known, original, 0)]
    rows = np.flatnonzero(known & (days <= window) & (cols.amount < 0))
    order = _order([original, date], cols.ids, rows)
    a = cols.amount[order]
    total = np.cumsum(a)
    of = original[order]
    group_start = np.ones(len(order), np.bool_)
    group_start[1:] = of[1:] != of[:-1]
    offset = np.maximum.accumulate(np.where(group_start, np.arange(len(order)), 0))
    base = (total - a)[offset]
    before[order] = total - a - base
    return before


def _apportion(units: int, weights: Sequence[int]) -> list[int]:
    """:func:`app.engine.dealtypes.apportion` in Python integers (its ``_largest_remainder``)."""
    total = sum(weights)
    if not total:
        raise Fallback("a split over weights that are all zero")
    size = -units if units < 0 else units
    floors, remainders = [], []
    for weight in weights:
        whole, remainder = divmod(size * weight, total)
        floors.append(whole)
        remainders.append(remainder)
    for i in sorted(range(len(floors)), key=remainders.__getitem__, reverse=True)[
        : size - sum(floors)
    ]:
        floors[i] += 1
    return floors if units >= 0 else [-part for part in floors]


def _over_measures(
    now: I64,
    then: I64,
    second: NDArray[np.bool_],
    slot_deal: I64,
    slot_src: I64,
    amount: I64,
    rest: I64,
    growth: I64,
) -> tuple[I64, I64]:
    """The slots of a key account's deal over two measures: its baseline part and growth (a
    refund of one: apportioned in proportion to them, in Python integers); in place."""
    for slot in np.flatnonzero(second).tolist():
        deal, src = int(slot_deal[slot]), int(slot_src[slot])
        weights = [int(rest[src]), int(growth[src])]
        if deal == src:
            now[slot - 1], now[slot] = weights
            continue
        now[slot - 1], now[slot] = _apportion(int(now[slot]), weights)
        if then[slot]:
            then[slot - 1], then[slot] = _apportion(int(then[slot]), weights)
        else:
            then[slot - 1] = then[slot] = 0
    return now, then


def _allocate(
    amounts: I64,
    k: I64,
    slot_first: I64,
    row_slot: I64,
    position: I64,
    w: I64,
    big: I64,
) -> I64:
    """Each slot's amount over its credits by whole weights ``w`` of ``big``, largest
    remainder (ties to the earlier share; a negative amount mirrors).

    A slot credited to one person (weight = denominator = 1) takes its amount as it is; only
    the rows of splits are divided (in ``int64``: ``size = whole·big + low`` with ``low <
    big < 2^31``, so that ``low·w < 2^62``)."""
    part = amounts[row_slot]
    split = np.flatnonzero(k > 1)
    if not len(split):
        return part
    many = k[split]
    rows = np.repeat(slot_first[split], many) + (
        np.arange(int(many.sum())) - np.repeat(np.cumsum(many) - many, many)
    )
    first_rows = np.cumsum(many) - many  # each split slot's first row, within rows
    size = np.abs(amounts[split])
    s = np.repeat(size, many)
    total = np.repeat(big[split], many)
    weight = w[rows]
    whole = s // total
    product = (s - whole * total) * weight
    share = product // total
    floors = whole * weight + share
    remainders = product - share * total
    left = size - np.add.reduceat(floors, first_rows)
    pending = left > 0
    if pending.any():
        pairs = pending & (many == 2)
        if pairs.any():  # two credits: the unit to the first if its remainder is not smaller
            at = first_rows[pairs]
            to_first = remainders[at] >= remainders[at + 1]
            floors[at[to_first]] += 1
            floors[at[~to_first] + 1] += 1
        more = pending & (many > 2)
        if more.any():
            slot_of = np.repeat(np.arange(len(split)), many)
            chosen = np.flatnonzero(more[slot_of])
            pos = position[rows[chosen]]
            order = chosen[np.lexsort((pos, -remainders[chosen], slot_of[chosen]))]
            slot = slot_of[order]
            starts = np.ones(len(order), np.bool_)
            starts[1:] = slot[1:] != slot[:-1]
            first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
            rank = np.arange(len(order)) - first
            floors[order[rank < left[slot]]] += 1
    negative = np.repeat(amounts[split] < 0, many)
    part[rows] = np.where(negative, -floors, floors)
    return part


def _sum_by(index: NDArray[np.int64], values: I64, size: int) -> I64:
    """Σ values per index, in ``int64`` (exact: the batch's bound keeps every sum in range)."""
    out = np.zeros(size, np.int64)
    np.add.at(out, index, values)
    return out


def _any_at(index: NDArray[np.int64], size: int) -> NDArray[np.bool_]:
    """Whether each of ``size`` places has an index."""
    out = np.zeros(size, np.bool_)
    out[index] = True
    return out


def _takes(
    cols: DealColumns,
    taken: NDArray[np.bool_],
    rows_deal: I64,
    rows_src: I64,
    credit_row: I64,
    emp: I64,
    part: I64,
    before: I64,
    recovered: I64,
) -> tuple[list[int], list[int], list[str]]:
    """What each refund part taken back recovers of the commission paid (take_back, in
    Python integers), apportioned over a key account deal's two measures."""
    rows = np.flatnonzero(taken).tolist()
    if not rows:
        return [], [], []
    digits = cols.digits
    take_rows: list[int] = []
    take_units: list[int] = []
    take_words: list[str] = []
    by_deal: dict[int, dict[int, list[int]]] = {}
    for row in rows:
        by_deal.setdefault(int(rows_deal[row]), {}).setdefault(int(emp[row]), []).append(row)
    results: dict[int, tuple[int, str]] = {}
    for deal, by_emp in by_deal.items():
        src = int(rows_src[by_emp[next(iter(by_emp))][0]])
        names = cols.who[cols.start[src] : cols.start[src + 1]]
        if len(set(names.tolist())) < len(names):
            raise Fallback("an employee twice in a credit that carries a commission")
        whole = int(cols.amount[src])
        refunded_before = -int(before[deal])
        refunded_after = refunded_before - int(cols.amount[deal])
        for who, members in by_emp.items():
            cents = int(cols.paid[credit_row[members[0]]])

            take = _share(cents, refunded_before, whole) - _share(cents, refunded_after, whole)
            recovered[who] += take
            words = words_of(refunded_after - refunded_before, whole, take, cents, digits)
            if len(members) == 1:
                shares = [take]
            else:
                shares = _apportion(take, [abs(int(part[r])) for r in members])
            for row, piece in zip(members, shares, strict=True):
                results[row] = (piece, words)
    for row in rows:
        piece, words = results[row]
        take_rows.append(row)
        take_units.append(piece)
        take_words.append(words)
    return take_rows, take_units, take_words


def _share(cents: int, refunded: int, whole: int) -> int:
    """:func:`app.engine.attribution.take_back`'s share: ``cents × refunded / whole`` half up."""
    quotient, remainder = divmod(cents * refunded, whole)
    return quotient + (1 if 2 * remainder >= whole else 0)


def words_of(refunded: int, amount: int, take: int, paid: int, digits: int) -> str:
    """The words that explain a take, as the Decimal engine writes them: ``500.00 of
    1 000.00 refunded: -25.00 of the 50.00 commission paid``."""

    def shown(units: int) -> str:
        return format_amount(Decimal(units).scaleb(-digits, EXACT), digits)

    return (
        f"{shown(refunded)} of {shown(amount)} refunded: {shown(take)} "
        f"of the {shown(paid)} commission paid"
    )
