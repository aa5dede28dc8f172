"""The one place where runtime configuration is read.

Every knob comes from a ``COMPCALC_``-prefixed environment variable, validated once. Nothing is
read at import time: callers go through :func:`get_settings`, which builds the object on first
use and caches it, so tests can set the environment first and call ``get_settings.cache_clear()``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["KIB", "MIB", "Environment", "Settings", "get_settings"]

KIB = 1024
MIB = 1024 * KIB

Environment = Literal["development", "test", "production"]


class Settings(BaseSettings):
    """Service configuration; each field maps to ``COMPCALC_<FIELD>`` (case-insensitive)."""

    # No .env file on purpose: what the process sees in its environment is the whole truth,
    # which keeps tests and containers free of a hidden file changing behaviour.
    model_config = SettingsConfigDict(env_prefix="COMPCALC_", extra="ignore", frozen=True)

    environment: Environment = Field(
        default="development",
        description="Deployment environment; stricter checks apply outside development.",
    )
    database_url: str = Field(
        default="sqlite:///./compcalc.db",
        description="SQLAlchemy URL. The embedded SQLite default needs no server.",
    )
    host: str = Field(default="127.0.0.1", description="Interface the HTTP server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="TCP port of the HTTP server.")
    workers: int = Field(default=1, ge=1, description="Number of server worker processes.")
    db_pool_size: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Database connections each worker keeps open (PostgreSQL); a connection "
        "opened beyond them is closed again after each use.",
    )
    db_max_overflow: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Connections a worker may open beyond the pool at peaks (PostgreSQL), "
        "each closed again after use; workers × (pool + overflow) must stay below the "
        "server's max_connections. At 0 a peak waits for a pooled connection.",
    )
    max_scheme_bytes: int = Field(
        default=2 * MIB,
        gt=0,
        description="Largest accepted scheme (rules) document, in bytes.",
    )
    max_roster_bytes: int = Field(
        default=64 * MIB,
        gt=0,
        description="Largest accepted roster or deals upload, in bytes.",
    )
    max_body_bytes: int = Field(
        default=20 * MIB,
        gt=0,
        description="Largest request body of a calculation or payroll run over HTTP, in bytes.",
    )
    max_yaml_bytes: int = Field(
        default=64 * KIB,
        gt=0,
        description="Largest YAML request body over HTTP, in bytes (larger documents as JSON).",
    )
    max_file_deals: int = Field(
        default=1_000_000,
        gt=0,
        description="Most deals in one deals file read by the command line.",
    )
    max_employees: int = Field(
        default=100_000,
        gt=0,
        description="Most employees in one calculation or payroll run over HTTP.",
    )
    max_deals: int = Field(
        default=200_000,
        gt=0,
        description="Most deals in one calculation or payroll run over HTTP.",
    )
    max_simulated_payslips: int = Field(
        default=200_000,
        gt=0,
        description="Most payslips (runs × employees) one simulation computes over HTTP.",
    )
    idempotency_ttl_hours: int = Field(
        default=24,
        ge=24,
        description="How long a response stored for an Idempotency-Key is replayed, in hours.",
    )
    idempotency_lease_seconds: float = Field(
        default=120.0,
        gt=0,
        description="How long a request holds its Idempotency-Key before a retry may take it "
        "over (the holder is presumed dead): longer than the slowest write.",
    )
    key_cache_seconds: float = Field(
        default=5,
        ge=0,
        le=300,
        description="How long a worker process remembers a verified API key before reading it "
        "again; a key revoked by another process (the CLI, another worker) is refused within "
        "this time. 0: read the key on every request.",
    )
    rate_limit_per_minute: int = Field(
        default=0,
        ge=0,
        description="Requests per minute allowed to each API key (counted in the database, so "
        "across every worker process); 0: no limit.",
    )
    four_eyes: bool = Field(
        default=False,
        description="Four-eyes approval: the key that created a payroll run cannot approve it "
        "(403). Off by default so that `make run` works with its one admin key.",
    )
    log_format: Literal["json", "text"] | None = Field(
        default=None,
        description="How `compcalc serve` writes its logs: `json` (one object a line) or "
        "`text`; unset: `json` in production, `text` otherwise (docs/operations.md).",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        min_length=16,
        description="A bearer token that may read GET /metrics besides an admin key (for a "
        "Prometheus scraper), compared in constant time; unset or empty: admin keys only.",
    )

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # docker-compose passes `${COMPCALC_METRICS_TOKEN:-}` as an empty string when unset.
        return None if value == "" else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, reading the environment on the first call only."""
    return Settings()
