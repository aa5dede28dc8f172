"""The rule language: a pay scheme as validated, immutable data.

Field-level rules (types, ranges, unknown keys, precision of amounts) live here and
are reported by Pydantic all at once, each with a stable code (the error ``type``).
Rules that relate several fields (tier order, targets a rule needs, comparable roles)
are checked in :mod:`app.engine.checks`, which can name the exact offending element.
"""

from __future__ import annotations

import re
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
    WithJsonSchema,
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
from .valueschemas import (
    DAY_PATTERN,
    amount_schema,
    currency_schema,
    day_schema,
    exactly_one_of,
    fraction_schema,
    named_keys,
)

__all__ = [
    "MEASURE_OF_KIND",
    "BaseGapPolicy",
    "Bonus",
    "CalendarSpec",
    "Clawback",
    "CommissionRule",
    "Country",
    "Department",
    "DepartmentKind",
    "Draw",
    "EarningsOrderPolicy",
    "Exports",
    "Handoff",
    "KeyAccounts",
    "LineCode",
    "Measure",
    "MinimumWage",
    "OneCExport",
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


# Each value type carries its JSON Schema (app/engine/valueschemas.py): the validators read
# Decimal from a number or its text, which Pydantic alone would describe as any number or string.
_ZERO, _ONE, _TEN, _HUNDRED = Decimal(0), Decimal(1), Decimal(10), Decimal(100)
#: How the descriptions of amounts name their unit.
_IN_CURRENCY = "in the scheme's currency, in major units (roubles for RUB)"
#: An amount in the scheme's currency (major units): 0 to 10^13, e.g. 45000 or "45000.50".
Money = Annotated[Decimal, BeforeValidator(_money), WithJsonSchema(amount_schema())]
#: A fraction in [0, 1]: 0.15 = 15%.
Rate = Annotated[
    Decimal,
    _ranged("RATE_RANGE", "rate", _ZERO, _ONE),
    WithJsonSchema(fraction_schema(_ZERO, _ONE)),
]
#: A share of a target in [0, 1]: 0.5 = 50%.
Share = Annotated[
    Decimal,
    _ranged("THRESHOLD_RANGE", "threshold", _ZERO, _ONE),
    WithJsonSchema(fraction_schema(_ZERO, _ONE)),
]
#: An attainment of a target in [0, 10]: 1.2 = 120%.
Attainment = Annotated[
    Decimal,
    _ranged("ATTAINMENT_RANGE", "attainment", _ZERO, _TEN),
    WithJsonSchema(fraction_schema(_ZERO, _TEN)),
]
#: A multiple in [0, 100]: 2 = twice.
Multiple = Annotated[
    Decimal,
    _ranged("CAP_RANGE", "cap multiple", _ZERO, _HUNDRED),
    WithJsonSchema(fraction_schema(_ZERO, _HUNDRED)),
]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_text)]
#: A client id (key accounts); any text without control characters.
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_text)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Currency = Annotated[str, AfterValidator(_currency), WithJsonSchema(currency_schema())]


def _day(value: object) -> object:
    # pydantic would read 0 or 1.7e9 as seconds since 1970: a date is written as a date.
    if isinstance(value, (bool, int, float, Decimal)):
        raise PydanticCustomError("date_type", "a date is written YYYY-MM-DD")
    refused = date_error(value)
    if refused is not None:
        raise refused
    return value


def _written_day(value: object) -> object:
    # Text is a day only as YYYY-MM-DD: pydantic would also read "0" (seconds since 1970) and
    # "2027-03-08T00:00:00" as a date, which the JSON Schema of a scheme refuses.
    if isinstance(value, str) and re.fullmatch(DAY_PATTERN, value) is None:
        raise PydanticCustomError(
            "date_parsing",
            "{value} is not a date: a date is written YYYY-MM-DD, e.g. 2027-03-08",
            {"value": repr(value) if len(value) <= 40 else repr(value[:39] + "…")},
        )
    return value


