"""Schemes and their versions: validate, create, draft, publish, look up, compare."""

from __future__ import annotations

import json
from datetime import date, datetime

from app.db.models import VERSION_PUBLISHED, SchemeVersion
from app.db.repository import Repository
from app.db.session import Database
from app.engine import Finding, Scheme, SchemeError, canonical_json, check_scheme, scheme_hash
from app.engine.policy import PolicyContext, apply_policy
from app.io.read.positions import locate
from app.io.schemes.formats import json_report
from app.io.schemes.validation import FileReport, check_document

from . import audit, idempotency, reach
from . import policy as policies
from .cache import SCHEMES, document_of, scheme_of
from .clock import now
from .diff import changes
from .documents import version_reply
from .errors import (
    Conflict,
    ErrorItem,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    scheme_error_items,
)
from .idempotency import Claim, Once, Reply
from .keys import CLI, Principal
from .transactions import read, write
from .types import Page, SchemeDocument, SchemeView, VersionSummary, VersionView

__all__ = [
    "add_version",
    "create_scheme",
    "effective_version",
    "get_scheme",
    "get_version",
    "list_schemes",
    "parse",
    "publish_version",
    "reachable",
    "replace_draft",
    "scheme_or_404",
    "validation_report",
    "version_diff",
    "version_or_404",
]


# --- scheme documents ----------------------------------------------------------------------


def parse(doc: SchemeDocument, prefix: str = "") -> Scheme:
    try:
        return SCHEMES.parse(doc.data)
    except SchemeError as exc:
        located = SchemeError(locate(exc.findings, doc.positions))
        raise Invalid(
            "INVALID_SCHEME",
            f"the scheme document has {len(located.findings)} error(s)",
            scheme_error_items(located, prefix),
        ) from None


def _checked(scheme: Scheme, doc: SchemeDocument, policy: PolicyContext) -> list[Finding]:
    """What the checks say of ``scheme`` under the organisation ``policy``."""
    effective, weakened = apply_policy(scheme, policy)
    return locate([*weakened, *check_scheme(effective)], doc.positions)


def validation_report(db: Database, doc: SchemeDocument, name: str = "request") -> str:
    """What ``compcalc validate --format json`` says of ``doc`` under the policy in force:
    findings and break-even."""
    if doc.data is None:
        empty = Finding(
            "NOT_A_MAPPING", "error", (), "the document is empty; a scheme is a mapping"
        )
        return json_report([FileReport(name, [empty.at(1, 1)])])
    try:
        scheme = SCHEMES.parse(doc.data)
    except SchemeError as exc:
        return json_report([FileReport(name, locate(exc.findings, doc.positions))])
    with read(db) as repo:
        policy = policies.in_force(repo).context(now().date())
    return json_report([check_document(name, scheme, doc.positions, policy)])


def _version_values(scheme: Scheme, doc: SchemeDocument, stamp: datetime) -> dict[str, object]:
    return {
        "name": scheme.name,
        "currency": scheme.currency,
        "effective_from": scheme.effective_from,
        "effective_to": scheme.effective_to,
        "content_hash": scheme_hash(scheme),
        "source_format": doc.format,
        "source_text": doc.text,
        "updated_at": stamp,
    }


def _view(repo: Repository, key: str, version: SchemeVersion) -> VersionView:
    """The version with what the checks say of it: a draft under the policy in force, a
    published version under the policy it was published with."""
    doc = document_of(version)
    policy = policies.of_version(repo, version)
    findings = tuple(_checked(scheme_of(version), doc, policy.context(now().date())))
    summary = VersionSummary.of(version)
    return VersionView(key, summary, doc, findings, policy.version, policy.content_hash)


def _no_scheme(key: str) -> NotFound:
    return NotFound("SCHEME_NOT_FOUND", f"there is no scheme {key!r}")


def reachable(key: str) -> None:
    """Scheme ``key`` is not found when the caller's API key does not reach it, exactly as
    when it does not exist."""
    if not reach.current().covers(key):
        raise _no_scheme(key)


def scheme_or_404(repo: Repository, key: str) -> int:
    """The id of scheme ``key``; not found also when the caller's key does not reach it."""
    reachable(key)
    record = repo.scheme(key)
    if record is None:
        raise _no_scheme(key)
    return record.id


