"""Stored payroll runs: create (regular or a correction), approve, discard, read, export.

A period of a pay group is paid once: at most one regular run of it is approved, and a
mistake found afterwards is fixed by a *correction* run, computed on the corrected inputs with
the approved run's scheme version, whose result is the difference from what is already
approved. Approving a run supersedes the other drafts of its period in the same transaction.
Both rules are also held by unique indexes in the database (:mod:`app.db.models`), so two
approvals racing each other cannot both win.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from app.db.models import (
    KIND_CORRECTION,
    KIND_REGULAR,
    RUN_APPROVED,
    RUN_DISCARDED,
    RUN_DRAFT,
    RUN_SUPERSEDED,
    PayrollRun,
)
from app.db.repository import Repository, RunFilter, RunRow
from app.db.session import Database
from app.io.output.payrollcsv import differences_csv, payslips_csv
from app.io.output.payrolljson import assemble, render

from . import audit, idempotency, reach
from .cache import PublishedVersion, scheme_of
from .clock import now
from .documents import run_reply
from .errors import Conflict, ErrorItem, Forbidden, Invalid, NotFound
from .idempotency import Claim, Once, Reply
from .inputs import PayrollInputs, RunTarget, SchemeRef, StoredInputs
from .keys import CLI, Principal
from .payroll import compute, find_version
from .periods import carry, differences, head
from .policy import checked_scheme
from .schemes import scheme_or_404
from .transactions import read, write
from .types import Page, PayslipView, RunView

__all__ = [
    "PeriodView",
    "approve_run",
    "create_run",
    "discard_run",
    "export_run_csv",
    "get_payslip",
    "get_period",
    "get_run",
    "list_runs",
    "recompute_run",
]


def _run_or_404(repo: Repository, run_id: uuid.UUID) -> RunRow:
    """Run ``run_id``; not found also when the caller's key does not reach its scheme."""
    row = repo.run(run_id)
    if row is None or not reach.current().covers(row.scheme_key):
        raise NotFound("RUN_NOT_FOUND", f"there is no payroll run {run_id}")
    return row


def _already_approved(key: str, group: str, period: str, run_id: uuid.UUID) -> Conflict:
    return Conflict(
        "PERIOD_APPROVED",
        f"{key} pay group {group!r} {period} is already approved (run {run_id}); fix a "
        "mistake with a correction run (kind: correction, corrects: the approved run)",
        extra={"approved_run": str(run_id)},
    )


def _corrected(
    repo: Repository, version: PublishedVersion, key: str, target: RunTarget, period: str
) -> PayrollRun:
    """The approved run a correction corrects, checked: same pay group, period and version,
    and still the last approved run of its period."""
    assert target.corrects is not None
    row = repo.run(target.corrects)
    if row is None or not reach.current().covers(row.scheme_key):
        item = ErrorItem("no such run", pointer="/corrects", code="RUN_NOT_FOUND")
        raise Invalid("RUN_NOT_FOUND", f"there is no payroll run {target.corrects}", [item])
    base = row.run
    if base.status != RUN_APPROVED:
        raise Conflict(
            "CORRECTS_UNAPPROVED",
            f"run {base.id} is {base.status}: only an approved run can be corrected; change "
            "a draft by creating a new draft",
        )
    mismatch = [
        (pointer, what)
        for pointer, what, same in (
            ("/scheme", f"scheme {row.scheme_key}", row.scheme_key == key),
            ("/group", f"pay group {base.pay_group!r}", base.pay_group == target.group),
            ("/period", f"period {base.period}", base.period == period),
            ("/scheme", f"version {row.scheme_version}", base.scheme_version_id == version.id),
        )
        if not same
    ]
    if mismatch:
        items = [
            ErrorItem(f"must be {what}, as the corrected run's", pointer=p) for p, what in mismatch
        ]
        raise Invalid(
            "CORRECTION_MISMATCH",
            f"a correction of run {base.id} is computed for its pay group, period and scheme "
            f"version: {', '.join(what for _, what in mismatch)}",
            items,
        )
    later = repo.correction_of(base.id)
    if later is not None:
        latest = head(repo, base.scheme_id, base.pay_group, base.period)
        assert latest is not None
        raise Conflict(
            "CORRECTION_STALE",
            f"run {base.id} is already corrected; correct the latest approved run of "
            f"{period}, {latest.id}",
            extra={"approved_run": str(latest.id)},
        )
    return base


