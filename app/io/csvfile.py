"""CSV files as spreadsheets save them: the header, the separator and rows by column name.

Shared by rosters and deals.  The separator is ``,`` or ``;``, detected from the header
line; a ``;`` file may write decimal commas (``1 234,56``), as spreadsheets in
comma-decimal locales do.  Rows are numbered by the file line they start on (a quoted
cell may span lines), blank rows (and the ``;;;;`` rows spreadsheets leave at the end)
are skipped, and a row with a different number of fields than the header is refused
naming the first missing (or extra) column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .rostermodel import Problems, RosterError, RowProblem

__all__ = ["PROGRESS_EVERY", "CsvRow", "RowCallback", "csv_rows", "separator"]

#: Called with the number of rows read so far, every :data:`PROGRESS_EVERY` rows.
RowCallback = Callable[[int], None]
PROGRESS_EVERY = 1000


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: the file line it starts on and its cells by (lower-case) column."""

    row: int
    cells: dict[str, str]


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


def csv_rows(
    text: str,
    name: str,
    problems: Problems,
    columns: Sequence[str],
    required: Sequence[str],
    on_rows: RowCallback | None = None,
) -> tuple[bool, Iterator[CsvRow]]:
    """``(decimal_comma, rows)`` of a CSV text with a header line.

    Header problems (unknown, duplicate or missing columns) raise :class:`RosterError` at
    once; row problems (ragged rows, unreadable CSV) are added to ``problems`` while the
    rows are iterated, and those rows are skipped.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise RosterError(name, [RowProblem(None, None, "EMPTY_FILE", "the file is empty")])
    decimal_comma = separator(text.split("\n", 1)[0]) == ";"
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=";" if decimal_comma else ",", strict=True
    )
    try:
        header = _header(next(reader), problems, columns, required)
    except csv.Error as exc:
        raise RosterError(
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
                yield CsvRow(row, dict(zip(header, cells, strict=True)))
        except csv.Error as exc:
            problems.add(reader.line_num, None, "SYNTAX", f"the CSV cannot be read: {exc}")

    return decimal_comma, rows()
