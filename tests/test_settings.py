"""Settings come from COMPCALC_* variables, with safe development defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.settings import MIB, Settings, get_settings


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENVIRONMENT", "DATABASE_URL", "HOST", "PORT", "WORKERS"):
        monkeypatch.delenv(f"COMPCALC_{name}", raising=False)
    monkeypatch.delenv("COMPCALC_MAX_SCHEME_BYTES", raising=False)
    monkeypatch.delenv("COMPCALC_MAX_ROSTER_BYTES", raising=False)

    settings = Settings()

    assert settings.environment == "development"
    assert settings.database_url == "sqlite:///./compcalc.db"
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)
    assert settings.max_scheme_bytes == 2 * 1024 * 1024 == 2 * MIB
    assert settings.max_roster_bytes == 64 * 1024 * 1024
    assert settings.max_body_bytes == 20 * 1024 * 1024
    assert settings.max_file_deals == 1_000_000


def test_values_come_from_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPCALC_ENVIRONMENT", "production")
    monkeypatch.setenv("COMPCALC_DATABASE_URL", "postgresql+psycopg://db/compcalc")
    monkeypatch.setenv("COMPCALC_WORKERS", "4")
    monkeypatch.setenv("COMPCALC_MAX_SCHEME_BYTES", "1024")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///ignored.db")  # unprefixed: not ours

    settings = get_settings()

    assert settings.environment == "production"
    assert settings.database_url == "postgresql+psycopg://db/compcalc"
    assert settings.workers == 4
    assert settings.max_scheme_bytes == 1024


def test_get_settings_is_cached_until_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPCALC_PORT", "9000")
    first = get_settings()
    monkeypatch.setenv("COMPCALC_PORT", "9001")

    assert get_settings() is first
    get_settings.cache_clear()
    assert get_settings().port == 9001


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENVIRONMENT", "staging"),
        ("PORT", "0"),
        ("PORT", "70000"),
        ("WORKERS", "0"),
        ("MAX_ROSTER_BYTES", "0"),
    ],
)
def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(f"COMPCALC_{name}", value)

    with pytest.raises(ValidationError):
        Settings()
