"""The what-if calculation: compute a payroll without storing anything.

The route is ``async``, against the plain-``def`` rule of the other routes, for a measured
reason: a small preview with its scheme inline, or naming a published version this process
has already read, is pure computation (well under a millisecond), and the two trips through
the thread pool that a ``def`` route and its key check cost were most of its time
(docs/benchmarks.md, "HTTP"). Such a request is computed on the event loop. A large body,
or a scheme that must be read from the database, goes to the thread pool as before.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from app import services
from app.services import Database, printable
from app.services.printable import DocumentFormat

from .body import JSON, RawBody, check_counts, decode, validate
from .deps import DatabaseDep
from .documents import DOCUMENT_MEDIA, DOCUMENT_RESPONSES, document_format, language, send_document
from .errors import secured
from .gcpause import paused_for, release
from .inputs import CalculateRequest
from .openapi import request_body
from .outputs import PayrollResult
from .security import PayrollCalculate
from .uploads import PayrollBody, Upload, request_of
from .uploadsdoc import UPLOADS, upload_content, upload_parameters
from .wrappers import pointing_into, rewrapped, unwrapped

__all__ = ["router"]

router = APIRouter(prefix="/v1/payroll", tags=["Payroll"])

#: Bodies up to this size with an inline scheme are computed on the event loop (a few employees).
SMALL_BODY: Final = 16 * 1024


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
        "\n\nWith `Accept: text/html` or `application/pdf`, the payslips of the result as one "
        "printable document, one per page." + DOCUMENT_MEDIA + "\n\n" + UPLOADS
    ),
    response_model=PayrollResult,
    responses={**DOCUMENT_RESPONSES, **secured(404, 406, 413, 415, 422)},
    openapi_extra={
        **request_body(
            "CalculateRequest",
            "The scheme, the period, the roster and the deals (JSON, or the same as YAML); "
            "or the roster as CSV, or the files as a form.",
            others=upload_content(run=False),
        ),
        "parameters": upload_parameters(run=False),
    },
)
async def calculate_payroll(
    _: PayrollCalculate, body: PayrollBody, db: DatabaseDep, http: Request
) -> Response:
    fmt = document_format(http)
    if isinstance(body, Upload):
        return await run_in_threadpool(_upload, body, db, http, fmt)
    if fmt is not None:
        return await run_in_threadpool(_document, body, db, http, fmt)
    if len(body.data) > SMALL_BODY:
        return await run_in_threadpool(_calculate, body, db, http)
    request, inputs = _request(body, http)
    source = request.source()
    text = services.calculate_in_memory(db, source, inputs)
    if text is None:  # the scheme must be read from the database
        text = await run_in_threadpool(services.calculate_payroll, db, source, inputs)
    return Response(text, media_type=JSON)


def _request(body: RawBody, http: Request) -> tuple[CalculateRequest, services.PayrollInputs]:
    """The request and its inputs; a roster or deals file's wrapper (``{"employees": …}``)
    is taken off, its problems pointing into it."""
    data, wrapped = unwrapped(decode(body).data)
    try:
        check_counts(http, data)
        with pointing_into(wrapped):
            request = validate(CalculateRequest, data)
    finally:
        if isinstance(data, dict):
            release(data.get("roster"), data.get("deals"))
    return request, rewrapped(request.inputs(), wrapped)


def _upload(body: Upload, db: Database, http: Request, fmt: DocumentFormat | None) -> Response:
    """The payroll of uploaded files (a ``text/csv`` roster or a form)."""
    size = sum(len(file.data) for file in body.files.values())
    with paused_for(size):
        request, inputs = request_of(CalculateRequest, body, http)
        if fmt is not None:
            lang = language(http)
            content = printable.calculate_document(db, request.source(), inputs, fmt, lang)
            return send_document(content, fmt, lang, f"payslips.{fmt}")
        try:
            text = services.calculate_payroll(db, request.source(), inputs)
        finally:
            release(inputs.roster, inputs.deals)
        return Response(text, media_type=JSON)


def _document(body: RawBody, db: Database, http: Request, fmt: DocumentFormat) -> Response:
    with paused_for(len(body.data)):
        (request, inputs), lang = _request(body, http), language(http)
        content = printable.calculate_document(db, request.source(), inputs, fmt, lang)
        return send_document(content, fmt, lang, f"payslips.{fmt}")


def _calculate(body: RawBody, db: Database, http: Request) -> Response:
    with paused_for(len(body.data)):
        request, inputs = _request(body, http)
        try:
            text = services.calculate_payroll(db, request.source(), inputs)
        finally:
            release(inputs.roster, inputs.deals, request.roster, request.deals)
        return Response(text, media_type=JSON)
