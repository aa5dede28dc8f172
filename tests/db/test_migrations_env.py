"""The Alembic environment: settings-driven URL, SQLite and PostgreSQL, dated revision names.

The repository has no revisions yet, so the tests that need one generate it from the real
``script.py.mako`` into a scratch copy of ``migrations/``, which also exercises the template.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    text,
)
from sqlalchemy.schema import CreateTable

from app.db.base import NAMING_CONVENTION, Base
from tests.support.localserver import database_url, scratch_database


def _config(repo_root: Path, url: str | None = None, sql_out: io.StringIO | None = None) -> Config:
    config = Config(str(repo_root / "alembic.ini"), output_buffer=sql_out)
    config.attributes["configure_logging"] = False
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    return config


def _version_in(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert version is None or isinstance(version, str)
    return version


@dataclass(frozen=True)
class Scratch:
    """A copy of migrations/ holding one freshly generated revision."""

    script_location: Path
    revision: str

    def config(self, repo_root: Path, url: str, sql_out: io.StringIO | None = None) -> Config:
        config = _config(repo_root, url, sql_out)
        config.set_main_option("script_location", str(self.script_location))
        return config


@pytest.fixture
def scratch(repo_root: Path, tmp_path: Path) -> Scratch:
    script_location = tmp_path / "migrations"
    shutil.copytree(
        repo_root / "migrations", script_location, ignore=shutil.ignore_patterns("__pycache__")
    )
    for old in (script_location / "versions").glob("*.py"):
        old.unlink()
    config = _config(repo_root)
    config.set_main_option("script_location", str(script_location))

    script = command.revision(config, message="Add probe table")

    assert script is not None and not isinstance(script, list)
    return Scratch(script_location, script.revision)


def test_repository_revisions_apply_with_url_from_settings(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "from-settings.db"
    monkeypatch.setenv("COMPCALC_DATABASE_URL", f"sqlite:///{database}")

    command.upgrade(_config(repo_root), "head")

    heads = ScriptDirectory.from_config(_config(repo_root)).get_heads()
    assert database.exists()
    assert _version_in(f"sqlite:///{database}") == (heads[0] if heads else None)


def test_revision_files_get_dated_slug_names(repo_root: Path, scratch: Scratch) -> None:
    config = scratch.config(repo_root, "sqlite://")
    script = ScriptDirectory.from_config(config).get_revision(scratch.revision)

    assert script is not None
    assert re.fullmatch(r"\d{8}_add_probe_table\.py", Path(script.path).name)
    source = Path(script.path).read_text(encoding="utf-8")
    assert re.search(rf"^revision: str = [\"']{scratch.revision}[\"']$", source, re.MULTILINE)
    assert "down_revision: str | Sequence[str] | None = None" in source
    assert "Revises:\n" in source  # no trailing blank for a first revision
    compile(source, script.path, "exec")


def test_generated_revision_upgrades_and_downgrades_sqlite(
    repo_root: Path, scratch: Scratch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'scratch.db'}"
    config = scratch.config(repo_root, url)

    command.upgrade(config, "head")
    assert _version_in(url) == scratch.revision

    command.downgrade(config, "base")
    assert _version_in(url) is None


def test_offline_mode_renders_sql_without_connecting(
    repo_root: Path, scratch: Scratch, tmp_path: Path
) -> None:
    database = tmp_path / "never-created.db"
    sql = io.StringIO()

    command.upgrade(scratch.config(repo_root, f"sqlite:///{database}", sql), "head", sql=True)

    assert "CREATE TABLE alembic_version" in sql.getvalue()
    insert = f"INSERT INTO alembic_version (version_num) VALUES ('{scratch.revision}')"
    assert insert in sql.getvalue()
    assert not database.exists()


@pytest.fixture
def scratch_postgres_url() -> Iterator[str]:
    """A URL to a brand-new PostgreSQL database, dropped afterwards.

    A throwaway database keeps this test independent of whatever other tests leave in the shared
    test database, and vice versa.
    """
    base_url = os.environ.get("COMPCALC_TEST_POSTGRES_URL")
    if not base_url:
        pytest.skip("COMPCALC_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    with scratch_database(base_url, "compcalc_migrations") as name:
        yield database_url(base_url, name)


def test_generated_revision_upgrades_and_downgrades_postgresql(
    repo_root: Path, scratch: Scratch, scratch_postgres_url: str
) -> None:
    config = scratch.config(repo_root, scratch_postgres_url)

    command.upgrade(config, "head")
    assert _version_in(scratch_postgres_url) == scratch.revision

    command.downgrade(config, "base")
    assert _version_in(scratch_postgres_url) is None


def test_base_metadata_names_constraints_by_convention() -> None:
    assert dict(Base.metadata.naming_convention) == NAMING_CONVENTION

    # A separate MetaData with the same convention, so Base.metadata stays free of test tables.
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    Table("scheme", metadata, Column("id", Integer, primary_key=True))
    table = Table(
        "scheme_version",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("scheme_id", ForeignKey("scheme.id"), nullable=False),
        Column("label", String(50), unique=True),
        Column("effective_from", String(10), index=True),
    )
    ddl = str(CreateTable(table))

    assert "CONSTRAINT pk_scheme_version PRIMARY KEY" in ddl
    assert "CONSTRAINT fk_scheme_version_scheme_id_scheme FOREIGN KEY" in ddl
    assert "CONSTRAINT uq_scheme_version_label UNIQUE" in ddl
    assert {index.name for index in table.indexes} == {"ix_scheme_version_effective_from"}