def version_or_404(repo: Repository, key: str, number: int) -> SchemeVersion:
    version = repo.version(scheme_or_404(repo, key), number)
    if version is None:
        raise NotFound("VERSION_NOT_FOUND", f"scheme {key!r} has no version {number}")
    return version


def _same_key(scheme: Scheme, key: str) -> None:
    if scheme.key != key:
        raise Invalid(
            "KEY_MISMATCH",
            f"the document's key {scheme.key!r} is not the scheme {key!r} of the URL",
            [ErrorItem(f"must be {key!r}", pointer="/key", code="KEY_MISMATCH")],
        )


def _recorded(
    repo: Repository,
    actor: Principal,
    claim: Claim | None,
    action: str,
    key: str,
    version: SchemeVersion,
    before: str | None,
    created: bool = False,
) -> Reply:
    """The reply of a write to a version, after its audit event (and the stored reply)."""
    reply = version_reply(_view(repo, key, version), created)
    audit.record(
        repo, actor, action, "scheme_version", f"{key}/{version.number}", before,
        version.content_hash,
    )  # fmt: skip
    idempotency.complete(repo, claim, reply)
    return reply


def create_scheme(
    db: Database, doc: SchemeDocument, actor: Principal = CLI, request: Once | None = None
) -> Reply:
    """Store ``doc`` as version 1 (a draft) of a new scheme."""

    def store(claim: Claim | None) -> Reply:
        scheme = parse(doc)
        stamp = now()
        limit = reach.current()
        if not limit.covers(scheme.key):
            # Refused whether or not the scheme exists: the caller learns only its own limit.
            raise Forbidden(
                "SCHEME_NOT_IN_REACH",
                f"this API key reaches only the schemes {', '.join(limit.patterns or ())}, "
                f"not {scheme.key!r}",
            )
        with write(db) as repo:
            if repo.scheme(scheme.key) is not None:
                raise Conflict(
                    "SCHEME_EXISTS",
                    f"scheme {scheme.key!r} exists; add a version with "
                    f"POST /v1/schemes/{scheme.key}/versions",
                )
            record = repo.add_scheme(scheme.key, stamp)
            version = repo.add_version(
                SchemeVersion(
                    scheme_id=record.id, number=1, status="draft", created_at=stamp, revision=1,
                    **_version_values(scheme, doc, stamp),
                )
            )  # fmt: skip
            return _recorded(repo, actor, claim, "scheme.create", scheme.key, version, None, True)

    return idempotency.once(db, request, store)


def add_version(
    db: Database,
    key: str,
    doc: SchemeDocument,
    actor: Principal = CLI,
    request: Once | None = None,
) -> Reply:
    """Store ``doc`` as the next version (a draft) of the scheme ``key``."""

    def store(claim: Claim | None) -> Reply:
        scheme = parse(doc)
        _same_key(scheme, key)
        stamp = now()
        with write(db) as repo:
            scheme_id = scheme_or_404(repo, key)
            version = repo.add_version(
                SchemeVersion(
                    scheme_id=scheme_id, number=repo.next_version_number(scheme_id),
                    status="draft", created_at=stamp, revision=1,
                    **_version_values(scheme, doc, stamp),
                )
            )  # fmt: skip
            action = "scheme_version.create"
            return _recorded(repo, actor, claim, action, key, version, None, True)

    return idempotency.once(db, request, store)


def _required(key: str, number: int, expected: int | None, verb: str) -> int:
    """428 without ``If-Match``: checked first, whatever the version's state, since the
    request is incomplete whatever it finds."""
    if expected is None:
        raise PreconditionRequired(
            "IF_MATCH_REQUIRED",
            f"send If-Match with the ETag of {key} version {number} to {verb} it",
        )
    return expected


def _precondition(key: str, version: SchemeVersion, expected: int, verb: str) -> int:
    """The revision ``If-Match`` names; 412 when it is not the current one."""
    if expected != version.revision:
        raise PreconditionFailed(
            "STALE_ETAG",
            f"{key} version {version.number} changed since that ETag; fetch it again",
        )
    return expected