def create_run(
    db: Database,
    ref: SchemeRef,
    inputs: PayrollInputs,
    actor: Principal = CLI,
    request: Once | None = None,
    target: RunTarget | None = None,
) -> Reply:
    """Compute a payroll from a published version and store it as a draft run: regular, or a
    correction of the period's approved payroll (``target.corrects``).

    Balances and paid commissions the request leaves out are carried from the pay group's
    earlier periods. The run, its payslips, its audit event and (with ``request``) the reply
    to send again to a retry are written in one transaction, after the key's claim (see
    :mod:`app.services.idempotency`)."""
    target = target or RunTarget()
    period = str(inputs.period)

    def store(claim: Claim | None) -> Reply:
        version = find_version(db, ref, published=True)
        with read(db) as repo:
            base = (
                None
                if target.corrects is None
                else _corrected(repo, version, ref.key, target, period)
            )
            if base is None:
                approved = head(repo, version.scheme_id, target.group, period)
                if approved is not None:
                    raise _already_approved(ref.key, target.group, period, approved.id)
            before = [] if base is None else repo.payslip_documents(base.id)
            carried = carry(repo, version.scheme_id, target.group, inputs)
        payroll = compute(version.scheme, carried.inputs, None, version.checked)
        rendered = render(payroll)
        changes, total = None, payroll.total
        if base is not None:
            rows, total = differences(before, rendered.payslips, payroll.minor_units)
            changes = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        run = PayrollRun(
            id=uuid.uuid4(),
            scheme_version_id=version.id,
            scheme_id=version.scheme_id,
            pay_group=target.group,
            period=period,
            kind=KIND_REGULAR if base is None else KIND_CORRECTION,
            corrects=None if base is None else base.id,
            status=RUN_DRAFT,
            scheme_hash=payroll.scheme_hash,
            engine_version=payroll.engine_version,
            currency=payroll.currency,
            employee_count=len(payroll.payslips),
            gross_total=total,
            inputs=StoredInputs.of(carried.inputs).text(),
            envelope=rendered.envelope,
            notes=carried.notes(),
            differences=changes,
            created_at=now(),
            created_by_key_id=actor.key_id,
            created_by_name=actor.name,
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
                audit.digest(text, changes),
            )  # fmt: skip
            idempotency.complete(repo, claim, reply)
        return reply

    return idempotency.once(db, request, store)


def _not_a_draft(run: PayrollRun) -> Conflict:
    codes = {
        RUN_APPROVED: "RUN_APPROVED",
        RUN_SUPERSEDED: "RUN_SUPERSEDED",
        RUN_DISCARDED: "RUN_DISCARDED",
    }
    return Conflict(codes[run.status], f"payroll run {run.id} is already {run.status}")


def _period_conflict(db: Database, row: RunRow) -> Conflict:
    """Why an approval lost a race: the period (or the corrected run) got approved meanwhile."""
    run = row.run
    with read(db) as repo:
        latest = head(repo, run.scheme_id, run.pay_group, run.period)
        again = repo.run(run.id)
    if again is not None and again.run.status != RUN_DRAFT:
        return _not_a_draft(again.run)
    if latest is None:  # pragma: no cover - a unique index refused, so something is approved
        return Conflict("CONCURRENT_CHANGE", "the run changed meanwhile; reload and retry")
    if run.kind == KIND_CORRECTION:
        return Conflict(
            "CORRECTION_STALE",
            f"run {run.corrects} was corrected meanwhile; compute a correction of {latest.id}",
            extra={"approved_run": str(latest.id)},
        )
    return _already_approved(row.scheme_key, run.pay_group, run.period, latest.id)


def approve_run(
    db: Database,
    run_id: uuid.UUID,
    actor: Principal = CLI,
    request: Once | None = None,
    comment: str | None = None,
    four_eyes: bool = False,
) -> Reply:
    """Approve a draft, once: of concurrent approvals of one period one wins, the others get
    409; the period's other drafts become ``superseded``. With ``four_eyes`` the key that
    created the run may not approve it."""

    def approve(claim: Claim | None) -> Reply:
        with read(db) as repo:
            row = _run_or_404(repo, run_id)
        run = row.run
        if run.status != RUN_DRAFT:
            raise _not_a_draft(run)
        if (
            four_eyes
            and run.created_by_key_id is not None
            and run.created_by_key_id == actor.key_id
        ):
            raise Forbidden(
                "FOUR_EYES",
                f"four-eyes approval (COMPCALC_FOUR_EYES): the key {actor.name!r} created run "
                f"{run_id}, so another key must approve it",
            )
        try:
            with write(db) as repo:
                repo.lock_approvals(run.scheme_id)  # approvals of a scheme one at a time
                # Checked first for a clear answer; the unique indexes decide a race.
                if run.corrects is not None and repo.correction_of(run.corrects) is not None:
                    raise Conflict("CORRECTION_STALE", "corrected meanwhile")  # explained below
                if run.corrects is None and head(repo, run.scheme_id, run.pay_group, run.period):
                    raise Conflict("PERIOD_APPROVED", "approved meanwhile")
                if not repo.approve(run_id, now(), actor.key_id, actor.name, comment):
                    raise Conflict("CONCURRENT_CHANGE", "not a draft any more")
                superseded = repo.supersede_drafts(run.scheme_id, run.pay_group, run.period)
                fresh = _run_or_404(repo, run_id)
                repo.session.refresh(fresh.run)
                reply = run_reply(RunView.of(fresh, None))
                fingerprint = (run.scheme_hash, run.gross_total)
                audit.record(
                    repo, actor, "payroll_run.approve", "payroll_run", str(run_id),
                    audit.digest(run_id, RUN_DRAFT, *fingerprint),
                    audit.digest(run_id, RUN_APPROVED, *fingerprint, comment, superseded),
                )  # fmt: skip
                idempotency.complete(repo, claim, reply)
                return reply
        except Conflict as exc:
            if exc.code in {"CONCURRENT_CHANGE", "PERIOD_APPROVED", "CORRECTION_STALE"}:
                raise _period_conflict(db, row) from None
            raise

    return idempotency.once(db, request, approve)


