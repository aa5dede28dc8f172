"""Queries of payroll runs, their payslips and their pay groups; never commits.

Mixed into :class:`app.db.repository.Repository`. State transitions are single conditional
UPDATEs (``… WHERE status = 'draft'``), and the partial unique indexes of
:class:`~app.db.models.PayrollRun` decide the race between two approvals of one period.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, func, insert, select, update
from sqlalchemy.orm import Session

from .matching import keys_matching
from .models import (
    KIND_CORRECTION,
    RUN_APPROVED,
    RUN_DISCARDED,
    RUN_DRAFT,
    RUN_SUPERSEDED,
    PayrollRun,
    PayslipRecord,
    SchemeRecord,
    SchemeVersion,
)

__all__ = ["RunFilter", "RunQueries", "RunRow"]


@dataclass(frozen=True, slots=True)
class RunRow:
    run: PayrollRun
    scheme_key: str
    scheme_version: int


@dataclass(frozen=True, slots=True)
class RunFilter:
    """What a listing of runs keeps (None: any)."""

    period: str | None = None
    scheme_key: str | None = None
    status: str | None = None
    group: str | None = None
    kind: str | None = None
    #: Only runs of schemes whose keys match one of these globs (None: every scheme).
    reach: tuple[str, ...] | None = None


def _rows() -> Any:
    return (
        select(PayrollRun, SchemeRecord.key, SchemeVersion.number)
        .join(SchemeVersion, PayrollRun.scheme_version_id == SchemeVersion.id)
        .join(SchemeRecord, PayrollRun.scheme_id == SchemeRecord.id)
    )


class RunQueries:
    session: Session

    def add_run(self, run: PayrollRun, payslips: Sequence[dict[str, Any]]) -> None:
        self.session.add(run)
        self.session.flush()
        if payslips:
            # One executemany, not an ORM object per payslip: a run may hold 100k of them.
            self.session.execute(insert(PayslipRecord), list(payslips))

    def run(self, run_id: uuid.UUID) -> RunRow | None:
        row = self.session.execute(_rows().where(PayrollRun.id == run_id)).first()
        return None if row is None else RunRow(row[0], row[1], row[2])

    def runs(self, where: RunFilter, limit: int, offset: int) -> tuple[list[RunRow], int]:
        query = _rows()
        if where.period is not None:
            query = query.where(PayrollRun.period == where.period)
        if where.scheme_key is not None:
            query = query.where(SchemeRecord.key == where.scheme_key)
        if where.status is not None:
            query = query.where(PayrollRun.status == where.status)
        if where.group is not None:
            query = query.where(PayrollRun.pay_group == where.group)
        if where.kind is not None:
            query = query.where(PayrollRun.kind == where.kind)
        if where.reach is not None:
            query = query.where(keys_matching(SchemeRecord.key, where.reach))
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        ordered = query.order_by(PayrollRun.created_at.desc(), PayrollRun.id)
        rows = self.session.execute(ordered.limit(limit).offset(offset))
        return [RunRow(run, key, number) for run, key, number in rows], int(total or 0)

    def period_runs(self, scheme_id: int, group: str, period: str) -> list[RunRow]:
        """Every run of a pay group and period, oldest first."""
        query = _rows().where(
            PayrollRun.scheme_id == scheme_id,
            PayrollRun.pay_group == group,
            PayrollRun.period == period,
        )
        rows = self.session.execute(query.order_by(PayrollRun.created_at, PayrollRun.id))
        return [RunRow(run, key, number) for run, key, number in rows]

    def approved_periods(self, scheme_id: int, group: str, before: str) -> list[str]:
        """The periods before ``before`` with an approved run in the pay group, latest first."""
        query = (
            select(PayrollRun.period)
            .where(
                PayrollRun.scheme_id == scheme_id,
                PayrollRun.pay_group == group,
                PayrollRun.status == RUN_APPROVED,
                PayrollRun.period < before,
            )
            .distinct()
            .order_by(PayrollRun.period.desc())
        )
        return list(self.session.scalars(query))

    def approve(
        self,
        run_id: uuid.UUID,
        now: datetime,
        key_id: uuid.UUID | None = None,
        name: str = "",
        comment: str | None = None,
    ) -> bool:
        """Mark a draft run approved; False when it was not a draft (someone else won)."""
        statement = (
            update(PayrollRun)
            .where(PayrollRun.id == run_id, PayrollRun.status == RUN_DRAFT)
            .values(
                status=RUN_APPROVED,
                approved_at=now,
                approved_by_key_id=key_id,
                approved_by_name=name,
                approval_comment=comment,
            )
        )
        return self._changed(statement)

    def lock_approvals(self, scheme_id: int) -> None:
        """Take the scheme's approval lock until the transaction ends (PostgreSQL: its row,
        ``FOR NO KEY UPDATE``, which new runs referencing it do not wait for; SQLite has one
        writer anyway). Without it two approvals of one period deadlock: each holds its own
        run, waiting on the other's approved row in the unique index, while the other
        supersedes it."""
        statement = select(SchemeRecord.id).where(SchemeRecord.id == scheme_id)
        self.session.execute(statement.with_for_update(key_share=True))

    def supersede_drafts(self, scheme_id: int, group: str, period: str) -> int:
        """Every draft left in a pay group and period becomes ``superseded``; how many."""
        statement = (
            update(PayrollRun)
            .where(
                PayrollRun.scheme_id == scheme_id,
                PayrollRun.pay_group == group,
                PayrollRun.period == period,
                PayrollRun.status == RUN_DRAFT,
            )
            .values(status=RUN_SUPERSEDED)
        )
        result = self.session.execute(statement.execution_options(synchronize_session=False))
        assert isinstance(result, CursorResult)
        return int(result.rowcount)

    def discard(self, run_id: uuid.UUID, now: datetime, reason: str) -> bool:
        """Mark a draft run discarded; False when it was not a draft."""
        statement = (
            update(PayrollRun)
            .where(PayrollRun.id == run_id, PayrollRun.status == RUN_DRAFT)
            .values(status=RUN_DISCARDED, discarded_at=now, discard_reason=reason)
        )
        return self._changed(statement)

    def correction_of(self, run_id: uuid.UUID) -> PayrollRun | None:
        """The approved correction of ``run_id``, if it has one."""
        query = select(PayrollRun).where(
            PayrollRun.corrects == run_id,
            PayrollRun.kind == KIND_CORRECTION,
            PayrollRun.status == RUN_APPROVED,
        )
        return self.session.scalars(query).first()

    def payslip(self, run_id: uuid.UUID, employee_id: str) -> PayslipRecord | None:
        return self.session.get(PayslipRecord, (run_id, employee_id))

    def payslip_documents(self, run_id: uuid.UUID) -> list[str]:
        query = (
            select(PayslipRecord.document)
            .where(PayslipRecord.run_id == run_id)
            .order_by(PayslipRecord.ordinal)
        )
        return list(self.session.scalars(query))

    def payslips_of(self, run_id: uuid.UUID, employees: Collection[str]) -> dict[str, str]:
        """The payslip documents of ``employees`` in a run, by employee id."""
        found: dict[str, str] = {}
        wanted = sorted(employees)
        for start in range(0, len(wanted), 500):  # bound the IN list
            query = select(PayslipRecord.employee_id, PayslipRecord.document).where(
                PayslipRecord.run_id == run_id,
                PayslipRecord.employee_id.in_(wanted[start : start + 500]),
            )
            found.update({e: d for e, d in self.session.execute(query)})
        return found

    def _changed(self, statement: Any) -> bool:
        result = self.session.execute(statement.execution_options(synchronize_session=False))
        assert isinstance(result, CursorResult)
        return bool(result.rowcount == 1)
