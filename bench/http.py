"""HTTP benchmark: the calculation endpoint against a bare FastAPI endpoint, and a 100k payroll.

A measurement script, not a test: it prints figures and asserts nothing.

    .venv/bin/python bench/http.py                        # 10 s per endpoint, 8 connections
    .venv/bin/python bench/http.py --seconds 5 --concurrency 4 --employees 20000
    .venv/bin/python bench/http.py --skip-large           # only the throughput comparison

1. Throughput: uvicorn (one worker, no access log) serves the app on a free 127.0.0.1 port;
   8 client threads with keep-alive connections POST a one-employee calculation (the Acme
   scheme inline, as Swagger's example does) for a bounded time. Then a bare FastAPI app on
   the same server settings answers the same request with a same-size prepared body. Reported:
   requests/s, p50 and p99 latency, errors; and calculate as a share of the bare endpoint.
2. Size: a fresh server computes a 100k-employee payroll (one request); reported: the
   end-to-end time (request sent → response read), the server's peak RSS (VmHWM), and the
   engine's time for the same roster in this process (parse + calculate).

The client uses ``http.client`` (lighter than httpx, so it measures the server, not itself);
every server is stopped at the end, whatever happens.
"""

from __future__ import annotations

import os
import sys

# Run as ``python bench/http.py``, this file's folder is first on sys.path, where "http" would
# shadow the standard library's http package that every HTTP client imports.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
_ROOT = os.path.dirname(_HERE)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any, Final  # noqa: E402

from fastapi import FastAPI, Request, Response  # noqa: E402

