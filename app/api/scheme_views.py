"""How scheme versions are answered: the JSON body (document spliced in exactly) and headers."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from app.services import SchemeDocument, SchemeView, VersionSummary, VersionView

from .body import JSON, RawBody, decode
from .idempotent import etag
from .outputs import SchemeVersionOut
from .render import dump_document

__all__ = ["document", "scheme_summary", "summary", "version_response"]


def document(body: RawBody) -> SchemeDocument:
    decode(body)  # refuses an empty body, raises DocumentError when unparseable
    return SchemeDocument.parse(body.data, body.format)


def summary(s: VersionSummary) -> dict[str, Any]:
    return {
        "version": s.number,
        "status": s.status,
        "name": s.name,
        "currency": s.currency,
        "effective_from": s.effective_from,
        "effective_to": s.effective_to,
        "content_hash": s.content_hash,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "published_at": s.published_at,
    }


def version_response(view: VersionView, status: int = 200) -> Response:
    meta = SchemeVersionOut.model_validate(
        {
            "key": view.key,
            "source_format": view.document.format,
            "valid": not any(f.severity == "error" for f in view.findings),
            "findings": [f.as_dict() for f in view.findings],
            "document": {},
            **summary(view.summary),
        }
    ).model_dump_json(exclude={"document"})
    # The document goes in as written: its decimals stay exact JSON numbers.
    body = meta[:-1] + ',"document":' + dump_document(view.document.data) + "}"
    headers = {"ETag": etag(view.summary.number, view.summary.revision)}
    if status == 201:
        headers["Location"] = f"/v1/schemes/{view.key}/versions/{view.summary.number}"
    return Response(body, status, headers, media_type=JSON)


def scheme_summary(view: SchemeView) -> dict[str, Any]:
    return {
        "key": view.key,
        "created_at": view.created_at,
        "versions": view.version_count,
        "latest_version": view.latest_version,
        "latest_published_version": view.latest_published,
    }
