"""Load benchmark: a mixed workload against two uvicorn workers on PostgreSQL.

A measurement script, not a test: it prints figures and asserts nothing.

    .venv/bin/python bench/load.py                      # 15 s per phase (docs: --seconds 30)
    .venv/bin/python bench/load.py --seconds 30 --postgres postgresql+psycopg://postgres@127.0.0.1/test

A fresh database is created on the PostgreSQL server (dropped at the end), migrated, given an
admin key and the published Acme scheme; uvicorn serves it with two workers on 127.0.0.1. The
workload mixes, per request: 50% what-if calculations (one employee), 25% payroll runs created
(the 13-employee Acme roster, each with its own Idempotency-Key), 25% reads of a stored run.

1. Saturation: 16 closed-loop clients for the given time → the maximum throughput.
2. Target load: requests sent at 80% of that rate on a fixed schedule (open loop; latency
   counted from the scheduled time, so queueing is included) → requests/s, p50, p99, errors.
"""

from __future__ import annotations

import os
import sys

# Run as ``python bench/load.py``, this file's folder is first on sys.path, where bench/http.py
# would shadow the standard library's http package that httpx imports.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from contextlib import AbstractContextManager, contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402

from app.localserver import database_url, running_service, scratch_database  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Result:
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies) or [float("nan")]
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@contextmanager
def database(server: str) -> Iterator[str]:
    with scratch_database(server, "compcalc_load") as name:
        yield database_url(server, name)


def service(url: str, workers: int) -> AbstractContextManager[str]:
    return running_service(url, workers=workers, args=("--no-access-log",))


class Workload:
    """The three kinds of request, chosen at random in a 2:1:1 mix."""

    def __init__(self, client: httpx.Client) -> None:
        acme = json.loads((ROOT / "examples" / "acme-roster.json").read_text("utf-8"))
        self.run_body = {
            "scheme": {"key": "acme-sales", "version": 1},
            "period": "2027-03",
            "roster": acme["employees"],
        }
        self.calc_body = {**self.run_body, "roster": acme["employees"][:1]}
        created = client.post("/v1/payroll-runs", json=self.run_body)
        assert created.status_code == 201, created.text
        self.run_ids = [created.json()["id"]]
        self.lock = threading.Lock()

    def request(self, client: httpx.Client, rng: random.Random) -> bool:
        """Send one request of a random kind; True when it answered as expected."""
        kind = rng.random()
        if kind < 0.5:
            return client.post("/v1/payroll/calculate", json=self.calc_body).status_code == 200
        if kind < 0.75:
            headers = {"Idempotency-Key": uuid.uuid4().hex}
            response = client.post("/v1/payroll-runs", json=self.run_body, headers=headers)
            if response.status_code == 201:
                with self.lock:
                    self.run_ids.append(response.json()["id"])
            return response.status_code == 201
        with self.lock:
            run_id = rng.choice(self.run_ids)
        return client.get(f"/v1/payroll-runs/{run_id}").status_code == 200


def closed_loop(
    make: Callable[[], httpx.Client], work: Workload, seconds: float, clients: int
) -> Result:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run(seed: int) -> None:
        rng = random.Random(seed)
        with make() as client:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                ok = work.request(client, rng)
                with lock:
                    latencies.append(time.perf_counter() - began)
                    errors[0] += not ok

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, range(clients)))
    return Result(time.perf_counter() - start, latencies, errors[0])


def open_loop(
    make: Callable[[], httpx.Client], work: Workload, seconds: float, rate: float
) -> Result:
    """Requests on a fixed schedule at ``rate``/s; latency from the scheduled instant.

    Each of the 64 sender threads opens its connection before the schedule starts, so the
    figures are the service's, not the cost of 64 clients connecting at once.
    """
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    local = threading.local()
    threads = 64
    ready = threading.Barrier(threads + 1)

    def warm(index: int) -> None:
        local.client, local.rng = make(), random.Random(index)
        local.client.get("/healthz")
        ready.wait()

    total = int(seconds * rate)
    with ThreadPoolExecutor(threads) as pool:
        warmed = [pool.submit(warm, i) for i in range(threads)]
        ready.wait()
        for future in warmed:
            future.result()
        start = time.perf_counter() + 0.2

        def one(index: int) -> None:
            scheduled = start + index / rate
            time.sleep(max(0.0, scheduled - time.perf_counter()))
            try:
                ok = work.request(local.client, local.rng)
            except httpx.HTTPError:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - scheduled)
                errors[0] += not ok

        list(pool.map(one, range(total)))
    return Result(time.perf_counter() - start, latencies, errors[0])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="per phase (default 15)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--fraction", type=float, default=0.8, help="target load as a share of the maximum"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("COMPCALC_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="PostgreSQL server URL; a scratch database is created on it and dropped",
    )
    args = parser.parse_args(argv)

    from app.db import migrate
    from app.db.session import Database
    from app.services.keys import create_key

    with database(args.postgres) as url:
        migrate.upgrade(url)
        db = Database(url)
        try:
            key = create_key(db, "load", ["admin"])[1]
        finally:
            db.dispose()
        with service(url, args.workers) as base:

            def make() -> httpx.Client:
                headers = {"Authorization": f"Bearer {key}"}
                return httpx.Client(base_url=base, headers=headers, timeout=30)

            with make() as client:
                yaml = (ROOT / "examples" / "acme.yaml").read_text("utf-8")
                created = client.post(
                    "/v1/schemes", content=yaml, headers={"content-type": "application/yaml"}
                )
                client.post(
                    "/v1/schemes/acme-sales/versions/1/publish",
                    headers={"If-Match": created.headers["ETag"]},
                )
                work = Workload(client)
            closed_loop(make, work, min(3.0, args.seconds), 16)  # warm-up
            peak = closed_loop(make, work, args.seconds, 16)
            target = open_loop(make, work, args.seconds, args.fraction * peak.rate)
    print(f"workers={args.workers} mix=50% calculate / 25% create run / 25% read run")
    share = f"{args.fraction:.0%} of max (open loop)"
    for name, result in (("saturation (16 clients)", peak), (share, target)):
        print(
            f"{name:26} {result.rate:7.1f} req/s  p50 {result.percentile(0.5):6.1f} ms  "
            f"p99 {result.percentile(0.99):6.1f} ms  errors {result.errors}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
