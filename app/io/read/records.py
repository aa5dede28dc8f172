"""What roster and deals files share: reading the file, JSON records and their typed fields.

A roster and a deals file are both a list of records, as CSV rows or as JSON objects
(``{"<key>": [...]}`` or a bare list); each record is checked field by field and every
problem is reported at the record's row through a :data:`Report`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from app.engine import InputError, control_character, control_message, to_decimal
from app.io.output.progress import Steps

from .csvfile import PROGRESS_EVERY, RowCallback
from .documents import DocumentError, json_positions, parse_document
from .files import FileProblem, decode_utf8, read_limited
from .numbers import parse_date
from .problems import InputFileError, Problems, RowProblem, RowsOf

__all__ = [
    "Report",
    "Tracked",
    "engine_problems",
    "json_date",
    "json_number",
    "json_object",
    "json_records",
    "json_text",
    "load_records",
    "parse_records",
]

#: ``report(column, code, message)``
Report = Callable[[str | None, str, str], None]

T = TypeVar("T")
F = TypeVar("F")


def load_records(
    path: str | os.PathLike[str],
    max_bytes: int,
    setting: str,
    progress: Steps,
    error: type[InputFileError],
    parse_csv: Callable[[str, str, RowCallback], F],
    parse_json: Callable[[str, str, Steps], F],
) -> F:
    """Read the file (UTF-8, at most ``max_bytes``) and parse it as CSV (a ``.csv`` name) or
    JSON; ``progress`` gets a step "Reading <file>" counting its rows.  A problem reading
    the file raises ``error``."""
    name = os.fspath(path)
    try:
        data = read_limited(path, max_bytes, setting)
    except FileProblem as exc:
        raise error(name, [RowProblem(exc.line, None, exc.code, exc.message)]) from None
    csv = os.path.splitext(name)[1].lower() == ".csv"
    return parse_records(data, name, csv, progress, error, parse_csv, parse_json)


def parse_records(
    data: bytes,
    name: str,
    csv: bool,
    progress: Steps,
    error: type[InputFileError],
    parse_csv: Callable[[str, str, RowCallback], F],
    parse_json: Callable[[str, str, Steps], F],
) -> F:
    """The records of a file's bytes (UTF-8; a byte-order mark dropped) as CSV (``csv``) or
    JSON: what :func:`load_records` does once the file is read, for bytes that arrived some
    other way (an upload).  Bytes that are not UTF-8 raise ``error`` at their line and column."""
    try:
        text = decode_utf8(data)
    except FileProblem as exc:
        raise error(name, [RowProblem(exc.line, None, exc.code, exc.message, exc.column)]) from None
    if csv:
        update = progress.step(f"Reading {name}", max(text.count("\n") - 1, 0))
        return parse_csv(text, name, update)
    return parse_json(text, name, progress)


def engine_problems(
    read: RowsOf,
    path: str,
    ids: list[str],
    exc: InputError,
    source: str,
    duplicate: str,
    skip: frozenset[str] = frozenset(),
) -> Problems:
    """The engine's problems of one input (``source``; by list index) as problems of the
    file it was read from (by row); a ``duplicate`` id also names the row of the first."""
    problems = Problems(path)
    first: dict[str, int] = {}
    for index, record_id in enumerate(ids):
        first.setdefault(record_id, index)
    for problem in exc.problems:
        if problem.source != source or problem.code in skip:
            continue
        row = None if problem.index is None else read.row(problem.index)
        message = problem.message
        if problem.code == duplicate and problem.index is not None:
            first_row = read.row(first[ids[problem.index]])
            if first_row is not None:
                message += f" (first at line {first_row})"
        column = None if problem.field is None else read.column(problem.field)
        problems.add(row, column, problem.code, message)
    return problems


class Tracked:
    """A :data:`Report` that also keeps the codes it reported (so a record knows it failed)."""

    def __init__(self, report: Report) -> None:
        self._report = report
        self.codes: list[str] = []

    def __call__(self, column: str | None, code: str, message: str) -> None:
        self.codes.append(code)
        self._report(column, code, message)


def json_object(
    item: object, what: str, keys: Sequence[str], report: Report
) -> tuple[dict[Any, Any], Tracked] | None:
    """``item`` as a JSON object (unknown keys reported) and a tracked report for its fields;
    None after reporting when it is no object."""
    if not isinstance(item, dict):
        report(None, "INVALID_TYPE", f"each {what} must be an object")
        return None
    tracked = Tracked(report)
    for key in item:
        if key not in keys:
            tracked(key, "UNKNOWN_KEY", f"unknown key {key!r}; the keys are {', '.join(keys)}")
    return item, tracked


def json_date(item: dict[str, object], key: str, report: Report, *, required: bool) -> date | None:
    """``item[key]`` as a date written YYYY-MM-DD; None (reported when ``required``) if absent."""
    value = item.get(key)
    if value is None:
        if required:
            report(key, "MISSING_VALUE", f"{key} is missing")
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
        return parse_date(value)
    except ValueError as exc:
        report(key, "INVALID_DATE", f"{key} {exc}")
        return None


def json_number(value: object, column: str, report: Report) -> Decimal | None:
    """``value`` (a JSON number or a string) as an exact decimal, or None after reporting."""
    try:
        return to_decimal(value)
    except ValueError as exc:
        report(column, "INVALID_NUMBER", f"{column}: {exc}")
        return None


def json_text(value: str, column: str, report: Report) -> bool:
    """Whether ``value`` is text without a control character (:mod:`app.engine.text`);
    reported as CONTROL_CHARACTER at ``column`` when it is not."""
    index = control_character(value)
    if index is None:
        return True
    report(column, "CONTROL_CHARACTER", f"{column} {control_message(value, index)}")
    return False


def json_records(
    text: str,
    name: str,
    key: str,
    code: str,
    parse: Callable[[object, Report], T | None],
    progress: Steps,
    error: type[InputFileError],
) -> tuple[list[T], list[int], Callable[[int], int | None]]:
    """``(records, indexes, row)``: each record of ``{"<key>": [...]}`` or a bare list, read
    by ``parse``, the index of each in the list, and the file row of an index.  Every problem
    (a document that is no such list: ``code``) raises ``error``."""
    try:
        data = parse_document(text, "json", name=name, positions=False).data
    except DocumentError as exc:
        raise error(name, [RowProblem(exc.line, None, exc.code, exc.message)]) from None
    prefix: tuple[str, ...] = ()
    if isinstance(data, dict) and set(data) <= {key} and isinstance(data.get(key), list):
        items, prefix = data[key], (key,)
    elif isinstance(data, list):
        items = data
    else:
        message = f'expected a list of {key}, or an object {{"{key}": [...]}}'
        raise error(name, [RowProblem(1, None, code, message)])

    @cache
    def positions() -> dict[tuple[str | int, ...], tuple[int, int]]:
        # Computed only when a problem is reported.  JSON has no aliases, so a value per
        # character bounds the work; the default cap is for YAML.
        return json_positions(text, max_nodes=len(text) + 1).values

    def row(index: int) -> int | None:
        found = positions().get((*prefix, index))
        return None if found is None else found[0]

    problems = Problems(name, error)
    values: list[T] = []
    indexes: list[int] = []
    update = progress.step(f"Reading {name}", len(items))
    for index, item in enumerate(items):

        def report(column: str | None, code: str, message: str, index: int = index) -> None:
            problems.add(row(index), column, code, message)

        value = parse(item, report)
        if value is not None:
            values.append(value)
            indexes.append(index)
        if index % PROGRESS_EVERY == PROGRESS_EVERY - 1:
            update(index + 1)
    problems.check()
    return values, indexes, row
