"""The services' clock: every timestamp they store is aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["now"]


def now() -> datetime:
    return datetime.now(UTC)