#: A calendar day: ``2027-03-08`` (text or a YAML date), never a number.
Day = Annotated[
    date, BeforeValidator(_written_day), BeforeValidator(_day), WithJsonSchema(day_schema())
]
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

    model_config = ConfigDict(json_schema_extra=exactly_one_of("from", "from_attainment"))

    from_: Money | None = Field(
        default=None,
        alias="from",
        description=f"Revenue the tier starts at, {_IN_CURRENCY}, e.g. 600000; "
        "give either from or from_attainment, and the same one in every tier of the rule.",
        examples=[600000],
    )
    from_attainment: Attainment | None = Field(
        default=None,
        description="Attainment of the rule's target the tier starts at: a fraction in [0, 10], "
        "1.0 = 100%, e.g. 1.3; needs a target for the rule's measure.",
        examples=[1.0],
    )
    rate: Rate = Field(
        description="Commission rate of the tier: a fraction in [0, 1], 0.15 = 15%.",
        examples=[0.15],
    )

    @model_validator(mode="after")
    def _one_bound(self) -> Tier:
        if (self.from_ is None) == (self.from_attainment is None):
            raise PydanticCustomError(
                "TIER_BOUND", "a tier needs exactly one of 'from' (amount) or 'from_attainment'"
            )
        return self


class CommissionRule(_Rules):
    """Commission on one measure: threshold, then tiers, then the cap."""

    measure: Measure = Field(
        description="The revenue the rule pays on: new_revenue, repeat_revenue or growth_revenue.",
        examples=["new_revenue"],
    )
    mode: TierMode = Field(
        default=TierMode.MARGINAL,
        description="marginal (default): each slice of revenue at its own tier's rate; "
        "retroactive: the whole amount at the rate of the highest tier reached.",
        examples=["marginal"],
    )
    threshold: Share | None = Field(
        default=None,
        description="Nothing is paid below this share of the target: a fraction in [0, 1], "
        "0.5 = 50%; needs a target for the measure.",
        examples=[0.5],
    )
    tiers: list[Tier] = Field(
        min_length=1,
        max_length=50,
        description="1 to 50 tiers, strictly ascending by their start; revenue below the first "
        "tier's start earns nothing.",
        examples=[[{"from": 0, "rate": 0.15}, {"from": 600000, "rate": 0.2}]],
    )
    cap: Money | None = Field(
        default=None,
        description=f"At most this much commission from the rule a period, {_IN_CURRENCY}, "
        "e.g. 250000; not together with cap_multiple.",
        examples=[250000],
    )
    cap_multiple: Multiple | None = Field(
        default=None,
        description="At most this multiple of the commission the rule pays at exactly 100% of "
        "target, in [0, 100], e.g. 2; not together with cap; needs a target for the measure.",
        examples=[2],
    )
    label: Label | None = Field(
        default=None,
        description="Name of the rule's payslip line, 1-200 characters.",
        examples=["Commission on new clients"],
    )


class Bonus(_Rules):
    """A fixed amount paid when attainment of a measure's target reaches ``attainment``."""

    attainment: Attainment = Field(
        description="The bonus is paid when attainment of the target reaches this: a fraction "
        "in [0, 10], 1.2 = 120%.",
        examples=[1.2],
    )
    amount: Money = Field(
        description=f"The bonus, {_IN_CURRENCY}, e.g. 15000.",
        examples=[15000],
    )
    measure: Measure | None = Field(
        default=None,
        description="The measure whose target counts; default: the role's only target.",
        examples=["new_revenue"],
    )
    label: Label | None = Field(
        default=None,
        description="Name of the bonus's payslip line, 1-200 characters.",
        examples=["Bonus for 120% of quota"],
    )


class Override(_Rules):
    """A head's share of the revenue credited to the whole department."""

    measure: Measure = Field(
        description="The measure of the department's revenue the override is paid on; the "
        "department must be credited with it.",
        examples=["new_revenue"],
    )
    of: Literal["team"] = Field(
        default="team",
        description="team (the only value): everything the department is credited with.",
        examples=["team"],
    )
    rate: Rate = Field(
        description="Share of that revenue paid to the role: a fraction in [0, 1], 0.03 = 3%.",
        examples=[0.03],
    )
    label: Label | None = Field(
        default=None,
        description="Name of the override's payslip line, 1-200 characters.",
        examples=["Override on the team"],
    )


