"""Documents over HTTP: the payslip, every payslip of a run and the department report as HTML
and PDF, in the language of ``Accept-Language``; 406 for a type none of them is."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
Publish = Callable[..., dict[str, Any]]
NBSP = "\u00a0"


@pytest.fixture
def run(
    api: TestClient, publish_acme: Publish, acme_roster: list[dict[str, Any]]
) -> dict[str, Any]:
    publish_acme()
    body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03",
            "roster": acme_roster}  # fmt: skip
    response = api.post("/v1/payroll-runs", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _pdf_text(pdf: bytes, tmp_path: Any) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing (apt-get install poppler-utils)")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8").replace(NBSP, " ").replace("\u202f", " ")


def test_json_stays_the_default_and_unchanged(api: TestClient, run: dict[str, Any]) -> None:
    path = f"/v1/payroll-runs/{run['id']}/payslips/E-17"
    default, asked = api.get(path), api.get(path, headers={"accept": "application/json"})

    assert default.status_code == asked.status_code == 200
    assert default.headers["content-type"] == "application/json"
    assert default.content == asked.content
    assert default.json()["payslip"]["gross"] == "194000.00"


def test_the_html_payslip_in_russian(api: TestClient, run: dict[str, Any]) -> None:
    response = api.get(
        f"/v1/payroll-runs/{run['id']}/payslips/E-17",
        headers={"accept": "text/html", "accept-language": "ru-RU,ru;q=0.9"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-language"] == "ru"
    text = response.text.replace(NBSP, " ")
    assert "Расчётный листок" in text
    assert "E-17" in text
    # 45 000 base + 600 000 × 15 % + 220 000 × 20 % = 134 000 commission + 15 000 bonus
    for amount in ("45 000,00 ₽", "134 000,00 ₽", "15 000,00 ₽", "194 000,00 ₽"):
        assert amount in text, amount
    assert "Sales representative" in text  # the scheme's role label, not `rep`
    assert "ст. 136" in text


def test_the_pdf_payslip_in_english(api: TestClient, run: dict[str, Any], tmp_path: Any) -> None:
    response = api.get(
        f"/v1/payroll-runs/{run['id']}/payslips/E-17",
        headers={"accept": "application/pdf", "accept-language": "en"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-language"] == "en"
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content, tmp_path)
    assert "E-17" in text
    for amount in ("45,000.00 RUB", "134,000.00 RUB", "15,000.00 RUB", "194,000.00 RUB"):
        assert amount in text, amount


def test_an_unsupported_accept_is_406_naming_the_types(
    api: TestClient, run: dict[str, Any]
) -> None:
    for path in (
        f"/v1/payroll-runs/{run['id']}/payslips/E-17",
        f"/v1/payroll-runs/{run['id']}/report",
    ):
        response = api.get(path, headers={"accept": "image/png"})

        assert response.status_code == 406, path
        assert response.headers["content-type"] == PROBLEM
        detail = response.json()["detail"]
        for media in ("application/json", "text/html", "application/pdf"):
            assert media in detail


def test_every_payslip_of_a_run_as_one_pdf(
    api: TestClient, run: dict[str, Any], tmp_path: Any
) -> None:
    response = api.get(f"/v1/payroll-runs/{run['id']}/payslips.pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-language"] == "en"  # no Accept-Language: English
    text = _pdf_text(response.content, tmp_path)
    pages = text.split("\f")
    slips = run["result"]["payslips"]
    assert len([p for p in pages if p.strip()]) == len(slips) == 13
    for page, slip in zip(pages, slips, strict=False):
        assert slip["employee_id"] in page


def test_the_department_report(api: TestClient, run: dict[str, Any]) -> None:
    as_json = api.get(f"/v1/payroll-runs/{run['id']}/report")
    html = api.get(
        f"/v1/payroll-runs/{run['id']}/report",
        headers={"accept": "text/html", "accept-language": "ru"},
    )

    assert as_json.status_code == html.status_code == 200
    figures = as_json.json()
    assert figures["run"]["id"] == run["id"]
    assert figures["report"] == run["result"]["report"]
    assert figures["total"] == "1502627.38"
    assert html.headers["content-language"] == "ru"
    text = html.text.replace(NBSP, " ")
    assert "Отчёт по подразделениям" in text
    assert "1 502 627,38 ₽" in text
    assert "data:image/svg+xml;base64," in text
    for department in run["result"]["report"]["departments"]:
        assert f">{department['employees']}<" in text


def test_the_calculation_as_a_document(
    api: TestClient, acme_yaml: str, acme_roster: list[dict[str, Any]], publish_acme: Publish
) -> None:
    publish_acme()
    body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03",
            "roster": acme_roster}  # fmt: skip
    html = api.post(
        "/v1/payroll/calculate", json=body, headers={"accept": "text/html", "accept-language": "ru"}
    )
    pdf = api.post("/v1/payroll/calculate", json=body, headers={"accept": "application/pdf"})
    refused = api.post("/v1/payroll/calculate", json=body, headers={"accept": "text/plain"})

    assert html.status_code == pdf.status_code == 200
    assert html.headers["content-language"] == "ru"
    assert html.text.count('class="page payslip"') == len(acme_roster)
    assert "194 000,00 ₽" in html.text.replace(NBSP, " ")
    assert pdf.content.startswith(b"%PDF-")
    assert refused.status_code == 406


def test_an_unknown_language_falls_back_to_english(api: TestClient, run: dict[str, Any]) -> None:
    response = api.get(
        f"/v1/payroll-runs/{run['id']}/payslips/E-17",
        headers={"accept": "text/html", "accept-language": "de-DE, fr;q=0.8"},
    )

    assert response.status_code == 200
    assert response.headers["content-language"] == "en"
    assert '<html lang="en">' in response.text and "Payslip" in response.text
    assert "194,000.00\u00a0RUB" in response.text


def test_a_missing_payslip_is_404_as_a_document_too(api: TestClient, run: dict[str, Any]) -> None:
    response = api.get(
        f"/v1/payroll-runs/{run['id']}/payslips/E-99", headers={"accept": "application/pdf"}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "PAYSLIP_NOT_FOUND"
