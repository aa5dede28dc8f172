"""Scheme keys matched against the globs of an API key's scheme limit, in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_

__all__ = ["keys_matching"]


def keys_matching(column: Any, patterns: tuple[str, ...]) -> Any:
    """A condition: ``column`` matches one of the globs (``*``: any run of characters)."""

    def like(pattern: str) -> str:
        escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return escaped.replace("*", "%")

    return or_(false(), *(column.like(like(p), escape="\\") for p in patterns))
