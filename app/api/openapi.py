"""The OpenAPI document: FastAPI's, plus the schemas of bodies the service parses itself.

Request bodies are decoded by :mod:`app.api.body` (exact decimals, YAML), so FastAPI does not
see their models; each route declares its body with :func:`request_body`, and :func:`install`
adds the referenced schemas (and the problem document's) to ``components.schemas``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.routing import Route

from app.engine import Scheme
from app.engine.plan.population import Population
from app.engine.policy import OrganisationPolicy

from . import examples
from .body import JSON, YAML
from .errors import Problem
from .inputs import ApproveRequest, CalculateRequest, DiscardRequest, RunRequest
from .openapitext import document_language, translated
from .siminputs import SimulationRequest, simulation_examples

__all__ = ["install", "request_body"]

_REF: Final = "#/components/schemas/{model}"
_MODELS: Final[tuple[type[BaseModel], ...]] = (
    Problem,
    CalculateRequest,
    RunRequest,
    ApproveRequest,
    DiscardRequest,
    Scheme,
    OrganisationPolicy,
    Population,
    SimulationRequest,
)


Examples = dict[str, dict[str, dict[str, Any]]]  # media type → name → example object

# Request-body examples per operation, read from the shipped example files only when the
# OpenAPI document is first generated (nothing is loaded at import time).
_EXAMPLES: Final[dict[str, Callable[[], Examples]]] = {
    "validate_scheme": examples.scheme_examples,
    "calculate_curves": examples.scheme_examples,
    "create_scheme": examples.scheme_examples,
    "create_scheme_version": examples.scheme_examples,
    "replace_scheme_version": examples.scheme_examples,
    "replace_policy": examples.policy_examples,
    "calculate_payroll": lambda: {JSON: examples.calculate_examples()},
    "simulate": lambda: {JSON: simulation_examples()},
    "create_payroll_run": lambda: {JSON: examples.run_examples()},
    "approve_payroll_run": lambda: {JSON: examples.approve_examples()},
    "discard_payroll_run": lambda: {JSON: examples.discard_examples()},
}


def request_body(
    model: str,
    description: str,
    required: bool = True,
    others: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``openapi_extra`` declaring a JSON-or-YAML body of schema ``model`` (and the ``others``
    media types' bodies, e.g. an upload's)."""
    # A YAML body is the same document written as YAML: the same schema (its examples are
    # YAML text, with the comments a person writes).
    schema = {"$ref": _REF.format(model=model)}
    content = {JSON: {"schema": schema}, YAML: {"schema": dict(schema)}, **(others or {})}
    return {"requestBody": {"required": required, "description": description, "content": content}}


def _add_examples(document: dict[str, Any]) -> None:
    for item in document["paths"].values():
        for operation in item.values():
            found = _EXAMPLES.get(operation.get("operationId", ""))
            if found is None:
                continue
            content = operation["requestBody"]["content"]
            for media, named in found().items():
                content[media]["examples"] = named


def _add_response_examples(document: dict[str, Any]) -> None:
    """Every 2xx JSON answer gets the answer of the Acme walk-through as its example."""
    answers = examples.response_examples()
    for item in document["paths"].values():
        for operation in item.values():
            answer = answers.get(operation.get("operationId", ""))
            if answer is None:
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get(JSON)
                if status.startswith("2") and content is not None and "example" not in content:
                    content["example"] = answer


#: Query parameters an operation requires though the framework takes them as optional, so
#: that a key out of the scheme's reach gets the 404 of a missing scheme before a 422 for the
#: missing parameter; the document says the truth.
_REQUIRED_QUERY: Final[dict[str, frozenset[str]]] = {
    "scheme_version_impact": frozenset({"run"}),
}


def _require_query(document: dict[str, Any]) -> None:
    for item in document["paths"].values():
        for operation in item.values():
            names = _REQUIRED_QUERY.get(operation.get("operationId", ""), frozenset())
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "query" and parameter["name"] in names:
                    parameter["required"] = True
                    schema = parameter["schema"]
                    options = [o for o in schema.pop("anyOf", [schema]) if o != {"type": "null"}]
                    parameter["schema"] = {
                        **options[0],
                        **{k: v for k, v in schema.items() if k not in ("anyOf", "default")},
                    }


def _require_if_match(document: dict[str, Any]) -> None:
    """Mark ``If-Match`` required where the service requires it.

    It is optional to the framework, so that a request without one gets the precise answer
    ``428 PRECONDITION_REQUIRED`` rather than a generic 422; the document says the truth."""
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "header" and parameter["name"] == "If-Match":
                    parameter["required"] = True
                    parameter["schema"] = {"type": "string", "maxLength": 200}


def _components() -> dict[str, Any]:
    _, top = models_json_schema([(m, "validation") for m in _MODELS], ref_template=_REF)
    definitions: dict[str, Any] = top.get("$defs", {})
    return definitions


def install(app: FastAPI) -> None:
    """Replace ``app.openapi`` with a generator that adds the body schemas."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        _add_examples(document)
        _add_response_examples(document)
        _require_if_match(document)
        _require_query(document)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in _components().items():
            if name in schemas and schemas[name] != schema:
                raise RuntimeError(f"two different OpenAPI schemas are both named {name!r}")
            schemas[name] = schema
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
    _serve_translated(app)


def _serve_translated(app: FastAPI) -> None:
    """Serve the document at ``app.openapi_url`` in the reader's language.

    FastAPI's own route answers the English document; this one replaces it and answers the
    copy translated for ``?lang=`` or ``Accept-Language`` (English by default and for a
    language compcalc does not speak), named by ``Content-Language``. Each language's copy is
    made once, from the cached English document."""
    url = app.openapi_url
    if url is None:
        return
    documents: dict[str, dict[str, Any]] = {}

    def served(request: Request) -> JSONResponse:
        lang = document_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        if lang not in documents:
            documents[lang] = translated(app.openapi(), lang)
        headers = {"Content-Language": lang, "Vary": "Accept-Language"}
        return JSONResponse(documents[lang], headers=headers)

    app.router.routes[:] = [
        r for r in app.router.routes if not (isinstance(r, Route) and r.path == url)
    ]
    app.add_route(url, served, include_in_schema=False)
