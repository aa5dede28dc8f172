"""Findings: what validation and the checks report, with stable codes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .hints import default_hint

__all__ = [
    "Finding",
    "InputError",
    "Path",
    "Problem",
    "SchemeError",
    "Severity",
    "format_path",
    "json_pointer",
]

Severity = Literal["error", "warning"]
Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """``('departments', 'sales', 'roles', 'rep', 'commission', 0)`` →
    ``departments.sales.roles.rep.commission[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "$"


def json_pointer(path: Path) -> str:
    """RFC 6901 JSON pointer: ``('roles', 'a/b', 0)`` → ``/roles/a~1b/0`` (``~`` → ``~0``,
    ``/`` → ``~1``, each part after a ``/``); the empty path is ``""``, the whole document."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in path)
    return "".join("/" + p for p in escaped)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a scheme (or a payroll) does wrong or should reconsider."""

    code: str
    severity: Severity
    path: Path
    message: str
    data: Mapping[str, str] = field(default_factory=dict)
    line: int | None = None
    column: int | None = None
    #: A short suggestion of the fix, in plain words (the code's usual one when not given).
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.hint is None:
            object.__setattr__(self, "hint", default_hint(self.code))

    @property
    def json_path(self) -> str:
        return format_path(self.path)

    @property
    def pointer(self) -> str:
        """RFC 6901 JSON pointer of the offending element."""
        return json_pointer(self.path)

    def at(self, line: int | None, column: int | None) -> Finding:
        return dataclasses.replace(self, line=line, column=column)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.json_path,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
            "data": dict(self.data),
        }


class SchemeError(Exception):
    """A scheme document that cannot be turned into a :class:`Scheme`."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = list(findings)
        super().__init__("; ".join(f"{f.json_path}: {f.message}" for f in self.findings))


@dataclass(frozen=True, slots=True)
class Problem:
    """Bad calculation input: ``index`` is the employee's position in the roster."""

    code: str
    message: str
    index: int | None = None
    field: str | None = None
    source: str = "roster"  # roster | deals: what ``index`` counts


class InputError(Exception):
    """Calculation input (roster, period) that the engine refuses; all problems at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))
