"""Exact money: currencies, decimal conversion and the one rounding function.

Every amount in the engine is a :class:`decimal.Decimal`.  Intermediate values are
exact (products and sums of decimals never lose digits under :data:`EXACT`); the only
place where digits are dropped is :func:`round_money`, called once per payslip line.
"""

from __future__ import annotations

import decimal
import functools
import re
from decimal import Decimal
from enum import StrEnum
from typing import Final

__all__ = [
    "CURRENCY_MINOR_UNITS",
    "EXACT",
    "MAX_AMOUNT",
    "MAX_FRACTION_DIGITS",
    "MAX_INTEGER_DIGITS",
    "NumberRefused",
    "Rounding",
    "checked_decimal",
    "decimal_places",
    "format_amount",
    "format_decimal",
    "format_fixed",
    "format_percent",
    "format_plain",
    "minor_units",
    "quantum",
    "round_money",
    "to_decimal",
    "to_units",
]

# Products of a few 13-digit amounts and rates stay far below 60 significant digits,
# so arithmetic under this context is exact; FloatOperation makes mixing in a float
# (whose binary value is not the decimal the user wrote) an error instead of a guess.
EXACT: Final = decimal.Context(
    prec=60,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[
        decimal.FloatOperation,
        decimal.InvalidOperation,
        decimal.DivisionByZero,
        decimal.Overflow,
    ],
)

#: Largest absolute amount accepted anywhere (10^13 in the currency's major unit).
MAX_AMOUNT: Final = Decimal(10) ** 13

#: Every decimal read from input (amounts, rates, shares, fte, in bodies and in files) has at
#: most this many digits before the decimal point (its magnitude is below 10^15) ...
MAX_INTEGER_DIGITS: Final = 15
#: ... and at most this many after it, as written (``1e-20`` is 0.000…01 with 20 decimals).
#: With both bounds every input has at most 35 digits, and the products, sums and the one
#: division (full-time-equivalent pay: gross ÷ fte) of a payroll stay far inside :data:`EXACT`.
MAX_FRACTION_DIGITS: Final = 20

# ISO 4217 active codes and their minor units (exponent).  Codes not listed are
# unknown and refused by the rule language.
_MINOR_UNITS_TABLE = """
AED 2 AFN 2 ALL 2 AMD 2 ANG 2 AOA 2 ARS 2 AUD 2 AWG 2 AZN 2 BAM 2 BBD 2 BDT 2 BGN 2
BHD 3 BIF 0 BMD 2 BND 2 BOB 2 BRL 2 BSD 2 BTN 2 BWP 2 BYN 2 BZD 2 CAD 2 CDF 2 CHF 2
CLP 0 CNY 2 COP 2 CRC 2 CUP 2 CVE 2 CZK 2 DJF 0 DKK 2 DOP 2 DZD 2 EGP 2 ERN 2 ETB 2
EUR 2 FJD 2 FKP 2 GBP 2 GEL 2 GHS 2 GIP 2 GMD 2 GNF 0 GTQ 2 GYD 2 HKD 2 HNL 2 HTG 2
HUF 2 IDR 2 ILS 2 INR 2 IQD 3 IRR 2 ISK 0 JMD 2 JOD 3 JPY 0 KES 2 KGS 2 KHR 2 KMF 0
KPW 2 KRW 0 KWD 3 KYD 2 KZT 2 LAK 2 LBP 2 LKR 2 LRD 2 LSL 2 LYD 3 MAD 2 MDL 2 MGA 2
MKD 2 MMK 2 MNT 2 MOP 2 MRU 2 MUR 2 MVR 2 MWK 2 MXN 2 MYR 2 MZN 2 NAD 2 NGN 2 NIO 2
NOK 2 NPR 2 NZD 2 OMR 3 PAB 2 PEN 2 PGK 2 PHP 2 PKR 2 PLN 2 PYG 0 QAR 2 RON 2 RSD 2
RUB 2 RWF 0 SAR 2 SBD 2 SCR 2 SDG 2 SEK 2 SGD 2 SHP 2 SLE 2 SOS 2 SRD 2 SSP 2 STN 2
SVC 2 SYP 2 SZL 2 THB 2 TJS 2 TMT 2 TND 3 TOP 2 TRY 2 TTD 2 TWD 2 TZS 2 UAH 2 UGX 0
USD 2 UYU 2 UZS 2 VES 2 VND 0 VUV 0 WST 2 XAF 0 XCD 2 XOF 0 XPF 0 YER 2 ZAR 2 ZMW 2
ZWG 2
"""
_tokens = _MINOR_UNITS_TABLE.split()
CURRENCY_MINOR_UNITS: Final[dict[str, int]] = {
    code: int(digits) for code, digits in zip(_tokens[::2], _tokens[1::2], strict=True)
}
del _tokens


