"""Schemathesis against the running service: every check, positive and negative data, on
SQLite (one worker) and PostgreSQL (two workers).

The run is the command a person would type (``schemathesis run … --checks all --mode all``),
against uvicorn on 127.0.0.1, deterministic and bounded (``-n`` examples per operation). The
service's intended answers that schemathesis would otherwise call failures are listed, each
with its reason, in tests/conformance/schemathesis.toml (and docs/reliability.md); anything
else it reports fails the test, with its report.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from app.db.session import Database
from app.services import keys
from tests.support.localserver import database_url, running_service, scratch_database

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
#: Examples per operation and phase: enough to reach every parameter and body rule, bounded so
#: that one database takes well under a minute on two cores.
EXAMPLES = 20


@pytest.fixture(params=["sqlite", "postgresql"])
def served(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[tuple[str, str]]:
    """(base URL, admin key) of a service holding a published Acme scheme."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            shutil.copyfile(sqlite_template, tmp_path / "conformance.db")
            url, workers = f"sqlite:///{tmp_path / 'conformance.db'}", 1
        else:
            server: str = request.getfixturevalue("postgres_server")
            template: str = request.getfixturevalue("postgres_template")
            name = stack.enter_context(scratch_database(server, "compcalc_st", template))
            url, workers = database_url(server, name), 2
        database = Database(url)
        try:
            secret = keys.create_key(database, "schemathesis", ["admin"])[1]
        finally:
            database.dispose()
        log = stack.enter_context((tmp_path / "uvicorn.log").open("wb"))
        base = stack.enter_context(running_service(url, workers=workers, log=log))
        _seed(base, secret)
        yield base, secret


def _seed(base: str, secret: str) -> None:
    auth = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=base, headers=auth, timeout=30) as client:
        yaml = (REPO_ROOT / "examples" / "acme.yaml").read_text("utf-8")
        created = client.post(
            "/v1/schemes", content=yaml, headers={"content-type": "application/yaml"}
        )
        assert created.status_code == 201, created.text
        published = client.post(
            "/v1/schemes/acme-sales/versions/1/publish",
            headers={"If-Match": created.headers["ETag"]},
        )
        assert published.status_code == 200, published.text


def test_schemathesis_finds_nothing_beyond_the_intended_answers(
    served: tuple[str, str], tmp_path: Path
) -> None:
    base, secret = served
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--no-color",
        "--config-file", str(HERE / "schemathesis.toml"),
        "run", f"{base}/openapi.json",
        "--header", f"Authorization: Bearer {secret}",
        "--checks", "all",
        "--mode", "all",
        "--max-examples", str(EXAMPLES),
        "--generation-deterministic",
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False
    )

    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    assert "API Operations" in done.stdout  # it ran, and tested operations
