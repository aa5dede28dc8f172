"""Request bodies of the payroll operations, as strict Pydantic models.

Unknown fields are refused (422), never ignored.  Amounts are exact decimals: a JSON number
arrives here as a ``Decimal`` read from its text (see :mod:`app.api.body`), and a string such as
``"45000.00"`` is accepted too, so the amounts the API returns (strings) can be sent back.

These are the wire's models only: a route turns a request into the services' plain values
(:meth:`PayrollInputs.inputs`, :meth:`RunRequest.ref`), and the services store and replay a
run from a record of their own, so a change here never changes what is stored.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    PlainValidator,
    Strict,
    StringConstraints,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app import services
from app.engine import (
    Credit,
    Deal,
    Employee,
    Measure,
    control_character,
    control_message,
    to_decimal,
)
from app.engine import Period as EnginePeriod

from .deps import PRINTABLE_SCHEMA

__all__ = [
    "Amount",
    "ApproveRequest",
    "BalancesInput",
    "CalculateRequest",
    "CreditInput",
    "DealInput",
    "DiscardRequest",
    "EmployeeInput",
    "Name",
    "PayrollInputs",
    "RunRequest",
    "SchemeOnDate",
    "SchemeVersionRef",
    "Text",
    "printable",
]


def _exact(value: Any) -> Decimal:
    """An exact decimal, or INVALID_NUMBER: the code the files and scheme documents give."""
    if isinstance(value, float):  # never produced by our decoder; refuse rather than guess
        raise PydanticCustomError("invalid_number", "numbers must be exact decimals")
    try:
        return to_decimal(value)
    except ValueError as exc:
        raise PydanticCustomError("invalid_number", "{reason}", {"reason": str(exc)}) from None


def printable(value: str) -> str:
    """``value`` unless it holds a control character (``control_character``, 422)."""
    index = control_character(value)
    if index is not None:
        raise PydanticCustomError("control_character", control_message(value, index))
    return value


def _day(value: Any) -> Any:
    # pydantic would read 0 or 1.7e9 as seconds since 1970: a date is written as a date.
    if isinstance(value, (bool, int, float, Decimal)):
        raise PydanticCustomError("date_type", "a date is written YYYY-MM-DD")
    return value


#: A calendar day, ``"2027-03-10"``; never a number.
Day = Annotated[dt.date, BeforeValidator(_day)]
#: An exact decimal: a JSON number or a numeric string of ASCII digits, at most 15 digits
#: before the decimal point and 20 after it (docs/api.md "Numbers"); ``-0.00`` is ``0.00``.
Amount = Annotated[Decimal, BeforeValidator(_exact)]
#: The longest identifier, person's name; the highest version number; most credits of a deal.
MAX_TEXT: Final = 100
MAX_NAME: Final = 200
MAX_VERSION: Final = 1_000_000
MAX_CREDITS: Final = 100
#: An identifier or a name of the scheme (an id, a department, a role, a key): 1 to 100
#: characters, none of them a control character.
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT),
    AfterValidator(printable),
    PRINTABLE_SCHEMA,
]
#: A person's name: up to 200 characters, none of them a control character.
Name = Annotated[
    str, StringConstraints(max_length=MAX_NAME), AfterValidator(printable), PRINTABLE_SCHEMA
]
Group = Annotated[str, StringConstraints(pattern=r"^[a-z0-9._-]{1,64}$")]


_PERIOD_PATTERN: Final = r"^[0-9]{4}-[0-9]{2}$"
_PERIOD_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}")  # Python's \d would take "٢٠٢٧-٠٣"


def _period(value: Any) -> EnginePeriod:
    """The period, parsed once: refuses ``2027-3``, month 13 or year 3000 with a clear message."""
    if isinstance(value, EnginePeriod):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    if _PERIOD_RE.fullmatch(value) is None:
        raise PydanticCustomError(
            "string_pattern_mismatch",
            "String should match pattern '{pattern}'",
            {"pattern": _PERIOD_PATTERN},
        )
    return EnginePeriod.parse(value)


Period = Annotated[
    EnginePeriod,
    PlainValidator(_period),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": _PERIOD_PATTERN}),
    Field(description="Pay period, a calendar month `YYYY-MM`.", examples=["2027-03"]),
]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchemeVersionRef(_Input):
    """A stored scheme version: `{"key": "acme-sales", "version": 2}`."""

    key: Text = Field(description="The scheme's key.")
    version: Annotated[int, Strict()] = Field(
        ge=1, le=MAX_VERSION, description="The version number."
    )


class SchemeOnDate(_Input):
    """The published version of a stored scheme in effect on a date."""

    key: Text = Field(description="The scheme's key.")
    on: Day = Field(description="The date the version must be in effect on.")


def _scheme_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return "effective-on" if isinstance(value, SchemeOnDate) else "stored-version"
    if not isinstance(value, dict):
        return None
    keys = set(value)
    if "on" in keys and keys <= {"key", "on"}:
        return "effective-on"
    if "version" in keys and keys <= {"key", "version"}:
        return "stored-version"
    return "inline-document"


InlineScheme = Annotated[
    dict[str, Any],
    Field(
        title="InlineScheme",
        description="A whole scheme document, as in docs/rules.md (nothing is stored).",
    ),
    # Documented as the scheme it is (the `Scheme` component); validated by the rule language.
    WithJsonSchema({"$ref": "#/components/schemas/Scheme"}),
]
SchemeSource = Annotated[
    Annotated[SchemeVersionRef, Tag("stored-version")]
    | Annotated[SchemeOnDate, Tag("effective-on")]
    | Annotated[InlineScheme, Tag("inline-document")],
    Discriminator(
        _scheme_tag,
        custom_error_type="invalid_scheme_source",
        custom_error_message="scheme must be a scheme document, {key, version} or {key, on}",
    ),
]
StoredScheme = Annotated[
    Annotated[SchemeVersionRef, Tag("stored-version")]
    | Annotated[SchemeOnDate, Tag("effective-on")],
    Discriminator(
        _scheme_tag,
        custom_error_type="invalid_scheme_source",
        custom_error_message="scheme must be {key, version} or {key, on} of a stored scheme",
    ),
]


class BalancesInput(_Input):
    """Balances carried in from the previous period (what the employee still owes)."""

    draw: Amount | None = Field(default=None, description="Unrecovered recoverable draw.")
    clawback: Amount | None = Field(default=None, description="Unrecovered clawback.")


class EmployeeInput(_Input):
    """One roster row."""

    id: Text = Field(description="Employee id, unique in the roster.")
    name: Name = Field(default="")
    department: Text = Field(description="A department of the scheme, e.g. `sales`.")
    role: Text = Field(description="A role of that department, e.g. `rep`.")
    start_date: Day | None = Field(default=None, description="First day employed, if in period.")
    end_date: Day | None = Field(default=None, description="Last day employed, if in period.")
    fte: Amount = Field(default=Decimal(1), description="Full-time equivalent, in (0, 1].")
    unpaid_days: Annotated[int, Strict()] = Field(
        default=0, ge=0, le=31, description="Unpaid working days."
    )
    credited: dict[Measure, Amount] = Field(
        default_factory=dict,
        description="Revenue credited for the period per measure, e.g. `{new_revenue: 820000}`.",
    )
    balances: BalancesInput | None = None
    jurisdiction: Text | None = Field(
        default=None,
        description="Whose minimum wage applies, a code of the scheme's minimum_wage "
        "(e.g. `RU-MOW`); default: the scheme's general value.",
    )

    def to_engine(self) -> Employee:
        balances = {} if self.balances is None else self.balances.model_dump(exclude_none=True)
        return Employee(
            id=self.id,
            department=self.department,
            role=self.role,
            name=self.name,
            start_date=self.start_date,
            end_date=self.end_date,
            fte=self.fte,
            unpaid_days=self.unpaid_days,
            credited=dict(self.credited),
            balances=balances,
            jurisdiction=self.jurisdiction,
        )


class CreditInput(_Input):
    employee_id: Text
    share: Amount = Field(description="Share of the deal, the shares adding up to exactly 1.")
    commission: Amount | None = Field(
        default=None,
        description="On a deal of an earlier period: the commission that period paid this "
        "employee on it (the sum of the deal's `commission` on their commission lines). A "
        "refund of the deal then takes back the refunded fraction of it.",
    )


class DealInput(_Input):
    """A client payment (negative: a refund or credit note)."""

    id: Text
    date: Day
    client_id: Text
    client_since: Day = Field(description="Date of the client's first paid deal.")
    amount: Amount
    refund_of: Text | None = Field(default=None, description="The refunded deal's id.")
    kind: Measure | None = Field(default=None, description="Overrides the classification.")
    credit: list[CreditInput] = Field(min_length=1, max_length=MAX_CREDITS)

    def to_engine(self) -> Deal:
        return Deal(
            id=self.id,
            date=self.date,
            client_id=self.client_id,
            client_since=self.client_since,
            amount=self.amount,
            credit=tuple(Credit(c.employee_id, c.share, c.commission) for c in self.credit),
            refund_of=self.refund_of,
            kind=self.kind,
        )


class PayrollInputs(_Input):
    """What a payroll is computed from besides the scheme."""

    period: Period
    roster: list[EmployeeInput] = Field(default_factory=list, description="The employees.")
    deals: list[DealInput] = Field(default_factory=list, description="Deals credited to them.")

    def inputs(self) -> services.PayrollInputs:
        return services.PayrollInputs(
            self.period,
            [employee.to_engine() for employee in self.roster],
            [deal.to_engine() for deal in self.deals],
            frozenset(e.id for e in self.roster if e.balances is not None),
        )


def _ref(scheme: SchemeVersionRef | SchemeOnDate) -> services.SchemeRef:
    if isinstance(scheme, SchemeVersionRef):
        return services.VersionRef(scheme.key, scheme.version)
    return services.EffectiveOn(scheme.key, scheme.on)


class CalculateRequest(PayrollInputs):
    """A what-if payroll: a scheme (inline or stored), a period, a roster and deals."""

    scheme: SchemeSource = Field(
        description=(
            "A whole scheme document, `{key, version}` of a stored version, or `{key, on}` for "
            "the published version in effect on a date."
        )
    )

    def source(self) -> dict[str, Any] | services.SchemeRef:
        """The scheme: the inline document, or the stored version it names."""
        return self.scheme if isinstance(self.scheme, dict) else _ref(self.scheme)


class RunRequest(PayrollInputs):
    """A payroll run to store: a published stored scheme version, a period, roster, deals."""

    scheme: StoredScheme = Field(
        description="`{key, version}` of a published version, or `{key, on}` (see calculate)."
    )

    group: Group = Field(
        default="main",
        description="The pay group within the scheme (a legal entity, a location); "
        "`[a-z0-9._-]{1,64}`. A period of a pay group is approved once.",
    )
    kind: Literal["regular", "correction"] = Field(
        default="regular",
        description="`correction`: the difference from the period's approved payroll "
        "(then `corrects` names the approved run).",
    )
    corrects: uuid.UUID | None = Field(
        default=None,
        description="A correction: the latest approved run of the same pay group and period.",
    )

    @model_validator(mode="after")
    def _correction_names_its_run(self) -> RunRequest:
        if (self.kind == "correction") != (self.corrects is not None):
            raise ValueError(
                "a correction names the run it corrects (corrects), and only a correction does"
            )
        return self

    def ref(self) -> services.SchemeRef:
        return _ref(self.scheme)

    def target(self) -> services.RunTarget:
        return services.RunTarget(self.group, self.corrects)


class ApproveRequest(_Input):
    """An approval, optionally with a comment (who approved is the key)."""

    comment: str | None = Field(default=None, max_length=1000, description="Why, or a note.")


class DiscardRequest(_Input):
    """Discarding a draft that should not be paid: the reason is kept with the run."""

    reason: str = Field(min_length=1, max_length=1000, description="Why it is not paid.")
