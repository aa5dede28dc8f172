"""Where each value of a document was written, and findings pinned to those places."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.engine import Finding, Path

__all__ = ["Position", "Positions", "locate"]

#: ``(line, column)``, both 1-based.
Position = tuple[int, int]

# Codes about a mapping key rather than its value: pointed at the key itself.
_KEY_CODES = frozenset({"UNKNOWN_KEY", "INVALID_NAME"})


@dataclass(frozen=True, slots=True)
class Positions:
    """Positions of a document's values and keys, by path.

    ``values[path]`` is where the value at ``path`` is written; for a mapping or a list
    that has a key, it is where that key is written (``rep:``), which is where a reader
    looks for it.  ``keys[path]`` is where the key naming ``path`` is written.
    """

    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def find(self, path: Path, *, key: bool = False) -> Position | None:
        """The position of ``path``, else of its nearest ancestor that has one."""
        if key and path in self.keys:
            return self.keys[path]
        for length in range(len(path), -1, -1):
            found = self.values.get(path[:length])
            if found is not None:
                return found
        return None


def locate(findings: Iterable[Finding], positions: Positions) -> list[Finding]:
    """``findings`` with line and column set from ``positions``.

    An exact path wins; a missing key is pinned to the mapping that lacks it (its
    nearest existing ancestor); an unknown key to the key itself.
    """
    located = []
    for finding in findings:
        found = positions.find(finding.path, key=finding.code in _KEY_CODES)
        located.append(finding if found is None else finding.at(*found))
    return located
