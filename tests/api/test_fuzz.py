"""Schemathesis against the app's own OpenAPI document: every operation, with a valid key.

Generated requests (valid and invalid) must never get a 5xx, and every answer must match what
the document says: its status, its media type and its schema. Deterministic (derandomized
Hypothesis), so a failure reproduces; the database is seeded with a published Acme scheme and
one run, so the documented examples reach real objects.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.main import create_app
from app.services import keys
from app.settings import Settings

# Over a minute of generated requests: left out of `make test-fast`.
pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


YAML = "application/yaml"
REPO_ROOT = Path(__file__).resolve().parents[2]
# The committed document (tests/test_openapi.py proves it is the running app's), read when the
# module is collected: Schemathesis' lazy fixture loading does not work with pytest 9.
schema = schemathesis.openapi.from_path(REPO_ROOT / "openapi.json")


@pytest.fixture
def client(tmp_path: Path, sqlite_template: Path) -> Iterator[TestClient]:
    """An app on a fresh database holding a published Acme scheme, sending an admin key."""
    path = tmp_path / "fuzz.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}"))
    secret = keys.create_key(app.state.database, "fuzz", ["admin"])[1]
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as test_client:
        yaml = (REPO_ROOT / "examples" / "acme.yaml").read_text("utf-8")
        created = test_client.post("/v1/schemes", content=yaml, headers={"content-type": YAML})
        etag = created.headers["ETag"]
        test_client.post("/v1/schemes/acme-sales/versions/1/publish", headers={"If-Match": etag})
        yield test_client


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case: Any, client: TestClient) -> None:
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url))
    # The valid key wins over any Authorization Schemathesis made up from the security scheme.
    headers = kwargs.get("headers") or {}
    kwargs["headers"] = {k: v for k, v in headers.items() if k.lower() != "authorization"}
    if not kwargs.get("cookies"):
        kwargs.pop("cookies", None)  # the API uses none; httpx warns on a per-request jar
    if isinstance(kwargs.get("data"), (bytes, str)):
        kwargs["content"] = kwargs.pop("data")  # raw bodies (YAML, malformed JSON)
    response = client.request(**kwargs)
    case.validate_response(response, checks=CHECKS)