class Draw(_Rules):
    """A guaranteed minimum of variable pay per period (prorated like the base).

    A recoverable draw is an advance: what it tops up is carried as a balance and
    recovered from later variable pay above the draw, at most ``recover_limit`` a period.
    """

    amount: Money = Field(
        description=f"Guaranteed minimum of variable pay a period, {_IN_CURRENCY}, prorated "
        "like the base, e.g. 20000.",
        examples=[20000],
    )
    recoverable: StrictBool = Field(
        default=True,
        description="true (default): an advance, recovered from later variable pay above the "
        "draw; false: a guarantee that is never recovered.",
        examples=[True],
    )
    recover_limit: Money | None = Field(
        default=None,
        description=f"At most this much of the draw balance recovered a period, {_IN_CURRENCY}, "
        "e.g. 10000; default: no limit.",
        examples=[10000],
    )
    label: Label | None = Field(
        default=None,
        description="Name of the draw's payslip line, 1-200 characters.",
        examples=["Guaranteed draw"],
    )


class Role(_Rules):
    """One role of a department: its base, targets and variable pay."""

    label: Label | None = Field(
        default=None,
        description="Display name of the role, 1-200 characters.",
        examples=["Sales representative"],
    )
    position: Literal["rep", "head"] | None = Field(
        default=None,
        description="rep or head, for the structure advice; default: head when the role name "
        "contains head or starts with assistant, else rep.",
        examples=["head"],
    )
    headcount: Whole | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="Planned number of people, 0 to 100000: the structure advice and a head's "
        "team at target; counts as 1 in the team sum when omitted.",
        examples=[5],
    )
    base: Money = Field(
        description=f'Monthly base salary, {_IN_CURRENCY}, e.g. 45000 or "45000.50"; at most the '
        "currency's decimals.",
        examples=[45000, "45000.50"],
    )
    target: dict[Measure, Money] = Field(
        default_factory=dict,
        description=f"Quota a period per measure, {_IN_CURRENCY}.",
        examples=[{"new_revenue": 600000}],
    )
    commission: list[CommissionRule] = Field(
        default_factory=list,
        max_length=20,
        description="Commission rules of the role, at most 20.",
        examples=[[{"measure": "new_revenue", "tiers": [{"from": 0, "rate": 0.15}]}]],
    )
    override: Override | None = Field(
        default=None,
        description="A head's share of the revenue credited to the department: "
        "rate x everything the department is credited with on the measure.",
        examples=[{"measure": "new_revenue", "of": "team", "rate": 0.03}],
    )
    bonuses: list[Bonus] = Field(
        default_factory=list,
        max_length=20,
        description="Fixed amounts paid when attainment reaches a level, at most 20.",
        examples=[[{"attainment": 1.2, "amount": 15000}]],
    )
    draw: Draw | None = Field(
        default=None,
        description="A guaranteed minimum of variable pay a period, prorated like the base.",
        examples=[{"amount": 20000, "recoverable": True}],
    )
    compare_with: Annotated[str, AfterValidator(_text)] | None = Field(
        default=None,
        description="The client role this role is compared with: a role name (head) or "
        "department.role (clients.head); default: the role of the same name.",
        examples=["clients.head"],
    )
    compare: StrictBool = Field(
        default=True,
        description="false leaves the role out of the comparisons with the client department "
        "(e.g. an assistant); default true.",
        examples=[False],
    )

    def resolved_position(self, name: str) -> Literal["rep", "head"]:
        """rep or head, for the structure advice; heads are named head/assistant* or set."""
        if self.position is not None:
            return self.position
        return "head" if ("head" in name or name.startswith("assistant")) else "rep"


class Department(_Rules):
    """A department: its kind decides the measure it is credited with."""

    kind: DepartmentKind = Field(
        description="acquisition (the sales department, credited with new_revenue), retention "
        "(the client department, repeat_revenue) or development (key accounts, growth_revenue).",
        examples=["acquisition"],
    )
    label: Label | None = Field(
        default=None,
        description="Display name of the department, 1-200 characters.",
        examples=["Sales department"],
    )
    roles: dict[Name, Role] = Field(
        min_length=1,
        max_length=50,
        description="1 to 50 roles by name: lower-case letters, digits and _, starting with a "
        "letter, at most 40 characters (rep, head).",
        examples=[{"rep": {"headcount": 5, "base": 45000}}],
        json_schema_extra=named_keys,
    )


