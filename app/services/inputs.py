"""What a payroll is computed from, as the services take it, and as a run stores it.

Routes turn request bodies into these plain values (engine types); the services never see
the wire's models. A stored run keeps its inputs as a :class:`StoredInputs` record, a format
of the services' own: changing the HTTP schema does not change what is stored, and a run
stored years ago is replayed from its record as it was written.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.engine import Credit, Deal, Employee, InputError, Measure, Period

from .errors import Invalid

__all__ = [
    "EffectiveOn",
    "PayrollInputs",
    "RunTarget",
    "SchemeRef",
    "StoredInputs",
    "VersionRef",
]


@dataclass(frozen=True, slots=True)
class VersionRef:
    """Version ``version`` of the stored scheme ``key``."""

    key: str
    version: int


@dataclass(frozen=True, slots=True)
class EffectiveOn:
    """The published version of the stored scheme ``key`` in effect on ``on``."""

    key: str
    on: dt.date


#: A stored scheme version, named by number or by date.
SchemeRef = VersionRef | EffectiveOn


@dataclass(frozen=True, slots=True)
class PayrollInputs:
    """A payroll's inputs besides the scheme: the period, the roster and the deals."""

    period: Period
    roster: list[Employee] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    #: Employees whose opening balances the request gave (even none): those are not carried.
    balances_sent: frozenset[str] = frozenset()
    #: How the engine's problems of these inputs are reported (an upload's: at the files' rows
    #: and columns); None: by JSON pointer into the request body.  Never stored.
    report: Callable[[InputError], Invalid] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class RunTarget:
    """Where a stored run belongs: its pay group, and for a correction the approved run it
    corrects (``None``: a regular run)."""

    group: str = "main"
    corrects: uuid.UUID | None = None


# --- the stored record ------------------------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Balances(_Record):
    draw: Decimal | None = None
    clawback: Decimal | None = None


class _Employee(_Record):
    id: str
    name: str = ""
    department: str
    role: str
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    fte: Decimal = Decimal(1)
    unpaid_days: int = 0
    credited: dict[Measure, Decimal] = {}
    balances: _Balances | None = None
    jurisdiction: str | None = None


class _Credit(_Record):
    employee_id: str
    share: Decimal
    commission: Decimal | None = None


class _Deal(_Record):
    id: str
    date: dt.date
    client_id: str
    client_since: dt.date
    amount: Decimal
    refund_of: str | None = None
    kind: Measure | None = None
    credit: list[_Credit]


class StoredInputs(_Record):
    """The record of a run's inputs (JSON with sorted keys, amounts as exact strings)."""

    period: str
    roster: list[_Employee] = []
    deals: list[_Deal] = []

    @classmethod
    def of(cls, inputs: PayrollInputs) -> StoredInputs:
        return cls(
            period=str(inputs.period),
            roster=[_employee(e) for e in inputs.roster],
            deals=[_deal(d) for d in inputs.deals],
        )

    def text(self) -> str:
        data = self.model_dump(mode="json")
        for employee in data["roster"]:  # absent unless given: older records stay as they were
            if employee["jurisdiction"] is None:
                del employee["jurisdiction"]
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def read(cls, text: str) -> StoredInputs:
        return cls.model_validate(json.loads(text))

    def inputs(self) -> PayrollInputs:
        return PayrollInputs(
            Period.parse(self.period),
            [_to_employee(e) for e in self.roster],
            [_to_deal(d) for d in self.deals],
        )


def _employee(e: Employee) -> _Employee:
    balances = _Balances(**e.balances) if e.balances else None
    return _Employee(
        id=e.id, name=e.name, department=e.department, role=e.role, start_date=e.start_date,
        end_date=e.end_date, fte=e.fte, unpaid_days=e.unpaid_days, credited=dict(e.credited),
        balances=balances, jurisdiction=e.jurisdiction,
    )  # fmt: skip


def _deal(d: Deal) -> _Deal:
    return _Deal(
        id=d.id, date=d.date, client_id=d.client_id, client_since=d.client_since,
        amount=d.amount, refund_of=d.refund_of, kind=d.kind,
        credit=[_Credit(employee_id=c.employee_id, share=c.share, commission=c.commission)
                for c in d.credit],
    )  # fmt: skip


def _to_employee(e: _Employee) -> Employee:
    balances: dict[str, Any] = {} if e.balances is None else e.balances.model_dump()
    return Employee(
        id=e.id, department=e.department, role=e.role, name=e.name, start_date=e.start_date,
        end_date=e.end_date, fte=e.fte, unpaid_days=e.unpaid_days, credited=dict(e.credited),
        balances={k: v for k, v in balances.items() if v is not None},
        jurisdiction=e.jurisdiction,
    )  # fmt: skip


def _to_deal(d: _Deal) -> Deal:
    credit = tuple(Credit(c.employee_id, c.share, c.commission) for c in d.credit)
    return Deal(
        id=d.id, date=d.date, client_id=d.client_id, client_since=d.client_since,
        amount=d.amount, credit=credit, refund_of=d.refund_of, kind=d.kind,
    )  # fmt: skip
