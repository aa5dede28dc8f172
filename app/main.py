"""Application factory for the HTTP service.

``create_app`` builds a fresh FastAPI instance on every call and does nothing at import time, so
``uvicorn app.main:create_app --factory`` and the tests each get an independent app.
"""

from __future__ import annotations

import json

from fastapi import FastAPI

from app import __version__
from app.api import docs, health

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
    {"name": "Health", "description": "Probes for load balancers, containers and monitoring."},
]


def create_app() -> FastAPI:
    """Build the compcalc ASGI application."""
    app = FastAPI(
        title="compcalc",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        # FastAPI's own pages load assets from a CDN; docs.install serves vendored copies instead.
        docs_url=None,
        redoc_url=None,
    )
    app.include_router(health.router)
    docs.install(app)
    return app


def openapi_document() -> str:
    """Return the OpenAPI document exactly as committed in ``openapi.json``.

    Keys are sorted and the text ends with a newline so the file is stable under regeneration and
    a drift test can compare it byte for byte.
    """
    return json.dumps(create_app().openapi(), indent=2, sort_keys=True) + "\n"
