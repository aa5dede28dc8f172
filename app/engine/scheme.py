"""The rule language: a pay scheme as validated, immutable data.

Field-level rules (types, ranges, unknown keys, precision of amounts) live here and
are reported by Pydantic all at once, each with a stable code (the error ``type``).
Rules that relate several fields (tier order, targets a rule needs, comparable roles)
are checked in :mod:`app.engine.checks`, which can name the exact offending element.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .money import (
    CURRENCY_MINOR_UNITS,
    MAX_AMOUNT,
    NumberRefused,
    Rounding,
    decimal_places,
    format_decimal,
    to_decimal,
)
from .numbertext import date_error, fraction_hint, number_error
from .text import control_character, control_message

__all__ = [
    "MEASURE_OF_KIND",
    "BaseGapPolicy",
    "Bonus",
    "CalendarSpec",
    "Clawback",
    "CommissionRule",
    "Department",
    "DepartmentKind",
    "Draw",
    "EarningsOrderPolicy",
    "Handoff",
    "KeyAccounts",
    "Measure",
    "Override",
    "Policy",
    "Role",
    "Scheme",
    "StructurePolicy",
    "Tier",
    "TierMode",
]


class Measure(StrEnum):
    """What revenue a rule pays on."""

    NEW_REVENUE = "new_revenue"
    REPEAT_REVENUE = "repeat_revenue"
    GROWTH_REVENUE = "growth_revenue"


class DepartmentKind(StrEnum):
    """acquisition = sales department (ОП), retention = client department (КО),
    development = key accounts."""

    ACQUISITION = "acquisition"
    RETENTION = "retention"
    DEVELOPMENT = "development"


MEASURE_OF_KIND: dict[DepartmentKind, Measure] = {
    DepartmentKind.ACQUISITION: Measure.NEW_REVENUE,
    DepartmentKind.RETENTION: Measure.REPEAT_REVENUE,
    DepartmentKind.DEVELOPMENT: Measure.GROWTH_REVENUE,
}


class TierMode(StrEnum):
    """marginal: each slice at its own rate; retroactive: everything at the reached tier's rate."""

    MARGINAL = "marginal"
    RETROACTIVE = "retroactive"


# --- value types -----------------------------------------------------------------


def _number(value: Any) -> Decimal:
    try:
        return to_decimal(value)
    except ValueError as exc:
        raise number_error(value, str(exc), "number") from None


def _money(value: Any, info: ValidationInfo) -> Decimal:
    digits = (info.context or {}).get("minor_units")
    try:
        amount = to_decimal(value)
    except NumberRefused as exc:
        # Beyond the bounds of any input decimal (docs/rules.md "Numbers"): for an amount,
        # larger than 10^13; more than 20 decimals is INVALID_NUMBER, as for every decimal.
        refused = exc.value
        if refused is not None and exc.reason == "integer_digits":
            raise PydanticCustomError(
                "AMOUNT_TOO_LARGE",
                "amount {amount} is larger than 10^13",
                {"amount": format_decimal(refused)},
            ) from None
        raise PydanticCustomError("INVALID_NUMBER", "{reason}", {"reason": str(exc)}) from None
    except ValueError as exc:
        raise number_error(value, str(exc), "amount") from None
    if amount < 0:
        raise PydanticCustomError(
            "NEGATIVE_MONEY",
            "amount {amount} is negative; money amounts are 0 or more",
            {"amount": format_decimal(amount)},
        )
    if amount > MAX_AMOUNT:
        raise PydanticCustomError(
            "AMOUNT_TOO_LARGE",
            "amount {amount} is larger than 10^13",
            {"amount": format_decimal(amount)},
        )
    if isinstance(digits, int) and decimal_places(amount) > digits:
        raise PydanticCustomError(
            "PRECISION",
            "amount {amount} has more decimals than the currency allows ({digits})",
            {
                "amount": format_decimal(amount),
                "digits": digits,
                "hint": f"write it with at most {digits} decimals: "
                + format_decimal(amount.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)),
            },
        )
    return amount


