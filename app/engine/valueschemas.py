"""The JSON Schema of the rule language's value types, for editors and the OpenAPI document.

The value types of :mod:`app.engine.scheme` are validators over :class:`~decimal.Decimal`,
whose generated schema would say no more than "a number or a string". Each gets a precise
schema here instead (attached with :class:`pydantic.WithJsonSchema`): a number within the
type's range, or a string written as :func:`app.engine.money.to_decimal` reads numbers; a
currency from the ISO 4217 table; a date as ``YYYY-MM-DD``.

The schema never refuses what the rule language accepts. It refuses less: the range of a
number written as a string, the decimals a currency allows and every rule that relates
several fields are checked by ``compcalc validate`` alone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from .money import CURRENCY_MINOR_UNITS, MAX_AMOUNT

__all__ = [
    "DAY_PATTERN",
    "UNSIGNED_NUMBER_TEXT",
    "amount_schema",
    "currency_schema",
    "day_schema",
    "exactly_one_of",
    "fraction_schema",
    "named_keys",
]

# A number as text, exactly as to_decimal reads it (app/engine/money.py, _NUMBER_TEXT):
# ASCII digits, an optional decimal point and exponent, spaces and tabs around it. Every
# value type of a scheme is 0 or more, so the only sign allowed before a non-zero number is
# "+" ("-0" and "-0.00e3" are zero, which the rule language takes as 0).
_DIGITS: Final = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_ZERO: Final = r"(?:0+(?:\.0*)?|\.0+)(?:[eE][+-]?[0-9]+)?"
#: A number 0 or more written as text: "45000", "45000.50", "4.5E+4", "0.15".
UNSIGNED_NUMBER_TEXT: Final = rf"^[ \t]*(?:\+?{_DIGITS}|-{_ZERO})[ \t]*$"
#: A calendar day as the rule language writes it (docs/rules.md): 2027-03-08.
DAY_PATTERN: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _whole(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _number_text(what: str, example: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": UNSIGNED_NUMBER_TEXT,
        "description": f'{what} written as text, e.g. "{example}": ASCII digits, an optional '
        "decimal point and exponent; no spaces inside, no thousands separators, no currency, "
        "no percent sign. The range of a number written as text is checked by compcalc "
        "validate, not by this schema.",
    }


def amount_schema() -> dict[str, Any]:
    """An amount of money: a number from 0 to 10^13, or such a number written as text."""
    return {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": _whole(MAX_AMOUNT)},
            _number_text("an amount", "45000.50"),
        ]
    }


def fraction_schema(low: Decimal, high: Decimal) -> dict[str, Any]:
    """A rate, share, attainment or multiple: a number in [low, high], or one as text."""
    return {
        "anyOf": [
            {"type": "number", "minimum": _whole(low), "maximum": _whole(high)},
            _number_text("a number", "0.15"),
        ]
    }


def currency_schema() -> dict[str, Any]:
    """One of the ISO 4217 codes the rule language knows."""
    return {"type": "string", "enum": sorted(CURRENCY_MINOR_UNITS)}


def day_schema() -> dict[str, Any]:
    """A calendar day, ``YYYY-MM-DD``."""
    return {"type": "string", "format": "date", "pattern": DAY_PATTERN}


def _given(key: str) -> dict[str, Any]:
    # Written and not null: a null is the same as leaving the key out.
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


def exactly_one_of(first: str, second: str) -> dict[str, Any]:
    """The object has exactly one of two keys with a value (a tier's start)."""
    return {"oneOf": [_given(first), _given(second)]}


def named_keys(schema: dict[str, Any]) -> None:
    """A mapping whose keys are names: every key must match, not only the keys that match.

    Pydantic describes ``dict[Name, X]`` with ``patternProperties``, which leaves a key that
    does not match (``Rep``) unchecked; as ``propertyNames`` it is refused, as the rule
    language refuses it (``INVALID_NAME``). Used as a field's ``json_schema_extra``.
    """
    patterns = schema.pop("patternProperties", None)
    if not patterns:
        return
    ((pattern, value),) = patterns.items()
    schema["propertyNames"] = {"pattern": pattern}
    schema["additionalProperties"] = value
