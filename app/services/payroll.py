"""Payroll: what-if calculations, and stored runs (create, read, approve, export)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from app.db.models import RUN_APPROVED, RUN_DRAFT, VERSION_PUBLISHED, PayrollRun, SchemeVersion
from app.db.repository import Repository, RunRow
from app.db.session import Database
from app.engine import InputError, Payroll, Scheme, SchemeError, calculate
from app.io.output.payrollcsv import payslips_csv
from app.io.output.payrolljson import assemble, render

from . import audit, idempotency
from .cache import SCHEMES, PublishedVersion, scheme_of
from .clock import now
from .documents import run_reply
from .errors import Conflict, ErrorItem, Invalid, NotFound, input_error_items, scheme_error_items
from .idempotency import Claim, Once, Reply
from .inputs import PayrollInputs, SchemeRef, StoredInputs, VersionRef
from .keys import CLI, Principal
from .schemes import parse, scheme_or_404, version_or_404
from .transactions import read, write
from .types import Page, PayslipView, RunView, SchemeDocument

__all__ = [
    "approve_run",
    "calculate_in_memory",
    "calculate_payroll",
    "create_run",
    "export_run_csv",
    "get_payslip",
    "get_run",
    "list_runs",
    "recompute_run",
]

#: Where a what-if payroll's scheme comes from: the document inline, or a stored version.
SchemeSource = dict[str, Any] | SchemeRef


def _known(db: Database, ref: SchemeRef) -> PublishedVersion | None:
    """``ref``'s version when it names a published version this process has read."""
    return SCHEMES.published(db, ref.key, ref.version) if isinstance(ref, VersionRef) else None


def _resolve(repo: Repository, ref: SchemeRef) -> SchemeVersion:
    if isinstance(ref, VersionRef):
        return version_or_404(repo, ref.key, ref.version)
    version = repo.effective_version(scheme_or_404(repo, ref.key), ref.on)
    if version is None:
        raise NotFound(
            "NO_EFFECTIVE_VERSION", f"no published version of {ref.key!r} is in effect on {ref.on}"
        )
    return version


def _version(db: Database, ref: SchemeRef, published: bool = False) -> PublishedVersion:
    """The version ``ref`` names, from memory when this process has read it published;
    with ``published``, a draft is refused (422 VERSION_NOT_PUBLISHED)."""
    known = _known(db, ref)
    if known is not None:
        return known
    with read(db) as repo:
        version = _resolve(repo, ref)
    if published and version.status != VERSION_PUBLISHED:
        detail = f"{ref.key} version {version.number} is a draft; publish it before a payroll run"
        item = ErrorItem(detail, pointer="/scheme", code="VERSION_NOT_PUBLISHED")
        raise Invalid("VERSION_NOT_PUBLISHED", detail, [item])
    return SCHEMES.version(db, ref.key, version)


def _compute(scheme: Scheme, inputs: PayrollInputs, scheme_prefix: str | None) -> Payroll:
    try:
        return calculate(scheme, inputs.period, inputs.roster, inputs.deals)
    except SchemeError as exc:
        items = scheme_error_items(exc, scheme_prefix)
        raise Invalid("INVALID_SCHEME", "the scheme's rules cannot be applied", items) from None
    except InputError as exc:
        items = input_error_items(exc)
        detail = f"the payroll input has {len(items)} problem(s): {items[0].detail}"
        raise Invalid("INVALID_INPUT", detail, items) from None


# --- what-if -------------------------------------------------------------------------------


def calculate_in_memory(db: Database, source: SchemeSource, inputs: PayrollInputs) -> str | None:
    """:func:`calculate_payroll` when it reads nothing from the database (the scheme inline,
    or a published version this process has read); None when it would."""
    if isinstance(source, dict):
        scheme = parse(SchemeDocument.inline(source), "/scheme")
        return render(_compute(scheme, inputs, "/scheme")).text()
    known = _known(db, source)
    return None if known is None else render(_compute(known.scheme, inputs, None)).text()


def calculate_payroll(db: Database, source: SchemeSource, inputs: PayrollInputs) -> str:
    """A what-if payroll as JSON text; nothing is stored."""
    text = calculate_in_memory(db, source, inputs)
    if text is not None:
        return text
    assert not isinstance(source, dict)
    return render(_compute(_version(db, source).scheme, inputs, None)).text()


# --- stored runs ---------------------------------------------------------------------------


