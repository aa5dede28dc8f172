"""A deals file read straight into columns: :class:`~app.engine.columnar.deals_columns.DealColumns`.

A CSV file is read row by row into the columns' lists, with the same cell rules as
:func:`~.load.parse_csv_deals` (the same CSV reader, number, date, credit and measure
parsers), but without a :class:`~app.engine.Deal` per row: a million-deal file makes a few
dozen arrays, not a million objects.  A file with any problem of its own (a cell that does not
read), or a value the columns cannot hold exactly (an amount with more decimals than the
currency has, an id twice), is read again by :func:`~.load.load_deals` instead: its problems
are then reported exactly as ever, and the columns keep the deals for the Decimal engine
(``DealColumns.unsupported`` says why).  A JSON file is read by the JSON loader and its deals
made into columns.

Rows for messages: the problems of a file whose deals the engine refuses are reported by
reading it with :func:`~.load.load_deals` and :func:`~.load.deals_error`.
"""

from __future__ import annotations

import os
import re
from functools import partial
from typing import Final

from app.engine.columnar.deals_columns import ColumnsBuilder, DealColumns
from app.io.read.csvfile import CsvFields, csv_rows
from app.io.read.files import FileProblem, decode_utf8, read_limited
from app.io.read.problems import Problems, RowProblem

from .load import load_deals
from .model import (
    DEAL_COLUMNS,
    REQUIRED_DEAL_COLUMNS,
    DealsError,
    parse_credit,
    parse_measure,
    with_commission,
)

__all__ = ["load_deal_columns"]

_PLAIN: Final = re.compile(r"(-?)(0|[1-9][0-9]{0,13})(?:\.([0-9]+))?")


class _Slow(Exception):
    """The file is read by the Deal loader instead."""


def load_deal_columns(
    path: str | os.PathLike[str], *, digits: int, max_bytes: int, setting: str = ""
) -> DealColumns:
    """The deals of a ``.csv`` or ``.json`` file as columns, amounts at ``digits`` decimals;
    DealsError with every problem of a file that cannot be read (as :func:`load_deals`)."""
    name = os.fspath(path)
    if os.path.splitext(name)[1].lower() == ".csv":
        try:
            text = decode_utf8(read_limited(path, max_bytes, setting))
        except FileProblem as exc:
            raise DealsError(name, [RowProblem(exc.line, None, exc.code, exc.message)]) from None
        try:
            return _csv_columns(text, name, digits)
        except _Slow:
            pass
    deals = load_deals(path, max_bytes=max_bytes, setting=setting).deals
    return DealColumns.from_deals(deals, digits)


def _report_kind(fields: CsvFields, column: str | None, code: str, message: str) -> None:
    fields.add("kind", code, message)


def _csv_columns(text: str, name: str, digits: int) -> DealColumns:
    problems = Problems(name, DealsError)
    decimal_comma, rows = csv_rows(text, name, problems, DEAL_COLUMNS, REQUIRED_DEAL_COLUMNS)
    builder = ColumnsBuilder(digits)
    scale = 10**digits
    most = 10**13 * scale
    for row in rows:
        fields = CsvFields(row, problems, decimal_comma, REQUIRED_DEAL_COLUMNS)
        values = fields.values
        when, since = fields.day("date"), fields.day("client_since")
        raw = values["amount"]
        plain = None if decimal_comma else _PLAIN.fullmatch(raw)
        amount: int | None = None
        if plain is not None and len(plain[3] or "") <= digits:  # the usual: 1234.50
            fraction = (plain[3] or "").ljust(digits, "0")
            amount = int(plain[2]) * scale + (int(fraction) if fraction else 0)
            amount = -amount if plain[1] else amount
        else:
            number = fields.number("amount")
            if number is not None:
                amount = builder.units(number, "amount")
        kind = None
        if values.get("kind"):
            kind = parse_measure(values["kind"], partial(_report_kind, fields))
        try:
            credit = parse_credit(values["credit"], decimal_comma=decimal_comma)
            if values.get("commission"):
                credit = with_commission(credit, values["commission"], decimal_comma=decimal_comma)
        except ValueError:
            raise _Slow from None
        if (
            fields.failed
            or problems.found
            or builder.unsupported
            or not amount
            or not -most <= amount <= most
        ):
            raise _Slow  # a problem, a zero or a value the columns cannot hold: read as Deals
        assert when is not None and since is not None
        builder.add(
            values["id"],
            when,
            values["client_id"],
            since,
            amount,
            kind,
            values.get("refund_of") or None,
            credit,
        )
    if problems.found:
        raise _Slow
    columns = builder.build()
    if columns.unsupported:
        raise _Slow
    return columns
