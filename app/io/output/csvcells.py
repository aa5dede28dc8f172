"""CSV that spreadsheets and ``csv.reader`` read back as it was written.

One dialect for every CSV the project writes: ``,`` separated, ``"`` quoted, rows ended by
CRLF (RFC 4180), so that any cell holding a CR, an LF, a ``,`` or a ``"`` is quoted and stays
one cell of one row, whatever reads it.

And one formula guard, for the exports people open in Excel or LibreOffice: a text cell that
starts with a tab, CR or LF, or whose first visible character (after whitespace, control and
format characters such as zero-width spaces or a BOM, which some readers strip) would start a
formula, ``=``, ``+``, ``-``, ``@`` or their full-width forms, gets a leading ``'``, which
spreadsheets take as "this is text" and do not show. A cell that starts with ``'`` itself gets
one more, so a reader always recovers the text by removing one leading ``'`` where there is
one. Which cells are numbers is the exporter's decision, not the text's: a cell of a column
passed as ``numbers`` that is a plain decimal (``-1234.50``, ``0.15``, ``3``) is written as it
is, so a spreadsheet still sums it; every other cell is text and guarded, so a name ``-5`` is
written ``'-5``.

A second dialect, ``excel-ru``, is for a spreadsheet set to Russian, which opens a file as it
is only when it starts with a UTF-8 byte order mark (else Cyrillic text garbles), is ``;``
separated (the list separator of a Russian system) and writes decimals with a comma (else
``1234.50`` is read as text or as a date): the number cells become ``-1234,50``; quoting,
CRLF and the formula guard are the same. :data:`DIALECTS` names both; ``rfc4180`` is the
default, and its bytes are those written before the second dialect existed.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT", "DIALECTS", "EXCEL_RU", "GUARD", "CsvDialect", "csv_text", "guarded"]


class _Dialect(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


class _Semicolons(_Dialect):
    delimiter = ";"


@dataclass(frozen=True, slots=True)
class CsvDialect:
    """How a CSV is written: its name (``?dialect=`` / ``--dialect``), the separator, the
    decimal mark of the number cells, whether the text starts with a byte order mark."""

    name: str
    csv_dialect: type[csv.Dialect]
    decimal: str
    bom: bool

    def number(self, text: str) -> str:
        """A plain decimal as written (``-1234.50``) with this dialect's decimal mark."""
        return text if self.decimal == "." else text.replace(".", self.decimal)


#: RFC 4180: ``,``, ``.`` decimals, no byte order mark (the default).
DEFAULT: Final = CsvDialect("rfc4180", _Dialect, ".", bom=False)
#: A Russian Excel: byte order mark, ``;``, decimal comma.
EXCEL_RU: Final = CsvDialect("excel-ru", _Semicolons, ",", bom=True)
#: The dialects by name, the default first.
DIALECTS: Final = {dialect.name: dialect for dialect in (DEFAULT, EXCEL_RU)}
_BOM: Final = "\ufeff"


#: The character a spreadsheet reads as "the rest is text".
GUARD: Final = "'"
_FORMULA_START: Final = frozenset("=+-@\uff1d\uff0b\uff0d\uff20" + GUARD)
_NUMBER: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _first_visible(text: str) -> str:
    """The first character that is not whitespace, a control or a format character."""
    for char in text:
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")):
            return char
    return ""


def guarded(cell: object, *, number: bool = False) -> str:
    """``cell`` as the text of a spreadsheet cell that runs nothing; with ``number``, a plain
    decimal is left as it is (an amount the exporter wrote)."""
    text = "" if cell is None else str(cell)
    if number and _NUMBER.fullmatch(text):
        return text
    if text[:1] in ("\t", "\r", "\n") or _first_visible(text) in _FORMULA_START:
        return GUARD + text
    return text


def _cell(dialect: CsvDialect, cell: object, number: bool) -> str:
    text = guarded(cell, number=number)
    if number and dialect.decimal != "." and _NUMBER.fullmatch(text):
        return dialect.number(text)
    return text


def csv_text(
    rows: Iterable[Sequence[object]],
    *,
    guard: bool = True,
    numbers: Collection[int] = (),
    dialect: CsvDialect = DEFAULT,
) -> str:
    """``rows`` as CSV text; every cell guarded unless ``guard`` is False (files meant to
    be read back by compcalc, such as a roster of balances), the cells of the columns at
    the indexes ``numbers`` written as numbers when they are plain decimals, in the
    ``dialect``'s separator and decimal mark (a byte order mark first where it has one)."""
    buffer = io.StringIO()
    if dialect.bom:
        buffer.write(_BOM)
    writer = csv.writer(buffer, dialect=dialect.csv_dialect)
    for row in rows:
        writer.writerow(
            [
                _cell(dialect, cell, index in numbers) if guard else ("" if cell is None else cell)
                for index, cell in enumerate(row)
            ]
        )
    return buffer.getvalue()