def _ranged(code: str, what: str, low: Decimal, high: Decimal) -> Any:
    def check(value: Any) -> Decimal:
        try:
            number = to_decimal(value)
        except NumberRefused as exc:
            if exc.reason != "integer_digits" or exc.value is None:
                raise PydanticCustomError(
                    "INVALID_NUMBER", "{reason}", {"reason": str(exc)}
                ) from None
            number = exc.value  # far outside the range: say so as the range
        except ValueError as exc:
            raise number_error(value, str(exc), what) from None
        if not low <= number <= high:
            above = number > high
            hint = fraction_hint(what, number) if above and number <= 100_000 else None
            raise PydanticCustomError(
                code,
                "the {what} {value} is above the largest allowed, {high}"
                if above
                else "the {what} {value} is below the smallest allowed, {low}",
                {
                    "what": what,
                    "value": format_decimal(number),
                    "low": format_decimal(low),
                    "high": format_decimal(high),
                    **({"hint": hint} if hint else {}),
                },
            )
        return number

    return BeforeValidator(check)


def _currency(value: str) -> str:
    if value not in CURRENCY_MINOR_UNITS:
        raise PydanticCustomError(
            "UNKNOWN_CURRENCY", "currency '{value}' is not an ISO 4217 code", {"value": value}
        )
    return value


def _text(value: str) -> str:
    index = control_character(value)
    if index is not None:
        raise PydanticCustomError("CONTROL_CHARACTER", control_message(value, index))
    return value


Money = Annotated[Decimal, BeforeValidator(_money)]
Rate = Annotated[Decimal, _ranged("RATE_RANGE", "rate", Decimal(0), Decimal(1))]
Share = Annotated[Decimal, _ranged("THRESHOLD_RANGE", "threshold", Decimal(0), Decimal(1))]
Attainment = Annotated[Decimal, _ranged("ATTAINMENT_RANGE", "attainment", Decimal(0), Decimal(10))]
Multiple = Annotated[Decimal, _ranged("CAP_RANGE", "cap multiple", Decimal(0), Decimal(100))]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_text)]
#: A client id (key accounts); any text without control characters.
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_text)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Currency = Annotated[str, AfterValidator(_currency)]


def _day(value: object) -> object:
    # pydantic would read 0 or 1.7e9 as seconds since 1970: a date is written as a date.
    if isinstance(value, (bool, int, float, Decimal)):
        raise PydanticCustomError("date_type", "a date is written YYYY-MM-DD")
    refused = date_error(value)
    if refused is not None:
        raise refused
    return value


#: A calendar day: ``2027-03-08`` (text or a YAML date), never a number.
Day = Annotated[date, BeforeValidator(_day)]
#: A count (days, months, people): a whole number as written, never `true`, `"5"` or `5.0`.
Whole = Annotated[int, Strict()]


class _Rules(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, use_enum_values=False
    )


# --- commission --------------------------------------------------------------------


class Tier(_Rules):
    """A rate that applies from a revenue amount (``from``) or from an attainment
    of the measure's target (``from_attainment``: 1.0 = 100%)."""

    from_: Money | None = Field(default=None, alias="from")
    from_attainment: Attainment | None = None
    rate: Rate

    @model_validator(mode="after")
    def _one_bound(self) -> Tier:
        if (self.from_ is None) == (self.from_attainment is None):
            raise PydanticCustomError(
                "TIER_BOUND", "a tier needs exactly one of 'from' (amount) or 'from_attainment'"
            )
        return self


class CommissionRule(_Rules):
    """Commission on one measure: threshold, then tiers, then the cap."""

    measure: Measure
    mode: TierMode = TierMode.MARGINAL
    threshold: Share | None = None
    tiers: list[Tier] = Field(min_length=1, max_length=50)
    cap: Money | None = None
    cap_multiple: Multiple | None = None
    label: Label | None = None


class Bonus(_Rules):
    """A fixed amount paid when attainment of a measure's target reaches ``attainment``."""

    attainment: Attainment
    amount: Money
    measure: Measure | None = None
    label: Label | None = None


class Override(_Rules):
    """A head's share of the revenue credited to the whole department."""

    measure: Measure
    of: Literal["team"] = "team"
    rate: Rate
    label: Label | None = None


class Draw(_Rules):
    """A guaranteed minimum of variable pay per period (prorated like the base).

    A recoverable draw is an advance: what it tops up is carried as a balance and
    recovered from later variable pay above the draw, at most ``recover_limit`` a period.
    """

    amount: Money
    recoverable: StrictBool = True
    recover_limit: Money | None = None
    label: Label | None = None


