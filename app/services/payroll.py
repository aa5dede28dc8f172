"""Payroll: what-if calculations, and finding the scheme version a payroll is computed with."""

from __future__ import annotations

from typing import Any

from app.db.models import VERSION_PUBLISHED, SchemeVersion
from app.db.repository import Repository
from app.db.session import Database
from app.engine import InputError, Payroll, Scheme, SchemeError, calculate
from app.io.output.payrolljson import render

from .cache import SCHEMES, PublishedVersion
from .errors import (
    MAX_ERRORS,
    ErrorItem,
    Invalid,
    NotFound,
    input_error_items,
    scheme_error_items,
)
from .inputs import PayrollInputs, SchemeRef, VersionRef
from .policy import checked_scheme
from .schemes import parse, reachable, scheme_or_404, version_or_404
from .transactions import read
from .types import SchemeDocument

__all__ = ["calculate_in_memory", "calculate_payroll", "compute", "find_version"]

#: Where a what-if payroll's scheme comes from: the document inline, or a stored version.
SchemeSource = dict[str, Any] | SchemeRef


def _known(db: Database, ref: SchemeRef) -> PublishedVersion | None:
    """``ref``'s version when it names a published version this process has read.

    The memory of versions knows every scheme: the caller's reach is checked first."""
    reachable(ref.key)
    return SCHEMES.published(db, ref.key, ref.version) if isinstance(ref, VersionRef) else None


def _resolve(repo: Repository, ref: SchemeRef) -> SchemeVersion:
    if isinstance(ref, VersionRef):
        return version_or_404(repo, ref.key, ref.version)
    version = repo.effective_version(scheme_or_404(repo, ref.key), ref.on)
    if version is None:
        raise NotFound(
            "NO_EFFECTIVE_VERSION", f"no published version of {ref.key!r} is in effect on {ref.on}"
        )
    return version


def find_version(db: Database, ref: SchemeRef, published: bool = False) -> PublishedVersion:
    """The version ``ref`` names, from memory when this process has read it published;
    with ``published``, a draft is refused (422 VERSION_NOT_PUBLISHED)."""
    known = _known(db, ref)
    if known is not None:
        return known
    with read(db) as repo:
        version = _resolve(repo, ref)
        if published and version.status != VERSION_PUBLISHED:
            number = version.number
            detail = f"{ref.key} version {number} is a draft; publish it before a payroll run"
            item = ErrorItem(detail, pointer="/scheme", code="VERSION_NOT_PUBLISHED")
            raise Invalid("VERSION_NOT_PUBLISHED", detail, [item])
        return SCHEMES.version(
            db, ref.key, version, lambda scheme: checked_scheme(repo, version, scheme)
        )


def compute(
    scheme: Scheme,
    inputs: PayrollInputs,
    scheme_prefix: str | None,
    checked: Scheme | None = None,
) -> Payroll:
    """The payroll of ``inputs`` under ``scheme``; its findings under ``checked`` (the scheme
    under its organisation policy) when given."""
    try:
        return calculate(scheme, inputs.period, inputs.roster, inputs.deals, checked=checked)
    except SchemeError as exc:
        items = scheme_error_items(exc, scheme_prefix)
        raise Invalid("INVALID_SCHEME", "the scheme's rules cannot be applied", items) from None
    except InputError as exc:
        if inputs.report is not None:
            raise inputs.report(exc) from None
        items, count = input_error_items(exc, MAX_ERRORS), len(exc.problems)
        detail = f"the payroll input has {count} problem(s): {items[0].detail}"
        raise Invalid("INVALID_INPUT", detail, items, {"error_count": count}) from None


# --- what-if -------------------------------------------------------------------------------


def calculate_in_memory(db: Database, source: SchemeSource, inputs: PayrollInputs) -> str | None:
    """:func:`calculate_payroll` when it reads nothing from the database (the scheme inline,
    or a published version this process has read); None when it would."""
    if isinstance(source, dict):
        scheme = parse(SchemeDocument.inline(source), "/scheme")
        return render(compute(scheme, inputs, "/scheme")).text()
    known = _known(db, source)
    if known is None:
        return None
    return render(compute(known.scheme, inputs, None, known.checked)).text()


def calculate_payroll(db: Database, source: SchemeSource, inputs: PayrollInputs) -> str:
    """A what-if payroll as JSON text; nothing is stored."""
    text = calculate_in_memory(db, source, inputs)
    if text is not None:
        return text
    assert not isinstance(source, dict)
    version = find_version(db, source)
    return render(compute(version.scheme, inputs, None, version.checked)).text()
