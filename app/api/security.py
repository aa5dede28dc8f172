"""Who may call what: API keys sent as ``Authorization: Bearer <key>``, checked per scope.

Every operation but the probes and the documentation depends on one of the aliases below
(``tests/api/test_security.py`` walks every route to prove it).  A missing, unknown, revoked
or expired key answers 401 with ``WWW-Authenticate``; a valid key without the scope, 403.
The optional per-key rate limit (``COMPCALC_RATE_LIMIT_PER_MINUTE``) answers 429.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Callable
from typing import Annotated, Final

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.services import Forbidden, RateLimited, Unauthenticated
from app.services.keys import Principal, authenticate

from .deps import DatabaseDep

__all__ = [
    "AdminKey",
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
    """A fixed one-minute window per key, in this process (each worker counts its own)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._windows: dict[uuid.UUID | None, tuple[int, int]] = {}

    def check(self, key_id: uuid.UUID | None) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        window = int(now // 60)
        with self._lock:
            start, count = self._windows.get(key_id, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[key_id] = (start, count)
        if count > self.per_minute:
            retry_after = max(1, math.ceil((window + 1) * 60 - now))
            raise RateLimited(
                "RATE_LIMITED",
                f"more than {self.per_minute} requests a minute with this key; "
                f"retry in {retry_after} s",
                retry_after,
            )


def requires(*scopes: str) -> Callable[[Request, DatabaseDep, Credentials], Principal]:
    """A dependency admitting a valid key that holds any of ``scopes`` (or ``admin``)."""

    def principal(request: Request, db: DatabaseDep, credentials: Credentials) -> Principal:
        if credentials is None:
            raise Unauthenticated(
                "CREDENTIALS_MISSING", "send an API key as 'Authorization: Bearer <key>'"
            )
        found = authenticate(db, credentials.credentials)
        if found is None:
            raise Unauthenticated(
                "CREDENTIALS_INVALID", "the API key is unknown, revoked or expired"
            )
        if not any(found.allows(scope) for scope in scopes):
            raise Forbidden(
                "SCOPE_MISSING", f"this operation needs the scope {' or '.join(scopes)}"
            )
        limiter: RateLimiter = request.app.state.rate_limiter
        limiter.check(found.key_id)
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
