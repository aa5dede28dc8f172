"""What a plan change does to people, on a stored run's inputs: its roster, deals and period
computed under two versions of its scheme (:mod:`app.engine.plan.impact`); nothing is stored."""

from __future__ import annotations

import uuid
from typing import Any

from app.db.session import Database
from app.engine.plan.impact import ImpactError, comparable, compare_payrolls, roles_missing

from . import reach
from .cache import scheme_of
from .errors import ErrorItem, Invalid, NotFound
from .inputs import StoredInputs
from .payroll import compute
from .policy import checked_scheme
from .schemes import version_or_404
from .transactions import read

__all__ = ["version_impact"]


def _invalid(error: ImpactError, parameter: str) -> Invalid:
    return Invalid(
        error.code, str(error), [ErrorItem(str(error), parameter=parameter, code=error.code)]
    )


def version_impact(
    db: Database, key: str, old: int, new: int, run_id: uuid.UUID | None
) -> dict[str, Any]:
    """The impact of going from version ``old`` to ``new`` of scheme ``key`` on the inputs of
    run ``run_id`` (a run of that scheme): every amount as a string, as in a payroll.

    The versions are looked up first, so that a scheme out of the caller's reach is not found
    whether or not ``run_id`` is given."""
    with read(db) as repo:
        versions = [version_or_404(repo, key, number) for number in (old, new)]
        if run_id is None:
            detail = "the query parameter run is required: the stored run whose inputs are compared"
            raise Invalid(
                "RUN_REQUIRED", detail, [ErrorItem(detail, parameter="run", code="RUN_REQUIRED")]
            )
        row = repo.run(run_id)
        if row is None or not reach.current().covers(row.scheme_key):
            raise NotFound("RUN_NOT_FOUND", f"there is no payroll run {run_id}")
        if row.scheme_key != key:
            detail = (
                f"run {run_id} is a payroll of scheme {row.scheme_key!r}, not of {key!r}: an "
                "impact is computed on a run of the scheme compared"
            )
            raise Invalid(
                "RUN_OF_ANOTHER_SCHEME",
                detail,
                [ErrorItem(detail, parameter="run", code="RUN_OF_ANOTHER_SCHEME")],
            )
        schemes = [scheme_of(version) for version in versions]
        checked = [checked_scheme(repo, v, s) for v, s in zip(versions, schemes, strict=True)]
        stored = row.run.inputs
    before, after = schemes
    try:
        comparable(before.key, before.currency, after.key, after.currency)
    except ImpactError as exc:
        raise _invalid(exc, "new") from None
    inputs = StoredInputs.read(stored).inputs()
    missing = roles_missing(before, after, inputs.roster)
    if missing:
        items = [ErrorItem(str(e), parameter="run", code=e.code) for e in missing]
        detail = (
            f"{len(missing)} employee(s) of the run have a role only one version has: {missing[0]}"
        )
        raise Invalid("ROLE_MISSING", detail, items, {"error_count": len(missing)})
    payrolls = [compute(s, inputs, None, c) for s, c in zip(schemes, checked, strict=True)]
    impact = compare_payrolls(*payrolls)
    return {"from_version": old, "to_version": new, "run": str(run_id)} | impact.as_dict()
