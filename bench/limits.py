"""Hostile bodies against one worker: what each costs the server, and what /healthz waits.

A measurement script, not a test: it prints figures and asserts nothing (the slow test
``tests/api/test_limits_server.py`` checks the answers, and that /healthz answers meanwhile).

    .venv/bin/python bench/limits.py                  # every case
    .venv/bin/python bench/limits.py --only roster    # the cases whose name contains "roster"

A fresh SQLite database with the Acme scheme published and an admin key; ``compcalc serve``
with one worker; for each body, a thread polls ``GET /healthz`` every 20 ms on a keep-alive
connection of its own while the body is posted. Reported per case: the answer (status, code,
bytes), the wall time of the request, the server's CPU time for it (user + system, from
/proc), and the slowest /healthz answer meanwhile.
"""

from __future__ import annotations

import os
import sys

# Run as ``python bench/limits.py``, this file's folder is first on sys.path, where bench/http.py
# would shadow the standard library's http package.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
_ROOT = os.path.dirname(_HERE)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Final  # noqa: E402

from tests.support.localserver import running_service  # noqa: E402

ROOT: Final = Path(_ROOT)

MIB: Final = 1024 * 1024
JSON: Final = "application/json"
YAML: Final = "application/yaml"
RUNS, CALCULATE, SCHEMES = "/v1/payroll-runs", "/v1/payroll/calculate", "/v1/schemes"
STORED: Final = '"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03"'


def _items(item: str, count: int) -> str:
    return ",".join([item] * count)


def _filling(item: str, size: int, overhead: int = 200) -> int:
    """How many ``item,`` fit in ``size`` bytes less ``overhead``."""
    return (size - overhead) // (len(item) + 1)


