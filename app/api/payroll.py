"""Payroll preview: compute a payroll without storing anything."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app import services

from .body import JSON, RosterBody, check_counts, decode, validate
from .deps import DatabaseDep
from .errors import secured
from .gcpause import paused_for
from .inputs import CalculateRequest
from .openapi import request_body
from .outputs import PayrollResult
from .security import PayrollCalculate

__all__ = ["router"]

router = APIRouter(prefix="/v1/payroll", tags=["Payroll"])


@router.post(
    "/calculate",
    operation_id="calculate_payroll",
    summary="Calculate a payroll (what-if, nothing stored)",
    description=(
        "Computes every payslip of a roster for a period: base (prorated for part-time and "
        "part-period work), commissions by tier, head overrides, bonuses, draws and clawbacks, "
        "each line with the formula and numbers that produced it. Employees are credited "
        "with revenue per measure (`credited`), from `deals`, or both. The scheme is inline, "
        "`{key, version}` of a stored version, or `{key, on}` for the published version in "
        "effect on a date. The result carries the department report (did sales staff "
        "out-earn client staff?), the findings of the checks, the balances to carry to the "
        "next period, and the scheme's content hash. Amounts are strings with exactly the "
        "currency's minor digits.\n\n"
        "Invalid input answers `422` with every problem and its JSON pointer "
        "(e.g. `/roster/3/fte`)."
    ),
    response_model=PayrollResult,
    responses=secured(404, 413, 415, 422),
    openapi_extra=request_body(
        "CalculateRequest",
        "The scheme, the period, the roster and the deals (JSON, or the same as YAML).",
    ),
)
def calculate_payroll(
    _: PayrollCalculate, body: RosterBody, db: DatabaseDep, http: Request
) -> Response:
    with paused_for(len(body.data)):
        request = validate(CalculateRequest, decode(body).data)
        check_counts(http, len(request.roster), len(request.deals))
        return Response(services.calculate_payroll(db, request.scheme, request), media_type=JSON)
