"""What a roster is: its columns, the employees read, and the problems found in it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from app.engine import BALANCE_KINDS, Employee, Measure

__all__ = [
    "BALANCES",
    "COLUMNS",
    "MAX_PROBLEMS",
    "MEASURES",
    "REQUIRED_COLUMNS",
    "Problems",
    "Roster",
    "RosterError",
    "RowProblem",
    "RowsOf",
]

MEASURES: Final = tuple(m.value for m in Measure)
REQUIRED_COLUMNS: Final = ("id", "department", "role")
BALANCES: Final = tuple(f"balance_{kind}" for kind in sorted(BALANCE_KINDS))
COLUMNS: Final = (
    "id", "name", "department", "role", "start_date", "end_date", "fte", "unpaid_days",
    *MEASURES, *BALANCES,
)  # fmt: skip
#: Problems reported at most per file; the rest are counted.
MAX_PROBLEMS: Final = 100


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of a roster file: ``row`` is the 1-based line the employee starts on."""

    row: int | None
    column: str | None
    code: str
    message: str

    def render(self, path: str, severity: str = "error") -> str:
        where = path if self.row is None else f"{path}:{self.row}"
        column = f" (column {self.column})" if self.column else ""
        return f"{where}: {severity} {self.code}: {self.message}{column}"


class RosterError(Exception):
    """A roster that cannot be used; every problem found, up to :data:`MAX_PROBLEMS`."""

    def __init__(self, path: str, problems: Sequence[RowProblem], omitted: int = 0) -> None:
        self.path = path
        self.problems = list(problems)
        self.omitted = omitted
        super().__init__(str(self))

    def lines(self) -> list[str]:
        lines = [p.render(self.path) for p in self.problems]
        if self.omitted:
            lines.append(f"{self.path}: ... and {self.omitted} more problems")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


class RowsOf:
    """The file row of each record read (by its index in the list) and the file's name of a
    field (for messages); mixed into :class:`Roster` and the deals file."""

    __slots__ = ()
    _row: Callable[[int], int | None]
    _column: Callable[[str], str]

    def row(self, index: int) -> int | None:
        return self._row(index)

    def column(self, name: str) -> str:
        return self._column(name)


@dataclass(frozen=True, slots=True)
class Roster(RowsOf):
    """Employees read from ``path``, and the file row of each (for messages)."""

    path: str
    employees: list[Employee]
    _row: Callable[[int], int | None] = field(repr=False)
    _column: Callable[[str], str] = field(repr=False, default=str)


class Problems:
    """Problems of one file, capped at :data:`MAX_PROBLEMS` (the rest are counted)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[RowProblem] = []
        self.omitted = 0

    def add(self, row: int | None, column: str | None, code: str, message: str) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(RowProblem(row, column, code, message))
        else:
            self.omitted += 1

    def check(self, error: type[RosterError] = RosterError) -> None:
        """Raise ``error`` (a roster's, or a deals file's) with the problems, if any."""
        if self.found:
            raise error(self.path, self.found, self.omitted)
