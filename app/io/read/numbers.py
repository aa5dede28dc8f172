"""Numbers and dates as people type them in spreadsheets, read exactly or refused.

Digits are ASCII ``0``-``9`` only: Python's ``Decimal()`` and ``int()`` would also read
Arabic-Indic (``١٢٣``) or full-width (``１２３``) digits and ``1_000``, which no spreadsheet
writes and a person cannot check.  Every number is within the bounds of any input decimal
(at most 15 digits before the decimal point and 20 after it, see
:func:`app.engine.checked_decimal`), and ``-0`` is read as ``0``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Final

from app.engine import checked_decimal

__all__ = ["parse_date", "parse_number", "parse_whole"]

_SPACES: Final = " \u00a0\u202f"  # space, no-break space, narrow no-break space
_GROUPED: Final = re.compile(r"[+-]?[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:[.,][0-9]+)?")
_PLAIN: Final = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_WHOLE: Final = re.compile(r"[0-9]{1,6}")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATES: dict[str, date] = {}


def parse_number(raw: str, *, decimal_comma: bool) -> Decimal:
    """``raw`` as an exact decimal; ValueError says why it is refused.

    Spaces (also no-break ones) may group thousands: ``1 234 567,89``.  The decimal mark
    is ``.``, or ``,`` when ``decimal_comma`` (a ``;``-separated file, as spreadsheets in
    comma-decimal locales write).  A number with both ``,`` and ``.`` (``1,234.56``,
    ``1.234,56``) is refused: one of them is a thousands separator, and guessing which
    is how a payroll ends up a thousand times too large.
    """
    text = raw.strip()
    if _PLAIN.fullmatch(text):  # the common case: 1234.56
        return checked_decimal(Decimal(text), raw)
    if not text:
        raise ValueError("is empty")
    if any(space in text for space in _SPACES):
        if not _GROUPED.fullmatch(text):
            raise ValueError(f"{raw!r} is not a number (spaces may only group thousands)")
        text = "".join(c for c in text if c not in _SPACES)
    if "," in text and "." in text:
        raise ValueError(
            f"{raw!r} mixes ',' and '.', so one of them is a thousands separator; write "
            "the number without it (1234.56, or 1234,56 in a ';'-separated file)"
        )
    if "," in text:
        if not decimal_comma:
            raise ValueError(
                f"{raw!r} has a ',' which is ambiguous in a ','-separated file; "
                "use '.' as the decimal mark"
            )
        if text.count(",") > 1:
            raise ValueError(f"{raw!r} has more than one decimal comma")
        text = text.replace(",", ".")
    if not _PLAIN.fullmatch(text):
        raise ValueError(f"{raw!r} is not a number")
    return checked_decimal(Decimal(text), raw)


def parse_whole(raw: str) -> int:
    """A whole number of days: ``2``."""
    text = raw.strip()
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"{raw!r} is not a whole number of days")
    return int(text)


def parse_date(raw: str) -> date:
    """An ISO date, ``2027-03-10``; other spellings are refused rather than guessed."""
    text = raw.strip()
    if not _DATE.fullmatch(text):
        raise ValueError(f"{raw!r} is not a date written YYYY-MM-DD")
    known = _DATES.get(text)
    if known is not None:
        return known
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{raw!r} is not a valid date") from None
    if len(_DATES) < 100_000:  # a file has few distinct dates; bound the cache anyway
        _DATES[text] = value
    return value