class Rounding(StrEnum):
    """How a payslip line is rounded to the currency's minor unit."""

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"


_DECIMAL_ROUNDING: Final = {
    Rounding.HALF_UP: decimal.ROUND_HALF_UP,
    Rounding.HALF_EVEN: decimal.ROUND_HALF_EVEN,
}

_QUANTA: Final = {digits: Decimal(1).scaleb(-digits) for digits in range(4)}


def minor_units(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (RUB 2, JPY 0, KWD 3)."""
    try:
        return CURRENCY_MINOR_UNITS[currency]
    except KeyError:
        raise ValueError(f"unknown currency {currency!r} (not an ISO 4217 code)") from None


def quantum(digits: int) -> Decimal:
    """The smallest amount with ``digits`` decimals: 0.01 for 2."""
    return _QUANTA[digits] if digits in _QUANTA else Decimal(1).scaleb(-digits)


def to_units(value: Decimal, digits: int) -> int:
    """An amount with at most ``digits`` decimals in whole minor units: 12.34 → 1234."""
    return int(value.scaleb(digits, EXACT))


def round_money(value: Decimal, digits: int, mode: Rounding, divisor: int = 1) -> Decimal:
    """Round ``value / divisor`` to ``digits`` decimals with ``mode``: the one rounding step.

    ``divisor`` lets callers keep prorated amounts as an exact numerator over a
    whole number of working days; the division and the rounding happen here together
    with integer arithmetic, so 45 000 × 17 / 22 is rounded from its exact value rather
    than from a 60-digit approximation.
    """
    if divisor <= 0:
        raise ValueError("divisor must be positive")
    if not value.is_finite():
        raise ValueError(f"cannot round a non-finite amount {value}")
    if divisor == 1:
        # Most lines: one quantize (exact: the result has at most 17 digits), no -0.
        rounded = value.quantize(quantum(digits), rounding=_DECIMAL_ROUNDING[mode], context=EXACT)
        return rounded if rounded else abs(rounded)
    sign, _, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    mantissa = int(value.copy_abs().scaleb(-exponent, EXACT))
    # value / divisor = mantissa × 10^exponent / divisor; scaled to 10^-digits units:
    shift = exponent + digits
    numerator = mantissa * 10**shift if shift >= 0 else mantissa
    denominator = divisor if shift >= 0 else divisor * 10 ** (-shift)
    units, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (
        twice == denominator and (mode is Rounding.HALF_UP or units % 2 == 1)
    ):
        units += 1
    return Decimal(-units if sign else units).scaleb(-digits, EXACT)


class NumberRefused(ValueError):
    """A number outside the bounds every input decimal has (:func:`checked_decimal`).

    ``reason`` is ``"integer_digits"`` (too large: more than :data:`MAX_INTEGER_DIGITS`
    digits before the decimal point) or ``"fraction_digits"`` (more than
    :data:`MAX_FRACTION_DIGITS` after it); ``value`` is the number as read (None for text
    whose exponent is too long to read).  A caller with a
    range of its own (an amount up to 10^13, a rate in [0, 1]) may report it as that range.
    """

    def __init__(self, message: str, reason: str, value: Decimal | None) -> None:
        super().__init__(message)
        self.reason = reason
        self.value = value


def checked_decimal(value: Decimal, written: str | None = None) -> Decimal:
    """``value`` if it is within the bounds of an input decimal; a negative zero as zero.

    At most :data:`MAX_INTEGER_DIGITS` digits before the decimal point and at most
    :data:`MAX_FRACTION_DIGITS` after it (as written: ``1.000…0`` with 25 zeros is refused
    too); :class:`NumberRefused` otherwise, naming the number by the text it was ``written``
    as (default: the decimal's own).  ``-0.00`` is ``0.00``: the sign of a zero means nothing
    and is never printed.
    """
    if not value.is_finite():
        raise ValueError(f"{_shown(value, written)} is not a finite number")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -MAX_FRACTION_DIGITS:
        raise NumberRefused(
            f"{_shown(value, written)} has more than {MAX_FRACTION_DIGITS} digits after the "
            "decimal point",
            "fraction_digits",
            value,
        )
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise NumberRefused(
            f"{_shown(value, written)} is too large: a number has at most {MAX_INTEGER_DIGITS} "
            "digits before the decimal point",
            "integer_digits",
            value,
        )
    if not value and value.is_signed():
        return value.copy_abs()
    return value


def _shown(value: Decimal, written: str | None) -> str:
    return str(value) if written is None else _shorten(repr(written))


# A number written as text: ASCII digits only (Decimal() itself would also take "1_000",
# Arabic-Indic "١٢٣" or full-width "１２３" digits), an optional sign, decimal point and
# exponent.  Spaces and tabs around it are ignored.
_NUMBER_TEXT: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_NOT_FINITE: Final = re.compile(r"[+-]?(?:s?nan[0-9]*|inf|infinity)", re.IGNORECASE)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_decimal(value: object) -> Decimal:
    """Convert user input to an exact Decimal, within the bounds of :func:`checked_decimal`.

    A float is taken from its shortest decimal representation (``0.1`` → ``Decimal('0.1')``),
    never from its binary value; NaN, infinities and booleans are refused.  A string is a
    number written with ASCII digits (``"45000.00"``, ``"-12.5"``, ``"4.5E+4"``); underscores,
    other scripts' digits, thousands separators and anything else are refused.
    """
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip(" \t")
        match = _NUMBER_TEXT.fullmatch(text)
        if match is None:
            if _NOT_FINITE.fullmatch(text):
                raise ValueError(f"{_shorten(repr(value))} is not a finite number")
            raise ValueError(f"{_shorten(repr(value))} is not a number")
        exponent = match[1]
        if exponent is not None and len(exponent.lstrip("+-0")) > 6:  # 1e-99999999: no digits
            reason = "fraction_digits" if exponent.startswith("-") else "integer_digits"
            raise NumberRefused(f"{_shorten(repr(value))} is out of range", reason, None)
        return checked_decimal(Decimal(text), value)
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return checked_decimal(result)


def decimal_places(value: Decimal) -> int:
    """Decimals that carry a non-zero digit: 45000.10 → 1, 45000.000…001 → 25.

    Counted from the digits themselves, never through a context, so no digit is rounded away.
    """
    _, digit_tuple, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    digits = list(digit_tuple)
    places = -exponent
    while places and digits and digits[-1] == 0:
        digits.pop()
        places -= 1
    return places if any(digits) else 0  # zero has no decimals that carry a digit


def _unsigned_zero(text: str) -> str:
    """``'-0.00'`` → ``'0.00'``: a number that shows as zero is printed without a sign."""
    return text[1:] if text[:1] == "-" and not text.lstrip("-0.") else text


def format_plain(value: Decimal) -> str:
    """Fixed-point text without trailing zeros or exponent: 45000.00 → '45000', 1E+2 → '100'.

    Never scientific notation (``1E-7`` → ``'0.0000001'``) and never a negative zero.
    """
    places = decimal_places(value)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    trimmed = (
        value.quantize(Decimal(1).scaleb(-places), context=EXACT) if places < -exponent else value
    )
    return _unsigned_zero(format(trimmed, "f"))


#: Longest plain text :func:`format_decimal` writes: an input decimal has at most 35 digits.
_PLAIN_LIMIT: Final = 80


def format_decimal(value: Decimal) -> str:
    """``value`` with the digits it has, in plain notation: ``1E+5`` → ``'100000'``,
    ``12.50`` → ``'12.50'``, ``1E-20`` → ``'0.00000000000000000001'``; never a negative zero.

    For a number named in a message or a finding's data: ``str()`` of a decimal switches to
    scientific notation below 10^-6 (``1E-7``).  A number whose plain text would be longer than
    80 characters keeps its scientific form (``1E+400``, only ever a refused input: 401 digits
    would name it no better).
    """
    if not value.is_finite():
        return str(value)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if max(value.adjusted(), -exponent) > _PLAIN_LIMIT:
        return str(value)
    return _unsigned_zero(f"{value:f}")


def format_fixed(value: Decimal, digits: int) -> str:
    """``Decimal('134000')`` → ``'134000.00'``: exactly ``digits`` decimals, no grouping, no
    exponent, never a negative zero (a computed ``-0.00`` is ``'0.00'``)."""
    return _unsigned_zero(f"{value:.{digits}f}")


def format_amount(value: Decimal, digits: int) -> str:
    """``820000`` → ``'820 000.00'``: grouped with spaces, exactly ``digits`` decimals."""
    # Display only (amounts shown are already rounded lines); the format spec rounds any
    # extra digit half-even, as the default context does.  A negative zero is shown as zero.
    text = f"{value:,.{digits}f}"
    if text[0] == "-":
        text = _unsigned_zero(text)
    return text.replace(",", " ")


@functools.lru_cache(maxsize=4096)  # a scheme has a handful of rates, shown on every line
def format_percent(rate: Decimal) -> str:
    """``Decimal('0.015')`` → ``'1.5%'``."""
    return f"{format_plain(rate * 100)}%"
