"""The health probe and the offline documentation pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app import __version__
from app.api.docs import STATIC_DIR
from app.engine import ENGINE_VERSION
from app.main import create_app

# Hosts FastAPI's default pages load from; none may appear once assets are vendored.
EXTERNAL_ASSET_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "fonts.googleapis.com")


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_healthz_reports_ok_and_running_version(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "version": __version__,
        "engine_version": ENGINE_VERSION,
    }


def test_healthz_is_documented_with_stable_operation_id(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/healthz"]["get"]

    assert operation["operationId"] == "health"
    assert operation["tags"] == ["Health"]
    assert operation["summary"]
    assert operation["description"]
    example = operation["responses"]["200"]["content"]["application/json"]["example"]
    assert example == {"status": "ok", "version": "0.1.0", "engine_version": "1.0.0"}


def test_openapi_json_describes_the_service(client: TestClient) -> None:
    response = client.get("/openapi.json")

    assert response.status_code == 200
    info = response.json()["info"]
    assert info["title"] == "compcalc"
    assert info["version"] == __version__
    assert "acquisition" in info["description"]
    assert "retention" in info["description"]


@pytest.mark.parametrize(
    ("page", "expected_assets"),
    [
        (
            "/docs",
            {
                "/static/swagger-ui/swagger-ui-bundle.js": ("text/javascript", "SwaggerUIBundle"),
                "/static/swagger-ui/swagger-ui.css": ("text/css", ".swagger-ui"),
                "/static/swagger-ui/favicon-32x32.png": ("image/png", None),
            },
        ),
        (
            "/redoc",
            {
                "/static/redoc/redoc.standalone.js": ("text/javascript", "redoc"),
                "/static/swagger-ui/favicon-32x32.png": ("image/png", None),
            },
        ),
    ],
)
def test_docs_pages_load_only_vendored_assets(
    client: TestClient,
    page: str,
    expected_assets: dict[str, tuple[str, str | None]],
) -> None:
    response = client.get(page)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for host in EXTERNAL_ASSET_HOSTS:
        assert host not in html, f"{page} still loads from {host}"
    assert "http://" not in html and "https://" not in html, f"{page} references an absolute URL"
    assert sorted(_asset_urls(html)) == sorted(expected_assets)

    for url, (content_type, marker) in expected_assets.items():
        asset = client.get(url)
        assert asset.status_code == 200, url
        served_type = asset.headers["content-type"].split(";")[0]
        # Python < 3.12 maps .js to application/javascript; both are valid for browsers.
        if content_type == "text/javascript":
            assert served_type in {"text/javascript", "application/javascript"}, url
        else:
            assert served_type == content_type, url
        assert asset.content == (STATIC_DIR / url.removeprefix("/static/")).read_bytes(), url
        if marker is not None:
            assert marker in asset.text, url


def test_swagger_ui_does_not_call_the_public_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


def test_swagger_ui_points_at_the_openapi_document(client: TestClient) -> None:
    assert "url: '/openapi.json'" in client.get("/docs").text
    assert 'spec-url="/openapi.json"' in client.get("/redoc").text


def test_swagger_oauth2_redirect_page_is_served(client: TestClient) -> None:
    response = client.get("/docs/oauth2-redirect")

    assert response.status_code == 200
    assert "swaggerUIRedirectOauth2" in response.text


def test_docs_urls_honour_the_proxy_root_path() -> None:
    with TestClient(create_app(), root_path="/compcalc") as prefixed:
        html = prefixed.get("/docs").text

    assert 'src="/compcalc/static/swagger-ui/swagger-ui-bundle.js"' in html
    assert "url: '/compcalc/openapi.json'" in html


def test_docs_pages_are_not_part_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert "/healthz" in paths
    assert not {"/docs", "/docs/oauth2-redirect", "/redoc"} & set(paths)
    assert not any(path.startswith("/static") for path in paths)
