"""Pay curves: each comparable role pair's pay against attainment, as SVG, PNG or JSON."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.engine.plan.curves import Curves
from app.i18n import negotiate
from app.services.curves import CurveFormat, curve_range, curves_answer, inline_curves
from app.services.curves import version_curves as stored_curves

from .body import JSON, SchemeBody, preferred, scheme_document
from .deps import DatabaseDep, TextParam
from .errors import secured
from .openapi import request_body
from .schemes import Key, Number
from .security import SchemesRead

__all__ = ["router"]

router = APIRouter(prefix="/v1/schemes", tags=["Schemes"])

SVG: Final = "image/svg+xml"
PNG: Final = "image/png"
_FORMATS: Final[dict[str, CurveFormat]] = {SVG: "svg", PNG: "png", JSON: "json"}

From = Annotated[
    TextParam,
    Query(alias="from", max_length=40, description="First attainment (0 = 0%).", examples=["0"]),
]
To = Annotated[
    TextParam,
    Query(max_length=40, description="Last attainment, at most 10 (2 = 200%).", examples=["2"]),
]
Step = Annotated[
    TextParam,
    Query(max_length=40, description="Between grid points (0.01 = 1%).", examples=["0.01"]),
]


class CurvePointOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attainment: str = Field(examples=["0.5"])
    pay: str = Field(description="Exact pay, before rounding.", examples=["90000"])
    gross: str = Field(description="As a payslip shows it.", examples=["90000.00"])
    base: str = Field(examples=["45000.00"])
    variable: str = Field(description="gross − base.", examples=["45000.00"])
    pay_before: str | None = Field(
        None, description="Where pay jumps (a threshold, a bonus): the exact pay just below."
    )


class CurveOut(BaseModel):
    role: str = Field(examples=["sales.rep"])
    label: str
    breakpoints: list[str] = Field(description="The role's kinks and jumps inside the range.")
    at_target: CurvePointOut = Field(description="The pay mix at 100% of target.")
    points: list[CurvePointOut]


class PairCurvesOut(BaseModel):
    sales_role: str
    client_role: str
    break_even: dict[str, str | None] = Field(description="As `compcalc break-even` reports it.")
    curves: list[CurveOut] = Field(description="The sales role's, then the client role's.")


class CurvesOut(BaseModel):
    scheme: str
    currency: str
    range: dict[str, str] = Field(examples=[{"from": "0", "to": "2", "step": "0.01"}])
    policy_attainment: str = Field(examples=["1.0"])
    pairs: list[PairCurvesOut]


_CHARTS: Final[dict[int | str, dict[str, Any]]] = {
    200: {
        "description": "The chart (text kept as text in the SVG) or the points as JSON; "
        "`Content-Language` names the language of the chart's text.",
        "content": {SVG: {"schema": {"type": "string"}}, PNG: {"schema": {"type": "string",
                    "format": "binary"}}},
    },
}  # fmt: skip
_RANGE: Final = (
    "`from`, `to` and `step` set the attainments (default 0 to 2 in steps of 0.01: 0–200%), "
    "within [0, 10] (`422 CURVE_RANGE` otherwise, at most 2001 grid points); every breakpoint "
    "of the rules inside the range (thresholds, tier starts, bonuses, caps) is a point too, "
    "so kinks and jumps are exactly where they are. "
)
_MEDIA: Final = (
    "`Accept`: `image/svg+xml` (the default), `image/png` or `application/json` (every point, "
    "amounts as strings); `406` for any other. The chart's titles and labels follow "
    "`Accept-Language` (`ru` or `en`, default `en`)."
)


def _send(request: Request, curves: Curves, media: str) -> Response:
    lang = negotiate(request.headers.get("accept-language"))
    headers = {"Content-Language": lang, "Vary": "Accept, Accept-Language"}
    return Response(curves_answer(curves, _FORMATS[media], lang), media_type=media, headers=headers)


@router.get(
    "/{key}/versions/{version}/curves",
    operation_id="get_scheme_version_curves",
    summary="Pay curves of a version",
    description=(
        "For each comparable sales/client role pair, both roles' pay against attainment on "
        "one chart, with the break-even marked and labelled, the policy attainment marked "
        "and the pay mix (base / variable) at 100% beside each curve; under the policy the "
        "version is checked against. " + _RANGE + _MEDIA
    ),
    response_model=CurvesOut,
    responses={**_CHARTS, **secured(404, 406, 422)},
)
def get_scheme_version_curves(
    _: SchemesRead,
    key: Key,
    version: Number,
    request: Request,
    db: DatabaseDep,
    start: From = "0",
    to: To = "2",
    step: Step = "0.01",
) -> Response:
    media = preferred(request, list(_FORMATS))
    grid = curve_range(start, to, step)
    return _send(request, stored_curves(db, key, version, grid), media)


@router.post(
    "/curves",
    operation_id="calculate_curves",
    summary="Pay curves of a scheme document",
    description=(
        "The curves of `GET /v1/schemes/{key}/versions/{version}/curves` for a scheme sent in "
        "the body (JSON, or YAML with `Content-Type: application/yaml`), under the "
        "organisation policy in force; nothing is stored. `422` when the document is not a "
        "valid scheme or its rules cannot be applied. " + _RANGE + _MEDIA
    ),
    response_model=CurvesOut,
    responses={**_CHARTS, **secured(406, 413, 415, 422)},
    openapi_extra=request_body("Scheme", "A scheme document (docs/rules.md)."),
)
def calculate_curves(
    _: SchemesRead,
    body: SchemeBody,
    request: Request,
    db: DatabaseDep,
    start: From = "0",
    to: To = "2",
    step: Step = "0.01",
) -> Response:
    media = preferred(request, list(_FORMATS))
    grid = curve_range(start, to, step)
    return _send(request, inline_curves(db, scheme_document(body), grid), media)
