"""What a roster is: its columns, the employees read, and the error of a roster that cannot be
used."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from app.engine import BALANCE_KINDS, Employee, Measure
from app.io.read.problems import InputFileError, RowsOf

__all__ = ["BALANCES", "COLUMNS", "MEASURES", "REQUIRED_COLUMNS", "Roster", "RosterError"]

MEASURES: Final = tuple(m.value for m in Measure)
REQUIRED_COLUMNS: Final = ("id", "department", "role")
BALANCES: Final = tuple(f"balance_{kind}" for kind in sorted(BALANCE_KINDS))
COLUMNS: Final = (
    "id", "name", "department", "role", "start_date", "end_date", "fte", "unpaid_days",
    "jurisdiction", *MEASURES, *BALANCES,
)  # fmt: skip


class RosterError(InputFileError):
    """A roster that cannot be used; every problem found, up to
    :data:`~app.io.read.problems.MAX_PROBLEMS`."""


@dataclass(frozen=True, slots=True)
class Roster(RowsOf):
    """Employees read from ``path``, and the file row of each (for messages)."""

    path: str
    employees: list[Employee]
    _row: Callable[[int], int | None] = field(repr=False)
    _column: Callable[[str], str] = field(repr=False, default=str)