HEADERS: Final = {"content-type": "application/json", "accept": "application/json"}
PATH: Final = "/v1/payroll/calculate"
# One employee of each kind of pay: (department, role, measure credited)
_SLOTS: Final = (
    [("sales", "rep", "new_revenue")] * 5
    + [("sales", "head", None), ("sales", "assistant_head", None)]
    + [("clients", "rep", "repeat_revenue")] * 4
    + [("clients", "head", None), ("development", "key_account", "growth_revenue")]
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _scheme() -> dict[str, Any]:
    from app.api.examples import acme_scheme

    return acme_scheme()


def roster(size: int, seed: int = 20270301) -> list[dict[str, Any]]:
    """``size`` employees in the Acme mix, credited around their targets (as JSON)."""
    rng = random.Random(seed)
    employees = []
    for index in range(size):
        department, role, measure = _SLOTS[index % len(_SLOTS)]
        employee: dict[str, Any] = {
            "id": f"E{index:06d}",
            "name": f"Employee {index}",
            "department": department,
            "role": role,
        }
        if measure is not None:
            employee["credited"] = {measure: f"{rng.randint(0, 300_000_000) / 100:.2f}"}
        if index % 16 == 3:
            employee["start_date"] = "2027-03-10"
        employees.append(employee)
    return employees


def request_body(size: int) -> bytes:
    return json.dumps({"scheme": _scheme(), "period": "2027-03", "roster": roster(size)}).encode()


# --- servers ----------------------------------------------------------------------------------


def _serve_bare(port: int, size: int) -> None:
    """Child process: a FastAPI app whose only endpoint returns ``size`` prepared bytes."""
    import uvicorn

    body = b'{"payload":"' + b"x" * max(0, size - 14) + b'"}'
    app = FastAPI()

    @app.post(PATH)
    async def bare(request: Request) -> Response:
        await request.body()  # receive the same request body, do nothing with it
        return Response(body, media_type="application/json")

    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    def peak_rss_mib(self) -> float:
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")


@contextmanager
def serve(command: list[str], env: dict[str, str], port: int) -> Iterator[Server]:
    process = subprocess.Popen(command, env=env, cwd=_ROOT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {command}") from None
                time.sleep(0.1)
        yield Server(process, port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def compcalc_server(database_dir: str) -> Iterator[Server]:
    from app.db import migrate
    from app.db.session import Database
    from app.services.keys import create_key

    url = f"sqlite:///{os.path.join(database_dir, 'bench.db')}"
    migrate.upgrade(url)
    database = Database(url)
    try:  # every request carries a key, as in production (the bare endpoint ignores it)
        HEADERS["authorization"] = "Bearer " + create_key(database, "bench", ["admin"])[1]
    finally:
        database.dispose()
    port = _free_port()
    env = {**os.environ, "COMPCALC_DATABASE_URL": url}
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    with serve(command, env, port) as server:
        yield server


@contextmanager
def bare_server(size: int) -> Iterator[Server]:
    port = _free_port()
    command = [sys.executable, os.path.abspath(__file__), "--serve-bare", str(port), str(size)]
    with serve(command, dict(os.environ), port) as server:
        yield server


# --- clients ----------------------------------------------------------------------------------


def post(port: int, body: bytes, timeout: float = 600) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", PATH, body, HEADERS)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass(frozen=True)
class Load:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def load(port: int, body: bytes, seconds: float, concurrency: int) -> Load:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start = time.perf_counter()
    deadline = start + seconds

    def run(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                connection.request("POST", PATH, body, HEADERS)
                response = connection.getresponse()
                response.read()
                latencies[slot].append(time.perf_counter() - began)
                if response.status != 200:
                    errors[slot] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    merged = [value for slot in latencies for value in slot]
    return Load(len(merged), sum(errors), elapsed, merged)


# --- the runs ---------------------------------------------------------------------------------


def throughput(seconds: float, concurrency: int) -> tuple[Load, Load, int]:
    body = request_body(1)
    with tempfile.TemporaryDirectory() as tmp, compcalc_server(tmp) as server:
        status, answer = post(server.port, body)
        if status != 200:
            raise RuntimeError(f"calculate answered {status}: {answer[:300]!r}")
        load(server.port, body, min(2.0, seconds), concurrency)  # warm-up
        calculate = load(server.port, body, seconds, concurrency)
    with bare_server(len(answer)) as server:
        status, bare_answer = post(server.port, body)
        if status != 200 or len(bare_answer) != len(answer):
            raise RuntimeError(f"bare answered {status} with {len(bare_answer)} bytes")
        load(server.port, body, min(2.0, seconds), concurrency)
        bare = load(server.port, body, seconds, concurrency)
    return calculate, bare, len(answer)


def large(employees: int) -> dict[str, float]:
    """Time and peak memory of one large calculation, and the engine's time for it."""
    from app.api.examples import acme_scheme
    from app.api.inputs import EmployeeInput
    from app.engine import Period, calculate, parse_scheme
    from app.io.read.documents import parse_document

    body = request_body(employees)
    with tempfile.TemporaryDirectory() as tmp, compcalc_server(tmp) as server:
        began = time.perf_counter()
        status, answer = post(server.port, body)
        elapsed = time.perf_counter() - began
        if status != 200:
            raise RuntimeError(f"calculate answered {status}: {answer[:300]!r}")
        peak = server.peak_rss_mib()
    del answer
    # The engine alone, on the same roster: what the HTTP shell adds is the difference.
    decoded = parse_document(json.dumps(roster(employees)), "json", positions=False).data
    assert isinstance(decoded, list)
    people = [EmployeeInput.model_validate(item).to_engine() for item in decoded]
    scheme = parse_scheme(acme_scheme())
    began = time.perf_counter()
    calculate(scheme, Period.parse("2027-03"), people)
    engine = time.perf_counter() - began
    gc.disable()  # the same, with the collector paused as the service pauses it
    try:
        began = time.perf_counter()
        calculate(scheme, Period.parse("2027-03"), people)
        engine_paused = time.perf_counter() - began
    finally:
        gc.enable()
    return {
        "employees": employees,
        "request_mb": len(body) / 1e6,
        "seconds": elapsed,
        "engine_seconds": engine,
        "engine_paused_seconds": engine_paused,
        "peak_rss_mib": peak,
    }


# --- where a small request's time goes ---------------------------------------------------------


def _cpu_ms(action: Callable[[], object], count: int = 2000, batches: int = 7) -> float:
    """Least process CPU time of ``action`` per call, over ``batches`` batches."""
    for _ in range(count // 10):
        action()
    best = float("inf")
    for _ in range(batches):
        began = time.process_time()
        for _ in range(count):
            action()
        best = min(best, (time.process_time() - began) / count)
    return best * 1000


async def _asgi_cpu_ms(app: Any, body: bytes, headers: list[tuple[bytes, bytes]]) -> float:
    """Like :func:`_cpu_ms`, for one POST of ``body`` to ``app`` through ASGI (no sockets)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": PATH, "raw_path": PATH.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip
    statuses: list[int] = []

    async def call() -> None:
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app(dict(scope), receive, send)

    count, best = 2000, float("inf")
    for _ in range(count // 10):
        await call()
    for _ in range(7):
        began = time.process_time()
        for _ in range(count):
            await call()
        best = min(best, (time.process_time() - began) / count)
    if set(statuses) != {200}:
        raise RuntimeError(f"answered {sorted(set(statuses))}")
    return best * 1000


def breakdown() -> list[tuple[str, float]]:
    """CPU milliseconds per one-employee calculate, layer by layer, in this process."""
    from app import services
    from app.api.body import RawBody, decode, validate
    from app.api.inputs import CalculateRequest
    from app.main import create_app
    from app.settings import Settings

    body = request_body(1)
    raw = RawBody(body, "json")
    data = decode(raw).data
    request = validate(CalculateRequest, data)
    source, inputs = request.source(), request.inputs()
    figures = [
        ("decode the JSON body (exact decimals)", _cpu_ms(lambda: decode(raw))),
        ("validate it (Pydantic)", _cpu_ms(lambda: validate(CalculateRequest, data))),
        (
            "compute and render (engine, report, JSON)",
            _cpu_ms(lambda: services.calculate_payroll(None, source, inputs)),  # type: ignore[arg-type]
        ),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        from app.db import migrate
        from app.db.session import Database
        from app.services.keys import create_key

        url = f"sqlite:///{os.path.join(tmp, 'bench.db')}"
        migrate.upgrade(url)
        database = Database(url)
        try:
            secret = create_key(database, "bench", ["admin"])[1]
        finally:
            database.dispose()
        app = create_app(Settings(database_url=url))
        headers = [
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {secret}".encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        ours = asyncio.run(_asgi_cpu_ms(app, body, headers))
        app.state.database.dispose()
    bare = FastAPI()
    prepared = b"x" * 1556

    @bare.post(PATH)
    async def endpoint(request: Request) -> Response:
        await request.body()
        return Response(prepared, media_type="application/json")

    bare_ms = asyncio.run(_asgi_cpu_ms(bare, body, headers))
    work = sum(ms for _, ms in figures)
    figures += [
        ("the whole calculate request through ASGI", ours),
        ("  of which FastAPI, key check, body reading", ours - work),
        ("the bare endpoint through ASGI", bare_ms),
    ]
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint (default 10)")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections")
    parser.add_argument("--employees", type=int, default=100_000, help="the large payroll")
    parser.add_argument("--skip-large", action="store_true", help="only the throughput part")
    parser.add_argument(
        "--breakdown", action="store_true", help="only the CPU cost per layer, in-process"
    )
    parser.add_argument("--serve-bare", nargs=2, type=int, metavar=("PORT", "SIZE"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args(argv)
    if args.serve_bare:
        _serve_bare(*args.serve_bare)
        return 0

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if args.breakdown:
        print("\none-employee calculate, CPU ms per request in this process (least of 7 batches)")
        for name, ms in breakdown():
            print(f"{name:<46}{ms:8.3f}")
        return 0
    calc, bare, size = throughput(args.seconds, args.concurrency)
    print(
        f"\none-employee calculate vs bare endpoint ({size:,} byte response, "
        f"{args.concurrency} connections, {args.seconds:g} s each, one uvicorn worker)"
    )
    header = ("endpoint", "requests", "req/s", "p50 ms", "p99 ms", "errors")
    print(f"{header[0]:<12}" + "".join(f"{h:>10}" for h in header[1:]))
    for name, result in (("calculate", calc), ("bare", bare)):
        cells = (
            f"{result.requests}",
            f"{result.rate:.0f}",
            f"{result.percentile(0.5):.2f}",
            f"{result.percentile(0.99):.2f}",
            f"{result.errors}",
        )
        print(f"{name:<12}" + "".join(f"{c:>10}" for c in cells))
    added = statistics.median(calc.latencies) - statistics.median(bare.latencies)
    print(f"calculate / bare = {calc.rate / bare.rate:.0%} (target ≥ 70%)")
    print(f"median latency added by calculate: {added * 1000:.2f} ms")
    if not args.skip_large:
        figures = large(args.employees)
        ratio = figures["seconds"] / figures["engine_seconds"]
        paused = figures["seconds"] / figures["engine_paused_seconds"]
        print(
            f"\n{figures['employees']:,}-employee calculate "
            f"({figures['request_mb']:.1f} MB request)"
        )
        print(
            f"end to end {figures['seconds']:.2f} s; engine in-process "
            f"{figures['engine_seconds']:.2f} s; ratio {ratio:.2f}× (target < 3×)"
        )
        print(
            "engine with the collector paused, as the service runs it: "
            f"{figures['engine_paused_seconds']:.2f} s; ratio {paused:.2f}×"
        )
        print(f"server peak RSS {figures['peak_rss_mib']:.0f} MiB (target < 1024 MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
