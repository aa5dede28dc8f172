"""Money helpers: the one rounding function, exact conversion of input, display formats."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.engine import Rounding, format_amount, round_money, to_decimal
from app.engine.money import format_percent, minor_units, quantum

D = Decimal
UP, EVEN = Rounding.HALF_UP, Rounding.HALF_EVEN


@pytest.mark.parametrize(
    ("value", "digits", "mode", "divisor", "expected"),
    [
        # 45 000 × 17 / 22 = 765 000 / 22 = 34 772.7272… → 34 772.73
        (D(45000 * 17), 2, UP, 22, D("34772.73")),
        # 45 000 × 16 / 22 = 720 000 / 22 = 32 727.2727… → 32 727.27
        (D(45000 * 16), 2, UP, 22, D("32727.27")),
        # 0.005 is a tie: half_up → 0.01, half_even → 0.00 (0 is even)
        (D("0.005"), 2, UP, 1, D("0.01")),
        (D("0.005"), 2, EVEN, 1, D("0.00")),
        # 0.015: half_up → 0.02, half_even → 0.02 (2 is even)
        (D("0.015"), 2, UP, 1, D("0.02")),
        (D("0.015"), 2, EVEN, 1, D("0.02")),
        # 5.005 / 1: tie → half_up 5.01, half_even 5.00
        (D("5.005"), 2, UP, 1, D("5.01")),
        (D("5.005"), 2, EVEN, 1, D("5.00")),
        # a tie reached only through the divisor: 1 / 8 = 0.125 → half_up 0.13, half_even 0.12
        (D(1), 2, UP, 8, D("0.13")),
        (D(1), 2, EVEN, 8, D("0.12")),
        # just below / above a tie: 0.0049999 → 0.00; 0.0050001 → 0.01 in both modes
        (D("0.0049999"), 2, UP, 1, D("0.00")),
        (D("0.0050001"), 2, EVEN, 1, D("0.01")),
        # JPY (0 digits): 185 185.05 → 185 185; 2.5 → 3 half_up, 2 half_even
        (D("185185.05"), 0, UP, 1, D("185185")),
        (D("2.5"), 0, UP, 1, D("3")),
        (D("2.5"), 0, EVEN, 1, D("2")),
        # KWD (3 digits): 1 000 × 16 / 22 = 727.272727… → 727.273
        (D(16000), 3, UP, 22, D("727.273")),
        # a value with a positive exponent: 4.5E+4 → 45 000.00
        (D("4.5E+4"), 2, UP, 1, D("45000.00")),
        # negative values round half away from zero (half_up) / to even; -0.001 → 0.00, not -0.00
        (D("-0.005"), 2, UP, 1, D("-0.01")),
        (D("-0.005"), 2, EVEN, 1, D("0.00")),
        (D("-0.001"), 2, UP, 1, D("0.00")),
    ],
)
def test_round_money(
    value: Decimal, digits: int, mode: Rounding, divisor: int, expected: Decimal
) -> None:
    result = round_money(value, digits, mode, divisor)
    assert result == expected
    # the result carries exactly `digits` decimals (its string is the expected one)
    assert str(result) == str(expected)


def test_round_money_never_returns_negative_zero() -> None:
    assert not round_money(D("-0.001"), 2, UP).is_signed()


def test_round_money_refuses_a_non_positive_divisor() -> None:
    with pytest.raises(ValueError, match="divisor"):
        round_money(D(1), 2, UP, 0)


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity")])
def test_round_money_refuses_non_finite(value: Decimal) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        round_money(value, 2, UP)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, "0.1"),  # from repr, not the binary 0.1000000000000000055511151231257827…
        (0.15, "0.15"),
        (45000.0, "45000.0"),
        (0.1 + 0.2, "0.30000000000000004"),  # the float the user really has
        (45000, "45000"),
        ("45000.00", "45000.00"),
        (" 12.50 ", "12.50"),  # surrounding blanks are ignored
        ("4.5E+4", "4.5E+4"),  # an exponent, within the bounds of an input decimal
        (D("7.25"), "7.25"),
    ],
)
def test_to_decimal_is_exact(value: object, expected: str) -> None:
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "boolean"),
        (False, "boolean"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("-inf", "finite"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (D("NaN"), "finite"),
        ("12,5", "not a number"),
        ("", "not a number"),
        # underscores (as in Python literals) are not digits of an amount
        ("1_000_000", "not a number"),
        # beyond 15 digits before the decimal point (docs/rules.md "Numbers")
        ("1e400", "too large"),
        (None, "expected a number"),
        ([1], "expected a number"),
    ],
)
def test_to_decimal_refuses(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        to_decimal(value)


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (D("820000"), 2, "820 000.00"),
        (D("134000"), 2, "134 000.00"),
        (D("0"), 2, "0.00"),
        (D("999.5"), 2, "999.50"),
        (D("1234567"), 0, "1 234 567"),  # JPY
        (D("1234.567"), 3, "1 234.567"),  # KWD
        (D("-1234.5"), 2, "-1 234.50"),
        # display only: more digits than the currency has are rounded half-even
        (D("218181.818181"), 2, "218 181.82"),
        (D("0.125"), 2, "0.12"),
    ],
)
def test_format_amount(value: Decimal, digits: int, expected: str) -> None:
    assert format_amount(value, digits) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (D("0.15"), "15%"),
        (D("0.20"), "20%"),
        (D("0.015"), "1.5%"),
        (D("0.003"), "0.3%"),
        (D("1"), "100%"),
        (D("1.2"), "120%"),
        (D("0.8611"), "86.11%"),
        (D("0.10"), "10%"),  # 10.00 → 1E+1 once normalised; still printed as 10
        (D("0"), "0%"),
    ],
)
def test_format_percent(rate: Decimal, expected: str) -> None:
    assert format_percent(rate) == expected


@pytest.mark.parametrize(("currency", "digits"), [("RUB", 2), ("JPY", 0), ("KWD", 3)])
def test_minor_units(currency: str, digits: int) -> None:
    assert minor_units(currency) == digits
    assert quantum(digits) == D(1).scaleb(-digits)


def test_minor_units_of_an_unknown_currency() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        minor_units("XYZ")
