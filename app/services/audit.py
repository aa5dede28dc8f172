"""Reading the audit trail (events are written by :class:`app.services.trail.Trail`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db.session import Database

from .unit import read

__all__ = ["EventView", "list_events"]


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
    with read(db) as repo:
        events, total = repo.events(filters, since, limit, offset)
        views = [EventView(*(getattr(e, name) for name in _FIELDS)) for e in events]
    return views, total
