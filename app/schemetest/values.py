"""Reading the values of a scheme test file: each checked, every problem at its line and
column; the expectations of a case (amounts per employee) are built here."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from app.engine import BALANCE_KINDS, LINE_CODES, Measure, Path, to_decimal
from app.io.read.positions import Positions

from .model import Amounts, CodeSet, EmployeeExpect, Located
from .model import TestProblem as Problem

__all__ = ["LINE_CODES", "ValueReader"]
_EXPECT_KEYS: Final = ("gross", "lines", "balances", "credited")
_CODE_RE: Final = re.compile(r"[A-Z][A-Z0-9_]*")
_COLUMN_PART: Final = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _column_path(column: str | None) -> Path:
    """``credit[1].share`` → ``("credit", 1, "share")``."""
    if column is None:
        return ()
    return tuple(name if name else int(index) for name, index in _COLUMN_PART.findall(column))


class ValueReader:
    """Reads values of the decoded document of ``path``, collecting every problem."""

    def __init__(self, path: str, positions: Positions) -> None:
        self.path = path
        self.positions = positions
        self.problems: list[Problem] = []

    # --- positions and problems --------------------------------------------------------

    def line(self, at: Path) -> int | None:
        found = self.positions.find(at)
        return None if found is None else found[0]

    def add(self, at: Path, code: str, message: str, *, key: bool = False) -> None:
        found = self.positions.find(at, key=key)
        line, column = (None, None) if found is None else found
        self.problems.append(Problem(self.path, line, column, code, message))

    def mapping(self, value: object, at: Path, keys: tuple[str, ...], what: str) -> dict[Any, Any]:
        if not isinstance(value, dict):
            self.add(at, "INVALID_TYPE", f"{what} must be a mapping")
            return {}
        for key in value:
            if key not in keys:
                self.add(
                    (*at, key),
                    "UNKNOWN_KEY",
                    f"unknown key {key!r} in {what}; the keys are {', '.join(keys)}",
                    key=True,
                )
        return value

    # --- values ------------------------------------------------------------------------

    def text(self, value: object, at: Path, what: str) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not value.strip():
            self.add(at, "INVALID_TYPE", f"{what} must be a non-empty text")
            return None
        return value.strip()

    def amount(self, value: object, at: Path, what: str) -> Located[Decimal] | None:
        try:
            if isinstance(value, str):
                value = value.replace(" ", "").replace("\u00a0", "")
            number = to_decimal(value)
        except ValueError as exc:
            self.add(at, "INVALID_NUMBER", f"{what}: {exc}")
            return None
        return Located(number, self.line(at))

    def codes(self, value: object, at: Path, what: str) -> CodeSet | None:
        """``CODE``, ``[CODE, ...]`` (exactly these) or ``{include: [...], exclude: [...]}``."""
        line = self.line(at)
        if isinstance(value, dict):
            given = self.mapping(value, at, ("include", "exclude"), what)
            include = self.code_list(given.get("include", []), (*at, "include"), what)
            exclude = self.code_list(given.get("exclude", []), (*at, "exclude"), what)
            if include is None or exclude is None:
                return None
            return CodeSet(None, include, exclude, line)
        exact = self.code_list(value, at, what)
        return None if exact is None else CodeSet(exact, line=line)

    def code_list(self, value: object, at: Path, what: str) -> frozenset[str] | None:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.add(at, "INVALID_TYPE", f"{what} must be a code, a list of codes or "
                     "{include: [...], exclude: [...]}")  # fmt: skip
            return None
        codes = set()
        ok = True
        for index, code in enumerate(items):
            where = at if isinstance(value, str) else (*at, index)
            if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
                self.add(where, "INVALID_VALUE", f"{code!r} is not a code (like SHARES_SUM)")
                ok = False
            else:
                codes.add(code)
        return frozenset(codes) if ok else None

    def reporter(self, at: Path) -> Callable[[str | None, str, str], None]:
        """A report of the roster or deals readers, for the record at ``at``."""

        def report(column: str | None, code: str, message: str) -> None:
            self.add((*at, *_column_path(column)), code, message, key=code == "UNKNOWN_KEY")

        return report

    # --- expectations ------------------------------------------------------------------

    def expectations(self, value: object, at: Path, ids: set[str]) -> list[EmployeeExpect]:
        if value is None:
            return []
        if not isinstance(value, dict):
            self.add(at, "INVALID_TYPE", "expect must be a mapping of employee id → expectations")
            return []
        found = []
        for key, entry in value.items():
            where = (*at, key)
            employee_id = str(key)
            if employee_id not in ids:
                self.add(
                    where,
                    "UNKNOWN_EMPLOYEE",
                    f"{employee_id!r} is not in the case's roster",
                    key=True,
                )
                continue
            expected = self.employee(employee_id, entry, where)
            if expected is not None:
                found.append(expected)
        return found

    def employee(self, employee_id: str, value: object, at: Path) -> EmployeeExpect | None:
        item = self.mapping(value, at, _EXPECT_KEYS, f"the expectations of {employee_id}")
        if isinstance(value, dict) and not item:
            self.add(at, "NOTHING_EXPECTED", f"nothing is expected of {employee_id}")
        gross = self.amount(item["gross"], (*at, "gross"), "gross") if "gross" in item else None
        lines: dict[str, Amounts] = {}
        for code, amount in self.named(item.get("lines"), (*at, "lines"), LINE_CODES).items():
            where = (*at, "lines", code)
            if isinstance(amount, list):
                parts = [self.amount(a, (*where, i), code) for i, a in enumerate(amount)]
                if all(p is not None for p in parts):
                    values = tuple(p.value for p in parts if p is not None)
                    lines[code] = Located(values, self.line(where))
            else:
                single = self.amount(amount, where, code)
                if single is not None:
                    lines[code] = single
        kinds = frozenset(BALANCE_KINDS)
        measures = frozenset(m.value for m in Measure)
        return EmployeeExpect(
            employee_id,
            self.line(at),
            gross,
            lines,
            self.amounts(item.get("balances"), (*at, "balances"), kinds),
            self.amounts(item.get("credited"), (*at, "credited"), measures),
        )

    def named(self, value: object, at: Path, names: frozenset[str]) -> Mapping[str, object]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(at, "INVALID_TYPE", "expected a mapping of name → amount")
            return {}
        known = {}
        for name, amount in value.items():
            if name not in names:
                self.add(
                    (*at, name),
                    "UNKNOWN_KEY",
                    f"{name!r} is not one of {', '.join(sorted(names))}",
                    key=True,
                )
            else:
                known[str(name)] = amount
        return known

    def amounts(
        self, value: object, at: Path, names: frozenset[str]
    ) -> dict[str, Located[Decimal]]:
        found = {}
        for name, amount in self.named(value, at, names).items():
            located = self.amount(amount, (*at, name), name)
            if located is not None:
                found[name] = located
        return found
