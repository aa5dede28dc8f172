"""What the service counts, for ``GET /metrics`` (Prometheus text format, docs/operations.md).

Every metric is defined here, once per process, in :data:`REGISTRY`.  The request middleware
(:mod:`app.api.observability`) records each request when it ends; what only a route or the
error handler knows reaches it through the request's :class:`Observation`
(:func:`note_key`, :func:`note_problem`, :func:`note_payslips`).

Labels never hold a raw path, an id, a name or an amount: routes are templates
(``/v1/payroll-runs/{run_id}``), problem codes are the stable codes of the problem documents.

**Several workers.**  With ``PROMETHEUS_MULTIPROC_DIR`` set (``compcalc serve`` does it for two
or more workers, app/cli/serve.py) the library keeps each process's values in files there, and
a scrape, answered by whichever worker gets it, merges the files of all of them
(:func:`exposition`).  The connection gauges then count live workers only: a worker that stops
removes its own files (:func:`worker_stopped`), and a worker that starts removes those of
workers that died without doing so (:func:`worker_started`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    multiprocess,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from sqlalchemy import Engine, event
from starlette.requests import Request
from starlette.types import Scope

__all__ = [
    "CONTENT_TYPE",
    "MULTIPROC_ENV",
    "REGISTRY",
    "Observation",
    "exposition",
    "multiprocess_dir",
    "note_key",
    "note_payslips",
    "note_problem",
    "observation",
    "record_request",
    "watch_pool",
    "worker_started",
    "worker_stopped",
]

MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE: Final = CONTENT_TYPE_PLAIN_0_0_4
#: Requests whose path matches no route share one label value, so a scan of made-up paths
#: cannot create unbounded series.
UNMATCHED: Final = "(unmatched)"
_METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

#: From a cached /healthz (well under a millisecond) to a 100 000-employee payroll run.
LATENCY_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

# No `*_created` series: with several workers the library has none, and one process should
# not show more than many.
disable_created_metrics()  # type: ignore[no-untyped-call]
REGISTRY: Final = CollectorRegistry(auto_describe=True)

REQUESTS: Final = Counter(
    "compcalc_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
    registry=REGISTRY,
)
LATENCY: Final = Histogram(
    "compcalc_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
IN_PROGRESS: Final = Gauge(
    "compcalc_http_requests_in_progress",
    "HTTP requests being answered now (all workers).",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
PROBLEMS: Final = Counter(
    "compcalc_http_problems",
    "Problem documents (application/problem+json) sent, by status and problem code.",
    ["status", "code"],
    registry=REGISTRY,
)
RUNS_CREATED: Final = Counter(
    "compcalc_payroll_runs_created",
    "Payroll runs computed and stored (201 from POST /v1/payroll-runs; replays not counted).",
    registry=REGISTRY,
)
RUNS_APPROVED: Final = Counter(
    "compcalc_payroll_runs_approved",
    "Payroll runs approved (200 from POST /v1/payroll-runs/{run_id}/approve; replays not counted).",
    registry=REGISTRY,
)
PAYSLIPS: Final = Counter(
    "compcalc_payslips_computed",
    "Payslips computed by successful calculations and runs, by route template.",
    ["route"],
    registry=REGISTRY,
)
CONNECTIONS_IN_USE: Final = Gauge(
    "compcalc_db_connections_in_use",
    "Database connections checked out of the workers' pools now (all workers).",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
CONNECTIONS_MAX: Final = Gauge(
    "compcalc_db_connections_max",
    "Connections the workers' pools may open at most (pool size + overflow, all workers).",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)

_CREATED: Final = ("POST", "/v1/payroll-runs", 201)
_APPROVED: Final = ("POST", "/v1/payroll-runs/{run_id}/approve", 200)


@dataclass(slots=True)
class Observation:
    """What one request's handlers tell the middleware; kept in the ASGI scope, so a copy of
    the scope (as some routers make) still points at the same object."""

    key_id: str | None = None
    problem: str | None = None
    payslips: int = 0


SCOPE_KEY: Final = "compcalc.observation"


def observation(scope: Scope) -> Observation:
    """The request's observation (a fresh one, recorded nowhere, outside the middleware)."""
    found = scope.get(SCOPE_KEY)
    return found if isinstance(found, Observation) else Observation()


def note_key(request: Request, key_id: object) -> None:
    """The API key the request was verified with (its id, never its secret)."""
    observation(request.scope).key_id = None if key_id is None else str(key_id)


def note_problem(request: Request, code: str) -> None:
    """The problem document the request is answered with (counted when it is sent)."""
    observation(request.scope).problem = code


def note_payslips(request: Request, count: int) -> None:
    """``count`` payslips are being computed; counted if the response is a success (2xx) and
    not an ``Idempotency-Replayed`` answer.  Call it from the route once the roster is known."""
    observation(request.scope).payslips = count


def record_request(
    route: str, method: str, status: int, seconds: float, seen: Observation, replayed: bool
) -> None:
    """Count one finished request (the middleware calls it once per request)."""
    method = method if method in _METHODS else "OTHER"
    REQUESTS.labels(route, method, str(status)).inc()
    LATENCY.labels(route, method).observe(seconds)
    if seen.problem is not None and status >= 400:
        PROBLEMS.labels(str(status), seen.problem).inc()
    if replayed or not 200 <= status < 300:
        return
    if (method, route, status) == _CREATED:
        RUNS_CREATED.inc()
    elif (method, route, status) == _APPROVED:
        RUNS_APPROVED.inc()
    if seen.payslips:
        PAYSLIPS.labels(route).inc(seen.payslips)


def watch_pool(engine: Engine) -> None:
    """Keep :data:`CONNECTIONS_IN_USE` current from the pool's checkout and checkin events
    (a gauge read at scrape time would only see the scraping worker's pool)."""

    def checked_out(*_: Any) -> None:
        CONNECTIONS_IN_USE.inc()

    def checked_in(*_: Any) -> None:
        CONNECTIONS_IN_USE.dec()

    event.listen(engine, "checkout", checked_out)
    event.listen(engine, "checkin", checked_in)
    pool: Any = engine.pool  # QueuePool (PostgreSQL, an SQLite file): size() and an overflow
    size, overflow = getattr(pool, "size", None), getattr(pool, "_max_overflow", 0)
    if callable(size):  # one app per worker: its pool is the worker's
        CONNECTIONS_MAX.set(size() + max(0, overflow))


def multiprocess_dir() -> str | None:
    """The directory the workers share their values in; None in a single process."""
    return os.environ.get(MULTIPROC_ENV) or None


def exposition() -> bytes:
    """Every metric in the Prometheus text format: this process's, or with several workers
    those of all of them, merged."""
    shared = multiprocess_dir()
    if shared is None:
        return generate_latest(REGISTRY)
    merged = CollectorRegistry()
    multiprocess.MultiProcessCollector(merged, path=shared)  # type: ignore[no-untyped-call]
    return generate_latest(merged)


def worker_started() -> None:
    """Forget the live gauges of workers that died without :func:`worker_stopped` (killed):
    uvicorn starts a new worker in their place, which calls this."""
    shared = multiprocess_dir()
    if shared is None:
        return
    for file in Path(shared).glob("gauge_live*_*.db"):
        pid = file.stem.rpartition("_")[2]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), shared)  # type: ignore[no-untyped-call]


def worker_stopped() -> None:
    """Remove this worker's live gauges (its counters stay: they are totals)."""
    shared = multiprocess_dir()
    if shared is not None:
        multiprocess.mark_process_dead(os.getpid(), shared)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