class Role(_Rules):
    """One role of a department: its base, targets and variable pay."""

    label: Label | None = None
    position: Literal["rep", "head"] | None = None
    headcount: Whole | None = Field(default=None, ge=0, le=100_000)
    base: Money
    target: dict[Measure, Money] = Field(default_factory=dict)
    commission: list[CommissionRule] = Field(default_factory=list, max_length=20)
    override: Override | None = None
    bonuses: list[Bonus] = Field(default_factory=list, max_length=20)
    draw: Draw | None = None
    compare_with: Annotated[str, AfterValidator(_text)] | None = None
    compare: StrictBool = True

    def resolved_position(self, name: str) -> Literal["rep", "head"]:
        """rep or head, for the structure advice; heads are named head/assistant* or set."""
        if self.position is not None:
            return self.position
        return "head" if ("head" in name or name.startswith("assistant")) else "rep"


class Department(_Rules):
    kind: DepartmentKind
    label: Label | None = None
    roles: dict[Name, Role] = Field(min_length=1, max_length=50)


# --- policy ------------------------------------------------------------------------


class BaseGapPolicy(_Rules):
    """The sales base is this much below the client base: 1 − sales/client in [min, max]."""

    enabled: StrictBool = True
    min: Rate = Decimal("0.40")
    max: Rate = Decimal("0.50")


class EarningsOrderPolicy(_Rules):
    """At ``attainment`` of target a salesperson must earn more than a client manager."""

    enabled: StrictBool = True
    attainment: Attainment = Decimal(1)
    statistic: Literal["median", "mean"] = "median"


class StructurePolicy(_Rules):
    """Advice: a sales department of 4-5 reps and 1-2 heads."""

    enabled: StrictBool = True
    reps: tuple[Whole, Whole] = (4, 5)
    heads: tuple[Whole, Whole] = (1, 2)


class Policy(_Rules):
    base_gap: BaseGapPolicy = Field(default_factory=BaseGapPolicy)
    commission_order: Literal["strict", "off"] = "strict"
    earnings_order: EarningsOrderPolicy = Field(default_factory=EarningsOrderPolicy)
    structure: StructurePolicy = Field(default_factory=StructurePolicy)


class CalendarSpec(_Rules):
    """Working days are Monday-Friday minus ``holidays`` plus ``working_weekends``."""

    holidays: list[Day] = Field(default_factory=list, max_length=400)
    working_weekends: list[Day] = Field(default_factory=list, max_length=400)


class Handoff(_Rules):
    """A deal is new_revenue while its client is younger than ``new_client_months``
    at the deal's date, repeat_revenue after."""

    new_client_months: Whole = Field(default=3, ge=0, le=120)


class KeyAccounts(_Rules):
    """Clients whose revenue above a monthly baseline is credited as growth_revenue."""

    client_ids: list[ClientId] = Field(default_factory=list, max_length=10_000)
    baseline: dict[Annotated[str, AfterValidator(_text)], Money] = Field(
        default_factory=dict, max_length=10_000
    )


class Clawback(_Rules):
    """Refunds inside ``window_days`` of the original deal take back commission."""

    window_days: Whole = Field(default=180, ge=0, le=3660)
    recover: Literal["paid_commission", "none"] = "paid_commission"


class Scheme(_Rules):
    """A versioned, effective-dated pay scheme (one file)."""

    key: Key
    name: Label
    currency: Currency
    effective_from: Day
    effective_to: Day | None = None
    period: Literal["month"] = "month"
    rounding: Rounding = Rounding.HALF_UP
    calendar: CalendarSpec = Field(default_factory=CalendarSpec)
    policy: Policy = Field(default_factory=Policy)
    handoff: Handoff = Field(default_factory=Handoff)
    key_accounts: KeyAccounts = Field(default_factory=KeyAccounts)
    clawback: Clawback = Field(default_factory=Clawback)
    departments: dict[Name, Department] = Field(min_length=1, max_length=50)

    @property
    def minor_units(self) -> int:
        return CURRENCY_MINOR_UNITS[self.currency]
