"""A payroll's roster, deals and balances as uploaded files, read by the command line's loaders.

An upload is what ``compcalc calculate --roster … --deals …`` reads, sent over HTTP: the same
bytes go through the same loaders (:func:`app.io.read.records.parse_records` and the roster's
and deals' CSV and JSON parsers), so a file the command line accepts is accepted here, with
the same ``,``/``;`` separators, decimal commas, byte-order mark and JSON ``{"employees": …}``
wrapper, and every problem is the one the command line reports, at its file, row and column.

The balances file is a roster (the one ``compcalc calculate --balances-out`` writes:
``id,department,role,balance_clawback,balance_draw``); each of its employees must be in the
roster, whose balances it gives (an empty cell: nothing owed, and nothing carried in from the
previous period either).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from app.engine import Deal, Employee, InputError, Period, Problem
from app.io.deals.load import deals_error, parse_csv_deals, parse_json_deals
from app.io.deals.model import DealsError, DealsFile
from app.io.output.progress import NO_PROGRESS
from app.io.read.problems import InputFileError, RowProblem
from app.io.read.records import parse_records
from app.io.roster.load import PERIOD_CODES, parse_csv_roster, parse_json_roster, roster_error
from app.io.roster.model import Roster, RosterError

from .errors import MAX_ERRORS, ErrorItem, Invalid
from .inputs import PayrollInputs

__all__ = ["FILES", "Limits", "Translate", "UploadedFile", "read_uploads"]

#: The files of an upload, by form field.
FILES: Final = ("roster", "deals", "balances")
#: A message in the request's language (``gettext`` of its catalog; the route picks it).
Translate = Callable[[str], str]
#: How many of the command line's lines a problem's ``detail`` quotes.
_QUOTED: Final = 3


def N_(message: str) -> str:
    """A message to extract, translated where it is used."""
    return message


_SUMMARY: Final = N_("the uploaded files have %(count)d problem(s)")
_UNKNOWN: Final = N_("employee %(id)r of the balances is not in the roster")
_TOO_MANY: Final = N_("%(count)s %(what)s; at most %(limit)s per request (%(setting)s)")


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One uploaded file: its form ``field``, the ``name`` it was sent with (the name the
    command line's messages would give its path), its bytes, and whether it is CSV."""

    field: str
    name: str
    data: bytes
    csv: bool


@dataclass(frozen=True, slots=True)
class Limits:
    """The most employees and deals of one request (``COMPCALC_MAX_EMPLOYEES``, ``…_DEALS``)."""

    employees: int
    deals: int


@dataclass(frozen=True, slots=True)
class _Files:
    """The files the inputs were read from, to report the engine's problems at their rows."""

    roster: Roster
    deals: DealsFile | None
    gettext: Translate
    #: The balances file, and the row index in it of each employee whose balances it gave.
    owed: Roster | None = None
    owed_at: Mapping[str, int] = dataclasses.field(default_factory=dict)

    def invalid(self, exc: InputError) -> Invalid:
        """The engine's problems of the inputs as problems of the files: the period's, then
        the roster's, the balances' and the deals' by row, as ``compcalc calculate`` lists
        them (a balance the balances file gave is at its row there)."""
        items = [
            ErrorItem(p.message, parameter="period", code=p.code)
            for p in exc.problems
            if p.source == "roster" and p.code in PERIOD_CODES
        ]
        lines = [f"period: error {item.code}: {item.detail}" for item in items]
        of_balances = [p for p in exc.problems if self._of_balances(p)]
        rest = InputError(p for p in exc.problems if not self._of_balances(p))
        errors: list[tuple[str, InputFileError]] = [("roster", roster_error(self.roster, rest))]
        if of_balances and self.owed is not None:
            owed = self.owed
            at = [self.owed_at[self.roster.employees[p.index or 0].id] for p in of_balances]
            found_owed = [
                RowProblem(owed.row(index), p.field, p.code, p.message)
                for index, p in zip(at, of_balances, strict=True)
            ]
            errors.append(("balances", RosterError(owed.path, found_owed)))
        found = None if self.deals is None else deals_error(self.deals, exc)
        if found is not None:
            errors.append(("deals", found))
        for field, error in errors:
            items += _items(field, error)
            lines += error.lines()
        return _invalid(items, lines, self.gettext)

    def _of_balances(self, problem: Problem) -> bool:
        """Whether ``problem`` is of a balance the balances file gave."""
        return (
            problem.source == "roster"
            and problem.index is not None
            and (problem.field or "").startswith("balance_")
            and self.roster.employees[problem.index].id in self.owed_at
        )


