"""CSV files as spreadsheets save them: the header, the separator and rows by column name.

Shared by rosters and deals.  The separator is ``,`` or ``;``, detected from the header
line; a ``;`` file may write decimal commas (``1 234,56``), as spreadsheets in
comma-decimal locales do.  Rows are numbered by the file line they start on (a quoted
cell may span lines), blank rows (and the ``;;;;`` rows spreadsheets leave at the end)
are skipped, and a row with a different number of fields than the header is refused
naming the first missing (or extra) column.  No cell may contain a control character
(:mod:`app.engine.text`; a line break inside a quoted cell included): such a row is refused
naming the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, TypeVar

from app.engine import control_character, control_message

from .numbers import parse_date, parse_number
from .problems import Problems, RowProblem

__all__ = [
    "PROGRESS_EVERY",
    "CsvFields",
    "CsvRow",
    "RowCallback",
    "csv_records",
    "csv_rows",
    "separator",
]

#: Called with the number of rows read so far, every :data:`PROGRESS_EVERY` rows.
RowCallback = Callable[[int], None]
PROGRESS_EVERY = 1000

T = TypeVar("T")

# Control characters other than the line breaks that end rows: one scan of the whole file
# tells whether any cell can hold one; a row spanning lines has a line break in a cell.
_CONTROLS_BUT_BREAKS: Final = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: the file line it starts on and its cells by (lower-case) column."""

    row: int
    cells: dict[str, str]


class CsvFields:
    """One row's cells (stripped) read as values; each problem is added at the row.

    The ``required`` columns that are empty are reported at once; :attr:`failed` says
    whether any problem was added for this row since.
    """

    def __init__(
        self, row: CsvRow, problems: Problems, decimal_comma: bool, required: Sequence[str]
    ) -> None:
        self.row = row.row
        self.problems = problems
        self.decimal_comma = decimal_comma
        self._before = len(problems.found) + problems.omitted
        self.values = {key: value.strip() for key, value in row.cells.items()}
        for column in required:
            if not self.values[column]:
                self.add(column, "MISSING_VALUE", f"{column} is empty")

    @property
    def failed(self) -> bool:
        return len(self.problems.found) + self.problems.omitted > self._before

    def add(self, column: str, code: str, message: str) -> None:
        self.problems.add(self.row, column, code, message)

    def number(self, column: str) -> Decimal | None:
        """The cell as an exact decimal; None when empty or after reporting."""
        raw = self.values.get(column, "")
        if not raw:
            return None
        try:
            return parse_number(raw, decimal_comma=self.decimal_comma)
        except ValueError as exc:
            self.add(column, "INVALID_NUMBER", f"{column} {exc}")
            return None

    def day(self, column: str) -> date | None:
        """The cell as a date; None when empty or after reporting."""
        raw = self.values.get(column, "")
        try:
            return parse_date(raw) if raw else None
        except ValueError as exc:
            self.add(column, "INVALID_DATE", f"{column} {exc}")
            return None


def csv_records(
    rows: Iterable[CsvRow],
    parse: Callable[[CsvFields], T | None],
    problems: Problems,
    decimal_comma: bool,
    required: Sequence[str],
) -> tuple[list[T], list[int]]:
    """``(records, lines)``: each row read by ``parse`` (None after reporting its problems),
    and the file line of each record."""
    records: list[T] = []
    lines: list[int] = []
    for row in rows:
        record = parse(CsvFields(row, problems, decimal_comma, required))
        if record is not None:
            records.append(record)
            lines.append(row.row)
    return records, lines


def separator(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _header(
    row: list[str], problems: Problems, columns: Sequence[str], required: Sequence[str]
) -> list[str]:
    names = [cell.strip().lower() for cell in row]
    for index, column in enumerate(names):
        if column not in columns:
            problems.add(
                1,
                column or f"#{index + 1}",
                "UNKNOWN_COLUMN",
                f"unknown column {column!r}; the columns are {', '.join(columns)}",
            )
        elif column in names[:index]:
            problems.add(1, column, "DUPLICATE_COLUMN", f"column {column!r} appears twice")
    for column in required:
        if column not in names:
            problems.add(1, column, "MISSING_COLUMN", f"required column {column!r} is missing")
    problems.check()
    return names


def _ragged(cells: list[str], header: list[str]) -> tuple[str, str]:
    """The column to point at and the message for a row of the wrong length."""
    have, want = len(cells), len(header)
    if have < want:
        missing = header[have]
        return missing, (
            f"the row has {have} fields but the header has {want}: "
            f"{missing!r} and the columns after it have no value"
        )
    return f"#{want + 1}", (
        f"the row has {have} fields but the header has {want}: field {want + 1} has no "
        "column (an unquoted separator in a value?)"
    )


def _controls(cells: list[str], header: list[str], row: int, problems: Problems) -> bool:
    """Whether a cell of the row holds a control character (each such cell reported)."""
    found = False
    for column, cell in zip(header, cells, strict=True):
        index = control_character(cell)
        if index is not None:
            problems.add(
                row, column, "CONTROL_CHARACTER", f"{column} {control_message(cell, index)}"
            )
            found = True
    return found


def csv_rows(
    text: str,
    name: str,
    problems: Problems,
    columns: Sequence[str],
    required: Sequence[str],
    on_rows: RowCallback | None = None,
) -> tuple[bool, Iterator[CsvRow]]:
    """``(decimal_comma, rows)`` of a CSV text with a header line.

    Header problems (unknown, duplicate or missing columns) raise ``problems.error`` at
    once; row problems (ragged rows, unreadable CSV) are added to ``problems`` while the
    rows are iterated, and those rows are skipped.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise problems.error(name, [RowProblem(None, None, "EMPTY_FILE", "the file is empty")])
    decimal_comma = separator(text.split("\n", 1)[0]) == ";"
    controls = _CONTROLS_BUT_BREAKS.search(text) is not None
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=";" if decimal_comma else ",", strict=True
    )
    try:
        header = _header(next(reader), problems, columns, required)
    except csv.Error as exc:
        raise problems.error(
            name, [RowProblem(1, None, "SYNTAX", f"the CSV cannot be read: {exc}")]
        ) from None

    def rows() -> Iterator[CsvRow]:
        last = reader.line_num
        count = 0
        try:
            for cells in reader:
                row, last = last + 1, reader.line_num
                count += 1
                if on_rows is not None and count % PROGRESS_EVERY == 0:
                    on_rows(count)
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    column, message = _ragged(cells, header)
                    problems.add(row, column, "RAGGED_ROW", message)
                    continue
                if (controls or last != row) and _controls(cells, header, row, problems):
                    continue
                yield CsvRow(row, dict(zip(header, cells, strict=True)))
        except csv.Error as exc:
            problems.add(reader.line_num, None, "SYNTAX", f"the CSV cannot be read: {exc}")

    return decimal_comma, rows()