def _lost(repo: Repository, key: str, version: SchemeVersion) -> Exception:
    """Why a conditional UPDATE matched nothing: published meanwhile (409), or changed (412)."""
    repo.session.refresh(version)
    if version.status == VERSION_PUBLISHED:
        return Conflict("VERSION_PUBLISHED", f"{key} version {version.number} is published")
    return PreconditionFailed(
        "STALE_ETAG", f"{key} version {version.number} changed since that ETag; fetch it again"
    )


def replace_draft(
    db: Database,
    key: str,
    number: int,
    doc: SchemeDocument,
    expected: int | None,
    actor: Principal = CLI,
) -> Reply:
    """Replace a draft's document, if ``expected`` is still its revision."""
    wanted = _required(key, number, expected, "replace")
    scheme = parse(doc)
    _same_key(scheme, key)
    with write(db) as repo:
        version = version_or_404(repo, key, number)
        if version.status == VERSION_PUBLISHED:
            raise Conflict("VERSION_PUBLISHED", f"{key} version {number} is published")
        revision = _precondition(key, version, wanted, "replace")
        before = version.content_hash
        if not repo.replace_draft(version.id, revision, _version_values(scheme, doc, now())):
            raise _lost(repo, key, version)
        repo.session.refresh(version)
        return _recorded(repo, actor, None, "scheme_version.replace", key, version, before)


def publish_version(
    db: Database,
    key: str,
    number: int,
    expected: int | None,
    actor: Principal = CLI,
    request: Once | None = None,
) -> Reply:
    """Publish a draft that passes every check, if ``expected`` is still its revision."""
    wanted = _required(key, number, expected, "publish")

    def publish(claim: Claim | None) -> Reply:
        with write(db) as repo:
            version = version_or_404(repo, key, number)
            if version.status == VERSION_PUBLISHED:
                raise Conflict("VERSION_PUBLISHED", f"{key} version {number} is already published")
            revision = _precondition(key, version, wanted, "publish")
            view = _view(repo, key, version)
            errors = [f for f in view.findings if f.severity == "error"]
            if errors:
                raise Invalid(
                    "CHECKS_FAILED",
                    f"{key} version {number} fails {len(errors)} check(s); fix them in a draft",
                    scheme_error_items(SchemeError(errors), ""),
                    {"findings": [f.as_dict() for f in view.findings]},
                )
            checked = (view.policy_version or None, view.policy_hash)
            if not repo.publish(version.id, revision, now(), checked):
                raise _lost(repo, key, version)
            repo.session.refresh(version)
            action, after = "scheme_version.publish", version.content_hash
            return _recorded(repo, actor, claim, action, key, version, after)

    return idempotency.once(db, request, publish)


def get_version(db: Database, key: str, number: int) -> VersionView:
    with read(db) as repo:
        return _view(repo, key, version_or_404(repo, key, number))


def effective_version(db: Database, key: str, on: date) -> VersionView:
    with read(db) as repo:
        version = repo.effective_version(scheme_or_404(repo, key), on)
        if version is None:
            detail = f"no published version of {key!r} is in effect on {on}"
            raise NotFound("NO_EFFECTIVE_VERSION", detail)
        return _view(repo, key, version)


def get_scheme(db: Database, key: str) -> SchemeView:
    with read(db) as repo:
        record = repo.scheme(key) if reach.current().covers(key) else None
        if record is None:
            raise _no_scheme(key)
        return SchemeView.of(record, repo.versions(record.id))


def list_schemes(db: Database, key_prefix: str | None, limit: int, offset: int) -> Page[SchemeView]:
    with read(db) as repo:
        rows, total = repo.schemes(key_prefix, limit, offset, reach.current().patterns)
    return Page([SchemeView.summary(row) for row in rows], total, limit, offset)


def version_diff(db: Database, key: str, old: int, new: int) -> list[dict[str, object]]:
    with read(db) as repo:
        versions = [version_or_404(repo, key, number) for number in (old, new)]
    old_doc, new_doc = (json.loads(canonical_json(scheme_of(v))) for v in versions)
    return changes(old_doc, new_doc)
