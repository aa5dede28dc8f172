"""Reading scheme test files: YAML to cases, every problem at its line and column.

A test file is refused as a whole (the runner exits 2) when it cannot be read, is not the
shape below, or names a scheme that cannot be loaded; a case whose payroll differs from
its expectations is a *failure*, reported by the runner.

```yaml
scheme: ../acme.yaml            # relative to this file
cases:
  - name: rep above quota
    period: 2027-03
    roster: [{id: E-17, department: sales, role: rep, credited: {new_revenue: 820000}}]
    deals: []                   # optional, as in a JSON deals file
    expect:
      E-17: {gross: "194000.00", lines: {commission: "134000.00"}, balances: {draw: 0}}
    findings: {include: [STRUCTURE]}   # or a list: exactly these codes
    # error: SHARES_SUM         # the input must be refused with these codes
```
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from app.engine import Deal, Employee, Finding, Measure, Period, to_decimal
from app.engine.findings import Path
from app.engine.payroll import BALANCE_KINDS
from app.io.deals import deal_from_json
from app.io.documents import DocumentError, load_document
from app.io.positions import Positions
from app.io.rosterjson import employee_from_json
from app.io.validation import LoadedScheme, SchemeFileError, load_scheme

from .model import Amounts, Case, CodeSet, EmployeeExpect, Located, TestFile, TestFileError
from .model import TestProblem as Problem

__all__ = ["LINE_CODES", "CollectError", "SchemeCache", "collect_test_files", "load_test_file"]

#: Line codes the engine writes on a payslip; an expectation on any other is a typo.
LINE_CODES: Final = frozenset(
    {"base", "commission", "override", "bonus", "clawback", "draw", "draw_recovery"}
)
TEST_SUFFIXES: Final = (".test.yaml", ".test.yml")

_FILE_KEYS: Final = ("scheme", "description", "cases")
_CASE_KEYS: Final = (
    "name", "description", "scheme", "period", "roster", "deals", "expect", "findings", "error",
)  # fmt: skip
_EXPECT_KEYS: Final = ("gross", "lines", "balances", "credited")
_CODE_RE: Final = re.compile(r"[A-Z][A-Z0-9_]*")
_COLUMN_PART: Final = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

#: Loaded schemes by path, shared by the files of one run.
SchemeCache = dict[str, LoadedScheme | list[Problem]]


class CollectError(Exception):
    """A path on the command line that names no test file."""


def collect_test_files(paths: list[str]) -> list[str]:
    """Files named in ``paths``; a directory stands for every ``*.test.yaml`` (``.yml``)
    file under it, sorted, hidden files and directories skipped.

    Only files named ``*.test.yaml`` are collected from a directory so that tests can
    sit next to the scheme files they test.
    """
    found: list[str] = []
    for given in paths:
        if not os.path.isdir(given):
            found.append(given)
            continue
        under: list[str] = []
        for root, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            under.extend(
                os.path.join(root, name)
                for name in files
                if not name.startswith(".") and name.lower().endswith(TEST_SUFFIXES)
            )
        if not under:
            raise CollectError(f"{given}: no *.test.yaml or *.test.yml files in this directory")
        found.extend(sorted(under))
    return found


def _column_path(column: str | None) -> Path:
    """``credit[1].share`` → ``("credit", 1, "share")``."""
    if column is None:
        return ()
    return tuple(name if name else int(index) for name, index in _COLUMN_PART.findall(column))


class _Reader:
    """Builds cases from the decoded document, collecting every problem."""

    def __init__(
        self, path: str, positions: Positions, max_bytes: int, schemes: SchemeCache
    ) -> None:
        self.path = path
        self.positions = positions
        self.max_bytes = max_bytes
        self.schemes = schemes
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

    # --- the file ----------------------------------------------------------------------

    def scheme(self, value: object, at: Path) -> LoadedScheme | None:
        relative = self.text(value, at, "scheme")
        if relative is None:
            return None
        target = os.path.normpath(os.path.join(os.path.dirname(self.path), relative))
        if target not in self.schemes:
            self.schemes[target] = _load_scheme(target, self.max_bytes)
        loaded = self.schemes[target]
        if isinstance(loaded, list):
            self.add(
                at,
                "SCHEME_INVALID",
                f"the scheme {relative} cannot be used; its problems are listed below",
            )
            self.problems.extend(loaded)
            return None
        return loaded

    def test_file(self, data: object) -> TestFile:
        if data is None:
            raise TestFileError(
                self.path, [Problem(self.path, 1, 1, "EMPTY_FILE", "the test file is empty")]
            )
        top = self.mapping(data, (), _FILE_KEYS, "a test file")
        for key in ("scheme", "cases"):
            if isinstance(data, dict) and key not in top:
                self.add((), "MISSING_KEY", f"required key {key!r} is missing")
        if "description" in top:
            self.text(top["description"], ("description",), "description")
        default = self.scheme(top["scheme"], ("scheme",)) if "scheme" in top else None
        cases_value = top.get("cases")
        cases: list[Case] = []
        if "cases" in top and (not isinstance(cases_value, list) or not cases_value):
            self.add(("cases",), "INVALID_TYPE", "cases must be a non-empty list of cases")
        elif isinstance(cases_value, list):
            names: dict[str, int | None] = {}
            for index, item in enumerate(cases_value):
                at = ("cases", index)
                name = item.get("name") if isinstance(item, dict) else None
                if isinstance(name, str) and name.strip() in names:
                    self.add(
                        (*at, "name"),
                        "DUPLICATE_CASE",
                        f"case {name.strip()!r} appears twice (first at line "
                        f"{names[name.strip()]})",
                    )
                elif isinstance(name, str):
                    names[name.strip()] = self.line(at)
                case = self.case(item, at, default)
                if case is not None:
                    cases.append(case)
        if self.problems:
            raise TestFileError(self.path, self.problems)
        return TestFile(self.path, tuple(cases))

    # --- a case ------------------------------------------------------------------------

    def case(self, value: object, at: Path, default: LoadedScheme | None) -> Case | None:
        before = len(self.problems)
        item = self.mapping(value, at, _CASE_KEYS, "a case")
        if not isinstance(value, dict):
            return None
        for key in ("name", "period", "roster"):
            if key not in item:
                self.add(at, "MISSING_KEY", f"required key {key!r} is missing in a case")
        if not any(key in item for key in ("expect", "findings", "error")):
            self.add(at, "NOTHING_EXPECTED", "a case needs expect, findings or error")
        if "error" in item and ("expect" in item or "findings" in item):
            self.add(
                (*at, "error"),
                "INVALID_VALUE",
                "error means the input is refused: there is no payroll to expect or find "
                "anything in",
                key=True,
            )
        name = self.text(item["name"], (*at, "name"), "name") if "name" in item else None
        if "description" in item:
            self.text(item["description"], (*at, "description"), "description")
        loaded = self.scheme(item["scheme"], (*at, "scheme")) if "scheme" in item else default
        period = self.period(item.get("period"), (*at, "period")) if "period" in item else None
        roster, roster_lines = self.roster(item.get("roster"), (*at, "roster"))
        deals, deal_lines = self.deals(item.get("deals"), (*at, "deals"))
        ids = {
            str(entry["id"]).strip()
            for entry in item.get("roster") or []
            if isinstance(entry, dict) and isinstance(entry.get("id"), (str, int))
        }
        expect = self.expectations(item.get("expect"), (*at, "expect"), ids)
        findings = (
            self.codes(item["findings"], (*at, "findings"), "findings")
            if ("findings" in item)
            else None
        )
        error = self.codes(item["error"], (*at, "error"), "error") if "error" in item else None
        if len(self.problems) > before or name is None or loaded is None or period is None:
            return None
        return Case(
            name=name,
            line=self.line(at),
            scheme=loaded.scheme,
            scheme_path=loaded.path,
            period=period,
            roster=tuple(roster),
            roster_lines=tuple(roster_lines),
            deals=tuple(deals),
            deal_lines=tuple(deal_lines),
            expect=tuple(expect),
            findings=findings,
            error=error,
        )

    def period(self, value: object, at: Path) -> Period | None:
        if not isinstance(value, str):
            self.add(at, "INVALID_VALUE", f"period {value!r} must be written YYYY-MM")
            return None
        try:
            return Period.parse(value)
        except ValueError as exc:
            self.add(at, "INVALID_VALUE", str(exc))
            return None

    def _items(self, value: object, at: Path, what: str, *, empty: bool) -> list[Any]:
        if value is None and empty:
            return []
        if not isinstance(value, list) or (not value and not empty):
            self.add(at, "INVALID_TYPE", f"{what} must be a {'' if empty else 'non-empty '}list")
            return []
        return value

    def _reporter(self, at: Path) -> Callable[[str | None, str, str], None]:
        def report(column: str | None, code: str, message: str) -> None:
            self.add((*at, *_column_path(column)), code, message, key=code == "UNKNOWN_KEY")

        return report

    def roster(self, value: object, at: Path) -> tuple[list[Employee], list[int | None]]:
        employees: list[Employee] = []
        lines: list[int | None] = []
        for index, item in enumerate(self._items(value, at, "roster", empty=False)):
            employee = employee_from_json(item, self._reporter((*at, index)))
            if employee is not None:
                employees.append(employee)
                lines.append(self.line((*at, index)))
        return employees, lines

    def deals(self, value: object, at: Path) -> tuple[list[Deal], list[int | None]]:
        deals: list[Deal] = []
        lines: list[int | None] = []
        for index, item in enumerate(self._items(value, at, "deals", empty=True)):
            deal = deal_from_json(item, self._reporter((*at, index)))
            if deal is not None:
                deals.append(deal)
                lines.append(self.line((*at, index)))
        return deals, lines

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


def _load_scheme(path: str, max_bytes: int) -> LoadedScheme | list[Problem]:
    try:
        return load_scheme(path, max_bytes=max_bytes)
    except DocumentError as exc:
        return [Problem(exc.path, exc.line, exc.column, exc.code, exc.message)]
    except SchemeFileError as exc:
        return [_finding_problem(exc.path, f) for f in exc.findings]


def _finding_problem(path: str, finding: Finding) -> Problem:
    at = "" if not finding.path else f" (at {finding.json_path})"
    return Problem(path, finding.line, finding.column, finding.code, finding.message + at)


def load_test_file(path: str, *, max_bytes: int, schemes: SchemeCache | None = None) -> TestFile:
    """Read one test file and the scheme(s) it names; :class:`TestFileError` lists every
    problem (of the file, or of a scheme it names) at its line and column."""
    try:
        document = load_document(path, max_bytes=max_bytes)
    except DocumentError as exc:
        raise TestFileError(
            path, [Problem(exc.path, exc.line, exc.column, exc.code, exc.message)]
        ) from None
    reader = _Reader(path, document.positions, max_bytes, {} if schemes is None else schemes)
    return reader.test_file(document.data)
