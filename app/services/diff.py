"""Which rules changed between two scheme versions, old → new.

Both versions are compared in their canonical form (every default filled in, numbers
normalised), so writing ``45000`` as ``45000.00`` or spelling out a default is not a change.
"""

from __future__ import annotations

from typing import Any

from app.engine import Path, format_path, json_pointer

__all__ = ["changes"]


def _change(path: Path, kind: str, old: Any, new: Any) -> dict[str, Any]:
    return {
        "path": format_path(path),
        "pointer": json_pointer(path),
        "change": kind,
        "old": old,
        "new": new,
    }


def changes(old: Any, new: Any, path: Path = ()) -> list[dict[str, Any]]:
    """Every leaf (or whole subtree) that differs between ``old`` and ``new``, in order."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in [*old, *(k for k in new if k not in old)]:
            where = (*path, key)
            if key not in new:
                found.append(_change(where, "removed", old[key], None))
            elif key not in old:
                found.append(_change(where, "added", None, new[key]))
            else:
                found.extend(changes(old[key], new[key], where))
        return found
    if isinstance(old, list) and isinstance(new, list):
        found = []
        for index in range(max(len(old), len(new))):
            where = (*path, index)
            if index >= len(new):
                found.append(_change(where, "removed", old[index], None))
            elif index >= len(old):
                found.append(_change(where, "added", None, new[index]))
            else:
                found.extend(changes(old[index], new[index], where))
        return found
    return [] if old == new else [_change(path, "changed", old, new)]
