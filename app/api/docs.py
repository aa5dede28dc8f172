"""Swagger UI and ReDoc pages served from vendored assets.

FastAPI's built-in pages load their JavaScript and CSS from a public CDN, so they render blank on
an air-gapped network or behind a strict proxy. These routes produce the same pages but point at
copies shipped inside the package (see ``app/static/README.md`` for versions and provenance).
Both pages show the document in the reader's language (``?lang=ru`` or ``Accept-Language``,
English by default), named by ``Content-Language``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .openapitext import document_language

__all__ = ["DOCS_URL", "OAUTH2_REDIRECT_URL", "REDOC_URL", "STATIC_DIR", "STATIC_URL", "install"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_URL = "/static"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"

SWAGGER_JS_URL = f"{STATIC_URL}/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS_URL = f"{STATIC_URL}/swagger-ui/swagger-ui.css"
FAVICON_URL = f"{STATIC_URL}/swagger-ui/favicon-32x32.png"
REDOC_JS_URL = f"{STATIC_URL}/redoc/redoc.standalone.js"


def install(app: FastAPI) -> None:
    """Mount the static assets and add the documentation pages to ``app``.

    ``app`` must be created with ``docs_url=None`` and ``redoc_url=None`` so that FastAPI does not
    register its CDN-backed pages on the same paths.
    """
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(_router(title=app.title, openapi_url=app.openapi_url or "/openapi.json"))


def _router(*, title: str, openapi_url: str) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    # Every URL is prefixed with the ASGI root_path, as FastAPI's own pages do, so the docs keep
    # working when a reverse proxy serves the app under a sub-path.
    @router.get(DOCS_URL, response_class=HTMLResponse)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = _root_path(request)
        lang = _language(request)
        page = get_swagger_ui_html(
            openapi_url=root + _document_url(openapi_url, lang),
            title=f"{title} - Swagger UI",
            swagger_js_url=root + SWAGGER_JS_URL,
            swagger_css_url=root + SWAGGER_CSS_URL,
            swagger_favicon_url=root + FAVICON_URL,
            oauth2_redirect_url=root + OAUTH2_REDIRECT_URL,
            # Swagger UI would otherwise send the spec to validator.swagger.io for a badge.
            swagger_ui_parameters={"validatorUrl": None},
        )
        return _in_language(page, lang)

    @router.get(OAUTH2_REDIRECT_URL, response_class=HTMLResponse)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @router.get(REDOC_URL, response_class=HTMLResponse)
    def redoc(request: Request) -> HTMLResponse:
        root = _root_path(request)
        lang = _language(request)
        page = get_redoc_html(
            openapi_url=root + _document_url(openapi_url, lang),
            title=f"{title} - ReDoc",
            redoc_js_url=root + REDOC_JS_URL,
            redoc_favicon_url=root + FAVICON_URL,
            # The fonts would come from Google; the system fallback fonts are fine offline.
            with_google_fonts=False,
        )
        return _in_language(page, lang)

    return router


def _root_path(request: Request) -> str:
    root = request.scope.get("root_path", "")
    return root.rstrip("/") if isinstance(root, str) else ""


def _language(request: Request) -> str:
    return document_language(
        request.query_params.get("lang"), request.headers.get("accept-language")
    )


def _document_url(openapi_url: str, lang: str) -> str:
    # The page asks for the document in its own language, whatever the browser sends.
    return openapi_url if lang == "en" else f"{openapi_url}?lang={lang}"


def _in_language(page: HTMLResponse, lang: str) -> HTMLResponse:
    page.headers["Content-Language"] = lang
    page.headers["Vary"] = "Accept-Language"
    return page
