"""Problems of an input file (a roster, a deals file), each at its row and column, and the
error that reports them all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["MAX_PROBLEMS", "InputFileError", "Problems", "RowProblem", "RowsOf"]

#: Problems reported at most per file; the rest are counted.
MAX_PROBLEMS: Final = 100


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of an input file: ``row`` is the 1-based line the record starts on;
    ``char``, for bytes that cannot be read, the character in that line (1-based)."""

    row: int | None
    column: str | None
    code: str
    message: str
    char: int | None = None

    def render(self, path: str, severity: str = "error") -> str:
        where = path if self.row is None else f"{path}:{self.row}"
        column = f" (column {self.column})" if self.column else ""
        return f"{where}: {severity} {self.code}: {self.message}{column}"


class InputFileError(Exception):
    """An input file that cannot be used; every problem found, up to :data:`MAX_PROBLEMS`."""

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
    field (for messages); mixed into the roster and the deals file."""

    __slots__ = ()
    _row: Callable[[int], int | None]
    _column: Callable[[str], str]

    def row(self, index: int) -> int | None:
        return self._row(index)

    def column(self, name: str) -> str:
        return self._column(name)


class Problems:
    """Problems of one file, capped at :data:`MAX_PROBLEMS` (the rest are counted);
    ``error`` is what :meth:`check` raises (a roster's, or a deals file's)."""

    def __init__(self, path: str, error: type[InputFileError] = InputFileError) -> None:
        self.path = path
        self.error = error
        self.found: list[RowProblem] = []
        self.omitted = 0

    def add(self, row: int | None, column: str | None, code: str, message: str) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(RowProblem(row, column, code, message))
        else:
            self.omitted += 1

    def check(self) -> None:
        """Raise :attr:`error` with the problems, if any."""
        if self.found:
            raise self.error(self.path, self.found, self.omitted)
