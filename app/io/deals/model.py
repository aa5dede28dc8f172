"""What a deals file is: its columns, the deals read, the credit encoding and measure names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Final

from app.engine import Credit, Deal, Measure
from app.io.read.numbers import parse_number
from app.io.read.problems import InputFileError, RowsOf
from app.io.read.records import Report

__all__ = [
    "DEAL_COLUMNS",
    "REQUIRED_DEAL_COLUMNS",
    "DealReport",
    "DealsError",
    "DealsFile",
    "parse_credit",
    "parse_measure",
    "with_commission",
]

DEAL_COLUMNS: Final = (
    "id", "date", "client_id", "client_since", "amount", "refund_of", "kind", "credit",
    "commission",
)  # fmt: skip
REQUIRED_DEAL_COLUMNS: Final = ("id", "date", "client_id", "client_since", "amount", "credit")

#: ``report(column, code, message)``
DealReport = Report

_ONE: Final = Decimal(1)
_MEASURES: Final = tuple(m.value for m in Measure)


class DealsError(InputFileError):
    """A deals file that cannot be used; every problem found, up to 100."""


@dataclass(frozen=True, slots=True)
class DealsFile(RowsOf):
    """Deals read from ``path``, and the file row of each (for messages)."""

    path: str
    deals: list[Deal]
    _row: Callable[[int], int | None] = field(repr=False)
    _column: Callable[[str], str] = field(repr=False, default=str)


def parse_credit(text: str, *, decimal_comma: bool = False) -> tuple[Credit, ...]:
    """``E-1:0.5|E-2:0.5`` → two credits; ``E-1`` alone → share 1.

    The share follows the last ``:`` (so an id may contain ``:`` when a share is
    written).  ValueError says what is wrong.
    """
    credits = []
    for part in text.split("|"):
        item = part.strip()
        if not item:
            raise ValueError(f"{text!r} has an empty entry; write E-1:0.5|E-2:0.5")
        who, colon, share_text = item.rpartition(":")
        if not colon:
            credits.append(Credit(item, _ONE))
            continue
        who = who.strip()
        if not who:
            raise ValueError(f"{item!r} has no employee id before ':'")
        try:
            share = _share(share_text, decimal_comma)
        except ValueError as exc:
            raise ValueError(f"the share of {who!r}: {exc}") from None
        credits.append(Credit(who, share))
    return tuple(credits)


@lru_cache(maxsize=1024)
def _share(text: str, decimal_comma: bool) -> Decimal:
    """A share's text as a decimal, the same object for the same text: the engine looks every
    split up by its shares, and a decimal computes its hash once per object, at some 0.5 µs
    (for a million deals read with a new object per share, 0.6–1.2 s more of crediting)."""
    return parse_number(text, decimal_comma=decimal_comma)


def with_commission(
    credits: tuple[Credit, ...], text: str, *, decimal_comma: bool = False
) -> tuple[Credit, ...]:
    """``credits`` with the commission paid on each, from ``E-1:250.00|E-2:80.00``.

    Each id must be one of the deal's credits, once.  ValueError says what is wrong.
    """
    paid: dict[str, Decimal] = {}
    for part in text.split("|"):
        who, colon, amount_text = part.strip().rpartition(":")
        who = who.strip()
        if not colon or not who:
            raise ValueError(f"{part.strip()!r} is not employee:amount; write E-1:250.00|E-2:80.00")
        if who in paid:
            raise ValueError(f"{who!r} is named twice")
        try:
            paid[who] = parse_number(amount_text, decimal_comma=decimal_comma)
        except ValueError as exc:
            raise ValueError(f"the commission of {who!r}: {exc}") from None
    unknown = sorted(set(paid) - {c.employee_id for c in credits})
    if unknown:
        raise ValueError(f"{', '.join(map(repr, unknown))} not in the deal's credit")
    return tuple(Credit(c.employee_id, c.share, paid.get(c.employee_id)) for c in credits)


def parse_measure(text: str, report: DealReport) -> Measure | None:
    """A deal's ``kind``: a measure name, or None after reporting."""
    try:
        return Measure(text)
    except ValueError:
        report(
            "kind", "UNKNOWN_MEASURE", f"kind {text!r} is not a measure ({', '.join(_MEASURES)})"
        )
        return None
