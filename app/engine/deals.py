"""Deals in: classification by the hand-off rule, exact splits, refunds and clawbacks.

A deal is credited in the period of its date.  Deals dated before the period are
history: they are not credited again, but a refund in the period finds its original
among them (classification, split and clawback window come from the original).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Final

from .attribution import take_back
from .calendar import Period
from .collector import collector_paused
from .dealcheck import DealCheck, deal_problems, plain_split
from .dealtypes import (
    EARLIEST,
    LATEST,
    Credit,
    CreditedDeal,
    Deal,
    DealCredits,
    add_months,
    allocate,
    apportion,
    splitter,
)
from .findings import Finding, Problem
from .money import EXACT, MAX_AMOUNT, format_amount, quantum, to_units
from .scheme import Measure, Scheme

__all__ = [
    "Credit",
    "CreditedDeal",
    "Deal",
    "DealCredits",
    "add_months",
    "allocate",
    "credit_deals",
]

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_NEW: Final = Measure.NEW_REVENUE
_REPEAT: Final = Measure.REPEAT_REVENUE
_BY_DATE_AND_ID: Final = attrgetter("date", "id")  # the order refunds and baselines run in


class _Classifier:
    """Measure(s) of each positive deal: hand-off window, key-account growth, overrides."""

    def __init__(
        self, scheme: Scheme, deals: Sequence[Deal], digits: int, key_clients: set[str]
    ) -> None:
        self.months = scheme.handoff.new_client_months
        self.ends: dict[dt.date, dt.date] = {}  # client_since → the new-client window's end
        self.digits = digits
        accounts = scheme.key_accounts
        self.key_clients = key_clients
        self.parts: dict[str, list[tuple[Measure, Decimal]]] = {}
        running: dict[tuple[str, int, int], Decimal] = defaultdict(Decimal)
        ordered = sorted(
            [
                d
                for d in deals
                if d.client_id in key_clients and d.kind is None and d.amount > _ZERO
            ],
            key=_BY_DATE_AND_ID,
        )
        for deal in ordered:
            month = (deal.client_id, deal.date.year, deal.date.month)
            before = running[month]
            running[month] = after = before + deal.amount
            baseline = accounts.baseline.get(deal.client_id, _ZERO)
            growth = after - max(before, baseline) if after > baseline else _ZERO
            rest = deal.amount - growth
            parts = []
            if rest:
                parts.append((self.by_age(deal), rest))
            if growth:
                parts.append((Measure.GROWTH_REVENUE, growth))
            self.parts[deal.id] = parts

    def by_age(self, deal: Deal) -> Measure:
        since = deal.client_since
        end = self.ends.get(since)
        if end is None:
            end = self.ends[since] = add_months(since, self.months)
        return _NEW if deal.date < end else _REPEAT

    def classify(self, deal: Deal) -> list[tuple[Measure, Decimal]]:
        if deal.kind is not None:
            return [(deal.kind, deal.amount)]
        parts = self.parts.get(deal.id)
        if parts is not None:
            return parts
        return [(self.by_age(deal), deal.amount)]


class _Books:
    """What the deals credit so far: per employee, the total and the explanation lines of
    each measure, in flat lists by the employee's number (numbered as first credited).

    Flat lists rather than a small dict of totals per employee: a million deals credit
    some 1.5 million parts to 10 000 employees in no order, and a look-up in one of
    10 000 small dicts is mostly a miss of the processor's caches, while an item of a list
    of 10 000 mostly is not.
    """

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self.names: list[str] = []
        #: per measure, each employee's total (None: nothing credited on it yet)
        self.totals: dict[Measure, list[Decimal | None]] = {m: [] for m in Measure}
        #: per measure, each employee's explanation lines (None while the total is None)
        self.lines: dict[Measure, list[list[CreditedDeal] | None]] = {m: [] for m in Measure}
        #: each employee's measures in the order first credited (the order of the result)
        self.order: list[list[Measure]] = []

    def open(self, who: str) -> int:
        """The number of ``who``, a new employee on the books."""
        number = self.number[who] = len(self.names)
        self.names.append(who)
        for totals in self.totals.values():
            totals.append(None)
        for lines in self.lines.values():
            lines.append(None)
        self.order.append([])
        return number

    def add(self, who: str, measure: Measure, part: Decimal) -> list[CreditedDeal]:
        """Credit ``part`` on ``measure`` to ``who``; their explanation lines of it."""
        number = self.number.get(who)
        if number is None:
            number = self.open(who)
        totals, lines = self.totals[measure], self.lines[measure]
        total = totals[number]
        if total is None:
            totals[number] = part
            self.order[number].append(measure)
            lines[number] = []
        else:
            totals[number] = total + part
        mine = lines[number]
        assert mine is not None  # (made with the total)
        return mine

    def into(self, result: DealCredits) -> None:
        """The totals and lines of every employee credited, into ``result``."""
        totals, lines = self.totals, self.lines
        for number, who in enumerate(self.names):
            mine = result.totals[who] = {}
            explained = result.lines[who] = {}
            for measure in self.order[number]:
                total, records = totals[measure][number], lines[measure][number]
                assert total is not None and records is not None  # (in the order once credited)
                mine[measure] = total
                explained[measure] = records


def credit_deals(
    scheme: Scheme, period: Period, deals: Sequence[Deal], employees: set[str]
) -> tuple[DealCredits, list[Problem]]:
    """Credit the period's deals to employees; every problem of the deals at once.

    The deals are checked as they are credited (:func:`_credit_checked`); at the first
    problem the credits are dropped and :func:`~.dealcheck.deal_problems` reports every
    problem of every deal.  The cyclic garbage collector is paused meanwhile
    (:mod:`.collector`), as ``calculate`` pauses it for a whole payroll.
    """
    with collector_paused():
        digits = scheme.minor_units
        if len({deal.id for deal in deals}) == len(deals):  # (an id twice: a problem, below)
            try:
                return _credit_checked(scheme, period, deals, employees), []
            except (_Problem, ArithmeticError, TypeError, ValueError) as error:
                failure = error
        else:
            failure = None
        problems = deal_problems(deals, employees, digits, period)
        if not problems and failure is not None:
            raise failure  # not the deals' fault (a _Problem here: the two checks disagree)
        return DealCredits(), problems


class _Problem(Exception):
    """A deal is not fine: its credits are dropped and every deal is checked in full."""


def _credit_checked(
    scheme: Scheme,
    period: Period,
    deals: Sequence[Deal],
    employees: set[str],
) -> DealCredits:
    """Credit the deals (their ids unique), checking each as it goes; raises
    :class:`_Problem` at the first deal that has a problem (or a refund larger than its
    sale)."""
    digits = scheme.minor_units
    accounts = scheme.key_accounts
    key_clients = set(accounts.client_ids) | set(accounts.baseline)
    # The few deals that the classifier and the refunds look at, in one pass.
    special = [d for d in deals if d.refund_of is not None or d.client_id in key_clients]
    # The deals that refunds name, by id: all that refunds look up.  (A map of every deal
    # would be a million entries, and each look-up in it a miss of the processor's caches.)
    refunded = Counter(d.refund_of for d in special if d.refund_of is not None)  # times each
    originals = {d.id: d for d in deals if d.id in refunded} if refunded else {}
    classifier = _Classifier(scheme, special, digits, key_clients)
    window = scheme.clawback.window_days
    earlier, exceeds = _refunded_before(special, originals, refunded, window)
    check = DealCheck(employees, digits, period, originals)
    result = DealCredits()
    books = _Books()
    first, last = period.first_day, period.last_day

    def other(index: int, deal: Deal) -> None:
        """Any deal but a plain sale of the period: checked in full, and if it is dated in
        the period (refunds, overrides, key-account deals over two measures) credited."""
        if not check.passes(index, deal):
            raise _Problem(index)
        if not first <= deal.date <= last:
            return  # history, or a deal of a later period: checked only
        source, note = deal, ""
        if deal.amount < 0:
            original = originals.get(deal.refund_of) if deal.refund_of else None
            if scheme.clawback.recover == "none":
                result.findings.append(
                    _finding(
                        index,
                        deal,
                        "REFUND_NOT_RECOVERED",
                        "the scheme's clawback policy is 'none': the refund takes nothing back",
                    )
                )
                return
            if original is None:
                what = (
                    f"refunds unknown deal {deal.refund_of!r}"
                    if deal.refund_of
                    else "is a credit note without refund_of"
                )
                result.findings.append(
                    _finding(
                        index,
                        deal,
                        "REFUND_UNKNOWN_ORIGINAL",
                        f"{what}: credited by its own credit list and classified by its own date",
                    )
                )
                note = "refund of an unknown deal"
            elif (deal.date - original.date).days > window:
                days = (deal.date - original.date).days
                result.findings.append(
                    _finding(
                        index,
                        deal,
                        "CLAWBACK_WINDOW",
                        f"refund of {original.id!r} comes {days} days after the deal, outside the "
                        f"{window}-day clawback window: not taken back",
                    )
                )
                return
            else:
                source, note = original, f"refund of {original.id}"
                gone = [c.employee_id for c in original.credit if c.employee_id not in employees]
                if gone:
                    result.findings.append(
                        _finding(
                            index,
                            deal,
                            "REFUND_NOT_RECOVERED",
                            f"refund of {original.id!r}: {', '.join(map(repr, gone))} "
                            f"{'is' if len(gone) == 1 else 'are'} not on this payroll; "
                            "that part of the refund is not taken back",
                        )
                    )
        before = earlier.get(deal.id, _ZERO) if source is not deal else None
        _credit(result, books, deal, source, classifier, digits, note, employees, before)

    _credit_period(result, books, classifier, deals, period, check, other)
    if exceeds:
        raise _Problem("REFUND_EXCEEDS")
    books.into(result)
    return result


def _credit_period(
    result: DealCredits,
    books: _Books,
    classifier: _Classifier,
    deals: Sequence[Deal],
    period: Period,
    check: DealCheck,
    other: Callable[[int, Deal], None],
) -> None:
    """Check and credit the deals in order: a plain sale of the period (in range, with the
    currency's decimals, of one measure) inline, any other deal by ``other``.

    A plain sale whose credit is wrong (shares not adding up to 1, a commission on a deal
    of this period, somebody not on the payroll) always has a problem: it raises
    :class:`_Problem` at once, and :func:`credit_deals` reports it with every other.
    """
    numbers, all_totals, all_lines, order = books.number, books.totals, books.lines, books.order
    key_deals, key_clients, digits = classifier.parts, classifier.key_clients, classifier.digits
    ends, months = classifier.ends, classifier.months
    ids, fine_shares = check.employees, check.fine_shares
    new, repeat, zero, one, most, step = _NEW, _REPEAT, _ZERO, _ONE, MAX_AMOUNT, quantum(digits)
    earliest, quantize = EARLIEST, EXACT.quantize  # (a context's method: no keyword to parse)
    first, last = max(period.first_day, EARLIEST), min(period.last_day, LATEST)
    record, line = tuple.__new__, CreditedDeal  # a CreditedDeal built from its tuple
    # each split's splitter, by its shares (a dict look-up costs less than splitter's cache);
    # only shares found fine are keys
    splits: dict[tuple[Decimal, ...], Callable[[Decimal], list[Decimal]]] = {}
    credited = 0
    for index, deal in enumerate(deals):
        day = deal.date
        amount = deal.amount
        if not (
            deal.refund_of is None
            and first <= day <= last
            and zero < amount <= most
            and quantize(amount, step) == amount
            and earliest <= deal.client_since <= day
        ):
            other(index, deal)
            continue
        kind = deal.kind
        # (a small set of clients first: the deals' own ids are a million-entry look-up)
        parts = key_deals.get(deal.id) if deal.client_id in key_clients else None
        if kind is not None:
            measure = kind
        elif parts is None:  # by age, as _Classifier.by_age, inline: the hot path
            since = deal.client_since
            try:
                end = ends[since]
            except KeyError:
                end = ends[since] = add_months(since, months)
            measure = new if day < end else repeat
        elif len(parts) == 1:  # a key account's deal within its baseline, or all growth
            measure = parts[0][0]
        else:  # part baseline, part growth: two measures
            other(index, deal)
            continue
        credit = deal.credit
        if len(credit) == 1:
            if credit[0].share != one:
                raise _Problem(index)  # SHARES_SUM
            pairs: Iterable[tuple[Credit, Decimal]] = ((credit[0], amount),)
        else:
            shares = tuple([c.share for c in credit])
            split = splits.get(shares)
            if split is None:
                if plain_split(credit, None, fine_shares) is None:
                    raise _Problem(index)  # SHARE_RANGE, SHARES_SUM or a commission
                split = splits[shares] = splitter(shares, digits)
            pairs = zip(credit, split(amount))  # noqa: B905
        credited += 1
        totals_of, lines_of = all_totals[measure], all_lines[measure]
        for c, part in pairs:  # (_Books.add inline, the hot path; a miss is rare: once per name)
            if c.commission is not None:
                raise _Problem(index)  # INVALID_COMMISSION: its commission is computed here
            try:
                number = numbers[c.employee_id]
            except KeyError:
                if c.employee_id not in ids:
                    raise _Problem(index) from None  # UNKNOWN_EMPLOYEE
                number = books.open(c.employee_id)
            total = totals_of[number]
            explained = record(line, (deal.id, day, deal.client_id, measure, c.share, part, ""))
            if total is None:
                totals_of[number] = part
                order[number].append(measure)
                lines_of[number] = [explained]
            else:
                totals_of[number] = total + part
                lines_of[number].append(explained)  # type: ignore[union-attr]  # (made above)
    result.credited_deals += credited


def _refunded_before(
    deals: Sequence[Deal], originals: Mapping[str, Deal], times: Mapping[str, int], window: int
) -> tuple[dict[str, Decimal], bool]:
    """For each refund taken back, what earlier refunds already took of the same deal (left
    out when nothing: a sale refunded once); and whether any sale is refunded more than its
    amount (REFUND_EXCEEDS).  ``times`` is how many refunds name each id.

    A deal refunded in pieces is split cumulatively (see :func:`_credit`), so that its
    refunds give back exactly what each person was credited, kopeck for kopeck.
    """
    refunds = [d for d in deals if d.refund_of is not None and d.refund_of in originals]
    refunded: dict[str, Decimal] = defaultdict(Decimal)  # refunded in all, per original
    for refund in refunds:
        refunded[refund.refund_of or ""] -= refund.amount
    exceeds = any(total > originals[i].amount > _ZERO for i, total in refunded.items())
    # Only a sale refunded more than once has refunds before a refund: only those refunds
    # are put in order (a look-up of the original, in date order, is a miss of the caches).
    again = sorted([r for r in refunds if times[r.refund_of or ""] > 1], key=_BY_DATE_AND_ID)
    taken: dict[str, Decimal] = {}
    so_far: dict[str, Decimal] = defaultdict(Decimal)  # taken back, per original
    for refund in again:
        original = originals[refund.refund_of or ""]
        if (
            refund.amount >= _ZERO
            or (refund.date - original.date).days > window
            or original.amount <= _ZERO
        ):
            continue
        taken[refund.id] = so_far[original.id]
        so_far[original.id] += refund.amount
    return taken, exceeds


def _finding(index: int, deal: Deal, code: str, message: str) -> Finding:
    return Finding(
        code, "warning", ("deals", index), f"deal {deal.id!r}: {message}", {"deal_id": deal.id}
    )


def _split(
    amount: Decimal,
    parts: list[tuple[Measure, Decimal]],
    shares: list[Decimal],
    digits: int,
) -> list[tuple[Measure, list[Decimal]]]:
    """``amount`` over ``parts``' measures in proportion, then over the credit shares."""
    if len(parts) > 1:  # in proportion to the parts' minor units: exact integers
        by_measure = apportion(amount, [to_units(value, digits) for _, value in parts], digits)
    else:
        by_measure = [amount]
    return [
        (measure, allocate(by_measure[i], shares, digits)) for i, (measure, _) in enumerate(parts)
    ]


def _credit(
    result: DealCredits,
    books: _Books,
    deal: Deal,
    source: Deal,
    classifier: _Classifier,
    digits: int,
    note: str,
    employees: set[str],
    before: Decimal | None = None,
) -> None:
    """Credit ``deal``'s amount by ``source``'s classification and split (the parts of
    people no longer on the payroll are left out).

    A refund (``before`` is what earlier refunds of the same deal took back) is split
    cumulatively: its parts are the split of everything refunded so far minus the split of
    what was refunded before it.  Splitting each piece on its own would round each piece's
    ties the same way and could take back a kopeck more from one person than they got.
    """
    result.credited_deals += 1
    parts = classifier.classify(source)
    amount = deal.amount if before is None else before + deal.amount
    shares = [c.share for c in source.credit]
    split = _split(amount, parts, shares, digits)
    if before:
        earlier = _split(before, parts, shares, digits)
        split = [
            (measure, [now - then for now, then in zip(amounts, earlier[i][1], strict=True)])
            for i, (measure, amounts) in enumerate(split)
        ]
    takes = _takes(deal, source, employees, before, digits)
    taken: dict[str, list[CreditedDeal]] = {}
    for measure, amounts in split:
        for credit, part in zip(source.credit, amounts, strict=True):
            who = credit.employee_id
            if who not in employees:
                continue
            lines = books.add(who, measure, part)
            if who in takes:  # out of the commission base: taken back at the commission paid
                left_out = result.excluded.setdefault(who, {})
                left_out[measure] = left_out.get(measure, _ZERO) + part
                text = f"{note}, {takes[who][1]}"
                record = CreditedDeal(
                    deal.id, deal.date, deal.client_id, measure, credit.share, part, text
                )
                taken.setdefault(who, []).append(record)
                continue
            lines.append(
                CreditedDeal(deal.id, deal.date, deal.client_id, measure, credit.share, part, note)
            )
    for who, records in taken.items():
        amount = takes[who][0]
        if len(records) == 1:
            shares = [amount]
        else:  # a key account's deal: the take over its measures, in proportion to the parts
            shares = apportion(amount, [abs(to_units(r.amount, digits)) for r in records], digits)
        result.recovered.setdefault(who, []).extend(zip(records, shares, strict=True))


def _takes(
    deal: Deal, source: Deal, employees: set[str], before: Decimal | None, digits: int
) -> dict[str, tuple[Decimal, str]]:
    """For a refund of ``source`` whose credits carry the commission paid on it: what this
    refund takes back from each of them (negative), and the words that explain it."""
    if source is deal:
        return {}
    refunded_before = -(before or _ZERO)
    refunded_after = refunded_before - deal.amount
    takes = {}
    for credit in source.credit:
        paid = credit.commission
        if paid is None or credit.employee_id not in employees:
            continue
        amount = take_back(paid, source.amount, refunded_before, refunded_after, digits)
        words = (
            f"{format_amount(refunded_after - refunded_before, digits)} of "
            f"{format_amount(source.amount, digits)} refunded: {format_amount(amount, digits)} "
            f"of the {format_amount(paid, digits)} commission paid"
        )
        takes[credit.employee_id] = (amount, words)
    return takes
