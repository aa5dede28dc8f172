"""The organisation policy in the service: stored versions, the one in force, its context.

The policy is a document like a scheme (YAML or JSON, kept as written), stored as numbered,
append-only versions; the highest is in force. With none stored, the article's defaults apply
(version 0). Drafts are checked against the policy in force; a published version against the
one it was published with, which it records (``policy_version``, ``policy_hash``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from app.db.models import VERSION_PUBLISHED, OrganisationPolicyRecord, SchemeVersion
from app.db.repository import Repository
from app.db.session import Database
from app.engine import Scheme, SchemeError
from app.engine.memo import memo
from app.engine.policy import (
    DEFAULT_POLICY,
    OrganisationPolicy,
    PolicyContext,
    apply_policy,
    parse_policy,
    policy_hash,
)
from app.io.read.positions import locate

from . import audit
from .clock import now
from .errors import Invalid, PreconditionFailed, PreconditionRequired, scheme_error_items
from .keys import CLI, Principal
from .transactions import read, write
from .types import SchemeDocument

__all__ = [
    "PolicyView",
    "checked_scheme",
    "get_policy",
    "in_force",
    "of_version",
    "policy_etag",
    "put_policy",
]


@dataclass(frozen=True, slots=True)
class PolicyView:
    """A version of the organisation policy (0: none stored, the article's defaults)."""

    version: int
    policy: OrganisationPolicy
    document: SchemeDocument | None = None
    created_at: datetime | None = None
    created_by: str | None = None

    @property
    def content_hash(self) -> str:
        return policy_hash(self.policy)

    @property
    def source(self) -> str | None:
        return None if self.version == 0 else f"policy version {self.version}"

    def context(self, today: date) -> PolicyContext:
        """The policy as schemes are checked against it on ``today``; its places named
        ``policy version 3, line 4``."""
        if self.document is None:
            return PolicyContext(self.policy, today)
        name = self.source
        places = self.document.positions.values.items()
        where = {p: f"{name}, line {line}" for p, (line, _column) in places}
        return PolicyContext(self.policy, today, name, where)


DEFAULT: Final = PolicyView(0, DEFAULT_POLICY)


def policy_etag(version: int) -> str:
    """The policy's entity tag: ``"policy.3"`` (``"policy.0"``: the defaults)."""
    return f'"policy.{version}"'


class _Parsed:
    """Stored policy texts, decoded and parsed once per process (a few, rarely changed)."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, str], tuple[SchemeDocument, OrganisationPolicy]] = (
            OrderedDict()
        )

    def get(self, text: str, fmt: str) -> tuple[SchemeDocument, OrganisationPolicy]:
        key = (fmt, text)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                return hit
        doc = SchemeDocument.parse(text, "yaml" if fmt == "yaml" else "json", "stored policy")
        found = (doc, parse_policy(doc.data))
        with self._lock:
            self._items[key] = found
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return found


_PARSED: Final = _Parsed()


def _view(record: OrganisationPolicyRecord) -> PolicyView:
    doc, policy = _PARSED.get(record.source_text, record.source_format)
    return PolicyView(record.version, policy, doc, record.created_at, record.created_by)


def in_force(repo: Repository) -> PolicyView:
    """The policy drafts are checked against now."""
    record = repo.current_policy()
    return DEFAULT if record is None else _view(record)


def of_version(repo: Repository, version: SchemeVersion) -> PolicyView:
    """The policy ``version`` is checked against: the one it was published with, or (a draft,
    or a version published before policies were recorded) the one in force."""
    if version.policy_hash is None:
        return in_force(repo)
    if version.policy_version is None:
        return DEFAULT
    record = repo.policy(version.policy_version)
    return DEFAULT if record is None else _view(record)


def checked_scheme(repo: Repository, version: SchemeVersion, scheme: Scheme) -> Scheme:
    """``scheme`` (the rules of ``version``) under its effective organisation policy, as a
    payroll checks it: a published version under the policy it was published with, on the
    day it was published (a run recomputed later finds the same), a draft under the policy
    in force today. The same object for the same rules, policy and day."""
    view = of_version(repo, version)
    published = version.status == VERSION_PUBLISHED and version.published_at is not None
    day = version.published_at.date() if published and version.published_at else now().date()

    def compute() -> Scheme:
        return apply_policy(scheme, view.context(day))[0]

    return memo(scheme, f"policy {view.content_hash} {day.isoformat()}", compute)


def get_policy(db: Database) -> PolicyView:
    with read(db) as repo:
        return in_force(repo)


def parse(doc: SchemeDocument) -> OrganisationPolicy:
    """The policy ``doc`` holds; ``INVALID_POLICY`` with every located problem if none."""
    try:
        return parse_policy(doc.data)
    except SchemeError as exc:
        located = SchemeError(locate(exc.findings, doc.positions))
        raise Invalid(
            "INVALID_POLICY",
            f"the policy document has {len(located.findings)} error(s)",
            scheme_error_items(located, ""),
        ) from None


def put_policy(
    db: Database, doc: SchemeDocument, expected: int | None, actor: Principal = CLI
) -> tuple[PolicyView, bool]:
    """Store ``doc`` as the next version of the policy if ``expected`` is the version in force
    (``If-Match``); the same rules as the one in force store nothing. Returns the policy in
    force after it, and whether a version was added."""
    policy = parse(doc)
    if doc.data is None:
        raise Invalid("INVALID_POLICY", "the policy document is empty; a policy is a mapping")
    with write(db) as repo:
        current = in_force(repo)
        if expected is None:
            raise PreconditionRequired(
                "IF_MATCH_REQUIRED",
                f"send If-Match with the policy's ETag ({policy_etag(current.version)} now)",
            )
        if expected != current.version:
            raise PreconditionFailed(
                "STALE_ETAG", "the policy changed since that ETag; fetch it again"
            )
        if current.version and current.policy == policy:
            return current, False
        record = repo.add_policy(
            OrganisationPolicyRecord(
                version=current.version + 1,
                content_hash=policy_hash(policy),
                source_format=doc.format,
                source_text=doc.text,
                created_at=now(),
                created_by=actor.name,
            )
        )
        audit.record(
            repo,
            actor,
            "policy.replace",
            "policy",
            str(record.version),
            None if current.version == 0 else current.content_hash,
            record.content_hash,
        )
        return _view(record), True
