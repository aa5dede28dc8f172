"""Probes: liveness (/healthz, for the container HEALTHCHECK) and readiness (/readyz)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app import __version__
from app.engine import ENGINE_VERSION
from app.services.health import ready

from .deps import DatabaseDep
from .errors import problems

__all__ = ["HealthResponse", "ReadyResponse", "router"]

router = APIRouter(tags=["Health"])


class HealthResponse(BaseModel):
    """Body of ``GET /healthz``."""

    status: Literal["ok"] = Field(description="Always `ok` when the process can serve requests.")
    version: str = Field(description="Version of the running compcalc release.")
    engine_version: str = Field(
        description="Version of the calculation rules, stamped on every payroll it computes "
        "(`compcalc --version` prints both)."
    )


_EXAMPLE = {"status": "ok", "version": "0.1.0", "engine_version": "1.0.0"}


@router.get(
    "/healthz",
    operation_id="health",
    summary="Liveness check",
    description=(
        "Answers `200` with the running version as long as the process can serve HTTP. "
        "It touches neither the database nor the engine, so it stays cheap enough to poll "
        "every few seconds and never fails because of a downstream dependency."
    ),
    response_model=HealthResponse,
    responses={
        200: {
            "description": "The service is up.",
            "content": {"application/json": {"example": _EXAMPLE}},
        }
    },
)
async def health() -> HealthResponse:
    """Report that the process is alive and which release it runs."""
    return HealthResponse(status="ok", version=__version__, engine_version=ENGINE_VERSION)


class ReadyResponse(BaseModel):
    """Body of ``GET /readyz`` when the service can take traffic."""

    status: Literal["ready"]
    database: str = Field(description="The database backend, `sqlite` or `postgresql`.")
    revision: str = Field(description="The schema revision the database is at (the latest).")


@router.get(
    "/readyz",
    operation_id="readiness",
    summary="Readiness check",
    description=(
        "Answers `200` when the database can be reached and its schema is at the latest "
        "migration, so requests can be served; `503` (a problem document) otherwise, e.g. "
        "while the database is down or before `alembic upgrade head` has run."
    ),
    response_model=ReadyResponse,
    responses={
        200: {
            "description": "The service can serve requests.",
            "content": {
                "application/json": {
                    "example": {"status": "ready", "database": "sqlite", "revision": "b3c1d2e4f5a6"}
                }
            },
        },
        **problems(503),
    },
)
def readiness(db: DatabaseDep) -> ReadyResponse:
    """Check that the database answers and is migrated to the revision this code expects."""
    return ReadyResponse(status="ready", database=db.backend, revision=ready(db))
