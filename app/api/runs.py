"""Payroll runs: computed once from a published scheme version, stored, approved, exported."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from app import services
from app.i18n import negotiate
from app.services import Database, printable
from app.services.documents import RunOut, run_document
from app.services.exports import ExportOptions, export_run
from app.services.keys import Principal
from app.settings import Settings

from .body import JSON, RosterBody, check_counts, decode, preferred, validate
from .deps import DatabaseDep, Limit, Offset, PeriodParam, TextParam
from .documents import (
    DOCUMENT_MEDIA,
    DOCUMENT_RESPONSES,
    document_format,
    language,
    send_document,
)
from .errors import secured
from .gcpause import paused_for, release
from .idempotent import IdempotencyKey, once, send
from .inputs import ApproveRequest, DiscardRequest, RunRequest
from .openapi import request_body
from .outputs import RunDetail, RunPage, RunPayslip
from .security import PayrollApprove, PayrollRead, PayrollWrite
from .uploads import PayrollBody, Upload, request_of
from .uploadsdoc import UPLOADS, upload_content, upload_parameters
from .wrappers import pointing_into, rewrapped, unwrapped

__all__ = ["router"]

router = APIRouter(prefix="/v1/payroll-runs", tags=["Runs"])

CSV = "text/csv"
RunId = Annotated[uuid.UUID, Path(description="The run's id (a random UUID).")]
_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV: {"schema": {"type": "string"}}}}
}


def _csv_response(run_id: uuid.UUID, text: str) -> Response:
    disposition = f'attachment; filename="payroll-run-{run_id}.csv"'
    return Response(
        text, media_type=f"{CSV}; charset=utf-8", headers={"Content-Disposition": disposition}
    )


@router.post(
    "",
    operation_id="create_payroll_run",
    summary="Compute and store a payroll run (draft)",
    description=(
        "Computes a payroll from a **published** scheme version (`{key, version}`, or "
        "`{key, on}` for the one in effect on a date) and stores the inputs, the version, its "
        "content hash, the engine version and the result, as a `draft` run. Recomputing the "
        "stored inputs with the stored version gives the same bytes. A draft scheme version "
        "answers `422`.\n\n"
        "Send an `Idempotency-Key` (a fresh UUID per intended run): a retry with the same "
        "key and body gets the first answer again (`Idempotency-Replayed: true`) and no "
        "second run; the same key with another body answers `422`, and `409` while the first "
        "is still being computed. **Without the header the call is not safe to retry**: each "
        "call stores a new run.\n\n" + UPLOADS
    ),
    status_code=201,
    response_model=RunDetail,
    responses=secured(404, 409, 413, 415, 422),
    openapi_extra={
        **request_body(
            "RunRequest",
            "The stored scheme, the period, roster and deals; or the roster as CSV, or the "
            "files as a form.",
            others=upload_content(run=True),
        ),
        "parameters": upload_parameters(run=True),
    },
)
def create_payroll_run(
    who: PayrollWrite,
    body: PayrollBody,
    db: DatabaseDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    if isinstance(body, Upload):
        return _create_from_upload(who, body, db, request, idempotency_key)
    with paused_for(len(body.data)):
        data, wrapped = unwrapped(decode(body).data)
        try:
            check_counts(request, data)
            with pointing_into(wrapped):
                run = validate(RunRequest, data)
        finally:
            if isinstance(data, dict):
                release(data.get("roster"), data.get("deals"))
        repeat = once(request, who, idempotency_key, body.data)
        inputs = rewrapped(run.inputs(), wrapped)
        try:
            reply = services.create_run(db, run.ref(), inputs, who, repeat, run.target())
        finally:
            release(inputs.roster, inputs.deals, run.roster, run.deals)
        return send(reply)


def _create_from_upload(
    who: Principal, body: Upload, db: Database, request: Request, key: str | None
) -> Response:
    """A run from uploaded files: stored, and replayed to a retry, as from a JSON body."""
    with paused_for(sum(len(file.data) for file in body.files.values())):
        run, inputs = request_of(RunRequest, body, request)
        repeat = once(request, who, key, body.fingerprint(), body.media)
        try:
            reply = services.create_run(db, run.ref(), inputs, who, repeat, run.target())
        finally:
            release(inputs.roster, inputs.deals)
        return send(reply)


@router.get(
    "",
    operation_id="list_payroll_runs",
    summary="List payroll runs",
    description=(
        "Newest first, without results; filter by period, scheme key, pay group, status and "
        "kind (e.g. `?status=approved&group=main&period=2027-03`)."
    ),
    response_model=RunPage,
    responses=secured(422),
)
def list_payroll_runs(
    _: PayrollRead,
    db: DatabaseDep,
    period: Annotated[
        PeriodParam | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2027-03"])
    ] = None,
    scheme: Annotated[TextParam | None, Query(max_length=64, description="Scheme key.")] = None,
    group: Annotated[
        str | None, Query(pattern=r"^[a-z0-9._-]{1,64}$", description="Pay group.")
    ] = None,
    status: Annotated[
        Literal["draft", "approved", "superseded", "discarded"] | None, Query()
    ] = None,
    kind: Annotated[Literal["regular", "correction"] | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RunPage:
    page = services.list_runs(
        db, limit, offset, period=period, scheme=scheme, status=status, group=group, kind=kind
    )
    items = [RunOut.model_validate(view) for view in page.items]
    return RunPage(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.get(
    "/{run_id}",
    operation_id="get_payroll_run",
    summary="A payroll run with its result",
    description="The run and its stored result; with `Accept: text/csv`, the CSV export.",
    response_model=RunDetail,
    responses={**_CSV_RESPONSE, **secured(404, 406, 422)},
)
def get_payroll_run(_: PayrollRead, run_id: RunId, request: Request, db: DatabaseDep) -> Response:
    if preferred(request, [JSON, CSV]) == CSV:
        return _csv_response(run_id, services.export_run_csv(db, run_id))
    return Response(run_document(services.get_run(db, run_id)), media_type=JSON)


@router.post(
    "/{run_id}/approve",
    operation_id="approve_payroll_run",
    summary="Approve a payroll run",
    description=(
        "Marks a draft run approved, with who approved it (the key) and an optional "
        "`comment`. A period of a pay group is approved once: approving a second regular run "
        "of it answers `409 PERIOD_APPROVED` naming the approved run (a database index holds "
        "it too), and the period's other drafts become `superseded` in the same transaction. "
        "An approved run (and its payslips) can never change again: approving it twice "
        "answers `409`, and a database trigger refuses any direct UPDATE or DELETE. Of "
        "concurrent approvals one answers `200`, the others `409`. With "
        "`COMPCALC_FOUR_EYES=true` the key that created the run cannot approve it (`403 "
        "FOUR_EYES`). With `Idempotency-Key`, a retry gets the first answer again."
    ),
    response_model=RunOut,
    responses=secured(403, 404, 409, 413, 415, 422),
    openapi_extra=request_body("ApproveRequest", "Optional: a comment.", required=False),
)
def approve_payroll_run(
    who: PayrollApprove,
    run_id: RunId,
    body: RosterBody,
    db: DatabaseDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    settings: Settings = request.app.state.settings
    given = validate(ApproveRequest, decode(body).data) if body.data.strip() else None
    repeat = once(request, who, idempotency_key, body.data)
    comment = None if given is None else given.comment
    return send(services.approve_run(db, run_id, who, repeat, comment, settings.four_eyes))


@router.post(
    "/{run_id}/discard",
    operation_id="discard_payroll_run",
    summary="Discard a draft payroll run",
    description=(
        "A draft that should not be paid is discarded with a `reason`; it stays readable as "
        "`discarded` and can never be approved. An approved, superseded or discarded run "
        "answers `409`. The discard is in the audit trail. With `Idempotency-Key`, a retry "
        "gets the first answer again."
    ),
    response_model=RunOut,
    responses=secured(404, 409, 413, 415, 422),
    openapi_extra=request_body("DiscardRequest", "Why the draft is not paid."),
)
def discard_payroll_run(
    who: PayrollWrite,
    run_id: RunId,
    body: RosterBody,
    db: DatabaseDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    reason = validate(DiscardRequest, decode(body).data).reason
    repeat = once(request, who, idempotency_key, body.data)
    return send(services.discard_run(db, run_id, reason, who, repeat))


Layout = Annotated[
    Literal["lines", "1c"],
    Query(
        description="`lines` (default): every payslip line; `1c`: one row per employee and "
        "accrual type (personnel number, full name, accrual type code, amount, period start "
        "and end) for loading into 1C, the codes from the scheme's `exports.onec`."
    ),
]
Dialect = Annotated[
    Literal["rfc4180", "excel-ru"],
    Query(
        description="`rfc4180` (default): `,` separated, `.` decimals; `excel-ru`: for a "
        "Russian Excel, UTF-8 with a byte order mark, `;` separated, decimal comma."
    ),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The workbook; `Content-Language` names the language of its headers.",
        "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
    }
}
_LANGUAGE = (
    " Headers of the workbook and of the `1c` layout follow `Accept-Language` (`ru` or `en`, "
    "default `en`), named by `Content-Language`."
)


def _export(run_id: uuid.UUID, options: ExportOptions, db: DatabaseDep) -> Response:
    content = export_run(db, run_id, options)
    suffix = "-1c" if options.layout == "1c" else ""
    disposition = f'attachment; filename="payroll-run-{run_id}{suffix}.{options.format}"'
    headers = {"Content-Disposition": disposition, "Vary": "Accept-Language"}
    if options.format == "xlsx" or options.layout == "1c":
        headers["Content-Language"] = options.lang
    media = XLSX if options.format == "xlsx" else f"{CSV}; charset=utf-8"
    return Response(content, media_type=media, headers=headers)


@router.get(
    "/{run_id}/export.csv",
    operation_id="export_payroll_run_csv",
    summary="The run as CSV",
    description=(
        "The CLI's CSV format (`compcalc calculate --format csv`): one row per payslip line "
        "and a `gross` row per employee, amounts with exactly the currency's minor digits. "
        "`?dialect=excel-ru` writes it for a Russian Excel (byte order mark, `;`, decimal "
        "comma); `?layout=1c` writes the 1C import layout (docs/exports.md)." + _LANGUAGE
    ),
    response_class=Response,
    responses={**_CSV_RESPONSE, **secured(404, 422)},
)
def export_payroll_run_csv(
    _: PayrollRead,
    run_id: RunId,
    request: Request,
    db: DatabaseDep,
    dialect: Dialect = "rfc4180",
    layout: Layout = "lines",
) -> Response:
    lang = negotiate(request.headers.get("accept-language"))
    return _export(run_id, ExportOptions("csv", layout, dialect, lang), db)


@router.get(
    "/{run_id}/export.xlsx",
    operation_id="export_payroll_run_xlsx",
    summary="The run as an Excel workbook",
    description=(
        "The `compcalc calculate --format xlsx` workbook: a sheet of payslip lines, one of "
        "the totals per employee (with the balances carried) and the department report; "
        "amounts are numbers with the currency's format, the header row frozen. Of a "
        "correction run, its differences. `?layout=1c` writes the 1C import layout on one "
        "sheet (docs/exports.md)." + _LANGUAGE
    ),
    response_class=Response,
    responses={**_XLSX_RESPONSE, **secured(404, 422)},
)
def export_payroll_run_xlsx(
    _: PayrollRead, run_id: RunId, request: Request, db: DatabaseDep, layout: Layout = "lines"
) -> Response:
    lang = negotiate(request.headers.get("accept-language"))
    return _export(run_id, ExportOptions("xlsx", layout, lang=lang), db)


@router.get(
    "/{run_id}/payslips/{employee_id}",
    operation_id="get_payroll_run_payslip",
    summary="One employee's payslip, every line explained",
    description=(
        "The payslip as stored in the run, with the explanation of each line; as a document, "
        "the printable payslip (расчётный листок)." + DOCUMENT_MEDIA
    ),
    response_model=RunPayslip,
    responses={**DOCUMENT_RESPONSES, **secured(404, 406, 422)},
)
def get_payroll_run_payslip(
    _: PayrollRead,
    run_id: RunId,
    employee_id: Annotated[str, Path(max_length=100, examples=["E-17"])],
    request: Request,
    db: DatabaseDep,
) -> Response:
    fmt = document_format(request)
    if fmt is not None:
        lang = language(request)
        stored = printable.stored_payroll(db, run_id, employee_id)
        content = printable.render_payslips(stored, fmt, lang)
        return send_document(content, fmt, lang, f"payslip-{employee_id}.{fmt}")
    view = services.get_payslip(db, run_id, employee_id)
    body = '{"run":' + run_document(view.run) + ',"payslip":' + view.document + "}"
    return Response(body, media_type=JSON)
