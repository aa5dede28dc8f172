"""Deals files: the period's (and earlier) deals from CSV or JSON, every problem with its row.

CSV columns (header names, any order, case-insensitive): ``id,date,client_id,client_since,
amount,refund_of,kind,credit,commission``; ``refund_of``, ``kind`` and ``commission`` may be
left out.  ``credit`` lists who is credited and with what share: ``E-1:0.5|E-2:0.5``, or just
``E-1`` for a deal credited wholly to one employee (share 1).  ``commission``, on a deal of an
earlier period, is what that period paid each of them on it: ``E-1:250.00|E-2:80.00``.  The
same encoding, byte-order mark, separator and number rules as rosters apply (``1 234,56`` in a
``;`` file; shares too: ``E-1:0,5``).

JSON: ``{"deals": [...]}`` or a bare list; each deal an object with those keys and
``credit`` a list of ``{"employee_id": ..., "share": ..., "commission": ...}`` (commission
optional; or a string in the CSV form).
"""

from __future__ import annotations

import os
from typing import Final

from app.engine import Credit, Deal, Finding, InputError
from app.io.output.progress import NO_PROGRESS, Steps
from app.io.read.csvfile import CsvFields, RowCallback, csv_records, csv_rows
from app.io.read.problems import Problems, RowProblem
from app.io.read.records import engine_problems, load_records

from .from_json import deal_from_json, parse_json_deals
from .model import (
    DEAL_COLUMNS,
    REQUIRED_DEAL_COLUMNS,
    DealsError,
    DealsFile,
    parse_credit,
    parse_measure,
    with_commission,
)

__all__ = [
    "deal_finding_line",
    "deal_from_json",
    "deals_error",
    "load_deals",
    "parse_csv_deals",
    "parse_json_deals",
]

_FORMATS = "expected a .csv or .json deals file"

#: The field a deal finding of the engine is about (for the column of its message).
_FINDING_FIELDS: Final = {
    "REFUND_UNKNOWN_ORIGINAL": "refund_of",
    "CLAWBACK_WINDOW": "date",
    "REFUND_NOT_RECOVERED": "amount",
}


# --- CSV -------------------------------------------------------------------------------


def parse_csv_deals(
    text: str, name: str = "<deals>", on_rows: RowCallback | None = None
) -> DealsFile:
    """Deals from CSV text; ``,`` or ``;`` separated (detected from the header)."""
    problems = Problems(name, DealsError)
    decimal_comma, rows = csv_rows(
        text, name, problems, DEAL_COLUMNS, REQUIRED_DEAL_COLUMNS, on_rows
    )
    deals, lines = csv_records(rows, _csv_deal, problems, decimal_comma, REQUIRED_DEAL_COLUMNS)
    problems.check()
    return DealsFile(name, deals, lambda index: lines[index], _csv_column)


def _csv_column(name: str) -> str:
    """The CSV column of an engine field: ``credit.0.commission`` is in ``commission``."""
    return "commission" if name.endswith(".commission") else name


def _csv_deal(fields: CsvFields) -> Deal | None:
    values = fields.values
    when, since = fields.day("date"), fields.day("client_since")
    amount = fields.number("amount")
    kind = None
    if values.get("kind"):
        kind = parse_measure(values["kind"], lambda c, code, m: fields.add("kind", code, m))
    credit: tuple[Credit, ...] = ()
    if values["credit"]:
        try:
            credit = parse_credit(values["credit"], decimal_comma=fields.decimal_comma)
        except ValueError as exc:
            fields.add("credit", "INVALID_CREDIT", f"credit: {exc}")
        if credit and values.get("commission"):
            try:
                credit = with_commission(
                    credit, values["commission"], decimal_comma=fields.decimal_comma
                )
            except ValueError as exc:
                fields.add("commission", "INVALID_CREDIT", f"commission: {exc}")
    if fields.failed:
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
    return load_records(
        path, max_bytes, setting, progress, DealsError, parse_csv_deals, parse_json_deals
    )


def deals_error(deals: DealsFile, exc: InputError) -> DealsError | None:
    """The engine's deal problems (by list index) as problems of the file (by row);
    None when ``exc`` has none."""
    ids = [deal.id for deal in deals.deals]
    problems = engine_problems(deals, deals.path, ids, exc, "deals", "DUPLICATE_DEAL")
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
