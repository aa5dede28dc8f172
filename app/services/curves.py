"""Pay curves of a stored version or of a scheme sent inline, under the organisation policy.

A stored version is drawn under the policy it is checked against (the one it was published
with, or for a draft the one in force), an inline scheme under the policy in force: the
policy attainment marked and the break-even are those of the effective policy.  A scheme
whose rules cannot be applied (structural errors) has no curves: ``422 INVALID_SCHEME``.
"""

from __future__ import annotations

from typing import Literal

from app.db.session import Database
from app.engine import Scheme, check_scheme
from app.engine.plan.curves import Curves, Range, RangeError, pay_curves
from app.engine.policy import apply_policy
from app.io.plan.curves import render
from app.io.plan.curvesout import curves_json
from app.io.read.positions import locate

from . import policy as policies
from .cache import document_of, scheme_of
from .clock import now
from .errors import ErrorItem, Invalid
from .schemes import parse, version_or_404
from .transactions import read
from .types import SchemeDocument

__all__ = ["CurveFormat", "curve_range", "curves_answer", "inline_curves", "version_curves"]

CurveFormat = Literal["svg", "png", "json"]


def curve_range(start: str, stop: str, step: str) -> Range:
    """The attainments asked for, or ``422 CURVE_RANGE`` naming the query parameter."""
    try:
        return Range.parse(start, stop, step)
    except RangeError as exc:
        item = ErrorItem(exc.message, parameter=exc.field, code=exc.code)
        raise Invalid(exc.code, exc.message, [item]) from None


def _applicable(scheme: Scheme, doc: SchemeDocument, prefix: str | None) -> None:
    structural = [f for f in check_scheme(scheme) if f.data.get("kind") == "structure"]
    if not structural:
        return
    items = [
        ErrorItem(
            f"{f.json_path}: {f.message}",
            pointer=None if prefix is None else prefix + f.pointer,
            code=f.code,
            line=f.line,
            column=f.column,
        )
        for f in locate(structural, doc.positions)
    ]
    raise Invalid("INVALID_SCHEME", "the scheme's rules cannot be applied", items)


def version_curves(db: Database, key: str, number: int, grid: Range) -> Curves:
    """The curves of version ``number`` of ``key`` (404 when it or the scheme is out of
    reach), under the policy the version is checked against."""
    with read(db) as repo:
        version = version_or_404(repo, key, number)
        scheme = scheme_of(version)
        checked = policies.checked_scheme(repo, version, scheme)
        doc = document_of(version)
    _applicable(checked, doc, None)
    return pay_curves(checked, grid)


def inline_curves(db: Database, doc: SchemeDocument, grid: Range) -> Curves:
    """The curves of the scheme ``doc`` holds, under the policy in force; nothing stored."""
    scheme = parse(doc)
    with read(db) as repo:
        context = policies.in_force(repo).context(now().date())
    checked = apply_policy(scheme, context)[0]
    _applicable(checked, doc, "")
    return pay_curves(checked, grid)


def curves_answer(curves: Curves, fmt: CurveFormat, lang: str) -> bytes:
    """The chart (SVG or PNG, in ``lang``) or the JSON points."""
    if fmt == "json":
        return curves_json(curves).encode("utf-8")
    return render(curves, lang, fmt)