# --- policy ------------------------------------------------------------------------


class BaseGapPolicy(_Rules):
    """The sales base is this much below the client base: 1 − sales/client in [min, max]."""

    enabled: StrictBool = Field(
        default=True, description="false turns the BASE_GAP check off.", examples=[True]
    )
    min: Rate = Field(
        default=Decimal("0.40"),
        description="Smallest gap 1 - sales base / client base: a fraction in [0, 1], "
        "0.40 = the sales base is 40% below the client base.",
        examples=[0.4],
    )
    max: Rate = Field(
        default=Decimal("0.50"),
        description="Largest gap 1 - sales base / client base: a fraction in [0, 1], "
        "0.50 = the sales base is half the client base.",
        examples=[0.5],
    )


class EarningsOrderPolicy(_Rules):
    """At ``attainment`` of target a salesperson must earn more than a client manager."""

    enabled: StrictBool = Field(
        default=True, description="false turns the EARNINGS_ORDER check off.", examples=[True]
    )
    attainment: Attainment = Field(
        default=Decimal(1),
        description="The attainment at which the sales role must out-earn the client role: a "
        "fraction in [0, 10], 1.0 = 100% of target.",
        examples=[1.0],
    )
    statistic: Literal["median", "mean"] = Field(
        default="median",
        description="How a payroll's earnings check sums up each department's pay: median "
        "(default) or mean.",
        examples=["median"],
    )


class StructurePolicy(_Rules):
    """Advice: a sales department of 4-5 reps and 1-2 heads."""

    enabled: StrictBool = Field(
        default=True, description="false turns the STRUCTURE advice off.", examples=[True]
    )
    reps: tuple[Whole, Whole] = Field(
        default=(4, 5),
        description="[fewest, most] reps advised for the sales department, in people.",
        examples=[[4, 5]],
    )
    heads: tuple[Whole, Whole] = Field(
        default=(1, 2),
        description="[fewest, most] heads advised for the sales department, in people.",
        examples=[[1, 2]],
    )


class Policy(_Rules):
    """The checks the scheme must keep; a key left out keeps its default."""

    base_gap: BaseGapPolicy = Field(
        default_factory=BaseGapPolicy,
        description="BASE_GAP: 1 - sales base / client base within [min, max], per comparable "
        "role.",
        examples=[{"min": 0.4, "max": 0.5}],
    )
    commission_order: Literal["strict", "off"] = Field(
        default="strict",
        description="strict (default): every non-zero rate of a sales role is above the highest "
        "rate of its client role (COMMISSION_ORDER); off turns the check off.",
        examples=["strict"],
    )
    earnings_order: EarningsOrderPolicy = Field(
        default_factory=EarningsOrderPolicy,
        description="EARNINGS_ORDER: at this attainment of target a sales role out-earns its "
        "client role.",
        examples=[{"attainment": 1.0}],
    )
    structure: StructurePolicy = Field(
        default_factory=StructurePolicy,
        description="STRUCTURE (a warning): the sales department's reps and heads.",
        examples=[{"reps": [4, 5], "heads": [1, 2]}],
    )


class Country(StrEnum):
    """A country whose production calendar a scheme may name (ISO 3166-1 alpha-2)."""

    RU = "RU"  # app.engine.calendar.COUNTRIES (a test keeps them equal)


class CalendarSpec(_Rules):
    """Working days are Monday-Friday minus ``holidays`` plus ``working_weekends``; with a
    ``country``, its production calendar's days off and working Saturdays first."""

    country: Country | None = Field(
        default=None,
        description="The country whose production calendar gives the holidays and the "
        "transfers of days off (ISO 3166-1 alpha-2; RU: the Russian production calendar, "
        "five-day week, from the holidays library). The days listed in holidays and "
        "working_weekends add to it. Left out: Monday to Friday are working days.",
        examples=["RU"],
    )
    holidays: list[Day] = Field(
        default_factory=list,
        max_length=400,
        description="Days off that are not worked, YYYY-MM-DD, at most 400.",
        examples=[["2027-01-01", "2027-03-08"]],
    )
    working_weekends: list[Day] = Field(
        default_factory=list,
        max_length=400,
        description="Saturdays and Sundays declared working days (transfers), YYYY-MM-DD, at "
        "most 400.",
        examples=[["2027-02-20"]],
    )


