"""Static checks of docker-compose.yml (no Docker engine here to run it): the service with two
workers on PostgreSQL, waiting for a healthy database, probed itself, its data on a volume,
and no secret written into the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import make_url

from tests.test_dockerfile import Stage, parse_dockerfile

#: Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}``.
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z_]+)(?::(?P<op>[-?])(?P<arg>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose(repo_root_module: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((repo_root_module / "docker-compose.yml").read_text())
    return data


@pytest.fixture(scope="module")
def repo_root_module() -> Path:
    return Path(__file__).resolve().parent.parent


def _interpolate(value: str, env: dict[str, str]) -> str:
    """``value`` with compose's variables replaced as ``docker compose`` would."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if env.get(name):
            return env[name]
        if op == "?":
            raise LookupError(f"{name}: {arg}")
        return arg or ""

    return VARIABLE.sub(one, value)


def test_two_services_and_a_volume_for_the_database(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"app", "db"}
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    (mount,) = db["volumes"]
    volume, path = mount.split(":")
    assert path == "/var/lib/postgresql/data"
    assert volume in compose["volumes"]


def test_the_app_is_the_repositorys_image_with_two_workers(
    compose: dict[str, Any], repo_root_module: Path
) -> None:
    app = compose["services"]["app"]
    assert app["build"] == "."
    assert app["environment"]["COMPCALC_WORKERS"] == "2"
    stages: list[Stage] = parse_dockerfile((repo_root_module / "Dockerfile").read_text())
    (exposed,) = stages[-1].args_of("EXPOSE")
    assert app["ports"] == [f"{exposed}:{exposed}"]


def test_the_app_reaches_the_compose_database_with_its_credentials(
    compose: dict[str, Any],
) -> None:
    app, db = compose["services"]["app"], compose["services"]["db"]
    env = {"POSTGRES_PASSWORD": "s3cret"}
    url = make_url(_interpolate(app["environment"]["COMPCALC_DATABASE_URL"], env))
    database = {k: _interpolate(str(v), env) for k, v in db["environment"].items()}

    assert (url.drivername, url.host, url.port) == ("postgresql+psycopg", "db", 5432)
    assert (url.username, url.password, url.database) == (
        database["POSTGRES_USER"],
        database["POSTGRES_PASSWORD"],
        database["POSTGRES_DB"],
    )


def test_no_password_is_written_in_the_file(compose: dict[str, Any]) -> None:
    app, db = compose["services"]["app"], compose["services"]["db"]
    # Without POSTGRES_PASSWORD compose refuses to start, rather than using a default.
    with pytest.raises(LookupError, match="POSTGRES_PASSWORD"):
        _interpolate(db["environment"]["POSTGRES_PASSWORD"], {})
    with pytest.raises(LookupError, match="POSTGRES_PASSWORD"):
        _interpolate(app["environment"]["COMPCALC_DATABASE_URL"], {})
    assert _interpolate(app["environment"]["COMPCALC_METRICS_TOKEN"], {}) == ""  # unset


def test_the_app_waits_for_a_healthy_database_and_is_probed(compose: dict[str, Any]) -> None:
    app, db = compose["services"]["app"], compose["services"]["db"]

    assert app["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert db["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    probe = app["healthcheck"]["test"]
    assert probe[0] == "CMD" and "curl" not in probe  # python:slim has no curl
    assert "http://127.0.0.1:8000/readyz" in probe[-1]  # ready: its database answers
    assert {app["restart"], db["restart"]} == {"unless-stopped"}
