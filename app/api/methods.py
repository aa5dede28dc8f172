"""The ``Allow`` header of a ``405``: the methods of the resource, not of one route.

Starlette answers ``405`` from the first route whose path matches, with that route's methods
only: ``OPTIONS /v1/keys`` said ``Allow: POST`` although ``GET /v1/keys`` exists too (RFC 9110
§15.5.6: the header lists the methods the *resource* supports).  :func:`allowed` reads them
from the OpenAPI document, the way a client does: the path item the path matches, a concrete
path winning over a templated one (``/v1/schemes/validate`` is not ``/v1/schemes/{key}``).  A
path the document leaves out (the docs' own pages) gets the methods of every route of the app
that would serve it.
"""

from __future__ import annotations

from typing import Any, Final

from starlette.requests import Request
from starlette.routing import BaseRoute, Match

__all__ = ["allowed"]

_METHODS: Final = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def _specificity(template: str, path: str) -> int | None:
    """How many segments of ``path`` the OpenAPI ``template`` names literally; None when the
    template does not match the path."""
    want, have = template.strip("/").split("/"), path.strip("/").split("/")
    if len(want) != len(have):
        return None
    literal = 0
    for pattern, segment in zip(want, have, strict=True):
        if pattern.startswith("{") and pattern.endswith("}"):
            if not segment:
                return None
        elif pattern == segment:
            literal += 1
        else:
            return None
    return literal


def _documented(document: dict[str, Any], path: str) -> list[str] | None:
    best: tuple[int, list[str]] | None = None
    for template, item in document.get("paths", {}).items():
        score = _specificity(template, path)
        if score is not None and (best is None or score > best[0]):
            best = (score, sorted(m.upper() for m in item if m.upper() in _METHODS))
    return None if best is None else best[1]


def allowed(request: Request) -> str:
    """The methods of the resource at ``request``'s path, sorted, comma-separated."""
    found = _documented(request.app.openapi(), request.url.path)
    if found is None:
        routes: list[BaseRoute] = list(request.app.routes)
        found = [
            method
            for method in _METHODS
            if any(
                route.matches({**request.scope, "type": "http", "method": method})[0] == Match.FULL
                for route in routes
            )
        ]
    return ", ".join(found)
