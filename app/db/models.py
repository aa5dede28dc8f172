"""The tables: schemes and their versions, payroll runs and their payslips.

A scheme (``key``) has numbered versions; a version is a ``draft`` until it is published, then
it never changes again.  A payroll run stores its inputs, the scheme version and hash it used,
and its result; once ``approved`` it never changes again.  Both rules are also enforced by
database triggers (see the migration), so not even a direct UPDATE can break them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .trust import ApiKey, AuditEvent, IdempotencyRecord, RateWindow
from .types import Money, UTCDateTime

__all__ = [
    "RUN_APPROVED",
    "RUN_DRAFT",
    "SCHEMA_REVISION",
    "VERSION_DRAFT",
    "VERSION_PUBLISHED",
    "ApiKey",
    "AuditEvent",
    "IdempotencyRecord",
    "PayrollRun",
    "PayslipRecord",
    "RateWindow",
    "SchemeRecord",
    "SchemeVersion",
]

#: The Alembic revision these models describe; /readyz wants the database at exactly this one.
#: tests/db/test_migrations.py fails when it is not the head of migrations/versions.
SCHEMA_REVISION: Final = "d9e0f1a2b3c4"

VERSION_DRAFT: Final = "draft"
VERSION_PUBLISHED: Final = "published"
RUN_DRAFT: Final = "draft"
RUN_APPROVED: Final = "approved"


class SchemeRecord(Base):
    """A pay scheme, identified by the stable ``key`` of its documents."""

    __tablename__ = "scheme"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    versions: Mapped[list[SchemeVersion]] = relationship(
        back_populates="scheme", order_by="SchemeVersion.number", lazy="raise"
    )


class SchemeVersion(Base):
    """One numbered version of a scheme: its source document as written, and its state."""

    __tablename__ = "scheme_version"
    __table_args__ = (
        UniqueConstraint("scheme_id", "number", name="uq_scheme_version_scheme_id_number"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("source_format IN ('yaml', 'json')", name="source_format"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("scheme.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    effective_from: Mapped[date] = mapped_column(Date())
    effective_to: Mapped[date | None] = mapped_column(Date())
    content_hash: Mapped[str] = mapped_column(String(80))
    source_format: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped by every change of a draft; the version's ETag, compared in the UPDATE itself.
    revision: Mapped[int] = mapped_column(server_default="1")

    scheme: Mapped[SchemeRecord] = relationship(back_populates="versions", lazy="raise")


class PayrollRun(Base):
    """A stored payroll: inputs, the scheme version it used, and the result."""

    __tablename__ = "payroll_run"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'approved')", name="status"),
        Index("ix_payroll_run_period_created_at", "period", "created_at"),
    )

    # Random, never sequential: ids do not leak how many runs exist or which came next.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    scheme_version_id: Mapped[int] = mapped_column(ForeignKey("scheme_version.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(16))
    scheme_hash: Mapped[str] = mapped_column(String(80))
    engine_version: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    employee_count: Mapped[int]
    gross_total: Mapped[Decimal] = mapped_column(Money())
    # Canonical JSON of the inputs (period, roster, deals), replayable through the engine.
    inputs: Mapped[str] = mapped_column(Text())
    # The result without its payslips (those are rows of payslip); see
    # app.io.output.payrolljson.render.
    envelope: Mapped[str] = mapped_column(Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    scheme_version: Mapped[SchemeVersion] = relationship(lazy="raise")


class PayslipRecord(Base):
    """One employee's payslip of a run: the exact gross, and the payslip document."""

    __tablename__ = "payslip"

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payroll_run.id", ondelete="CASCADE"), primary_key=True
    )
    employee_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    ordinal: Mapped[int]
    department: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(40))
    gross: Mapped[Decimal] = mapped_column(Money())
    document: Mapped[str] = mapped_column(Text())
