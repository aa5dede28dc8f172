"""Scheme keys matched against the globs of an API key's scheme limit, in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, and_, cast, false, func, or_, select

from .models import PayrollRun, SchemeRecord
from .trust import AuditEvent

__all__ = ["events_reaching", "keys_matching"]


def keys_matching(column: Any, patterns: tuple[str, ...]) -> Any:
    """A condition: ``column`` matches one of the globs (``*``: any run of characters)."""

    def like(pattern: str) -> str:
        escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return escaped.replace("*", "%")

    return or_(false(), *(column.like(like(p), escape="\\") for p in patterns))


def events_reaching(patterns: tuple[str, ...]) -> Any:
    """A condition: audit events about the objects of schemes matching the globs, namely
    their versions (object id ``key/number``) and their payroll runs; never an event about
    an API key."""
    # A scheme key has no '/', so 'acme-*/*' matches the versions of acme-… schemes only.
    versions = and_(
        AuditEvent.object_type == "scheme_version",
        keys_matching(AuditEvent.object_id, tuple(f"{p}/*" for p in patterns)),
    )
    # Compared without dashes: PostgreSQL casts a UUID to its dashed text, SQLite stores the
    # 32 hex digits; an event holds the dashed text.
    runs = (
        select(func.replace(cast(PayrollRun.id, String), "-", ""))
        .join(SchemeRecord, SchemeRecord.id == PayrollRun.scheme_id)
        .where(keys_matching(SchemeRecord.key, patterns))
    )
    of_runs = and_(
        AuditEvent.object_type == "payroll_run",
        func.replace(AuditEvent.object_id, "-", "").in_(runs),
    )
    return or_(versions, of_runs)
