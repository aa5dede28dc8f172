"""Suite-wide fixtures.

Kept minimal: each test folder (api/, db/, engine/, cli/) owns its fixtures in its own conftest.
The database fixtures live here because api/, db/, browser/ and cli/ tests all need them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from app.db import migrate
from app.settings import get_settings
from tests.support.localserver import database_url, scratch_database

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Drop cached settings around every test so environment changes made by one never leak."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def repo_root() -> Path:
    """Absolute path of the repository checkout the tests run from."""
    return REPO_ROOT


# --- databases ------------------------------------------------------------------------------
# Every database test runs on SQLite, and on PostgreSQL when COMPCALC_TEST_POSTGRES_URL is set
# (.ci/run sets it). Under CI=true a missing or unreachable PostgreSQL fails the run instead of
# skipping. Each test gets a fresh database built by the real Alembic migrations: migrated once
# per session into a template, then copied (SQLite: the file; PostgreSQL: CREATE DATABASE ...
# TEMPLATE), so tests are isolated without migrating hundreds of times.

POSTGRES_ENV = "COMPCALC_TEST_POSTGRES_URL"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "compcalc.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The base URL of the test PostgreSQL server (its databases are created per test)."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if _in_ci():
            pytest.fail(f"{POSTGRES_ENV} is not set, but CI must test PostgreSQL (.ci/run sets it)")
        pytest.skip(f"{POSTGRES_ENV} is not set (.ci/run sets it)")
    engine = create_engine(base)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES_ENV} cannot be reached: {exc.orig}")
    finally:
        engine.dispose()
    yield base


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> Iterator[str]:
    """A migrated PostgreSQL database that every test's database is copied from."""
    with scratch_database(postgres_server, "compcalc_template") as name:
        migrate.upgrade(database_url(postgres_server, name))
        yield name


@pytest.fixture
def fresh_postgres(postgres_server: str) -> Iterator[str]:
    """An empty PostgreSQL database (not migrated), dropped after the test."""
    with scratch_database(postgres_server, "compcalc_test") as name:
        yield database_url(postgres_server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the latest migration, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "compcalc.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: str = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("postgres_template")
    with scratch_database(server, "compcalc_test", template) as name:
        yield database_url(server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, never migrated database on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    url: str = request.getfixturevalue("fresh_postgres")
    return url
