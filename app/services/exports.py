"""A stored run as a file for a spreadsheet or for 1C: the CSV in a dialect, the workbook, the
1C import layout of either (the writers of :mod:`app.io.output`, the CLI's own).

Every export is written from what the run stored (its envelope and payslip documents, or a
correction's differences); the 1C layout reads the accrual type codes of the run's scheme
version (``exports.onec``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from app.db.session import Database
from app.engine.calendar import Period
from app.engine.scheme import Exports
from app.io.output.csvcells import DIALECTS
from app.io.output.onec import accrual_rows, correction_rows, onec_csv
from app.io.output.payrollcsv import differences_csv, payslips_csv
from app.io.output.xlsx import differences_xlsx, onec_xlsx, payroll_xlsx

from . import reach
from .cache import scheme_of
from .errors import NotFound
from .transactions import read

__all__ = ["ExportOptions", "export_run"]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What file: ``csv`` or ``xlsx``, the ``lines`` or the ``1c`` layout, the CSV dialect
    (a name of :data:`app.io.output.csvcells.DIALECTS`) and the headers' language."""

    format: Literal["csv", "xlsx"]
    layout: Literal["lines", "1c"] = "lines"
    dialect: str = "rfc4180"
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class _Stored:
    envelope: dict[str, Any]
    payslips: list[dict[str, Any]]
    differences: list[dict[str, Any]] | None
    exports: Exports


def _stored(db: Database, run_id: uuid.UUID) -> _Stored:
    with read(db) as repo:
        row = repo.run(run_id)
        if row is None or not reach.current().covers(row.scheme_key):
            raise NotFound("RUN_NOT_FOUND", f"there is no payroll run {run_id}")
        changes = None if row.run.differences is None else json.loads(row.run.differences)
        documents = [] if changes is not None else repo.payslip_documents(run_id)
        version = repo.version_by_id(row.run.scheme_version_id)
        assert version is not None  # a run keeps its version (a foreign key)
        exports = scheme_of(version).exports
        envelope = json.loads(row.run.envelope)
    return _Stored(envelope, [json.loads(d) for d in documents], changes, exports)


def export_run(db: Database, run_id: uuid.UUID, options: ExportOptions) -> str | bytes:
    """The run as ``options`` say: CSV text or the bytes of a workbook. Of a correction, its
    differences (the 1C rows: what to pay or recover on top of the approved run)."""
    stored = _stored(db, run_id)
    dialect = DIALECTS[options.dialect]
    if options.layout == "1c":
        period = Period.parse(stored.envelope["period"])
        if stored.differences is not None:
            rows = correction_rows(stored.differences, period, stored.exports)
        else:
            rows = accrual_rows(stored.payslips, period, stored.exports)
        if options.format == "xlsx":
            return onec_xlsx(rows, stored.envelope["minor_units"], options.lang)
        return onec_csv(rows, options.lang, dialect)
    if options.format == "xlsx":
        if stored.differences is not None:
            return differences_xlsx(stored.envelope, stored.differences, options.lang)
        return payroll_xlsx(stored.envelope, stored.payslips, options.lang)
    if stored.differences is not None:
        return differences_csv(stored.differences, dialect)
    return payslips_csv(stored.payslips, dialect)
