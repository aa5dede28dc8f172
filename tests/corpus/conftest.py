"""The corpus's service: one app per test module, on a copy of the migrated template."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.services import keys
from app.settings import Settings

SCHEMES = "/v1/schemes"
YAML = "application/yaml"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[TestClient]:
    """An app holding a published Acme scheme and nothing else, with an admin key."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}"))
    secret = keys.create_key(app.state.database, "corpus", ["admin"])[1]
    repo_root = Path(__file__).resolve().parents[2]
    with TestClient(
        app, headers={"Authorization": f"Bearer {secret}"}, raise_server_exceptions=False
    ) as test_client:
        yaml = (repo_root / "examples" / "acme.yaml").read_text("utf-8")
        created = test_client.post(SCHEMES, content=yaml, headers={"content-type": YAML})
        etag = created.headers["ETag"]
        test_client.post(f"{SCHEMES}/acme-sales/versions/1/publish", headers={"If-Match": etag})
        yield test_client
