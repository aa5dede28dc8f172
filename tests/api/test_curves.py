"""GET /v1/schemes/{key}/versions/{n}/curves and POST /v1/schemes/curves: SVG, PNG, JSON."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

YAML = {"content-type": "application/yaml"}
SVG = "image/svg+xml"


def _curve_ids(svg: str) -> list[str]:
    return re.findall(r'<g id="(curve-\d+-(?:sales|client))">\s*<path', svg)


def test_a_versions_curves_are_an_svg_with_two_curves_a_pair_and_the_break_even(
    api: TestClient, publish_acme: Callable[..., dict[str, Any]]
) -> None:
    publish_acme()

    answer = api.get("/v1/schemes/acme-sales/versions/1/curves")

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == SVG
    assert answer.headers["content-language"] == "en"
    svg = answer.text
    assert sorted(_curve_ids(svg)) == [
        "curve-1-client", "curve-1-sales", "curve-2-client", "curve-2-sales"
    ]  # fmt: skip
    # 45 000 + 90 000 a = 122 500 (the account manager at 100%): a = 86.11%
    assert "Break-even: 86.11% (122,500 RUB)" in svg
    assert "Break-even: 93.33% (150,000 RUB)" in svg  # 66 000 + 90 000 a = 150 000
    assert "Policy attainment: 100%" in svg
    assert "base 45,000 RUB (33%), variable 90,000 RUB (67%)" in svg


def test_russian_labels_with_accept_language(
    api: TestClient, publish_acme: Callable[..., dict[str, Any]]
) -> None:
    publish_acme()

    answer = api.get(
        "/v1/schemes/acme-sales/versions/1/curves",
        headers={"Accept-Language": "ru-RU, ru;q=0.9, en;q=0.8"},
    )

    assert answer.headers["content-language"] == "ru"
    svg = answer.text
    assert "Точка безубыточности: 86,11\u00a0% (122\u00a0500\u00a0₽)" in svg
    assert "Выполнение плана, %" in svg and "Оплата в месяц, ₽" in svg
    assert (
        "оклад 45\u00a0000\u00a0₽ (33\u00a0%), переменная часть 90\u00a0000\u00a0₽ (67\u00a0%)"
        in svg
    )


def test_png_and_json_points(api: TestClient, publish_acme: Callable[..., dict[str, Any]]) -> None:
    publish_acme()
    path = "/v1/schemes/acme-sales/versions/1/curves"

    png = api.get(path, headers={"Accept": "image/png"})
    points = api.get(path, params={"from": "0.5", "to": "1.5", "step": "0.5"},
                     headers={"Accept": "application/json"})  # fmt: skip

    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert points.headers["content-type"] == "application/json"
    body = points.json()
    assert body["range"] == {"from": "0.5", "to": "1.5", "step": "0.5"}
    sales, client = body["pairs"][0]["curves"]
    # 0.5, 1 and 1.5 of the grid and the bonus at 1.2 (a jump: 159 000 just below it).
    assert [(p["attainment"], p["gross"], p.get("pay_before")) for p in sales["points"]] == [
        ("0.5", "90000.00", "45000"),  # the threshold: nothing below 50%
        ("1", "135000.00", None),
        ("1.2", "174000.00", "159000"),
        ("1.5", "210000.00", None),
    ]
    # 85 000 + 1.5% × 2 500 000 × a; the client role has no breakpoint of its own in there.
    assert [p["gross"] for p in client["points"]] == ["103750.00", "122500.00", "141250.00"]
    assert body["pairs"][0]["break_even"]["break_even_attainment"] == "0.8611"


def test_an_inline_scheme_yaml(api: TestClient, acme_yaml: str) -> None:
    answer = api.post(
        "/v1/schemes/curves", content=acme_yaml, headers={**YAML, "Accept": "application/json"}
    )

    assert answer.status_code == 200, answer.text
    assert [p["sales_role"] for p in answer.json()["pairs"]] == ["sales.rep", "sales.head"]


def test_406_404_and_a_range_outside_0_to_10(
    api: TestClient, publish_acme: Callable[..., dict[str, Any]], acme_yaml: str
) -> None:
    publish_acme()
    path = "/v1/schemes/acme-sales/versions/1/curves"

    refused = api.get(path, headers={"Accept": "text/csv"})
    missing = api.get("/v1/schemes/acme-sales/versions/9/curves")
    far = api.get(path, params={"to": "12"})
    fine = api.get(path, params={"step": "0.0001"})
    inline = api.post("/v1/schemes/curves", params={"from": "-1"}, content=acme_yaml,
                      headers=YAML)  # fmt: skip

    assert refused.status_code == 406
    assert missing.status_code == 404 and missing.json()["code"] == "VERSION_NOT_FOUND"
    assert far.status_code == 422
    assert far.json()["code"] == "CURVE_RANGE"
    assert far.json()["errors"][0]["parameter"] == "to"
    assert "outside [0, 10]" in far.json()["detail"]
    assert fine.status_code == 422 and "2001 points" in fine.json()["detail"]
    assert inline.status_code == 422 and inline.json()["errors"][0]["parameter"] == "from"


def test_an_inline_scheme_whose_rules_cannot_be_applied(api: TestClient, repo_root: Path) -> None:
    text = (repo_root / "examples" / "invalid" / "TIER_ORDER.yaml").read_text("utf-8")

    answer = api.post("/v1/schemes/curves", content=text, headers=YAML)

    assert answer.status_code == 422
    assert answer.json()["code"] == "INVALID_SCHEME"
    assert answer.json()["errors"][0]["code"] == "TIER_ORDER"
