"""GET /readyz: 200 only when the database answers and is migrated to this code's head."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.db.models import SCHEMA_REVISION
from app.main import create_app
from app.settings import Settings


def _ready(url: str) -> tuple[int, dict[str, object], str]:
    with TestClient(create_app(Settings(database_url=url))) as client:
        response = client.get("/readyz")
    return response.status_code, response.json(), response.headers["content-type"]


def test_ready_when_migrated(db_url: str) -> None:
    status, body, _ = _ready(db_url)

    assert status == 200
    assert body == {
        "status": "ready",
        "database": "postgresql" if db_url.startswith("postgresql") else "sqlite",
        "revision": SCHEMA_REVISION,
    }


def test_not_ready_before_migrations(empty_db_url: str) -> None:
    status, body, media = _ready(empty_db_url)

    assert (status, media) == (503, "application/problem+json")
    assert body["code"] == "DATABASE_NOT_MIGRATED"
    assert "alembic upgrade head" in str(body["detail"])


def test_not_ready_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # Nothing listens on port 1; a directory cannot be opened as a SQLite file.
    for url in ("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2",
                f"sqlite:///{tmp_path}"):  # fmt: skip
        status, body, _ = _ready(url)
        assert status == 503, url
        assert body["code"] == "DATABASE_UNREACHABLE"
        assert "secret" not in str(body)


def test_liveness_needs_no_database(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert client.get("/healthz").status_code == 200
