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

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .trust import ApiKey, AuditEvent, IdempotencyRecord, RateWindow
from .types import Money, UTCDateTime

__all__ = [
    "DEFAULT_GROUP",
    "KIND_CORRECTION",
    "KIND_REGULAR",
    "RUN_APPROVED",
    "RUN_DISCARDED",
    "RUN_DRAFT",
    "RUN_SUPERSEDED",
    "SCHEMA_REVISION",
    "VERSION_DRAFT",
    "VERSION_PUBLISHED",
    "ApiKey",
    "AuditEvent",
    "IdempotencyRecord",
    "OrganisationPolicyRecord",
    "PayrollRun",
    "PayslipRecord",
    "RateWindow",
    "SchemeRecord",
    "SchemeVersion",
]

#: The Alembic revision these models describe; /readyz wants the database at exactly this one.
#: tests/db/test_migrations.py fails when it is not the head of migrations/versions.
SCHEMA_REVISION: Final = "b4c5d6e7f8a9"

VERSION_DRAFT: Final = "draft"
VERSION_PUBLISHED: Final = "published"
RUN_DRAFT: Final = "draft"
RUN_APPROVED: Final = "approved"
RUN_SUPERSEDED: Final = "superseded"  # a draft whose pay group and period got another approved run
RUN_DISCARDED: Final = "discarded"  # a draft someone decided not to pay
KIND_REGULAR: Final = "regular"
KIND_CORRECTION: Final = "correction"
DEFAULT_GROUP: Final = "main"


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
    # The organisation policy the version was published against (set by the publish):
    # its version (NULL: none was stored, the article's defaults) and content hash.
    policy_version: Mapped[int | None] = mapped_column()
    policy_hash: Mapped[str | None] = mapped_column(String(80))

    scheme: Mapped[SchemeRecord] = relationship(back_populates="versions", lazy="raise")


class OrganisationPolicyRecord(Base):
    """One version of the organisation policy (docs/rules.md "Policy"), as written.

    Append-only: a new policy is a new row (the highest version is in force), and a database
    trigger refuses any UPDATE or DELETE (and, on PostgreSQL, TRUNCATE)."""

    __tablename__ = "organisation_policy"
    __table_args__ = (
        CheckConstraint("source_format IN ('yaml', 'json')", name="source_format"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    content_hash: Mapped[str] = mapped_column(String(80))
    source_format: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(200))


_APPROVED_REGULAR = "status = 'approved' AND kind = 'regular'"
_APPROVED_CORRECTION = "status = 'approved' AND kind = 'correction'"


class PayrollRun(Base):
    """A stored payroll: inputs, the scheme version it used, and the result.

    A run belongs to a *pay group*: its scheme, a ``pay_group`` label and a period. At most one
    regular run of a pay group and period is approved, and an approved run is corrected at most
    once (each correction then being corrected in turn): two partial unique indexes, so the
    database, not only the application, keeps a month from being paid twice.
    """

    __tablename__ = "payroll_run"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'approved', 'superseded', 'discarded')", name="status"
        ),
        CheckConstraint("kind IN ('regular', 'correction')", name="kind"),
        CheckConstraint("(kind = 'correction') = (corrects IS NOT NULL)", name="corrects_kind"),
        Index("ix_payroll_run_period_created_at", "period", "created_at"),
        Index("ix_payroll_run_pay_group", "scheme_id", "pay_group", "period"),
        Index(
            "uq_payroll_run_approved_regular",
            "scheme_id",
            "pay_group",
            "period",
            unique=True,
            sqlite_where=text(_APPROVED_REGULAR),
            postgresql_where=text(_APPROVED_REGULAR),
        ),
        Index(
            "uq_payroll_run_approved_correction",
            "corrects",
            unique=True,
            sqlite_where=text(_APPROVED_CORRECTION),
            postgresql_where=text(_APPROVED_CORRECTION),
        ),
    )

    # Random, never sequential: ids do not leak how many runs exist or which came next.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    scheme_version_id: Mapped[int] = mapped_column(ForeignKey("scheme_version.id"), index=True)
    # The scheme of that version, kept on the run so the pay group's indexes can name it.
    scheme_id: Mapped[int] = mapped_column(ForeignKey("scheme.id"))
    pay_group: Mapped[str] = mapped_column(String(64), server_default=DEFAULT_GROUP)
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(16), server_default=KIND_REGULAR)
    # A correction: the approved run whose amounts it corrects (the latest of its period).
    corrects: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payroll_run.id"))
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
    # Where each opening balance came from, and the warnings of the run's period (JSON).
    notes: Mapped[str] = mapped_column(Text(), server_default="{}")
    # A correction: per employee and line code, the amounts before, after and their difference.
    differences: Mapped[str | None] = mapped_column(Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_key_id: Mapped[uuid.UUID | None] = mapped_column()
    created_by_name: Mapped[str] = mapped_column(String(100), server_default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_key_id: Mapped[uuid.UUID | None] = mapped_column()
    approved_by_name: Mapped[str | None] = mapped_column(String(100))
    approval_comment: Mapped[str | None] = mapped_column(String(1000))
    discarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    discard_reason: Mapped[str | None] = mapped_column(String(1000))

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
