"""File formats around the engine: scheme documents, rosters, reports and payroll output.

The engine takes plain values; this package turns files into those values (with the
line and column of every value, so findings point into the file) and results back
into text, JSON or CSV.  The CLI and the HTTP API both use it.  Rosters and deals files
report every problem with its file, row and column.

``read/`` reads files, numbers, CSV and documents with positions; ``roster/`` and ``deals/``
load the two input files on it; ``output/`` writes payroll results (text, JSON, CSV, the
terminal); ``schemes/`` validates scheme files and reports on them.
"""

from .deals.load import deals_error, load_deals
from .deals.model import DealsError, DealsFile
from .output.payrollcsv import payroll_csv
from .output.payrolljson import payroll_json
from .output.text import explain_text, payroll_table
from .read.documents import Document, DocumentError, load_document, parse_document
from .read.files import atomic_write
from .read.positions import Position, Positions, locate
from .read.problems import InputFileError, RowProblem
from .roster.load import Roster, RosterError, load_roster, roster_error
from .schemes.validation import (
    FileReport,
    LoadedScheme,
    SchemeFileError,
    load_scheme,
    validate_file,
)

__all__ = [
    "DealsError",
    "DealsFile",
    "Document",
    "DocumentError",
    "FileReport",
    "InputFileError",
    "LoadedScheme",
    "Position",
    "Positions",
    "Roster",
    "RosterError",
    "RowProblem",
    "SchemeFileError",
    "atomic_write",
    "deals_error",
    "explain_text",
    "load_deals",
    "load_document",
    "load_roster",
    "load_scheme",
    "locate",
    "parse_document",
    "payroll_csv",
    "payroll_json",
    "payroll_table",
    "roster_error",
    "validate_file",
]
