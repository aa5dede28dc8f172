"""Documents to read and print: a run's payslips and department report as HTML or PDF.

The payslip itself (``GET /v1/payroll-runs/{id}/payslips/{employee_id}``) stays in
:mod:`.runs` and the what-if calculation in :mod:`.calculate`; both answer a document with
:func:`document_format` and :func:`send_document` from here. The language of a document follows
``Accept-Language`` (``ru`` or ``en``, default ``en``), named by ``Content-Language``.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Annotated, Any, Final

from fastapi import APIRouter, Path, Request, Response

from app.i18n import negotiate
from app.services import printable
from app.services.documents import run_document
from app.services.printable import DocumentFormat

from .body import JSON, preferred
from .deps import DatabaseDep
from .errors import secured
from .security import PayrollRead

__all__ = [
    "DOCUMENT_MEDIA",
    "DOCUMENT_RESPONSES",
    "HTML",
    "PDF",
    "document_format",
    "router",
    "send_document",
]

router = APIRouter(prefix="/v1/payroll-runs", tags=["Runs"])

HTML: Final = "text/html"
PDF: Final = "application/pdf"
_FORMATS: Final[dict[str, DocumentFormat]] = {HTML: "html", PDF: "pdf"}
_DUMP: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
RunId = Annotated[uuid.UUID, Path(description="The run's id (a random UUID).")]

_HTML_CONTENT: Final = {"schema": {"type": "string"}}
_PDF_CONTENT: Final = {"schema": {"type": "string", "format": "binary"}}
#: The 200 answer's document types, beside the operation's JSON.
DOCUMENT_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {HTML: _HTML_CONTENT, PDF: _PDF_CONTENT}}
}
DOCUMENT_MEDIA: Final = (
    " `Accept`: `application/json`, `text/html` (a self-contained printable page: inline "
    "styles, no external request) or `application/pdf` (the same document, A4); `406` for "
    "any other. Headings and amounts follow `Accept-Language` (`ru`: `45 000,00 ₽`, `en`: "
    "`45,000.00 RUB`; default `en`), named by `Content-Language`."
)


def document_format(request: Request) -> DocumentFormat | None:
    """The document ``Accept`` asks for, None for JSON; 406 for a type none of them is."""
    return _FORMATS.get(preferred(request, [JSON, HTML, PDF]))


def language(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"))


def send_document(
    content: str | bytes, fmt: DocumentFormat, lang: str, filename: str | None = None
) -> Response:
    """The document as its media type, with its language and what the answer varies by."""
    headers = {"Content-Language": lang, "Vary": "Accept, Accept-Language"}
    if filename is not None:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
        headers["Content-Disposition"] = f'inline; filename="{safe}"'
    media = f"{HTML}; charset=utf-8" if fmt == "html" else PDF
    return Response(content, media_type=media, headers=headers)


@router.get(
    "/{run_id}/payslips.pdf",
    operation_id="get_payroll_run_payslips_pdf",
    summary="Every payslip of a run as one PDF",
    description=(
        "The payslip (расчётный листок) of every employee of the run, one per A4 page, in the "
        "order of the run. Headings and amounts follow `Accept-Language` (`ru` or `en`, "
        "default `en`), named by `Content-Language`."
    ),
    response_class=Response,
    responses={200: {"content": {PDF: _PDF_CONTENT}}, **secured(404, 422)},
)
def get_payroll_run_payslips_pdf(
    _: PayrollRead, run_id: RunId, request: Request, db: DatabaseDep
) -> Response:
    lang = language(request)
    content = printable.render_payslips(printable.stored_payroll(db, run_id), "pdf", lang)
    return send_document(content, "pdf", lang, f"payslips-{run_id}.pdf")


@router.get(
    "/{run_id}/report",
    operation_id="get_payroll_run_report",
    summary="The department report of a run",
    description=(
        "Per department: headcount, payroll, revenue and the payroll as a share of the "
        "revenue; whether sales staff out-earned client staff, with everyone below the line; "
        "as a document, also a chart of the pay per department and role. As JSON, the run "
        "and the figures it stored (amounts as strings)." + DOCUMENT_MEDIA
    ),
    responses={**DOCUMENT_RESPONSES, **secured(404, 406, 422)},
)
def get_payroll_run_report(
    _: PayrollRead, run_id: RunId, request: Request, db: DatabaseDep
) -> Response:
    fmt = document_format(request)
    if fmt is None:
        view, report = printable.run_report(db, run_id)
        body = '{"run":' + run_document(view) + "," + _DUMP(report)[1:]
        return Response(body, media_type=JSON, headers={"Vary": "Accept"})
    lang = language(request)
    content = printable.render_report(printable.stored_payroll(db, run_id), fmt, lang)
    return send_document(content, fmt, lang, f"report-{run_id}.{fmt}")
