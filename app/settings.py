"""The one place where runtime configuration is read.

Every knob comes from a ``COMPCALC_``-prefixed environment variable, validated once. Nothing is
read at import time: callers go through :func:`get_settings`, which builds the object on first
use and caches it, so tests can set the environment first and call ``get_settings.cache_clear()``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["MIB", "Environment", "Settings", "get_settings"]

MIB = 1024 * 1024

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, reading the environment on the first call only."""
    return Settings()