def _alias_bomb(levels: int) -> str:
    """Anchors of ten aliases each, ``levels`` deep: 10**levels values from a few hundred bytes."""
    lines = ["a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def _unknown_fields(count: int, name_length: int) -> str:
    return ",".join(f'"{str(n).rjust(name_length, "x")}": 1' for n in range(count))


def cases() -> list[tuple[str, str, str, Callable[[], bytes]]]:
    """(name, path, media type, body) of every case, bodies built on demand."""
    full = 20 * MIB - 1024
    inline = json.dumps({"key": "x"})[:-1]
    return [
        ("roster: 1M {} (runs)", RUNS, JSON,
         lambda: f'{{{STORED}, "roster": [{_items("{}", 1_000_000)}]}}'.encode()),
        ("roster: 1M {} (calculate)", CALCULATE, JSON,
         lambda: f'{{{STORED}, "roster": [{_items("{}", 1_000_000)}]}}'.encode()),
        ("roster: 100k {}, the most employees (runs)", RUNS, JSON,
         lambda: f'{{{STORED}, "roster": [{_items("{}", 100_000)}]}}'.encode()),
        ("roster: 100k employees of an unknown role (calculate)", CALCULATE, JSON,
         lambda: (f'{{{STORED}, "roster": ['
                  + ",".join(f'{{"id": "E-{n}", "department": "sales", "role": "x"}}'
                             for n in range(100_000)) + "]}").encode()),
        ("roster: 6M {} (runs)", RUNS, JSON,
         lambda: f'{{{STORED}, "roster": [{_items("{}", 6_000_000)}]}}'.encode()),
        ("deals: 1M {} (runs)", RUNS, JSON,
         lambda: f'{{{STORED}, "deals": [{_items("{}", 1_000_000)}]}}'.encode()),
        ("credits: 1M in one deal (runs)", RUNS, JSON,
         lambda: f'{{{STORED}, "deals": [{{"credit": [{_items("{}", 1_000_000)}]}}]}}'.encode()),
        ("roster: 1M {} YAML (runs)", RUNS, YAML,
         lambda: ("scheme: {key: acme-sales, version: 1}\nperiod: 2027-03\nroster:\n"
                  + "- {}\n" * 1_000_000).encode()),
        ("inline scheme: 1M holidays (calculate)", CALCULATE, JSON,
         lambda: (f'{{"scheme": {inline}, "calendar": {{"holidays": '
                  f'[{_items(chr(34) + "2027-01-01" + chr(34), 1_000_000)}]}}}}, '
                  '"period": "2027-03"}').encode()),
        ("20 MiB of [{},...] (calculate)", CALCULATE, JSON,
         lambda: f"[{_items('{}', _filling('{}', full))}]".encode()),
        ("20 MiB of [[],...] (calculate)", CALCULATE, JSON,
         lambda: f"[{_items('[]', _filling('[]', full))}]".encode()),
        ("20 MiB of integers in the roster (runs)", RUNS, JSON,
         lambda: f'{{{STORED}, "roster": [{_items("1", _filling("1", full))}]}}'.encode()),
        ("100k employees with 20 unknown fields each (runs)", RUNS, JSON,
         lambda: (f'{{{STORED}, "roster": ['
                  + _items("{" + _unknown_fields(20, 1) + "}", 100_000) + "]}").encode()),
        ("one employee with 1M unknown fields (runs)", RUNS, JSON,
         lambda: f'{{{STORED}, "roster": [{{{_unknown_fields(1_000_000, 7)}}}]}}'.encode()),
        ("1 000 unknown fields of 19 KB (calculate)", CALCULATE, JSON,
         lambda: f'{{{STORED}, {_unknown_fields(1000, 19_000)}}}'.encode()),
        ("1 000 unknown fields of 19 KB (runs)", RUNS, JSON,
         lambda: f'{{{STORED}, {_unknown_fields(1000, 19_000)}}}'.encode()),
        ("100 unknown keys of 19 KB (schemes, YAML)", SCHEMES, YAML,
         lambda: "".join(f"{str(n).rjust(19_000, 'x')}: 1\n" for n in range(100)).encode()),
        ("2 MiB of [{},...] (schemes)", SCHEMES, JSON,
         lambda: f"[{_items('{}', _filling('{}', 2 * MIB - 1024))}]".encode()),
        ("2 MiB of - [] (schemes, YAML)", SCHEMES, YAML,
         lambda: ("- []\n" * _filling("- []\n", 2 * MIB - 1024)).encode()),
        ("64 KiB of - {} in a YAML roster (runs)", RUNS, YAML,
         lambda: ("scheme: {key: acme-sales, version: 1}\nperiod: 2027-03\nroster:\n"
                  + "  - {}\n" * _filling("  - {}\n", 64 * 1024 - 100)).encode()),
        ("YAML aliases expanding past 1M values (schemes)", SCHEMES, YAML,
         lambda: _alias_bomb(7).encode()),
    ]  # fmt: skip


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its threads so far (the children's too)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(value) for value in fields[11:15]) / ticks


def _server_pid(port: int) -> int:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if f"--port\0{port}\0".encode() in command:
            return int(pid)
    raise RuntimeError("no server process")


class Prober(threading.Thread):
    """GET /healthz every ``interval`` seconds until stopped; keeps the slowest answer."""

    def __init__(self, port: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.port, self.interval = port, interval
        self.latencies: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        while not self.stopped.is_set():
            start = time.perf_counter()
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            self.latencies.append(time.perf_counter() - start)
            self.stopped.wait(self.interval)
        connection.close()


def _seed(base: str, database: str) -> dict[str, str]:
    from app.db.session import Database
    from app.services.keys import create_key

    db = Database(database)
    try:
        secret = create_key(db, "bench", ["admin"])[1]
    finally:
        db.dispose()
    headers = {"authorization": f"Bearer {secret}"}
    import httpx

    yaml = (ROOT / "examples" / "acme.yaml").read_bytes()
    created = httpx.post(f"{base}{SCHEMES}", content=yaml,
                         headers={**headers, "content-type": YAML})  # fmt: skip
    httpx.post(f"{base}{SCHEMES}/acme-sales/versions/1/publish",
               headers={**headers, "if-match": created.headers["etag"]})  # fmt: skip
    return headers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    options = parser.parse_args()
    from app.db import migrate

    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{scratch}/limits.db"
        migrate.upgrade(database)
        with running_service(database, args=("--no-access-log",)) as base:
            port = int(base.rsplit(":", 1)[1])
            pid = _server_pid(port)
            headers = _seed(base, database)
            print(f"{'case':52} {'answer':26} {'bytes':>9} {'wall':>7} {'cpu':>7} {'healthz':>8}")
            for name, path, media, build in cases():
                if options.only not in name:
                    continue
                body = build()
                prober = Prober(port)
                prober.start()
                time.sleep(0.1)
                cpu = _cpu_seconds(pid)
                start = time.perf_counter()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
                try:
                    connection.request("POST", path, body, {**headers, "content-type": media})
                    response = connection.getresponse()
                    text = response.read()
                    status = response.status
                except (http.client.HTTPException, OSError) as exc:
                    text, status = str(exc).encode(), 0
                finally:
                    connection.close()
                wall = time.perf_counter() - start
                used = _cpu_seconds(pid) - cpu
                time.sleep(0.1)
                prober.stopped.set()
                prober.join()
                try:
                    code = json.loads(text).get("code", "")
                except ValueError:
                    code = text[:20].decode(errors="replace")
                slowest = max(prober.latencies) * 1000
                label = f"{name} [{len(body) / MIB:.1f} MiB]"
                print(f"{label:52} {status} {code:22} {len(text):>9,} {wall:6.2f}s "
                      f"{used:6.2f}s {slowest:6.0f}ms", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
