"""The JSON documents the services answer with, and the models that describe them.

A write's reply is stored with the write (an ``Idempotency-Key``'s retry gets the same bytes),
so the services, not the web layer, write these documents. The models are the API's response
schemas (``app.api.outputs`` shows them in OpenAPI); they read the services' views directly,
whose field names are the documents' own.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.io.read.documents import dump_document

from .idempotency import Reply
from .types import RunView, VersionView

__all__ = [
    "JSON",
    "ActorOut",
    "FindingOut",
    "PolicyRefOut",
    "RunOut",
    "SchemeVersionOut",
    "VersionSummaryOut",
    "etag",
    "run_document",
    "run_reply",
    "version_document",
    "version_reply",
]

JSON: Final = "application/json"


def _plain(value: Any) -> Any:
    return f"{value:f}" if isinstance(value, Decimal) else value


#: An amount: a string with exactly the currency's minor digits (``"134000.00"``).
Money = Annotated[str, BeforeValidator(_plain)]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)


class FindingOut(_Out):
    code: str = Field(description="Stable code, e.g. `BASE_GAP`.")
    severity: Literal["error", "warning"]
    path: str = Field(description="JSON path in the scheme, e.g. `departments.sales.roles.rep`.")
    pointer: str = Field(description="The same place as an RFC 6901 pointer.")
    line: int | None = Field(description="Line in the YAML/JSON text, when known.")
    column: int | None
    message: str
    hint: str | None = Field(
        default=None, description="How to fix it, in plain words, e.g. `write 0.15`."
    )
    data: dict[str, str] = Field(description="The numbers behind the message.")


class VersionSummaryOut(_Out):
    version: int
    status: Literal["draft", "published"]
    name: str
    currency: str
    effective_from: date
    effective_to: date | None
    content_hash: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class PolicyRefOut(_Out):
    """Which organisation policy a version's findings are under (docs/rules.md "Policy")."""

    version: int = Field(
        description="The policy's version (`GET /v1/policy`); 0: none is stored, the "
        "article's defaults apply."
    )
    content_hash: str = Field(description="`sha256:` of the policy's rules, defaults filled in.")


class SchemeVersionOut(VersionSummaryOut):
    """One version: its document (as JSON), and what the checks say about it now."""

    key: str
    source_format: Literal["yaml", "json"]
    valid: bool = Field(description="No error finding: publishing would succeed.")
    policy: PolicyRefOut = Field(
        description="The organisation policy of the findings: for a draft the one in force, "
        "for a published version the one it was published with."
    )
    findings: list[FindingOut]
    document: dict[str, Any] = Field(description="The document as written (numbers exact).")


class ActorOut(_Out):
    key_id: uuid.UUID | None = Field(description="The API key's id (null: the command line).")
    name: str = Field(description="The API key's name.")


class RunOut(_Out):
    id: uuid.UUID
    status: Literal["draft", "approved", "superseded", "discarded"] = Field(
        description="`draft` → `approved` (then immutable), `superseded` (another run of its "
        "pay group and period was approved) or `discarded`."
    )
    kind: Literal["regular", "correction"] = Field(
        description="A `correction` pays or recovers the difference from the approved payroll."
    )
    group: str = Field(description="The pay group's label within the scheme (default `main`).")
    period: str
    corrects: uuid.UUID | None = Field(description="A correction: the approved run it corrects.")
    scheme_key: str
    scheme_version: int
    scheme_hash: str
    engine_version: str
    currency: str
    employees: int
    total: Money = Field(description="Sum of every gross; of a correction, of the differences.")
    created_at: datetime
    created_by: ActorOut
    approved_at: datetime | None
    approved_by: ActorOut | None
    approval_comment: str | None
    discarded_at: datetime | None
    discard_reason: str | None


def etag(number: int, revision: int) -> str:
    """A version's entity tag: its number and revision (``"2.3"``)."""
    return f'"{number}.{revision}"'


def version_document(view: VersionView) -> str:
    summary = VersionSummaryOut.model_validate(view.summary).model_dump()
    meta = SchemeVersionOut.model_validate(
        {
            **summary,
            "key": view.key,
            "source_format": view.document.format,
            "valid": not any(f.severity == "error" for f in view.findings),
            "policy": {"version": view.policy_version, "content_hash": view.policy_hash},
            "findings": [f.as_dict() for f in view.findings],
            "document": {},
        }
    ).model_dump_json(exclude={"document"})
    # The document goes in as written: its decimals stay exact JSON numbers.
    return meta[:-1] + ',"document":' + dump_document(view.document.data) + "}"


def version_reply(view: VersionView, created: bool = False) -> Reply:
    number = view.summary.version
    location = f"/v1/schemes/{view.key}/versions/{number}" if created else None
    tag = etag(number, view.summary.revision)
    return Reply(201 if created else 200, JSON, version_document(view), location, tag)


def run_document(view: RunView) -> str:
    """The run's JSON; with its result when the view holds it, spliced in as stored, so the
    bytes computed are the bytes served."""
    meta = RunOut.model_validate(view).model_dump_json()
    if view.result is None:
        return meta
    notes = json.loads(view.notes or "{}")
    extra = {
        "openings": notes.get("openings", []),
        "warnings": notes.get("warnings", []),
        "differences": None if view.differences is None else json.loads(view.differences),
    }
    return (
        meta[:-1]
        + ","
        + json.dumps(extra, ensure_ascii=False, separators=(",", ":"))[1:-1]
        + (',"result":' + view.result + "}")
    )


def run_reply(view: RunView, created: bool = False) -> Reply:
    location = f"/v1/payroll-runs/{view.id}" if created else None
    return Reply(201 if created else 200, JSON, run_document(view), location)
