"""Who may call what: API keys sent as ``Authorization: Bearer <key>``, checked per scope.

Every operation but the probes and the documentation depends on one of the aliases below
(``tests/api/test_security.py`` walks every route to prove it).  A missing, unknown, revoked
or expired key answers 401 with ``WWW-Authenticate``; a valid key without the scope, 403.
The optional per-key rate limit (``COMPCALC_RATE_LIMIT_PER_MINUTE``) answers 429; requests are
counted in the database, so the limit holds for the key across all workers and replicas.

A verified key is remembered by the worker for ``COMPCALC_KEY_CACHE_SECONDS`` (5 s), so that
most requests need no database read and no trip to the thread pool: the key check is an
``async`` dependency that only goes to the database (in the thread pool) on a miss.  Revoking
a key through the API forgets every remembered key of that worker at once; a key revoked
elsewhere (the CLI, another worker) is refused within the cache time.  The cache keeps the
secret's SHA-256, never the secret, and a key expires in the cache when it expires.
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Final

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from app.services import Forbidden, RateLimited, Unauthenticated, reach
from app.services.clock import now
from app.services.keys import Principal, authenticate, count_request

from .metrics import note_key

__all__ = [
    "AdminKey",
    "KeyCache",
    "PayrollApprove",
    "PayrollCalculate",
    "PayrollRead",
    "PayrollWrite",
    "RateLimiter",
    "SchemesPublish",
    "SchemesRead",
    "SchemesWrite",
    "requires",
]

_BEARER: Final = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    bearerFormat="cck_…",
    description="An API key (`compcalc keys create`, or `POST /v1/keys`), sent as "
    "`Authorization: Bearer <key>`. In Swagger UI: **Authorize**, paste the key.",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]


class RateLimiter:
    """A fixed one-minute window per key, counted in the database (shared by every worker)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self.per_minute = per_minute
        self._clock = clock

    async def check(self, request: Request, key_id: uuid.UUID | None) -> None:
        if self.per_minute <= 0 or key_id is None:
            return
        at = self._clock()
        count = await run_in_threadpool(count_request, request.app.state.database, key_id, at)
        if count > self.per_minute:
            retry_after = max(1, math.ceil((at // 60 + 1) * 60 - at))
            raise RateLimited(
                "RATE_LIMITED",
                f"more than {self.per_minute} requests a minute with this key; "
                f"retry in {retry_after} s",
                retry_after,
            )


class KeyCache:
    """Principals of keys verified in the last ``seconds``, in this process, by secret hash."""

    #: More distinct keys than this within the cache time start the cache afresh.
    MAX_KEYS: Final = 10_000

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._entries: dict[bytes, tuple[Principal, float]] = {}

    @staticmethod
    def _digest(secret: str) -> bytes:
        return hashlib.sha256(secret.encode()).digest()

    def get(self, secret: str) -> Principal | None:
        """The remembered principal of ``secret``; None when unknown, stale or expired."""
        if self.seconds <= 0:
            return None
        digest = self._digest(secret)
        entry = self._entries.get(digest)
        if entry is None:
            return None
        principal, until = entry
        if until <= self._clock() or (
            principal.expires_at is not None and principal.expires_at <= now()
        ):
            self._entries.pop(digest, None)
            return None
        return principal

    def put(self, secret: str, principal: Principal) -> None:
        if self.seconds <= 0:
            return
        if len(self._entries) >= self.MAX_KEYS:
            self._entries.clear()
        self._entries[self._digest(secret)] = (principal, self._clock() + self.seconds)

    def clear(self) -> None:
        self._entries.clear()


async def _verified(request: Request, secret: str) -> Principal | None:
    cache: KeyCache = request.app.state.key_cache
    found = cache.get(secret)
    if found is None:
        found = await run_in_threadpool(authenticate, request.app.state.database, secret)
        if found is not None:
            cache.put(secret, found)
    return found


def requires(*scopes: str) -> Callable[[Request, Credentials], Awaitable[Principal]]:
    """A dependency admitting a valid key that holds any of ``scopes`` (or ``admin``)."""

    async def principal(request: Request, credentials: Credentials) -> Principal:
        if credentials is None:
            raise Unauthenticated(
                "CREDENTIALS_MISSING", "send an API key as 'Authorization: Bearer <key>'"
            )
        found = await _verified(request, credentials.credentials)
        if found is None:
            raise Unauthenticated(
                "CREDENTIALS_INVALID", "the API key is unknown, revoked or expired"
            )
        note_key(request, found.key_id)  # the request log line names the key (its id only)
        if not any(found.allows(scope) for scope in scopes):
            raise Forbidden(
                "SCOPE_MISSING", f"this operation needs the scope {' or '.join(scopes)}"
            )
        limiter: RateLimiter = request.app.state.rate_limiter
        await limiter.check(request, found.key_id)
        reach.enter(found.reach)  # every lookup of this request sees only what the key reaches
        return found

    return principal


# Whoever may change or publish a scheme may also read it (to get its ETag, for one).
SchemesRead = Annotated[
    Principal, Depends(requires("schemes:read", "schemes:write", "schemes:publish"))
]
SchemesWrite = Annotated[Principal, Depends(requires("schemes:write"))]
SchemesPublish = Annotated[Principal, Depends(requires("schemes:publish"))]
PayrollCalculate = Annotated[Principal, Depends(requires("payroll:calculate"))]
PayrollWrite = Annotated[Principal, Depends(requires("payroll:write"))]
PayrollApprove = Annotated[Principal, Depends(requires("payroll:approve"))]
PayrollRead = Annotated[Principal, Depends(requires("payroll:read"))]
AdminKey = Annotated[Principal, Depends(requires("admin"))]
