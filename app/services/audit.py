"""The audit trail: every write appends its event inside its own transaction; reading it.

A writing service calls :func:`record` in the transaction of its change, so the change and
its event are committed together or not at all: a process killed in between leaves neither.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db.models import AuditEvent
from app.db.repository import Repository
from app.db.session import Database

from . import reach
from .clock import now
from .keys import Principal
from .transactions import read

__all__ = ["EventView", "digest", "list_events", "record"]


def digest(*parts: object) -> str:
    """A content hash (``sha256:…``) of the parts' text, for audit before/after."""
    text = "\x1f".join(str(part) for part in parts)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(
    repo: Repository,
    actor: Principal,
    action: str,
    object_type: str,
    object_id: str,
    before: str | None,
    after: str | None,
) -> None:
    """Append the event of a write, in the write's transaction."""
    repo.add_event(
        AuditEvent(
            at=now(),
            key_id=actor.key_id,
            key_name=actor.name,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before_hash=before,
            after_hash=after,
        )
    )


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    at: datetime
    key_id: Any
    key_name: str
    action: str
    object_type: str
    object_id: str
    before_hash: str | None
    after_hash: str | None


_FIELDS = tuple(EventView.__dataclass_fields__)


def list_events(
    db: Database, filters: dict[str, Any], since: datetime | None, limit: int, offset: int
) -> tuple[list[EventView], int]:
    """Events newest first; a caller limited to schemes sees only the events about their
    versions and runs (docs/api.md, "Keys limited to schemes")."""
    with read(db) as repo:
        events, total = repo.events(filters, since, limit, offset, reach.current().patterns)
        views = [EventView(*(getattr(e, name) for name in _FIELDS)) for e in events]
    return views, total
