"""Amounts and dates as a person reads them in a language (CLDR through Babel).

Money stays :class:`~decimal.Decimal` to the last step: the stored amount (a string with the
currency's minor digits) is read as a Decimal, quantized to the scheme's minor units and only
then written with the language's separators: ``45 000,00 ₽`` in Russian, ``45,000.00 RUB``
in English.
"""

from __future__ import annotations

from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, get_currency_symbol

from app.engine.calendar import Period

__all__ = ["format_amount", "format_day", "format_number", "format_period", "format_share"]

_NBSP = "\u00a0"


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def format_number(value: Decimal | str, digits: int, lang: str) -> str:
    """``value`` with exactly ``digits`` decimals and the language's separators."""
    amount = Decimal(value).quantize(Decimal(1).scaleb(-digits))
    if amount == 0:
        amount = abs(amount)  # never -0,00
    return format_decimal(amount, format=_pattern(digits), locale=lang, decimal_quantization=False)


def format_amount(value: Decimal | str, currency: str, digits: int, lang: str) -> str:
    """Russian ``45 000,00 ₽`` (the currency's symbol), English ``45,000.00 RUB`` (its code)."""
    number = format_number(value, digits, lang)
    if lang == "ru":
        return number + _NBSP + get_currency_symbol(currency, locale="ru")
    return number + _NBSP + currency


def format_share(value: Decimal | str, lang: str) -> str:
    """A share as a percentage with one decimal: ``5,8 %`` / ``5.8%``."""
    percent = Decimal(value) * 100
    number = format_number(percent, 1, lang)
    return number + (_NBSP + "%" if lang == "ru" else "%")


def format_period(period: str, lang: str) -> str:
    """``2027-03`` → ``март 2027`` / ``March 2027``."""
    first = Period.parse(period).first_day
    return format_date(first, "LLLL yyyy", locale=lang)


def format_day(period: str, last: bool, lang: str) -> str:
    """The first or last day of ``period``, in the language's medium date format."""
    parsed = Period.parse(period)
    day = parsed.last_day if last else parsed.first_day
    return format_date(day, "dd.MM.yyyy" if lang == "ru" else "d MMM yyyy", locale=lang)
