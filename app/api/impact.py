"""What a plan change does to people: a stored run's inputs under two versions of its scheme."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from app.services.impact import version_impact

from .body import JSON
from .deps import DatabaseDep, TextParam
from .errors import secured
from .examples import ACME_KEY
from .inputs import MAX_VERSION
from .security import PayrollRead, SchemesRead

__all__ = ["ImpactOut", "router"]

router = APIRouter(prefix="/v1/schemes", tags=["Schemes"])

Money = str
Key = Annotated[
    TextParam, Path(max_length=64, description="The scheme's key.", examples=[ACME_KEY])
]
Old = Annotated[int, Path(ge=1, le=MAX_VERSION, description="The version as it is.", examples=[1])]
New = Annotated[int, Path(ge=1, le=MAX_VERSION, description="The changed version.", examples=[2])]
RunParam = Annotated[
    uuid.UUID | None,
    Query(
        description="Required: the stored payroll run (of this scheme) whose inputs are compared."
    ),
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImpactLineOut(_Out):
    code: str = Field(description="A line code (`base`, `commission`, …); its lines summed.")
    old: Money
    new: Money
    difference: Money


class ImpactEmployeeOut(_Out):
    employee_id: str
    name: str
    department: str
    role: str
    old: Money = Field(description="Gross under the `from` version.")
    new: Money = Field(description="Gross under the `to` version.")
    difference: Money = Field(description="new − old, of the exact payslips.")
    pay_cut: bool = Field(description="The pay falls (`PAY_CUT`).")
    lines: list[ImpactLineOut] = Field(description="The line codes whose amount changed.")


class ImpactGroupOut(_Out):
    department: str
    role: str | None = Field(None, description="Absent in the departments' totals.")
    employees: int
    old: Money
    new: Money
    difference: Money
    cuts: int


class ImpactCutOut(_Out):
    code: str = Field(description="`PAY_CUT`.")
    employee_id: str
    department: str
    role: str
    amount: Money = Field(description="How much less the employee would be paid.")


class ImpactTotalOut(_Out):
    employees: int
    old: Money
    new: Money
    difference: Money
    cuts: int


class ImpactOut(_Out):
    from_version: int
    to_version: int
    run: str
    scheme_key: str
    period: str
    currency: str
    minor_units: int
    from_hash: str
    to_hash: str
    employees: list[ImpactEmployeeOut]
    roles: list[ImpactGroupOut]
    departments: list[ImpactGroupOut]
    cuts: list[ImpactCutOut]
    total: ImpactTotalOut


@router.get(
    "/{key}/versions/{old}/impact/{new}",
    operation_id="scheme_version_impact",
    summary="What a plan change does to people",
    description=(
        "The inputs of a stored payroll run (`run`, a run of this scheme: else `422 "
        "RUN_OF_ANOTHER_SCHEME`) computed under version `old` and version `new` (drafts "
        "too): per employee the gross under both and the difference, with the line codes "
        "that changed; the totals per role and department; every employee whose pay falls, "
        "as a `PAY_CUT` entry with how much. Differences are taken of the exact payslips. "
        "Needs both `schemes:read` and `payroll:read` (it shows the versions' rules and the "
        "run's pay). Without `run`: `422 RUN_REQUIRED`; versions in different currencies: "
        "`422 CURRENCY_MISMATCH`; an employee whose role only one version has: `422 "
        "ROLE_MISSING`. Nothing is stored."
    ),
    response_model=ImpactOut,
    responses=secured(404, 422),
)
def scheme_version_impact(
    _: SchemesRead,
    __: PayrollRead,
    key: Key,
    old: Old,
    new: New,
    db: DatabaseDep,
    run: RunParam = None,
) -> Response:
    found = version_impact(db, key, old, new, run)
    return Response(json.dumps(found, ensure_ascii=False), media_type=JSON)
