"""``compcalc db``: migrate a database up, report where it is, and back down."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from app.db.migrate import heads

from .conftest import Invoke


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_current_downgrade(compcalc: Invoke, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    (head,) = heads()

    before = compcalc("db", "current", "--url", url)
    assert (before.exit_code, before.stdout) == (0, f"base (behind: latest is {head})\n")

    up = compcalc("db", "upgrade", "--url", url)
    assert (up.exit_code, up.stdout) == (0, f"database at {head}\n")
    assert "alembic_version" in _tables(url)
    assert {"scheme", "scheme_version", "payroll_run"} <= _tables(url)

    now = compcalc("db", "current", "--url", url)
    assert now.stdout == f"{head} (up to date)\n"

    down = compcalc("db", "downgrade", "base", "--url", url)
    assert (down.exit_code, down.stdout) == (0, "database at base\n")
    assert _tables(url) <= {"alembic_version"}