def create_run(
    db: Database,
    ref: SchemeRef,
    inputs: PayrollInputs,
    actor: Principal = CLI,
    request: Once | None = None,
) -> Reply:
    """Compute a payroll from a published version and store it as a draft run.

    The run, its payslips, its audit event and (with ``request``) the reply to send again to
    a retry are written in one transaction, after the key's claim (see
    :mod:`app.services.idempotency`)."""

    def store(claim: Claim | None) -> Reply:
        version = _version(db, ref, published=True)
        payroll = _compute(version.scheme, inputs, None)
        rendered = render(payroll)
        run = PayrollRun(
            id=uuid.uuid4(),
            scheme_version_id=version.id,
            period=str(payroll.period),
            status=RUN_DRAFT,
            scheme_hash=payroll.scheme_hash,
            engine_version=payroll.engine_version,
            currency=payroll.currency,
            employee_count=len(payroll.payslips),
            gross_total=payroll.total,
            inputs=StoredInputs.of(inputs).text(),
            envelope=rendered.envelope,
            created_at=now(),
            approved_at=None,
        )
        payslips = [
            {
                "run_id": run.id,
                "employee_id": slip.employee_id,
                "ordinal": ordinal,
                "department": slip.department,
                "role": slip.role,
                "gross": slip.gross,
                "document": document,
            }
            for ordinal, (slip, document) in enumerate(
                zip(payroll.payslips, rendered.payslips, strict=True)
            )
        ]
        text = rendered.text()
        reply = run_reply(RunView.of(RunRow(run, ref.key, version.number), text), created=True)
        with write(db) as repo:
            repo.add_run(run, payslips)
            audit.record(
                repo, actor, "payroll_run.create", "payroll_run", str(run.id), None,
                audit.digest(text),
            )  # fmt: skip
            idempotency.complete(repo, claim, reply)
        return reply

    return idempotency.once(db, request, store)


def _run_or_404(repo: Repository, run_id: uuid.UUID) -> RunRow:
    row = repo.run(run_id)
    if row is None:
        raise NotFound("RUN_NOT_FOUND", f"there is no payroll run {run_id}")
    return row


def get_run(db: Database, run_id: uuid.UUID) -> RunView:
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        documents = repo.payslip_documents(run_id)
    return RunView.of(row, assemble(row.run.envelope, documents))


def list_runs(
    db: Database,
    period: str | None,
    scheme: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> Page[RunView]:
    with read(db) as repo:
        rows, total = repo.runs(period, scheme, status, limit, offset)
    return Page([RunView.of(row, None) for row in rows], total, limit, offset)


def approve_run(
    db: Database, run_id: uuid.UUID, actor: Principal = CLI, request: Once | None = None
) -> Reply:
    """Mark a draft run approved, once: of concurrent approvals one wins, the others get 409."""

    def approve(claim: Claim | None) -> Reply:
        with write(db) as repo:
            row = _run_or_404(repo, run_id)
            if row.run.status == RUN_APPROVED or not repo.approve(run_id, now()):
                raise Conflict("RUN_APPROVED", f"payroll run {run_id} is already approved")
            repo.session.refresh(row.run)
            reply = run_reply(RunView.of(row, None))
            fingerprint = (row.run.scheme_hash, row.run.gross_total)
            audit.record(
                repo, actor, "payroll_run.approve", "payroll_run", str(run_id),
                audit.digest(run_id, RUN_DRAFT, *fingerprint),
                audit.digest(run_id, RUN_APPROVED, *fingerprint),
            )  # fmt: skip
            idempotency.complete(repo, claim, reply)
            return reply

    return idempotency.once(db, request, approve)


def get_payslip(db: Database, run_id: uuid.UUID, employee_id: str) -> PayslipView:
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        payslip = repo.payslip(run_id, employee_id)
        if payslip is None:
            raise NotFound("PAYSLIP_NOT_FOUND", f"run {run_id} has no payslip of {employee_id!r}")
        return PayslipView(RunView.of(row, None), payslip.document)


def export_run_csv(db: Database, run_id: uuid.UUID) -> str:
    """The run's stored payslips in the CSV of ``compcalc calculate --format csv``."""
    with read(db) as repo:
        _run_or_404(repo, run_id)
        documents = repo.payslip_documents(run_id)
    return payslips_csv(json.loads(document) for document in documents)


def recompute_run(db: Database, run_id: uuid.UUID) -> tuple[str, str]:
    """The stored result of a run and the same payroll computed again from its stored inputs."""
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        documents = repo.payslip_documents(run_id)
        version = repo.version_by_id(row.run.scheme_version_id)
    assert version is not None
    inputs = StoredInputs.read(row.run.inputs).inputs()
    again = render(_compute(scheme_of(version), inputs, None)).text()
    return assemble(row.run.envelope, documents), again
