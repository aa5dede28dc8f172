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
from app.io.output.progress import NO_PROGRESS, Steps
from app.io.read.documents import document_format
from app.io.read.problems import RowProblem
from app.io.read.records import engine_problems, load_records

from .from_csv import parse_csv_roster
from .from_json import parse_json_roster
from .model import COLUMNS, REQUIRED_COLUMNS, Roster, RosterError

__all__ = [
    "COLUMNS",
    "PERIOD_CODES",
    "REQUIRED_COLUMNS",
    "Roster",
    "RosterError",
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
    return load_records(
        path, max_bytes, setting, progress, RosterError, parse_csv_roster, parse_json_roster
    )


def roster_error(roster: Roster, exc: InputError) -> RosterError:
    """The engine's roster problems (by list index) as problems of the file (by row).

    Problems of the deals (``source="deals"``) and of the period as a whole
    (:data:`PERIOD_CODES`) are left out: they belong to other inputs.
    """
    ids = [employee.id for employee in roster.employees]
    problems = engine_problems(
        roster, roster.path, ids, exc, "roster", "DUPLICATE_EMPLOYEE", PERIOD_CODES
    )
    return RosterError(roster.path, problems.found, problems.omitted)
