"""Deals files: the period's (and earlier) deals from CSV or JSON, every problem with its row.

CSV columns (header names, any order, case-insensitive): ``id,date,client_id,client_since,
amount,refund_of,kind,credit``; ``refund_of`` and ``kind`` may be left out.  ``credit``
lists who is credited and with what share: ``E-1:0.5|E-2:0.5``, or just ``E-1`` for a deal
credited wholly to one employee (share 1).  The same encoding, byte-order mark, separator
and number rules as rosters apply (``1 234,56`` in a ``;`` file; shares too: ``E-1:0,5``).

JSON: ``{"deals": [...]}`` or a bare list; each deal an object with those keys and
``credit`` a list of ``{"employee_id": ..., "share": ...}`` (or a string in the CSV form).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Final

from app.engine import Credit, Deal, Finding, InputError, Measure, to_decimal

from .csvfile import PROGRESS_EVERY, RowCallback, csv_rows
from .documents import DocumentError, json_positions, parse_document
from .files import FileProblem, decode_utf8, read_limited
from .numbers import parse_date, parse_number
from .progress import NO_PROGRESS, Steps
from .rostermodel import MEASURES, Problems, RosterError, RowProblem

__all__ = [
    "DEAL_COLUMNS",
    "REQUIRED_DEAL_COLUMNS",
    "DealReport",
    "DealsError",
    "DealsFile",
    "deal_finding_line",
    "deal_from_json",
    "deals_error",
    "load_deals",
    "parse_credit",
    "parse_csv_deals",
    "parse_json_deals",
]

DEAL_COLUMNS: Final = (
    "id", "date", "client_id", "client_since", "amount", "refund_of", "kind", "credit",
)  # fmt: skip
REQUIRED_DEAL_COLUMNS: Final = ("id", "date", "client_id", "client_since", "amount", "credit")
_FORMATS = "expected a .csv or .json deals file"

#: The field a deal finding of the engine is about (for the column of its message).
_FINDING_FIELDS: Final = {
    "REFUND_UNKNOWN_ORIGINAL": "refund_of",
    "CLAWBACK_WINDOW": "date",
    "REFUND_NOT_RECOVERED": "amount",
}

#: ``report(column, code, message)``
DealReport = Callable[[str | None, str, str], None]


class DealsError(RosterError):
    """A deals file that cannot be used; every problem found, up to 100."""


@dataclass(frozen=True, slots=True)
class DealsFile:
    """Deals read from ``path``, and the file row of each (for messages)."""

    path: str
    deals: list[Deal]
    _row: Callable[[int], int | None] = field(repr=False)
    _column: Callable[[str], str] = field(repr=False, default=str)

    def row(self, index: int) -> int | None:
        return self._row(index)

    def column(self, name: str) -> str:
        return self._column(name)


# --- credit ----------------------------------------------------------------------------


def parse_credit(text: str, *, decimal_comma: bool = False) -> tuple[Credit, ...]:
    """``E-1:0.5|E-2:0.5`` → two credits; ``E-1`` alone → share 1.

    The share follows the last ``:`` (so an id may contain ``:`` when a share is
    written).  ValueError says what is wrong.
    """
    credits = []
    for part in text.split("|"):
        item = part.strip()
        if not item:
            raise ValueError(f"{text!r} has an empty entry; write E-1:0.5|E-2:0.5")
        who, colon, share_text = item.rpartition(":")
        if not colon:
            credits.append(Credit(item, Decimal(1)))
            continue
        who = who.strip()
        if not who:
            raise ValueError(f"{item!r} has no employee id before ':'")
        try:
            share = parse_number(share_text, decimal_comma=decimal_comma)
        except ValueError as exc:
            raise ValueError(f"the share of {who!r}: {exc}") from None
        credits.append(Credit(who, share))
    return tuple(credits)


# --- CSV -------------------------------------------------------------------------------


def parse_csv_deals(
    text: str, name: str = "<deals>", on_rows: RowCallback | None = None
) -> DealsFile:
    """Deals from CSV text; ``,`` or ``;`` separated (detected from the header)."""
    problems = Problems(name)
    try:
        decimal_comma, rows = csv_rows(
            text, name, problems, DEAL_COLUMNS, REQUIRED_DEAL_COLUMNS, on_rows
        )
    except RosterError as exc:
        raise DealsError(exc.path, exc.problems, exc.omitted) from None
    deals: list[Deal] = []
    lines: list[int] = []
    for row in rows:
        deal = _csv_deal(row.cells, row.row, problems, decimal_comma)
        if deal is not None:
            deals.append(deal)
            lines.append(row.row)
    _check(problems)
    return DealsFile(name, deals, lambda index: lines[index])


def _check(problems: Problems) -> None:
    if problems.found:
        raise DealsError(problems.path, problems.found, problems.omitted)


def _csv_deal(
    cells: dict[str, str], row: int, problems: Problems, decimal_comma: bool
) -> Deal | None:
    before = len(problems.found) + problems.omitted
    values = {key: value.strip() for key, value in cells.items()}
    for column in REQUIRED_DEAL_COLUMNS:
        if not values[column]:
            problems.add(row, column, "MISSING_VALUE", f"{column} is empty")

    def day(column: str) -> date | None:
        raw = values[column]
        try:
            return parse_date(raw) if raw else None
        except ValueError as exc:
            problems.add(row, column, "INVALID_DATE", f"{column} {exc}")
            return None

    when, since = day("date"), day("client_since")
    amount = None
    if values["amount"]:
        try:
            amount = parse_number(values["amount"], decimal_comma=decimal_comma)
        except ValueError as exc:
            problems.add(row, "amount", "INVALID_NUMBER", f"amount {exc}")
    kind = None
    if values.get("kind"):
        kind = _measure(values["kind"], lambda c, code, m: problems.add(row, "kind", code, m))
    credit: tuple[Credit, ...] = ()
    if values["credit"]:
        try:
            credit = parse_credit(values["credit"], decimal_comma=decimal_comma)
        except ValueError as exc:
            problems.add(row, "credit", "INVALID_CREDIT", f"credit: {exc}")
    if len(problems.found) + problems.omitted > before:
        return None
    assert when is not None and since is not None and amount is not None
    return Deal(
        id=values["id"],
        date=when,
        client_id=values["client_id"],
        client_since=since,
        amount=amount,
        credit=credit,
        refund_of=values.get("refund_of") or None,
        kind=kind,
    )


def _measure(text: str, report: DealReport) -> Measure | None:
    try:
        return Measure(text)
    except ValueError:
        report("kind", "UNKNOWN_MEASURE", f"kind {text!r} is not a measure ({', '.join(MEASURES)})")
        return None


# --- JSON ------------------------------------------------------------------------------

_JSON_FIELDS: Final = DEAL_COLUMNS


def _identifier(item: dict[str, object], key: str, report: DealReport) -> str | None:
    value = item.get(key)
    if value is None:
        if key != "refund_of":
            report(key, "MISSING_VALUE", f"{key} is missing")
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        report(key, "INVALID_TYPE", f"{key} must be a non-empty string")
        return None
    return value.strip()


def _json_date(item: dict[str, object], key: str, report: DealReport) -> date | None:
    value = item.get(key)
    if value is None:
        report(key, "MISSING_VALUE", f"{key} is missing")
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
        return parse_date(value)
    except ValueError as exc:
        report(key, "INVALID_DATE", f"{key} {exc}")
        return None


def _json_number(value: object, column: str, report: DealReport) -> Decimal | None:
    try:
        return to_decimal(value)
    except ValueError as exc:
        report(column, "INVALID_NUMBER", f"{column}: {exc}")
        return None


def _prefixed(report: DealReport, at: str) -> DealReport:
    def prefixed(column: str | None, code: str, message: str) -> None:
        report(at if column is None else f"{at}.{column}", code, message)

    return prefixed


def _json_credit(value: object, report: DealReport) -> tuple[Credit, ...] | None:
    if value is None:
        report("credit", "MISSING_VALUE", "credit is missing")
        return None
    if isinstance(value, str):
        try:
            return parse_credit(value)
        except ValueError as exc:
            report("credit", "INVALID_CREDIT", f"credit: {exc}")
            return None
    if not isinstance(value, list):
        report(
            "credit",
            "INVALID_TYPE",
            'credit must be a list [{"employee_id": ..., "share": ...}] or "E-1:0.5|E-2:0.5"',
        )
        return None
    credits: list[Credit] = []
    ok = True
    for index, entry in enumerate(value):
        at = f"credit[{index}]"
        if not isinstance(entry, dict):
            report(at, "INVALID_TYPE", f'{at} must be an object {{"employee_id", "share"}}')
            ok = False
            continue
        for key in entry:
            if key not in ("employee_id", "share"):
                report(f"{at}.{key}", "UNKNOWN_KEY", f"unknown key {key!r}; the keys are "
                       "employee_id, share")  # fmt: skip
                ok = False
        who = _identifier(entry, "employee_id", _prefixed(report, at))
        share = None
        if entry.get("share") is None:
            report(f"{at}.share", "MISSING_VALUE", "share is missing")
        else:
            share = _json_number(entry["share"], f"{at}.share", report)
        if who is None or share is None:
            ok = False
            continue
        credits.append(Credit(who, share))
    return tuple(credits) if ok else None


def deal_from_json(item: object, report: DealReport) -> Deal | None:
    """A :class:`Deal` from one JSON (or YAML) object, or None after reporting its problems."""
    if not isinstance(item, dict):
        report(None, "INVALID_TYPE", "each deal must be an object")
        return None
    found: list[str] = []

    def tracked(column: str | None, code: str, message: str) -> None:
        found.append(code)
        report(column, code, message)

    for key in item:
        if key not in _JSON_FIELDS:
            tracked(
                key, "UNKNOWN_KEY", f"unknown key {key!r}; the keys are {', '.join(DEAL_COLUMNS)}"
            )
    deal_id = _identifier(item, "id", tracked)
    client = _identifier(item, "client_id", tracked)
    refund_of = _identifier(item, "refund_of", tracked)
    when, since = _json_date(item, "date", tracked), _json_date(item, "client_since", tracked)
    amount = None
    if item.get("amount") is None:
        tracked("amount", "MISSING_VALUE", "amount is missing")
    else:
        amount = _json_number(item["amount"], "amount", tracked)
    kind = None
    if item.get("kind") is not None:
        raw = item["kind"]
        if isinstance(raw, str):
            kind = _measure(raw, tracked)
        else:
            tracked("kind", "INVALID_TYPE", "kind must be a measure name")
    credit = _json_credit(item.get("credit"), tracked)
    if found:
        return None
    assert deal_id and client and when and since and amount is not None and credit is not None
    return Deal(deal_id, when, client, since, amount, credit, refund_of, kind)


def parse_json_deals(text: str, name: str = "<deals>", progress: Steps = NO_PROGRESS) -> DealsFile:
    """Deals from ``{"deals": [...]}`` or a bare list of deal objects."""
    try:
        data = parse_document(text, "json", name=name, positions=False).data
    except DocumentError as exc:
        raise DealsError(name, [RowProblem(exc.line, None, exc.code, exc.message)]) from None
    prefix: tuple[str, ...] = ()
    if isinstance(data, dict) and set(data) <= {"deals"} and isinstance(data.get("deals"), list):
        items, prefix = data["deals"], ("deals",)
    elif isinstance(data, list):
        items = data
    else:
        message = 'expected a list of deals, or an object {"deals": [...]}'
        raise DealsError(name, [RowProblem(1, None, "NOT_A_DEALS_FILE", message)])

    @cache
    def positions() -> dict[tuple[str | int, ...], tuple[int, int]]:
        return json_positions(text, max_nodes=len(text) + 1).values

    def row(index: int) -> int | None:
        found = positions().get((*prefix, index))
        return None if found is None else found[0]

    problems = Problems(name)
    deals: list[Deal] = []
    indexes: list[int] = []
    update = progress.step(f"Reading {name}", len(items))
    for index, item in enumerate(items):

        def report(column: str | None, code: str, message: str, index: int = index) -> None:
            problems.add(row(index), column, code, message)

        deal = deal_from_json(item, report)
        if deal is not None:
            deals.append(deal)
            indexes.append(index)
        if index % PROGRESS_EVERY == PROGRESS_EVERY - 1:
            update(index + 1)
    _check(problems)
    return DealsFile(name, deals, lambda index: row(indexes[index]))


# --- files -----------------------------------------------------------------------------


def load_deals(
    path: str | os.PathLike[str],
    *,
    max_bytes: int,
    setting: str = "",
    progress: Steps = NO_PROGRESS,
) -> DealsFile:
    """Read a ``.csv`` or ``.json`` deals file of at most ``max_bytes`` bytes."""
    name = os.fspath(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in (".csv", ".json"):
        raise DealsError(name, [RowProblem(None, None, "UNSUPPORTED_FORMAT", _FORMATS)])
    try:
        text = decode_utf8(read_limited(path, max_bytes, setting))
    except FileProblem as exc:
        raise DealsError(name, [RowProblem(exc.line, None, exc.code, exc.message)]) from None
    if suffix == ".csv":
        update = progress.step(f"Reading {name}", max(text.count("\n") - 1, 0))
        return parse_csv_deals(text, name, update)
    return parse_json_deals(text, name, progress)


def deals_error(deals: DealsFile, exc: InputError) -> DealsError | None:
    """The engine's deal problems (by list index) as problems of the file (by row);
    None when ``exc`` has none."""
    problems = Problems(deals.path)
    first: dict[str, int] = {}
    for index, deal in enumerate(deals.deals):
        first.setdefault(deal.id, index)
    for problem in exc.problems:
        if problem.source != "deals":
            continue
        row = None if problem.index is None else deals.row(problem.index)
        message = problem.message
        if problem.code == "DUPLICATE_DEAL" and problem.index is not None:
            first_row = deals.row(first[deals.deals[problem.index].id])
            if first_row is not None:
                message += f" (first at line {first_row})"
        column = None if problem.field is None else deals.column(problem.field)
        problems.add(row, column, problem.code, message)
    if not problems.found:
        return None
    return DealsError(deals.path, problems.found, problems.omitted)


def deal_finding_line(deals: DealsFile, finding: Finding) -> str | None:
    """``deals.csv:4: warning CODE: message (column refund_of)`` for a finding about a deal
    (its path is ``("deals", index)``); None for any other finding."""
    path = finding.path
    if len(path) != 2 or path[0] != "deals" or not isinstance(path[1], int):
        return None
    field_name = _FINDING_FIELDS.get(finding.code)
    column = None if field_name is None else deals.column(field_name)
    problem = RowProblem(deals.row(path[1]), column, finding.code, finding.message)
    return problem.render(deals.path, finding.severity)
