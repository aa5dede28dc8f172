"""Payroll: what-if calculations, and stored runs (create, read, approve, export)."""

from __future__ import annotations

import json
import threading
import uuid
import weakref
from dataclasses import dataclass
from typing import Final

from app.api import render as rendering
from app.api.inputs import PayrollInputs, SchemeOnDate, SchemeVersionRef
from app.db.models import RUN_APPROVED, RUN_DRAFT, VERSION_PUBLISHED, PayrollRun, SchemeVersion
from app.db.repository import Repository, RunRow
from app.db.session import Database
from app.engine import InputError, Payroll, Period, Scheme, SchemeError, calculate

from .errors import Conflict, ErrorItem, Invalid, NotFound, input_error_items, scheme_error_items
from .schemes import parse, scheme_or_404, version_or_404
from .trail import Trail, digest
from .types import Page, PayslipView, RunView, SchemeDocument
from .unit import now, read, stored, write

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

#: Published versions this process has read, per database, by (scheme key, version number).
#: A published version never changes again (the database refuses it), so it can be kept;
#: drafts and ``{key, on}`` references are read from the database every time.
_PUBLISHED: Final[weakref.WeakKeyDictionary[Database, dict[tuple[str, int], _Published]]] = (
    weakref.WeakKeyDictionary()
)
_PUBLISHED_LOCK: Final = threading.Lock()
_PUBLISHED_MAX: Final = 256


@dataclass(frozen=True, slots=True)
class _Published:
    """A published version as a payroll needs it: its row id (a run refers to it), its
    number, and its rules."""

    id: int
    number: int
    scheme: Scheme


#: Where a what-if payroll's scheme comes from: the document inline, or a stored version.
SchemeSource = dict[str, object] | SchemeVersionRef | SchemeOnDate


def _known(db: Database, source: SchemeVersionRef | SchemeOnDate) -> _Published | None:
    """``source``'s version when it names a published version this process has read."""
    if not isinstance(source, SchemeVersionRef):
        return None
    with _PUBLISHED_LOCK:
        return _PUBLISHED.get(db, {}).get((source.key, source.version))


def _remember(db: Database, version: SchemeVersion, key: str, scheme: Scheme) -> _Published:
    """``version`` with its rules, kept for next time if it is published."""
    found = _Published(version.id, version.number, scheme)
    if version.status == VERSION_PUBLISHED:
        with _PUBLISHED_LOCK:
            known = _PUBLISHED.setdefault(db, {})
            if len(known) >= _PUBLISHED_MAX:
                known.clear()
            known[key, version.number] = found
    return found


def _published(db: Database, ref: SchemeVersionRef | SchemeOnDate) -> _Published:
    """The published version ``ref`` names (from memory when this process has read it);
    422 VERSION_NOT_PUBLISHED for a draft."""
    known = _known(db, ref)
    if known is not None:
        return known
    with read(db) as repo:
        version = _resolve(repo, ref)
    if version.status != VERSION_PUBLISHED:
        detail = f"{ref.key} version {version.number} is a draft; publish it before a payroll run"
        item = ErrorItem(detail, pointer="/scheme", code="VERSION_NOT_PUBLISHED")
        raise Invalid("VERSION_NOT_PUBLISHED", detail, [item])
    return _remember(db, version, ref.key, stored(version)[1])


# --- payroll -------------------------------------------------------------------------------


def _resolve(repo: Repository, ref: SchemeVersionRef | SchemeOnDate) -> SchemeVersion:
    if isinstance(ref, SchemeVersionRef):
        return version_or_404(repo, ref.key, ref.version)
    version = repo.effective_version(scheme_or_404(repo, ref.key), ref.on)
    if version is None:
        raise NotFound(
            "NO_EFFECTIVE_VERSION", f"no published version of {ref.key!r} is in effect on {ref.on}"
        )
    return version


def _compute(scheme: Scheme, inputs: PayrollInputs, scheme_prefix: str | None) -> Payroll:
    try:
        period = Period.parse(inputs.period)
    except ValueError as exc:
        item = ErrorItem(str(exc), pointer="/period", code="INVALID_PERIOD")
        raise Invalid("INVALID_PERIOD", str(exc), [item]) from None
    roster = [employee.to_engine() for employee in inputs.roster]
    deals = [deal.to_engine() for deal in inputs.deals]
    try:
        return calculate(scheme, period, roster, deals)
    except SchemeError as exc:
        items = scheme_error_items(exc, scheme_prefix)
        raise Invalid("INVALID_SCHEME", "the scheme's rules cannot be applied", items) from None
    except InputError as exc:
        items = input_error_items(exc)
        detail = f"the payroll input has {len(items)} problem(s): {items[0].detail}"
        raise Invalid("INVALID_INPUT", detail, items) from None


