"""CSV that spreadsheets and ``csv.reader`` read back as it was written.

One dialect for every CSV the project writes: ``,`` separated, ``"`` quoted, rows ended by
CRLF (RFC 4180), so that any cell holding a CR, an LF, a ``,`` or a ``"`` is quoted and stays
one cell of one row, whatever reads it.

And one formula guard, for the exports people open in Excel or LibreOffice: a text cell
whose first visible character (after spaces, tabs and line breaks) would start a formula,
``=``, ``+``, ``-``, ``@`` or their full-width forms, gets a leading ``'``, which spreadsheets
take as "this is text" and do not show. A cell that starts with ``'`` itself gets one more, so
a reader always recovers the text by removing one leading ``'`` where there is one. Numbers
the exporter writes (``-1234.50``, ``0.15``) are numbers, not formulas, and are left as they
are, so a spreadsheet still sums them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
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
_INVISIBLE: Final = " \t\r\n\u00a0"
_NUMBER: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def guarded(cell: object) -> str:
    """``cell`` as the text of a spreadsheet cell that runs nothing."""
    text = "" if cell is None else str(cell)
    if _NUMBER.fullmatch(text):
        return text
    # Blanks before a formula are guarded too: some readers strip them.
    if text and (text.lstrip(_INVISIBLE)[:1] in _FORMULA_START or text[0] in "\t\r\n"):
        return GUARD + text
    return text


def csv_text(rows: Iterable[Sequence[object]], *, guard: bool = True) -> str:
    """``rows`` as CSV text; every cell guarded unless ``guard`` is False (files meant to
    be read back by compcalc, such as a roster of balances)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=_Dialect)
    for row in rows:
        writer.writerow(
            [guarded(cell) if guard else ("" if cell is None else cell) for cell in row]
        )
    return buffer.getvalue()
