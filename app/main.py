"""Application factory for the HTTP service.

``create_app`` builds a fresh FastAPI instance on every call and does nothing at import time, so
``uvicorn app.main:create_app --factory`` and the tests each get an independent app.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import __version__
from app.api import (
    admin,
    calculate,
    curves,
    docs,
    documents,
    errors,
    health,
    impact,
    metrics,
    observability,
    openapi,
    periods,
    policy,
    runs,
    schemes,
    simulations,
)
from app.api.security import KeyCache, RateLimiter
from app.db.session import Database
from app.settings import Settings, get_settings

__all__ = ["DESCRIPTION", "create_app", "openapi_document"]

DESCRIPTION = """\
compcalc computes the pay of two commercial departments whose plans are deliberately unequal. \
The sales department (acquisition) wins new clients: its base salary is set 40–50% lower than \
that of the client department (retention), its commission percentages are higher, and the plan \
must leave a performing salesperson earning more than a client manager. The client department \
keeps and grows existing accounts on a larger, steadier base with smaller commissions.

compcalc keeps these rules as versioned configuration rather than code, so a change of plan is a \
new dated version that can be reviewed and tested against known cases before it applies. It \
computes payroll exactly, in decimal money rounded once at documented points, and explains every \
number: each amount in a result can be traced back to the rule, rate and input that produced it.
"""

OPENAPI_TAGS = [
    {
        "name": "Schemes",
        "description": "Pay schemes as versioned documents: check, store drafts, publish "
        "(then immutable), find the version in effect on a date, compare versions.",
    },
    {
        "name": "Payroll",
        "description": "Compute a payroll without storing it: what-if and preview.",
    },
    {
        "name": "Runs",
        "description": "Stored payroll runs: computed from a published version, approved "
        "(then immutable), exported as CSV, one payslip at a time.",
    },
    {
        "name": "Policy",
        "description": "The organisation policy every scheme is checked against, and the "
        "exceptions it grants (read: `schemes:read`; replace: `admin`).",
    },
    {
        "name": "Admin",
        "description": "API keys and the audit trail (scope `admin`).",
    },
    {"name": "Health", "description": "Probes for load balancers, containers and monitoring."},
]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    metrics.worker_started()
    yield
    metrics.worker_stopped()
    app.state.database.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the compcalc ASGI application (``settings``: default from the environment).

    The database engine is created here but connects lazily, on the first request.
    """
    settings = settings or get_settings()
    app = FastAPI(
        title="compcalc",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        # FastAPI's own pages load assets from a CDN; docs.install serves vendored copies instead.
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.database = Database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.key_cache = KeyCache(settings.key_cache_seconds)
    errors.install(app)
    observability.install(app)  # X-Request-ID, the request log line, GET /metrics
    app.include_router(calculate.router)  # first: the busiest route is matched soonest
    app.include_router(schemes.router)
    app.include_router(impact.router)
    app.include_router(curves.router)
    app.include_router(simulations.router)
    app.include_router(runs.router)
    app.include_router(documents.router)
    app.include_router(periods.router)
    app.include_router(policy.router)
    app.include_router(admin.router)
    app.include_router(health.router)
    docs.install(app)
    openapi.install(app)
    return app


def openapi_document() -> str:
    """Return the OpenAPI document exactly as committed in ``openapi.json``.

    Keys are sorted and the text ends with a newline so the file is stable under regeneration and
    a drift test can compare it byte for byte.
    """
    app = create_app()
    try:
        return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    finally:
        app.state.database.dispose()
