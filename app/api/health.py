"""Liveness probe used by load balancers, the container HEALTHCHECK and smoke tests."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app import __version__

__all__ = ["HealthResponse", "router"]

router = APIRouter(tags=["Health"])


class HealthResponse(BaseModel):
    """Body of ``GET /healthz``."""

    status: Literal["ok"] = Field(description="Always `ok` when the process can serve requests.")
    version: str = Field(description="Version of the running compcalc release.")


_EXAMPLE = {"status": "ok", "version": "0.1.0"}


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
def health() -> HealthResponse:
    """Report that the process is alive and which release it runs."""
    return HealthResponse(status="ok", version=__version__)
