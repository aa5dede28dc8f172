"""Seeing the service run: a request id, a log line and metrics for every request, and
``GET /metrics`` (docs/operations.md).

:class:`Observe` wraps the whole application, outside Starlette's own error middleware, so
that it sees every response as sent, a 500 included: it takes or makes the request id, returns
it as ``X-Request-ID``, and when the response is sent counts the request (:mod:`.metrics`) and
logs it (:mod:`.logs`) under its route template, never its raw path.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import Settings

from . import logs, metrics
from .errors import secured
from .security import Credentials, requires

__all__ = ["REQUEST_ID_HEADER", "Observe", "install", "router"]

REQUEST_ID_HEADER: Final = "X-Request-ID"
_HEADER: Final = REQUEST_ID_HEADER.lower().encode("ascii")
_REPLAYED: Final = b"idempotency-replayed"


class Observe:
    """ASGI middleware: request id, request line and metrics (HTTP requests only)."""

    def __init__(self, app: ASGIApp, routes: Iterable[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        sent_id = next((v for k, v in scope["headers"] if k == _HEADER), None)
        rid = logs.request_id(None if sent_id is None else sent_id.decode("latin-1"))
        target = {k: scope.get(k) for k in ("path", "root_path", "method")}
        seen = metrics.Observation()
        scope[metrics.SCOPE_KEY] = seen
        status, replayed = 500, False

        async def sending(message: Message) -> None:
            nonlocal status, replayed
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != _HEADER]
                replayed = any(k.lower() == _REPLAYED and v == b"true" for k, v in headers)
                headers.append((_HEADER, rid.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        token = logs.REQUEST_ID.set(rid)
        metrics.IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, sending)
        finally:
            metrics.IN_PROGRESS.dec()
            seconds = time.perf_counter() - started
            route = _template(scope, target, self.routes)
            method = str(target["method"])
            metrics.record_request(route, method, status, seconds, seen, replayed)
            fields: dict[str, Any] = {
                "request_id": rid,
                "key_id": seen.key_id,
                "route": route,
                "method": method,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
            }
            if seen.problem is not None:
                fields["code"] = seen.problem
            logs.log_request(fields)
            logs.REQUEST_ID.reset(token)


def _template(scope: Scope, target: dict[str, Any], routes: Iterable[BaseRoute]) -> str:
    """The route template the request matched (``/v1/payroll-runs/{run_id}``).

    FastAPI names its own routes in the scope; the few others (the OpenAPI document, the
    static files) are matched again here, against the request as it arrived.
    """
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(path, str):
        return path
    fresh = {"type": "http", **target}
    for candidate in routes:
        match, _ = candidate.matches(fresh)
        if match is not Match.NONE:
            found = getattr(candidate, "path_format", None) or getattr(candidate, "path", None)
            if isinstance(found, str):
                return found
    return metrics.UNMATCHED


def install(app: FastAPI) -> None:
    """Put :class:`Observe` around ``app``'s whole middleware stack, add ``GET /metrics``,
    count the database pool's connections, and tie the logs to each request."""
    build = app.build_middleware_stack

    def observed() -> ASGIApp:
        # Outside ServerErrorMiddleware, which answers an unhandled error's 500 itself.
        return Observe(build(), app.router.routes)

    app.build_middleware_stack = observed  # type: ignore[method-assign]
    app.include_router(router)
    metrics.watch_pool(app.state.database.engine)
    logs.install()


router = APIRouter(tags=["Health"])
_ADMIN: Final = requires("admin")


async def metrics_reader(request: Request, credentials: Credentials) -> None:
    """An admin key, or the metrics token (``COMPCALC_METRICS_TOKEN``), compared in constant
    time.  A wrong token is checked as a key, and refused as one (401)."""
    settings: Settings = request.app.state.settings
    token = settings.metrics_token
    if token is not None and credentials is not None:
        expected = token.get_secret_value().encode("utf-8")
        if hmac.compare_digest(credentials.credentials.encode("utf-8"), expected):
            return
    await _ADMIN(request, credentials)


_EXAMPLE: Final = """\
# HELP compcalc_http_requests_total HTTP requests answered, by route template, method and status.
# TYPE compcalc_http_requests_total counter
compcalc_http_requests_total{method="GET",route="/healthz",status="200"} 42.0
"""


@router.get(
    "/metrics",
    operation_id="metrics",
    summary="Metrics (Prometheus)",
    description=(
        "The service's metrics in the Prometheus text format (0.0.4): requests by route "
        "template, method and status, their latency, problems by code, payroll runs created "
        "and approved, payslips computed, database connections in use. With several workers "
        "the numbers are those of all of them. Needs an `admin` key or the metrics token "
        "(`COMPCALC_METRICS_TOKEN`), sent as `Authorization: Bearer <token>`; see "
        "docs/operations.md."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "Every metric, in the Prometheus text format.",
            "content": {"text/plain": {"schema": {"type": "string"}, "example": _EXAMPLE}},
        },
        **secured(),
    },
)
def metrics_page(_: Annotated[None, Depends(metrics_reader)]) -> Response:
    # A plain function: with several workers it reads their files (in the thread pool).
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)
