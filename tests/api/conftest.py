"""Fixtures for HTTP-level tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app


@pytest.fixture
def client() -> Iterator[TestClient]:
    """A client bound to a freshly built app, with lifespan events run."""
    with TestClient(create_app()) as test_client:
        yield test_client
