"""Rosters: who is paid, from a CSV or JSON file, every problem reported with its row.

CSV columns (header names, any order): ``id,name,department,role,start_date,end_date,
fte,unpaid_days,new_revenue,repeat_revenue,growth_revenue,balance_clawback,balance_draw``;
only ``id``, ``department`` and ``role`` are required.  An empty measure cell means "not
credited" (the engine then says which measures a role needs), ``0`` means credited with
nothing.  The balances are what an employee owes from earlier periods (an unrecovered
clawback, an advanced draw), as the previous payslip reported them.
"""

from __future__ import annotations

import os

from app.engine import InputError

from .documents import document_format
from .files import FileProblem, decode_utf8, read_limited
from .progress import NO_PROGRESS, Steps
from .rostercsv import parse_csv_roster
from .rosterjson import parse_json_roster
from .rostermodel import (
    COLUMNS,
    MAX_PROBLEMS,
    REQUIRED_COLUMNS,
    Problems,
    Roster,
    RosterError,
    RowProblem,
)

__all__ = [
    "COLUMNS",
    "MAX_PROBLEMS",
    "PERIOD_CODES",
    "REQUIRED_COLUMNS",
    "Roster",
    "RosterError",
    "RowProblem",
    "load_roster",
    "parse_csv_roster",
    "parse_json_roster",
    "roster_error",
]

_FORMATS = "expected a .csv or .json roster"

#: Problems of the period itself rather than of any roster row.
PERIOD_CODES = frozenset({"PERIOD_NOT_EFFECTIVE", "NO_WORKING_DAYS"})


def load_roster(
    path: str | os.PathLike[str],
    *,
    max_bytes: int,
    setting: str = "",
    progress: Steps = NO_PROGRESS,
) -> Roster:
    """Read a ``.csv`` or ``.json`` roster of at most ``max_bytes`` bytes.

    ``progress`` gets a step "Reading <file>" counting its rows.
    """
    name = os.fspath(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix != ".csv" and document_format(name) != "json":
        raise RosterError(name, [RowProblem(None, None, "UNSUPPORTED_FORMAT", _FORMATS)])
    try:
        raw = read_limited(path, max_bytes, setting)
        text = decode_utf8(raw)
    except FileProblem as exc:
        raise RosterError(name, [RowProblem(exc.line, None, exc.code, exc.message)]) from None
    if suffix == ".csv":
        update = progress.step(f"Reading {name}", max(text.count("\n") - 1, 0))
        return parse_csv_roster(text, name, update)
    return parse_json_roster(text, name, progress)


def roster_error(roster: Roster, exc: InputError) -> RosterError:
    """The engine's roster problems (by list index) as problems of the file (by row).

    Problems of the deals (``source="deals"``) and of the period as a whole
    (:data:`PERIOD_CODES`) are left out: they belong to other inputs.
    """
    problems = Problems(roster.path)
    first: dict[str, int] = {}
    for index, emp in enumerate(roster.employees):
        first.setdefault(emp.id, index)
    for problem in exc.problems:
        if problem.source != "roster" or problem.code in PERIOD_CODES:
            continue
        row = roster.row(problem.index) if problem.index is not None else None
        message = problem.message
        if problem.code == "DUPLICATE_EMPLOYEE" and problem.index is not None:
            emp_id = roster.employees[problem.index].id
            first_row = roster.row(first[emp_id])
            if first_row is not None:
                message += f" (first at line {first_row})"
        column = None if problem.field is None else roster.column(str(problem.field))
        problems.add(row, column, problem.code, message)
    return RosterError(roster.path, problems.found, problems.omitted)
