"""The printable payslip and the department report in a real browser, and the PDF's first page.

A real uvicorn service (as in test_swagger.py) stores the Acme run of March 2027; headless
Chromium opens the payslip and the report as an accountant's browser asks for them
(``Accept: text/html…``, ``Accept-Language: ru``), every request recorded: the documents load
nothing, not even from the service. The pictures go into docs/img/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.browser.test_swagger import (  # the same service, key and browser
    CHROMIUM_ARGS,
    api_key,
    chromium,
    database_url,
    server,
)

pytestmark = pytest.mark.slow

__all__ = ["api_key", "chromium", "database_url", "server"]  # fixtures used by name


def _stored_run(server: str, api_key: str, repo_root: Path) -> str:
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=server, headers=headers, timeout=60) as http:
        scheme = (repo_root / "examples" / "acme.yaml").read_text("utf-8")
        created = http.post(
            "/v1/schemes", content=scheme, headers={"content-type": "application/yaml"}
        )
        assert created.status_code == 201, created.text
        published = http.post(
            "/v1/schemes/acme-sales/versions/1/publish",
            headers={"If-Match": created.headers["ETag"]},
        )
        assert published.status_code == 200, published.text
        roster = json.loads((repo_root / "examples" / "acme-roster.json").read_text("utf-8"))
        body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03",
                "roster": roster["employees"]}  # fmt: skip
        run = http.post("/v1/payroll-runs", json=body)
        assert run.status_code == 201, run.text
        pdf = http.get(
            f"/v1/payroll-runs/{run.json()['id']}/payslips.pdf",
            headers={"Accept-Language": "ru"},
        )
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        (repo_root / "docs" / "img").mkdir(exist_ok=True)
        if shutil.which("pdftoppm") is not None:
            target = repo_root / "docs" / "img" / "payslip-pdf"
            subprocess.run(
                ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", "-",
                 str(target)],
                input=pdf.content,
                check=True,
            )  # fmt: skip
        run_id: str = run.json()["id"]
        return run_id


def test_the_payslip_and_the_report_render_in_russian_and_load_nothing(
    server: str, api_key: str, chromium: Path, repo_root: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    run_id = _stored_run(server, api_key, repo_root)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 900, "height": 1100},
                extra_http_headers={"Authorization": f"Bearer {api_key}", "Accept-Language": "ru"},
            )
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))

            slip = f"{server}/v1/payroll-runs/{run_id}/payslips/E-17"
            response = page.goto(slip)
            assert response is not None and response.status == 200
            assert response.headers["content-type"].startswith("text/html")
            assert response.headers["content-language"] == "ru"
            expect(page.locator("h1")).to_have_text("Расчётный листок")
            expect(page.locator("table.facts")).to_contain_text("Табельный номер")
            expect(page.locator("table.lines")).to_contain_text("194\u00a0000,00\u00a0₽")
            page.screenshot(path=str(repo_root / "docs" / "img" / "payslip-ru.png"), full_page=True)

            report = f"{server}/v1/payroll-runs/{run_id}/report"
            response = page.goto(report)
            assert response is not None and response.status == 200
            expect(page.locator("h1")).to_have_text("Отчёт по подразделениям")
            chart = page.locator(".chart img")
            expect(chart).to_be_visible()
            assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
            page.screenshot(path=str(repo_root / "docs" / "img" / "report-ru.png"), full_page=True)

            fetched = [url for url in requests if not url.startswith("data:")]
            assert fetched == [slip, report], "a document loaded something besides itself"
        finally:
            browser.close()
