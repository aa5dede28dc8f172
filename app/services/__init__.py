"""Orchestration: the engine, the repository, and the one place that owns transactions.

Services take plain values (engine types, :mod:`.inputs`, :class:`SchemeDocument`) and
return views or :class:`Reply` documents; they know nothing of HTTP requests.  Every write
happens inside :func:`app.services.transactions.write` (one session, one transaction,
committed when the block ends, rolled back on any error), together with its audit event and,
for an idempotent request, its stored reply; reads use ``transactions.read``.  Routes never
see a session, and the repository (``app.db.repository``) never commits.  Errors are raised
with stable codes (:class:`NotFound`, :class:`Conflict`, :class:`Invalid`); ``app.api.errors``
maps them to HTTP statuses.
"""

from __future__ import annotations

from app.db.session import Database

from .errors import (
    Conflict,
    ErrorItem,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    ServiceError,
    Unauthenticated,
    Unavailable,
    input_error_items,
    scheme_error_items,
)
from .idempotency import Once, Reply
from .inputs import EffectiveOn, PayrollInputs, RunTarget, SchemeRef, VersionRef
from .payroll import calculate_in_memory, calculate_payroll
from .runs import (
    PeriodView,
    approve_run,
    create_run,
    discard_run,
    export_run_csv,
    get_payslip,
    get_period,
    get_run,
    list_runs,
    recompute_run,
)
from .schemes import (
    add_version,
    create_scheme,
    effective_version,
    get_scheme,
    get_version,
    list_schemes,
    publish_version,
    replace_draft,
    validation_report,
    version_diff,
)
from .types import (
    Page,
    PayslipView,
    RunView,
    SchemeDocument,
    SchemeView,
    VersionSummary,
    VersionView,
)

__all__ = [
    "Conflict",
    "Database",
    "EffectiveOn",
    "ErrorItem",
    "Forbidden",
    "Invalid",
    "NotFound",
    "Once",
    "Page",
    "PayrollInputs",
    "PayslipView",
    "PeriodView",
    "PreconditionFailed",
    "PreconditionRequired",
    "RateLimited",
    "Reply",
    "RunTarget",
    "RunView",
    "SchemeDocument",
    "SchemeRef",
    "SchemeView",
    "ServiceError",
    "Unauthenticated",
    "Unavailable",
    "VersionRef",
    "VersionSummary",
    "VersionView",
    "add_version",
    "approve_run",
    "calculate_in_memory",
    "calculate_payroll",
    "create_run",
    "create_scheme",
    "discard_run",
    "effective_version",
    "export_run_csv",
    "get_payslip",
    "get_period",
    "get_run",
    "get_scheme",
    "get_version",
    "input_error_items",
    "list_runs",
    "list_schemes",
    "publish_version",
    "recompute_run",
    "replace_draft",
    "scheme_error_items",
    "validation_report",
    "version_diff",
]