def read_uploads(
    period: Period,
    roster: UploadedFile,
    deals: UploadedFile | None,
    balances: UploadedFile | None,
    limits: Limits,
    gettext: Translate = str,
) -> PayrollInputs:
    """The payroll inputs of the uploaded files; every problem of every file (up to the
    loaders' caps) is one :class:`Invalid` (``INVALID_UPLOAD``), each at its file, row and
    column, and so are the engine's problems of them when the payroll is computed."""
    items: list[ErrorItem] = []
    lines: list[str] = []

    def read_roster(file: UploadedFile) -> Roster | None:
        try:
            return parse_records(
                file.data, file.name, file.csv, NO_PROGRESS, RosterError,
                parse_csv_roster, parse_json_roster,
            )  # fmt: skip
        except RosterError as exc:
            items.extend(_items(file.field, exc))
            lines.extend(exc.lines())
            return None

    def read_deals(file: UploadedFile) -> DealsFile | None:
        try:
            return parse_records(
                file.data, file.name, file.csv, NO_PROGRESS, DealsError,
                parse_csv_deals, parse_json_deals,
            )  # fmt: skip
        except DealsError as exc:
            items.extend(_items(file.field, exc))
            lines.extend(exc.lines())
            return None

    people = read_roster(roster)
    sold = None if deals is None else read_deals(deals)
    owed = None if balances is None else read_roster(balances)
    too_many = _too_many(people, sold, limits, gettext)
    items += too_many
    lines += [f"{item.file}: error {item.code}: {item.detail}" for item in too_many]
    employees: list[Employee] = [] if people is None else list(people.employees)
    sent = {e.id for e in employees if e.balances}
    if owed is not None and balances is not None:
        unknown = _merge_balances(employees, owed, sent, gettext)
        items += [_item(balances.field, p) for p in unknown]
        lines += [p.render(balances.name) for p in unknown]
    if items:
        raise _invalid(items, lines, gettext)
    assert people is not None
    found: list[Deal] = [] if sold is None else sold.deals
    owed_at = {} if owed is None else {e.id: i for i, e in enumerate(owed.employees)}
    files = _Files(dataclasses.replace(people, employees=employees), sold, gettext, owed, owed_at)
    return PayrollInputs(period, employees, found, frozenset(sent), files.invalid)


def _merge_balances(
    employees: list[Employee], owed: Roster, sent: set[str], gettext: Translate
) -> list[RowProblem]:
    """Give each roster employee the balances of the balances file (in place); the rows of
    employees the roster does not have."""
    where = {employee.id: index for index, employee in enumerate(employees)}
    unknown: list[RowProblem] = []
    for index, entry in enumerate(owed.employees):
        at = where.get(entry.id)
        if at is None:
            message = gettext(_UNKNOWN) % {"id": entry.id}
            unknown.append(RowProblem(owed.row(index), "id", "UNKNOWN_EMPLOYEE", message))
            continue
        employees[at] = dataclasses.replace(employees[at], balances=dict(entry.balances))
        sent.add(entry.id)
    return unknown


def _too_many(
    people: Roster | None, sold: DealsFile | None, limits: Limits, gettext: Translate
) -> list[ErrorItem]:
    """More employees or deals than one request may hold, at the file that has them."""
    counts = (
        ("roster", gettext("employees"), people and len(people.employees), limits.employees,
         "COMPCALC_MAX_EMPLOYEES"),
        ("deals", gettext("deals"), sold and len(sold.deals), limits.deals, "COMPCALC_MAX_DEALS"),
    )  # fmt: skip
    items = []
    for field, what, found, limit, setting in counts:
        count = found or 0
        if count > limit:
            values = {
                "count": f"{count:,}",
                "what": what,
                "limit": f"{limit:,}",
                "setting": setting,
            }
            items.append(ErrorItem(gettext(_TOO_MANY) % values, code="TOO_MANY_ITEMS", file=field))
    return items


def _item(field: str, problem: RowProblem) -> ErrorItem:
    column: int | str | None = problem.column if problem.char is None else problem.char
    return ErrorItem(problem.message, code=problem.code, file=field, row=problem.row, column=column)


def _items(field: str, error: InputFileError) -> list[ErrorItem]:
    return [_item(field, problem) for problem in error.problems]


def _invalid(items: Sequence[ErrorItem], lines: Sequence[str], gettext: Translate) -> Invalid:
    summary = gettext(_SUMMARY) % {"count": len(items)}
    detail = "; ".join([summary, *lines[:_QUOTED]])
    return Invalid("INVALID_UPLOAD", detail, list(items[:MAX_ERRORS]), {"error_count": len(items)})
