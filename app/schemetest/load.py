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
from collections.abc import Callable
from typing import Any, Final, TypeVar

from app.engine import Deal, Employee, Finding, Path, Period
from app.io.deals.from_json import deal_from_json
from app.io.read.documents import DocumentError, load_document
from app.io.read.positions import Positions
from app.io.roster.from_json import Report, employee_from_json
from app.io.schemes.validation import LoadedScheme, SchemeFileError, load_scheme

from .collect import CollectError, collect_test_files
from .model import Case, TestFile, TestFileError
from .model import TestProblem as Problem
from .values import LINE_CODES, ValueReader

__all__ = ["LINE_CODES", "CollectError", "SchemeCache", "collect_test_files", "load_test_file"]

_FILE_KEYS: Final = ("scheme", "description", "cases")
_CASE_KEYS: Final = (
    "name", "description", "scheme", "period", "roster", "deals", "expect", "findings", "error",
)  # fmt: skip

T = TypeVar("T")

#: Loaded schemes by path, shared by the files of one run.
SchemeCache = dict[str, LoadedScheme | list[Problem]]


class _Reader(ValueReader):
    """Builds cases from the decoded document, collecting every problem."""

    def __init__(
        self, path: str, positions: Positions, max_bytes: int, schemes: SchemeCache
    ) -> None:
        super().__init__(path, positions)
        self.max_bytes = max_bytes
        self.schemes = schemes

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

    def roster(self, value: object, at: Path) -> tuple[list[Employee], list[int | None]]:
        return self._records(self._items(value, at, "roster", empty=False), at, employee_from_json)

    def deals(self, value: object, at: Path) -> tuple[list[Deal], list[int | None]]:
        return self._records(self._items(value, at, "deals", empty=True), at, deal_from_json)

    def _records(
        self, items: list[Any], at: Path, parse: Callable[[object, Report], T | None]
    ) -> tuple[list[T], list[int | None]]:
        """Each item read by ``parse`` (the JSON roster's or deals file's), and its line."""
        records: list[T] = []
        lines: list[int | None] = []
        for index, item in enumerate(items):
            record = parse(item, self.reporter((*at, index)))
            if record is not None:
                records.append(record)
                lines.append(self.line((*at, index)))
        return records, lines


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
