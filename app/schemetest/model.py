"""What a scheme test file holds: cases, each an input and what its payroll must show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from app.engine import Deal, Employee, Period, Scheme

__all__ = [
    "Amounts",
    "Case",
    "CodeSet",
    "EmployeeExpect",
    "Located",
    "TestFile",
    "TestFileError",
    "TestProblem",
]


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Located(Generic[T]):
    """A value and the line of the test file it was written on."""

    value: T
    line: int | None


#: One expected amount, or the exact list of amounts of the lines with a code.
Amounts = Located[Decimal] | Located[tuple[Decimal, ...]]


@dataclass(frozen=True, slots=True)
class CodeSet:
    """Expected codes: ``exact`` (the whole set), or ``include`` / ``exclude`` subsets."""

    exact: frozenset[str] | None = None
    include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    line: int | None = None


@dataclass(frozen=True, slots=True)
class EmployeeExpect:
    """What one employee's payslip must show (only what is written is checked)."""

    employee_id: str
    line: int | None
    gross: Located[Decimal] | None = None
    lines: dict[str, Amounts] = field(default_factory=dict)
    balances: dict[str, Located[Decimal]] = field(default_factory=dict)
    credited: dict[str, Located[Decimal]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    line: int | None
    scheme: Scheme
    scheme_path: str
    period: Period
    roster: tuple[Employee, ...]
    roster_lines: tuple[int | None, ...]
    deals: tuple[Deal, ...] = ()
    deal_lines: tuple[int | None, ...] = ()
    expect: tuple[EmployeeExpect, ...] = ()
    findings: CodeSet | None = None
    error: CodeSet | None = None


@dataclass(frozen=True, slots=True)
class TestFile:
    __test__ = False  # not a pytest test class

    path: str
    cases: tuple[Case, ...]


@dataclass(frozen=True, slots=True)
class TestProblem:
    """A problem of a test file (or of the scheme it names), at a line and column."""

    __test__ = False  # not a pytest test class

    path: str
    line: int | None
    column: int | None
    code: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def render(self) -> str:
        where = ":".join([self.path, *(str(n) for n in (self.line, self.column) if n)])
        return f"{where}: {self.severity} {self.code}: {self.message}"


class TestFileError(Exception):
    """A test file that cannot be run: every problem found in it."""

    __test__ = False  # not a pytest test class

    def __init__(self, path: str, problems: Sequence[TestProblem]) -> None:
        self.path = path
        self.problems = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))
