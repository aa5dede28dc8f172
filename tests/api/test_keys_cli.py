"""``compcalc keys …``: the command-line side of API key management."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.main import create_app
from app.settings import Settings


def _url(tmp_path: Path, sqlite_template: Path) -> str:
    shutil.copyfile(sqlite_template, tmp_path / "keys.db")
    return f"sqlite:///{tmp_path / 'keys.db'}"


def test_create_list_revoke(tmp_path: Path, sqlite_template: Path) -> None:
    url = _url(tmp_path, sqlite_template)
    runner = CliRunner()

    created = runner.invoke(
        cli, ["keys", "create", "--name", "hr", "--scope", "payroll:read", "--url", url]
    )
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("cck_") and "\n" not in secret

    listed = runner.invoke(cli, ["keys", "list", "--url", url])
    assert listed.exit_code == 0
    (line,) = listed.stdout.splitlines()
    key_id, prefix, name, scopes, state = line.split("  ")
    assert (prefix, name, scopes, state) == (secret[:12] + "…", "hr", "payroll:read", "active")
    assert secret not in listed.stdout

    app = create_app(Settings(database_url=url, key_cache_seconds=0))  # read on every request
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as client:
        assert client.get("/v1/payroll-runs").status_code == 200
        revoked = runner.invoke(cli, ["keys", "revoke", key_id, "--url", url])
        assert revoked.exit_code == 0 and "revoked" in revoked.stdout
        assert client.get("/v1/payroll-runs").status_code == 401
    assert runner.invoke(cli, ["keys", "list", "--url", url]).stdout.rstrip().endswith("revoked")


def test_bad_scopes_and_ids_are_usage_errors(tmp_path: Path, sqlite_template: Path) -> None:
    url = _url(tmp_path, sqlite_template)
    runner = CliRunner()

    bad_scope = runner.invoke(
        cli, ["keys", "create", "--name", "x", "--scope", "root", "--url", url]
    )
    bad_id = runner.invoke(cli, ["keys", "revoke", "nope", "--url", url])
    unknown = runner.invoke(
        cli, ["keys", "revoke", "00000000-0000-4000-8000-000000000000", "--url", url]
    )

    assert (bad_scope.exit_code, bad_id.exit_code, unknown.exit_code) == (2, 2, 2)
    assert "unknown scope(s) root" in bad_scope.stderr


def test_bootstrap_prints_an_admin_key_only_on_an_empty_database(
    tmp_path: Path, sqlite_template: Path
) -> None:
    url = _url(tmp_path, sqlite_template)
    runner = CliRunner()

    first = runner.invoke(cli, ["keys", "bootstrap", "--url", url])
    second = runner.invoke(cli, ["keys", "bootstrap", "--url", url])

    (secret,) = [word for word in first.stdout.split() if word.startswith("cck_")]
    assert "/docs" in first.stdout and second.stdout == ""
    app = create_app(Settings(database_url=url, key_cache_seconds=0))  # read on every request
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as client:
        assert client.get("/v1/audit").status_code == 200  # admin


def test_the_cli_refuses_a_past_expiry_and_revoking_the_last_admin_key(
    tmp_path: Path, sqlite_template: Path
) -> None:
    url = _url(tmp_path, sqlite_template)
    runner = CliRunner()

    past = runner.invoke(
        cli,
        ["keys", "create", "--name", "x", "--scope", "admin", "--expires", "2020-01-01T00:00:00",
         "--url", url],
    )  # fmt: skip
    admin = runner.invoke(cli, ["keys", "create", "--name", "a", "--scope", "admin", "--url", url])
    (line,) = runner.invoke(cli, ["keys", "list", "--url", url]).stdout.splitlines()
    last = runner.invoke(cli, ["keys", "revoke", line.split("  ")[0], "--url", url])

    assert past.exit_code == 2 and "is not in the future" in past.stderr
    assert admin.exit_code == 0
    assert last.exit_code == 2 and "last active admin key" in last.stderr
    listed = runner.invoke(cli, ["keys", "list", "--url", url]).stdout
    assert listed.rstrip().endswith("active")
