"""Pay groups and their periods: what is approved, and the effective payroll."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app import services
from app.services.documents import run_document

from .body import JSON
from .deps import DatabaseDep, PeriodParam, TextParam
from .errors import secured
from .examples import ACME_KEY
from .outputs import PeriodOut
from .security import PayrollRead

__all__ = ["router"]

router = APIRouter(prefix="/v1/pay-groups", tags=["Runs"])

Scheme = Annotated[
    TextParam, Path(max_length=64, description="The scheme's key.", examples=[ACME_KEY])
]
Group = Annotated[
    str, Path(pattern=r"^[a-z0-9._-]{1,64}$", description="The pay group.", examples=["main"])
]
Period = Annotated[
    PeriodParam,
    Path(pattern=r"^[0-9]{4}-[0-9]{2}$", description="`YYYY-MM`.", examples=["2027-03"]),
]


@router.get(
    "/{scheme}/{group}/periods/{period}",
    operation_id="get_pay_group_period",
    summary="A period of a pay group: its runs and the effective payroll",
    description=(
        "Every run of the pay group's period with its status, the approved runs (the "
        "original, then each approved correction), the effective total (original plus "
        "corrections) and each employee's effective payslip. A period nothing was approved "
        "for is `open`, with no payslips."
    ),
    response_model=PeriodOut,
    responses=secured(404, 422),
)
def get_pay_group_period(
    _: PayrollRead, scheme: Scheme, group: Group, period: Period, db: DatabaseDep
) -> Response:
    view = services.get_period(db, scheme, group, period)
    runs = ",".join(run_document(run) for run in view.runs)
    approved = ",".join(run_document(run) for run in view.approved)
    head = PeriodOut.model_validate(
        {
            "scheme_key": view.scheme_key,
            "group": view.group,
            "period": view.period,
            "status": "approved" if view.approved else "open",
            "runs": [],
            "approved": [],
            "total": view.total,
            "payslips": [],
        }
    ).model_dump_json(exclude={"runs", "approved", "payslips"})
    # Stored documents go in as they are: the bytes computed are the bytes served.
    body = (
        head[:-1]
        + f',"runs":[{runs}],"approved":[{approved}],"payslips":[{",".join(view.payslips)}]'
        + "}"
    )
    return Response(body, media_type=JSON)