class Handoff(_Rules):
    """A deal is new_revenue while its client is younger than ``new_client_months``
    at the deal's date, repeat_revenue after."""

    new_client_months: Whole = Field(
        default=3,
        ge=0,
        le=120,
        description="Months, 0 to 120, during which a client's deals count as new_revenue.",
        examples=[3],
    )


class KeyAccounts(_Rules):
    """Clients whose revenue above a monthly baseline is credited as growth_revenue."""

    client_ids: list[ClientId] = Field(
        default_factory=list,
        max_length=10_000,
        description="The key accounts' client ids (1-100 characters each), at most 10000.",
        examples=[["BIG"]],
    )
    baseline: dict[Annotated[str, AfterValidator(_text)], Money] = Field(
        default_factory=dict,
        max_length=10_000,
        description=f"Monthly revenue per client id {_IN_CURRENCY} above which revenue is "
        "growth_revenue.",
        examples=[{"BIG": 500000}],
    )


class Clawback(_Rules):
    """Refunds inside ``window_days`` of the original deal take back commission."""

    window_days: Whole = Field(
        default=180,
        ge=0,
        le=3660,
        description="Days, 0 to 3660: a refund more than this long after the original deal "
        "is ignored for pay (CLAWBACK_WINDOW); one within it is credited negatively when it "
        "happens.",
        examples=[180],
    )
    recover: Literal["paid_commission", "none"] = Field(
        default="paid_commission",
        description="paid_commission (default): a refund within the window takes back the "
        "commission on what it refunds; none: refunds are ignored for pay.",
        examples=["paid_commission"],
    )


#: A jurisdiction's code: ISO 3166-2 style (RU-MOW), letters, digits, "-", "_", ".", 1-32.
Jurisdiction = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")]


class MinimumWage(_Rules):
    """The minimum monthly wage for a full month at full time, in force from a day."""

    from_: Day = Field(
        alias="from",
        description="First day the amount is in force, YYYY-MM-DD; it holds until the next "
        "value of the same jurisdiction.",
        examples=["2026-01-01"],
    )
    amount: Money = Field(
        description=f"Minimum pay for a full month at full time, {_IN_CURRENCY}, e.g. 27093 "
        "(the Russian МРОТ from 2026-01-01); a payslip below it, prorated like the base, is "
        "topped up.",
        examples=[27093],
    )
    jurisdiction: Jurisdiction | None = Field(
        default=None,
        description="The jurisdiction it applies to (the roster's jurisdiction of an employee), "
        "e.g. RU-MOW; default: everyone without a value of their own jurisdiction.",
        examples=["RU-MOW"],
    )


class LineCode(StrEnum):
    """The code of a payslip line."""  # app.engine.results.LINE_CODES (a test keeps them equal)

    BASE = "base"
    COMMISSION = "commission"
    COMMISSION_CLAWBACK = "commission_clawback"
    OVERRIDE = "override"
    BONUS = "bonus"
    CLAWBACK = "clawback"
    DRAW = "draw"
    DRAW_RECOVERY = "draw_recovery"
    MINIMUM_WAGE_TOPUP = "minimum_wage_topup"


#: The code of an accrual type in an accounting system (1C: the code of a "вид начисления").
AccrualCode = Annotated[str, StringConstraints(min_length=1, max_length=50), AfterValidator(_text)]


class OneCExport(_Rules):
    """The 1C import layout of the exports (``?layout=1c``, ``--layout 1c``): one row per
    employee and accrual type."""

    accrual_codes: dict[LineCode, AccrualCode] = Field(
        default_factory=dict,
        description="The 1C accrual type code (1-50 characters) of each payslip line code: "
        "base, commission, commission_clawback, override, bonus, clawback, draw, "
        "draw_recovery, minimum_wage_topup; a line code not given keeps its own code. Line "
        "codes given the same accrual code share one row per employee.",
        examples=[{"base": "ОКЛ", "commission": "ПРМ", "bonus": "ПРМ"}],
    )


