"""What every write leaves behind, inside its own transaction: an audit event, and (when the
request carried an ``Idempotency-Key``) the stored response.

A :class:`Trail` is handed to each writing service by the caller.  The service calls
:meth:`Trail.record` inside its transaction, so the change, its audit event and the stored
response are committed together or not at all: a process killed in between leaves none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.db.models import AuditEvent
from app.db.repository import Repository

from .keys import CLI, Principal
from .unit import now

__all__ = ["Trail", "digest"]

V = TypeVar("V")


def digest(*parts: object) -> str:
    """A content hash (``sha256:…``) of the parts' text, for audit before/after."""
    text = "\x1f".join(str(part) for part in parts)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Trail(Generic[V]):
    """Who writes, and what else to store with the write (``seal``: the stored response)."""

    actor: Principal = CLI
    seal: Callable[[Repository, V], None] | None = None

    def record(
        self,
        repo: Repository,
        view: V,
        action: str,
        object_type: str,
        object_id: str,
        before: str | None,
        after: str | None,
    ) -> None:
        repo.add_event(
            AuditEvent(
                at=now(),
                key_id=self.actor.key_id,
                key_name=self.actor.name,
                action=action,
                object_type=object_type,
                object_id=object_id,
                before_hash=before,
                after_hash=after,
            )
        )
        if self.seal is not None:
            self.seal(repo, view)
