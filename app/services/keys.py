"""API keys: create (the secret is shown once), list, revoke, and authenticate a request.

A key is ``cck_`` followed by 43 URL-safe characters (256 random bits).  Only its SHA-256 is
stored; a lookup hashes the presented key and finds the row by that unique hash.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from app.db.models import ApiKey, AuditEvent
from app.db.session import Database

from .clock import now
from .errors import Conflict, ErrorItem, Invalid, NotFound
from .reach import EVERYWHERE, MAX_PATTERNS, Reach
from .transactions import read, write

__all__ = [
    "ADMIN",
    "SCOPES",
    "KeyView",
    "Principal",
    "authenticate",
    "bootstrap_admin_key",
    "count_request",
    "create_key",
    "list_keys",
    "revoke_key",
]

ADMIN: Final = "admin"
SCOPES: Final = (
    "schemes:read",
    "schemes:write",
    "schemes:publish",
    "payroll:calculate",
    "payroll:write",
    "payroll:approve",
    "payroll:read",
    ADMIN,
)
_PREFIX: Final = "cck_"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's id, name and scopes (``admin`` holds every scope)."""

    key_id: uuid.UUID | None
    name: str
    scopes: frozenset[str]
    #: When the key stops working (None: never), so that a cached principal expires with it.
    expires_at: datetime | None = None
    #: The schemes the key reaches (docs/api.md, "Keys limited to schemes").
    reach: Reach = EVERYWHERE

    def allows(self, scope: str) -> bool:
        return ADMIN in self.scopes or scope in self.scopes


#: The actor of writes made from the command line (``compcalc keys …``).
CLI: Final = Principal(None, "cli", frozenset({ADMIN}))


@dataclass(frozen=True, slots=True)
class KeyView:
    id: uuid.UUID
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    schemes: tuple[str, ...] | None = None

    @classmethod
    def of(cls, key: ApiKey) -> KeyView:
        scopes = tuple(key.scopes.split())
        return cls(
            key.id, key.name, key.prefix, scopes, key.created_at, key.expires_at, key.revoked_at,
            _patterns(key),
        )  # fmt: skip


def _patterns(key: ApiKey) -> tuple[str, ...] | None:
    return None if key.schemes is None else tuple(key.schemes.split())


def _check_schemes(schemes: list[str] | None, scopes: tuple[str, ...]) -> tuple[str, ...] | None:
    """The scheme limit as stored: validated patterns, or None for every scheme."""
    if schemes is None:
        return None
    problems = [
        ErrorItem(
            f"{p[:70]!r} is not a scheme key or glob (a-z, 0-9, '.', '_', '-' and '*', "
            "at most 64 characters)",
            pointer=f"/schemes/{n}",
            code="INVALID_SCHEME_PATTERN",
        )
        for n, p in enumerate(schemes)
        if not Reach.valid(p)
    ]
    if not schemes or len(schemes) > MAX_PATTERNS:
        detail = f"a scheme limit lists 1 to {MAX_PATTERNS} scheme keys or globs"
        problems.append(ErrorItem(detail, pointer="/schemes", code="INVALID_SCHEME_LIMIT"))
    if ADMIN in scopes:
        detail = "an admin key manages every key and reads the whole audit trail: it cannot "
        detail += "be limited to schemes"
        problems.append(ErrorItem(detail, pointer="/schemes", code="ADMIN_KEY_LIMITED"))
    if problems:
        first = problems[0]
        raise Invalid(first.code or "INVALID_SCHEME_LIMIT", first.detail, problems)
    return tuple(dict.fromkeys(schemes))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _check_scopes(scopes: list[str]) -> tuple[str, ...]:
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        detail = f"unknown scope(s) {', '.join(unknown)}" if unknown else "no scope given"
        item = ErrorItem(f"{detail}; known: {', '.join(SCOPES)}", pointer="/scopes")
        raise Invalid("INVALID_SCOPES", detail, [item])
    return tuple(dict.fromkeys(scopes))