class Exports(_Rules):
    """How the payroll exports are laid out for other systems."""

    onec: OneCExport = Field(
        default_factory=OneCExport,
        description="The 1C import layout: the accrual type code of each line code.",
        examples=[{"accrual_codes": {"base": "ОКЛ", "commission": "ПРМ"}}],
    )

    def accrual_code(self, line_code: str) -> str:
        """The 1C accrual type code of a line code: the configured one, else the code."""
        try:
            return self.onec.accrual_codes.get(LineCode(line_code), line_code)
        except ValueError:  # not a line code of a payslip (e.g. gross): as it is
            return line_code


class Scheme(_Rules):
    """A versioned, effective-dated pay scheme (one file)."""

    key: Key = Field(
        description="Stable identifier of the scheme: lower-case letters, digits, -, _ and ., "
        "starting with a letter or digit, at most 64 characters.",
        examples=["acme-sales"],
    )
    name: Label = Field(
        description="Display name shown to people, 1-200 characters.",
        examples=["Acme sales organisation"],
    )
    currency: Currency = Field(
        description="ISO 4217 code of every amount; amounts may not have more decimals than "
        "its minor unit (RUB 2, JPY 0, KWD 3), to which payslip lines are rounded.",
        examples=["RUB"],
    )
    effective_from: Day = Field(
        description="First day the rules apply, YYYY-MM-DD.", examples=["2027-01-01"]
    )
    effective_to: Day | None = Field(
        default=None,
        description="Last day the rules apply, YYYY-MM-DD, not before effective_from; "
        "open-ended when omitted.",
        examples=["2027-12-31"],
    )
    period: Literal["month"] = Field(
        default="month", description="Pay period: month (the only one).", examples=["month"]
    )
    rounding: Rounding = Field(
        default=Rounding.HALF_UP,
        description="How each payslip line is rounded to the currency's minor unit: half_up "
        "(default) or half_even.",
        examples=["half_up"],
    )
    calendar: CalendarSpec = Field(
        default_factory=CalendarSpec,
        description="Working days: Monday to Friday, minus holidays, plus working weekends.",
        examples=[{"holidays": ["2027-01-01"], "working_weekends": []}],
    )
    policy: Policy = Field(
        default_factory=Policy,
        description="The checks the scheme must keep (base gap, commission order, earnings "
        "order, structure advice); omitted keys keep their defaults.",
        examples=[{"base_gap": {"min": 0.4, "max": 0.5}, "commission_order": "strict"}],
    )
    handoff: Handoff = Field(
        default_factory=Handoff,
        description="How long a new client's deals count as new_revenue.",
        examples=[{"new_client_months": 3}],
    )
    key_accounts: KeyAccounts = Field(
        default_factory=KeyAccounts,
        description="Clients whose monthly revenue above a baseline is growth_revenue.",
        examples=[{"client_ids": ["BIG"], "baseline": {"BIG": 500000}}],
    )
    clawback: Clawback = Field(
        default_factory=Clawback,
        description="How refunds take commission back.",
        examples=[{"window_days": 180, "recover": "paid_commission"}],
    )
    minimum_wage: list[MinimumWage] = Field(
        default_factory=list,
        max_length=1_000,
        description="Dated minimum monthly wages, per jurisdiction or for everyone, at most "
        "1000: a payslip whose total is below the one in force, prorated like the base, gets a "
        "minimum_wage_topup line; dates ascending within each jurisdiction.",
        examples=[[{"from": "2026-01-01", "amount": 27093}]],
    )
    departments: dict[Name, Department] = Field(
        min_length=1,
        max_length=50,
        description="1 to 50 departments by name: lower-case letters, digits and _, starting "
        "with a letter, at most 40 characters (sales, clients).",
        examples=[{"sales": {"kind": "acquisition", "roles": {"rep": {"base": 45000}}}}],
        json_schema_extra=named_keys,
    )
    exports: Exports = Field(
        default_factory=Exports,
        description="How the exports are laid out for other systems (the 1C accrual type "
        "codes); no effect on pay.",
        examples=[{"onec": {"accrual_codes": {"base": "ОКЛ", "commission": "ПРМ"}}}],
    )

    @property
    def minor_units(self) -> int:
        return CURRENCY_MINOR_UNITS[self.currency]
