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
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from typing import Final

__all__ = ["GUARD", "csv_text", "guarded"]


class _Dialect(csv.Dialect):
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


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


def csv_text(
    rows: Iterable[Sequence[object]], *, guard: bool = True, numbers: Collection[int] = ()
) -> str:
    """``rows`` as CSV text; every cell guarded unless ``guard`` is False (files meant to
    be read back by compcalc, such as a roster of balances), the cells of the columns at
    the indexes ``numbers`` written as numbers when they are plain decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=_Dialect)
    for row in rows:
        writer.writerow(
            [
                guarded(cell, number=index in numbers) if guard else ("" if cell is None else cell)
                for index, cell in enumerate(row)
            ]
        )
    return buffer.getvalue()
