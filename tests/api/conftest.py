"""Fixtures for HTTP-level tests: an app per test, on a fresh migrated database."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db.session import Database
from app.main import create_app
from app.services import keys
from app.settings import Settings

YAML = {"content-type": "application/yaml"}


@pytest.fixture
def client(tmp_path: Path, sqlite_template: Path) -> Iterator[TestClient]:
    """A client of a freshly built app on a migrated SQLite file, sending an admin key: for
    the operations that store nothing (the database holds only the key)."""
    path = tmp_path / "keys.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}"))
    with TestClient(app) as test_client:
        test_client.headers["Authorization"] = "Bearer " + admin_key(app.state.database)
        yield test_client


@pytest.fixture
def api(db_url: str) -> Iterator[TestClient]:
    """A client of an app on a fresh database at the latest migration (SQLite, PostgreSQL),
    sending an admin key (which holds every scope)."""
    app = create_app(Settings(database_url=db_url))
    with TestClient(app) as test_client:
        test_client.headers["Authorization"] = "Bearer " + admin_key(app.state.database)
        yield test_client


def admin_key(database: Database, scopes: tuple[str, ...] = ("admin",)) -> str:
    """A new key's secret, made with the service the CLI uses."""
    return keys.create_key(database, "test " + " ".join(scopes), list(scopes))[1]


@pytest.fixture(scope="session")
def acme_yaml(repo_root_session: Path) -> str:
    return (repo_root_session / "examples" / "acme.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def acme_roster(repo_root_session: Path) -> list[dict[str, Any]]:
    data = json.loads((repo_root_session / "examples" / "acme-roster.json").read_text("utf-8"))
    employees: list[dict[str, Any]] = data["employees"]
    return employees


@pytest.fixture(scope="session")
def repo_root_session() -> Path:
    return Path(__file__).resolve().parents[2]


@pytest.fixture
def publish_acme(api: TestClient, acme_yaml: str) -> Callable[..., dict[str, Any]]:
    """``publish_acme(**replacements)`` stores and publishes a (changed) Acme version."""

    def publish(text: str | None = None) -> dict[str, Any]:
        body = acme_yaml if text is None else text
        created = api.post("/v1/schemes", content=body, headers=YAML)
        if created.status_code == 409:
            created = api.post("/v1/schemes/acme-sales/versions", content=body, headers=YAML)
        assert created.status_code == 201, created.text
        version = created.json()["version"]
        published = api.post(
            f"/v1/schemes/acme-sales/versions/{version}/publish",
            headers={"If-Match": created.headers["ETag"]},
        )
        assert published.status_code == 200, published.text
        result: dict[str, Any] = published.json()
        return result

    return publish
