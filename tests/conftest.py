"""Suite-wide fixtures.

Kept minimal: each test folder (api/, db/, engine/, cli/) owns its fixtures in its own conftest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.settings import get_settings

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
