"""Documents people read and print, of a stored run or of a what-if calculation: the payslips
(one per page) and the department report, as HTML or PDF (:mod:`app.io.documents`).

They are written from the documents compcalc stores and serves (the run's envelope and its
payslips), with the labels of the run's scheme version; a what-if calculation is rendered
from the same documents of its result.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from app.db.session import Database
from app.engine import Scheme
from app.io.documents import SchemeLabels, html_to_pdf, payslips_html, report_html
from app.io.output.payrolljson import payroll_document, slip_json

from .cache import scheme_of
from .errors import NotFound
from .inputs import PayrollInputs
from .payroll import SchemeSource, compute, find_version
from .runs import _run_or_404
from .schemes import parse
from .transactions import read
from .types import RunView, SchemeDocument

__all__ = [
    "DocumentFormat",
    "StoredPayroll",
    "calculate_document",
    "render_payslips",
    "render_report",
    "run_report",
    "stored_payroll",
]

DocumentFormat = Literal["html", "pdf"]


@dataclass(frozen=True, slots=True)
class StoredPayroll:
    """A run's envelope, payslip documents and its scheme's labels."""

    envelope: dict[str, Any]
    payslips: list[dict[str, Any]]
    labels: SchemeLabels


def stored_payroll(
    db: Database, run_id: uuid.UUID, employee_id: str | None = None
) -> StoredPayroll:
    """Run ``run_id`` as stored: every payslip, or only ``employee_id``'s (404 without one)."""
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        if employee_id is None:
            documents = repo.payslip_documents(run_id)
        else:
            record = repo.payslip(run_id, employee_id)
            if record is None:
                raise NotFound(
                    "PAYSLIP_NOT_FOUND", f"run {run_id} has no payslip of {employee_id!r}"
                )
            documents = [record.document]
        version = repo.version_by_id(row.run.scheme_version_id)
        assert version is not None  # a run keeps its version (a foreign key)
        labels = SchemeLabels.of(scheme_of(version))
        envelope = json.loads(row.run.envelope)
    return StoredPayroll(envelope, [json.loads(d) for d in documents], labels)


def _output(html: str, fmt: DocumentFormat) -> str | bytes:
    return html if fmt == "html" else html_to_pdf(html)


def render_payslips(payroll: StoredPayroll, fmt: DocumentFormat, lang: str) -> str | bytes:
    """The payslips of ``payroll``, one per page, as HTML text or PDF bytes."""
    html = payslips_html(payroll.envelope, payroll.payslips, payroll.labels, lang)
    return _output(html, fmt)


def render_report(payroll: StoredPayroll, fmt: DocumentFormat, lang: str) -> str | bytes:
    """The department report of ``payroll`` as HTML text or PDF bytes."""
    html = report_html(payroll.envelope, payroll.payslips, payroll.labels, lang)
    return _output(html, fmt)


def run_report(db: Database, run_id: uuid.UUID) -> tuple[RunView, dict[str, Any]]:
    """The run and the department report it stored (the figures of its envelope)."""
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        view, envelope = RunView.of(row, None), json.loads(row.run.envelope)
    return view, {
        "period": envelope["period"],
        "currency": envelope["currency"],
        "total": envelope["total"],
        "report": envelope["report"],
    }


def _scheme(db: Database, source: SchemeSource) -> tuple[Scheme, Scheme | None, str | None]:
    if isinstance(source, dict):
        return parse(SchemeDocument.inline(source), "/scheme"), None, "/scheme"
    version = find_version(db, source)
    return version.scheme, version.checked, None


def calculate_document(
    db: Database, source: SchemeSource, inputs: PayrollInputs, fmt: DocumentFormat, lang: str
) -> str | bytes:
    """A what-if payroll's payslips as one document (one per page); nothing is stored."""
    scheme, checked, prefix = _scheme(db, source)
    payroll = compute(scheme, inputs, prefix, checked)
    slips = [slip_json(slip, payroll.minor_units) for slip in payroll.payslips]
    stored = StoredPayroll(payroll_document(payroll, []), slips, SchemeLabels.of(scheme))
    return render_payslips(stored, fmt, lang)
