"""Fixtures for HTTP-level tests: an app per test, on a fresh migrated database."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

YAML = {"content-type": "application/yaml"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """A client bound to a freshly built app (an unmigrated SQLite file it never needs)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def api(db_url: str) -> Iterator[TestClient]:
    """A client of an app on a fresh database at the latest migration (SQLite, PostgreSQL)."""
    with TestClient(create_app(Settings(database_url=db_url))) as test_client:
        yield test_client


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
        published = api.post(f"/v1/schemes/acme-sales/versions/{version}/publish")
        assert published.status_code == 200, published.text
        result: dict[str, Any] = published.json()
        return result

    return publish
