"""The access log never shows a credential sent in a URL."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from app.api.logs import ACCESS_LOGGER, redact


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("/v1/schemes?api_key=cck_abc&limit=5", "/v1/schemes?api_key=[redacted]&limit=5"),
        ("/v1/schemes?token=abc", "/v1/schemes?token=[redacted]"),
        ("/v1/schemes?x=cck_abc", "/v1/schemes?x=[redacted]"),
        ("/v1/schemes?key=acme", "/v1/schemes?key=[redacted]"),
        ("/v1/schemes?limit=5&offset=0", "/v1/schemes?limit=5&offset=0"),
        ("/v1/schemes", "/v1/schemes"),
    ],
)
def test_credentials_in_a_query_are_redacted(target: str, logged: str) -> None:
    assert redact(target) == logged


def test_the_access_log_of_the_app_redacts_them(
    api: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    # ``api`` built the app, which put the filter on uvicorn's access log.
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        logging.getLogger(ACCESS_LOGGER).info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "GET",
            "/v1/schemes?api_key=cck_SECRETVALUE",
            "1.1",
            401,
        )

    assert "cck_SECRETVALUE" not in caplog.text
    assert '"GET /v1/schemes?api_key=[redacted] HTTP/1.1" 401' in caplog.text