def calculate_in_memory(db: Database, source: SchemeSource, inputs: PayrollInputs) -> str | None:
    """:func:`calculate_payroll` when it reads nothing from the database (the scheme inline,
    or a published version this process has read); None when it would."""
    if isinstance(source, dict):
        scheme = parse(SchemeDocument.inline(source), "/scheme")
        return rendering.render(_compute(scheme, inputs, "/scheme")).text()
    known = _known(db, source)
    return None if known is None else rendering.render(_compute(known.scheme, inputs, None)).text()


def calculate_payroll(db: Database, source: SchemeSource, inputs: PayrollInputs) -> str:
    """A what-if payroll as JSON text; nothing is stored."""
    text = calculate_in_memory(db, source, inputs)
    if text is not None:
        return text
    assert not isinstance(source, dict)
    with read(db) as repo:
        version = _resolve(repo, source)
    scheme = _remember(db, version, source.key, stored(version)[1]).scheme
    return rendering.render(_compute(scheme, inputs, None)).text()


def create_run(
    db: Database,
    ref: SchemeVersionRef | SchemeOnDate,
    inputs: PayrollInputs,
    trail: Trail[RunView] | None = None,
) -> RunView:
    """Compute a payroll from a published version and store it as a draft run."""
    version = _published(db, ref)
    payroll = _compute(version.scheme, inputs, None)
    rendered = rendering.render(payroll)
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
        inputs=_inputs_json(inputs),
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
    view = RunView.of(RunRow(run, ref.key, version.number), text)
    with write(db) as repo:
        repo.add_run(run, payslips)
        (trail or Trail()).record(
            repo, view, "payroll_run.create", "payroll_run", str(run.id), None, digest(text)
        )
    return view


def _inputs_json(inputs: PayrollInputs) -> str:
    data = inputs.model_dump(mode="json", include=set(PayrollInputs.model_fields))
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _run_or_404(repo: Repository, run_id: uuid.UUID) -> RunRow:
    row = repo.run(run_id)
    if row is None:
        raise NotFound("RUN_NOT_FOUND", f"there is no payroll run {run_id}")
    return row


def get_run(db: Database, run_id: uuid.UUID) -> RunView:
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        documents = repo.payslip_documents(run_id)
    return RunView.of(row, rendering.assemble(row.run.envelope, documents))


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


def approve_run(db: Database, run_id: uuid.UUID, trail: Trail[RunView] | None = None) -> RunView:
    with write(db) as repo:
        row = _run_or_404(repo, run_id)
        if row.run.status == RUN_APPROVED or not repo.approve(run_id, now()):
            raise Conflict("RUN_APPROVED", f"payroll run {run_id} is already approved")
        repo.session.refresh(row.run)
        view = RunView.of(row, None)
        before = digest(run_id, RUN_DRAFT, row.run.scheme_hash, row.run.gross_total)
        after = digest(run_id, RUN_APPROVED, row.run.scheme_hash, row.run.gross_total)
        (trail or Trail()).record(
            repo, view, "payroll_run.approve", "payroll_run", str(run_id), before, after
        )
        return view


def get_payslip(db: Database, run_id: uuid.UUID, employee_id: str) -> PayslipView:
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        payslip = repo.payslip(run_id, employee_id)
        if payslip is None:
            raise NotFound("PAYSLIP_NOT_FOUND", f"run {run_id} has no payslip of {employee_id!r}")
        return PayslipView(RunView.of(row, None), payslip.document)


def export_run_csv(db: Database, run_id: uuid.UUID) -> str:
    with read(db) as repo:
        _run_or_404(repo, run_id)
        documents = repo.payslip_documents(run_id)
    return rendering.csv_rows(json.loads(document) for document in documents)


def recompute_run(db: Database, run_id: uuid.UUID) -> tuple[str, str]:
    """The stored result of a run and the same payroll computed again from its stored inputs."""
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        documents = repo.payslip_documents(run_id)
        version = repo.version_by_id(row.run.scheme_version_id)
    assert version is not None
    inputs = PayrollInputs.model_validate(json.loads(row.run.inputs))
    again = rendering.render(_compute(stored(version)[1], inputs, None)).text()
    return rendering.assemble(row.run.envelope, documents), again