def discard_run(
    db: Database,
    run_id: uuid.UUID,
    reason: str,
    actor: Principal = CLI,
    request: Once | None = None,
) -> Reply:
    """Discard a draft that should not be paid; it stays readable as ``discarded``."""

    def discard(claim: Claim | None) -> Reply:
        with write(db) as repo:
            row = _run_or_404(repo, run_id)
            if row.run.status != RUN_DRAFT or not repo.discard(run_id, now(), reason):
                repo.session.refresh(row.run)
                raise _not_a_draft(row.run)
            repo.session.refresh(row.run)
            reply = run_reply(RunView.of(row, None))
            audit.record(
                repo, actor, "payroll_run.discard", "payroll_run", str(run_id),
                audit.digest(run_id, RUN_DRAFT), audit.digest(run_id, RUN_DISCARDED, reason),
            )  # fmt: skip
            idempotency.complete(repo, claim, reply)
            return reply

    return idempotency.once(db, request, discard)


def get_run(db: Database, run_id: uuid.UUID) -> RunView:
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        documents = repo.payslip_documents(run_id)
    return RunView.of(row, assemble(row.run.envelope, documents))


def list_runs(
    db: Database,
    limit: int,
    offset: int,
    *,
    period: str | None = None,
    scheme: str | None = None,
    status: str | None = None,
    group: str | None = None,
    kind: str | None = None,
) -> Page[RunView]:
    """Runs newest first, without results; each filter left None keeps every run."""
    where = RunFilter(period, scheme, status, group, kind, reach.current().patterns)
    with read(db) as repo:
        rows, total = repo.runs(where, limit, offset)
    return Page([RunView.of(row, None) for row in rows], total, limit, offset)


def get_payslip(db: Database, run_id: uuid.UUID, employee_id: str) -> PayslipView:
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        payslip = repo.payslip(run_id, employee_id)
        if payslip is None:
            raise NotFound("PAYSLIP_NOT_FOUND", f"run {run_id} has no payslip of {employee_id!r}")
        return PayslipView(RunView.of(row, None), payslip.document)


def export_run_csv(db: Database, run_id: uuid.UUID) -> str:
    """The run's stored payslips in the CSV of ``compcalc calculate --format csv``; of a
    correction, its differences with the original and corrected amounts beside them."""
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        if row.run.differences is not None:
            return differences_csv(json.loads(row.run.differences))
        documents = repo.payslip_documents(run_id)
    return payslips_csv(json.loads(document) for document in documents)


def recompute_run(db: Database, run_id: uuid.UUID) -> tuple[str, str]:
    """The stored result of a run and the same payroll computed again from its stored inputs."""
    with read(db) as repo:
        row = _run_or_404(repo, run_id)
        documents = repo.payslip_documents(run_id)
        version = repo.version_by_id(row.run.scheme_version_id)
        assert version is not None
        scheme = scheme_of(version)
        checked = checked_scheme(repo, version, scheme)
    inputs = StoredInputs.read(row.run.inputs).inputs()
    again = render(compute(scheme, inputs, None, checked)).text()
    return assemble(row.run.envelope, documents), again


@dataclass(frozen=True, slots=True)
class PeriodView:
    """A pay group's period: every run, what is approved, and the effective payslips."""

    scheme_key: str
    group: str
    period: str
    runs: list[RunView]
    approved: list[RunView]  # the original, then each approved correction
    total: str | None  # the effective total: the original plus every approved correction
    payslips: list[str]  # the effective payslips (JSON), from the last approved run


def get_period(db: Database, key: str, group: str, period: str) -> PeriodView:
    with read(db) as repo:
        scheme_id = scheme_or_404(repo, key)
        rows = repo.period_runs(scheme_id, group, period)
        latest = head(repo, scheme_id, group, period)
        payslips = [] if latest is None else repo.payslip_documents(latest.id)
    approved = [RunView.of(r, None) for r in rows if r.run.status == RUN_APPROVED]
    approved.sort(key=lambda view: (view.kind != KIND_REGULAR, view.approved_at))
    total = f"{sum(view.total for view in approved):f}" if approved else None
    return PeriodView(
        key, group, period, [RunView.of(r, None) for r in rows], approved, total, payslips
    )