def create_key(
    db: Database,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    actor: Principal = CLI,
    schemes: list[str] | None = None,
) -> tuple[KeyView, str]:
    """Store a new key; returns it and its secret, which is never available again.

    ``schemes``: the scheme keys or globs it reaches (None: every scheme)."""
    chosen = _check_scopes(scopes)
    limit = _check_schemes(schemes, chosen)
    secret = _PREFIX + secrets.token_urlsafe(32)
    stamp = now()
    if expires_at is not None and expires_at <= stamp:
        detail = f"expires_at {expires_at.isoformat()} is not in the future"
        item = ErrorItem(detail, pointer="/expires_at", code="EXPIRY_IN_PAST")
        raise Invalid("EXPIRY_IN_PAST", detail, [item])
    key = ApiKey(
        id=uuid.uuid4(),
        name=name,
        prefix=secret[:12],
        secret_hash=_hash(secret),
        scopes=" ".join(chosen),
        schemes=None if limit is None else " ".join(limit),
        created_at=stamp,
        expires_at=expires_at,
        revoked_at=None,
    )
    with write(db) as repo:
        repo.add_key(key)
        repo.add_event(_event(actor, "key.create", key.id, stamp))
    return KeyView.of(key), secret


def bootstrap_admin_key(db: Database) -> str | None:
    """On a database without any key, create an admin key and return its secret; else None."""
    with read(db) as repo:
        if repo.key_count():
            return None
    return create_key(db, "bootstrap admin", [ADMIN])[1]


def list_keys(db: Database) -> list[KeyView]:
    with read(db) as repo:
        return [KeyView.of(key) for key in repo.api_keys()]


def revoke_key(db: Database, key_id: uuid.UUID, actor: Principal = CLI) -> KeyView:
    stamp = now()
    with write(db) as repo:
        key = repo.key_by_id(key_id)
        if key is None:
            raise NotFound("KEY_NOT_FOUND", f"there is no API key {key_id}")
        admins = [k.id for k in repo.active_keys(stamp, lock=True) if ADMIN in k.scopes.split()]
        if admins == [key_id]:
            raise Conflict(
                "LAST_ADMIN_KEY",
                f"API key {key_id} is the last active admin key; create another admin key "
                "before revoking it",
            )
        repo.revoke_key(key_id, stamp)
        repo.add_event(_event(actor, "key.revoke", key_id, stamp))
        found = repo.key_by_id(key_id)
        assert found is not None
        repo.session.refresh(found)
        return KeyView.of(found)


def authenticate(db: Database, secret: str) -> Principal | None:
    """The principal of a presented key; None when unknown, revoked or expired."""
    if not secret.startswith(_PREFIX) or len(secret) > 100:
        return None
    with read(db) as repo:
        key = repo.key_by_hash(_hash(secret))
        if key is None or key.revoked_at is not None:
            return None
        if key.expires_at is not None and key.expires_at <= now():
            return None
        scopes = frozenset(key.scopes.split())
        return Principal(key.id, key.name, scopes, key.expires_at, Reach(_patterns(key)))


def count_request(db: Database, key_id: uuid.UUID, at: float) -> int:
    """Count a request of ``key_id`` at ``at`` (seconds since 1970); its minute's count so far.

    The first request of a key in a new minute also deletes the counts of earlier minutes.
    """
    minute = int(at // 60)
    with write(db) as repo:
        count = repo.count_request(key_id, minute)
        if count == 1:
            repo.forget_windows(minute)
        return count


def _event(actor: Principal, action: str, key_id: uuid.UUID, at: datetime) -> AuditEvent:
    return AuditEvent(
        at=at,
        key_id=actor.key_id,
        key_name=actor.name,
        action=action,
        object_type="api_key",
        object_id=str(key_id),
        before_hash=None,
        after_hash=None,
    )
