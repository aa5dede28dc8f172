"""Numbers and dates written the way people write them on paper, and what to write instead.

A scheme takes plain decimals (``0.15``, ``45000``) and ISO dates (``2027-03-01``).  A value
that is one of the usual other spellings (``0,15``, ``15%``, ``45 000 RUB``, ``01.03.2027``)
is refused with an error that names the mistake and a hint with the value written right.
Messages are whole sentences with named placeholders, so that they can be translated.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from pydantic_core import PydanticCustomError

from .money import format_plain

__all__ = ["date_error", "fraction_hint", "number_error"]

_PERCENT: Final = re.compile(r"([+-]?[0-9]+(?:[.,][0-9]+)?)\s*%")
_COMMA: Final = re.compile(r"[+-]?[0-9]+,[0-9]+")
_GROUPS: Final = re.compile(r"[+-]?[0-9]{1,3}(?:([ \u00a0\u202f',])[0-9]{3})+(?:[.,][0-9]+)?")
_CURRENCY: Final = re.compile(
    r"(?P<before>[^\s0-9+.,-]{1,4}\.?)?\s*(?P<number>[+-]?[0-9][0-9 \u00a0\u202f',.]*)"
    r"\s*(?P<after>[^\s0-9.,]{1,5}\.?)?"
)
_DATE: Final = re.compile(r"([0-9]{1,2})([./])([0-9]{1,2})\2([0-9]{4})")

#: How each kind of fraction is written, for a value given as a percentage.
_FRACTIONS: Final = {
    "rate": "rates are fractions: {percent}% is written {fraction}",
    "threshold": "a threshold is a fraction of the target: {percent}% is written {fraction}",
    "attainment": "attainment is a fraction: {percent}% is written {fraction}",
}


def fraction_hint(what: str, percent: Decimal) -> str | None:
    """``rates are fractions: 15% is written 0.15`` for ``what`` = rate and 15."""
    template = _FRACTIONS.get(what)
    if template is None:
        return None
    fraction = format_plain(percent / 100)
    return template.format(percent=format_plain(percent), fraction=fraction)


def _plain_number(text: str) -> str | None:
    """``45 000`` or ``45,000.50`` without its thousands separators; None if it is not that."""
    if re.fullmatch(r"[+-]?[0-9]+(?:\.[0-9]+)?", text):
        return text
    grouped = _GROUPS.fullmatch(text)
    if grouped is None:
        return None
    separator = grouped[1]
    digits = text.replace(separator, "") if separator else text
    return digits.replace(",", ".") if separator != "," else digits


def number_error(value: object, reason: str, what: str) -> PydanticCustomError:
    """The error for ``value``, which is not a number: the usual mistake named when it is one,
    else ``INVALID_NUMBER`` with ``reason``."""
    text = value.strip() if isinstance(value, str) else None
    if text is None:
        return PydanticCustomError("INVALID_NUMBER", "{reason}", {"reason": reason})
    percent = _PERCENT.fullmatch(text)
    if percent is not None:
        number = Decimal(percent[1].replace(",", "."))
        hint = fraction_hint(what, number)
        if hint is None:
            return PydanticCustomError(
                "INVALID_NUMBER",
                "{value} is a percentage, but an {what} is written as a number",
                {"value": repr(value), "what": what, "hint": "write the amount itself: 45000"},
            )
        return PydanticCustomError(
            "PERCENT_STRING",
            "the {what} {value} is written as a percentage",
            {"what": what, "value": repr(value), "hint": hint},
        )
    if _COMMA.fullmatch(text) and not _GROUPS.fullmatch(text):
        fixed = text.replace(",", ".")
        return PydanticCustomError(
            "DECIMAL_COMMA",
            "the {what} {value} is written with a decimal comma",
            {"what": what, "value": repr(value), "hint": f"write {fixed}"},
        )
    found = _CURRENCY.fullmatch(text)
    plain = None if found is None else _plain_number(found["number"].strip())
    if found is not None and plain is not None:
        currency = found["before"] or found["after"]
        if currency:
            message = "the {what} {value} has a currency in it; a number is digits only"
            hint = f"write {plain}; the currency is given once, as the scheme's `currency`"
        else:
            message = "the {what} {value} has thousands separators; a number is digits only"
            hint = f"write {plain}"
        return PydanticCustomError(
            "INVALID_NUMBER", message, {"what": what, "value": repr(value), "hint": hint}
        )
    return PydanticCustomError("INVALID_NUMBER", "{reason}", {"reason": reason})


def date_error(value: object) -> PydanticCustomError | None:
    """``DATE_FORMAT`` for a date written ``01.03.2027`` or ``01/03/2027``; None otherwise."""
    found = _DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None:
        return None
    first, mark, second, year = int(found[1]), found[2], int(found[3]), found[4]
    day, month = (second, first) if mark == "/" and second > 12 >= first else (first, second)
    if mark == "/" and first <= 12 and second <= 12 and first != second:
        hint = (
            f"write it as YYYY-MM-DD: {year}-{second:02}-{first:02} if it is day {first} of "
            f"month {second}, {year}-{first:02}-{second:02} if it is month {first}"
        )
    else:
        hint = f"write it as YYYY-MM-DD: {year}-{month:02}-{day:02}"
    return PydanticCustomError(
        "DATE_FORMAT",
        "the date {value} is not written YYYY-MM-DD",
        {"value": repr(value), "hint": hint},
    )
