"""The roster file uploaded through Swagger UI's form, in a real browser.

The service of test_swagger.py (a real uvicorn process, its own SQLite database, the key
``make run`` prints) stores and publishes the Acme scheme; headless Chromium opens /docs, picks
``multipart/form-data`` as the calculation's body, chooses examples/acme-roster.csv as the
``roster`` file, names the stored scheme and the period, and executes: the payroll comes back.
"""

from __future__ import annotations

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


def _publish_acme(server: str, api_key: str, repo_root: Path) -> None:
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


def test_an_accountant_uploads_the_roster_file_in_swagger_ui(
    server: str, api_key: str, chromium: Path, repo_root: Path
) -> None:
    from playwright.sync_api import Locator, expect, sync_playwright

    _publish_acme(server, api_key, repo_root)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            outside: list[str] = []
            page.on(
                "request",
                lambda r: None if r.url.startswith(server) else outside.append(r.url),
            )
            page.goto(f"{server}/docs")
            page.get_by_role("button", name="Authorize").first.click()
            dialog = page.locator(".modal-ux")
            dialog.locator("input").first.fill(api_key)
            dialog.locator("button.modal-btn.authorize").click()
            expect(dialog.get_by_role("heading", name="Authorized")).to_be_visible()
            dialog.get_by_role("button", name="Close").click()

            operation = page.locator("#operations-Payroll-calculate_payroll")
            expect(operation).to_be_visible(timeout=20_000)
            operation.locator(".opblock-summary").click()
            operation.get_by_role("button", name="Try it out").click()
            body = operation.locator(".opblock-section-request-body")
            body.locator("select").first.select_option("multipart/form-data")

            def field(name: str) -> Locator:
                return body.locator(f'tr[data-property-name="{name}"] input').first

            # The form's own examples name the stored Acme scheme, version 1, and March 2027.
            expect(field("scheme")).to_have_value("acme-sales")
            expect(field("version")).to_have_value("1")
            expect(field("on")).to_have_value("")
            expect(field("period")).to_have_value("2027-03")
            field("roster").set_input_files(str(repo_root / "examples" / "acme-roster.csv"))
            operation.get_by_role("button", name="Execute").click()

            live = operation.locator(".live-responses-table")
            status = live.locator("tbody .response-col_status").first
            answer = live.locator("tbody .response-col_description pre").first
            expect(answer).to_be_visible(timeout=20_000)
            assert status.inner_text().strip() == "200", answer.inner_text()
            expect(answer).to_contain_text('"payslips"')
            expect(answer).to_contain_text("E-17")
            # Anna Belova's 820 000 of new revenue, from the CSV file's row (test_payroll.py).
            expect(answer).to_contain_text("600 000.00 × 15% + 220 000.00 × 20% = 134 000.00")
            expect(answer).to_contain_text('"total": "1502627.38"')
            # The picture for docs/api.md: the form with its file, "Code 200" and the payroll
            # (the curl line, which shows the key, masked).
            body.evaluate("section => section.scrollIntoView({block: 'start'})")
            page.screenshot(
                path=str(repo_root / "docs" / "img" / "swagger-upload.png"),
                mask=[operation.locator(".curl-command")],
            )
            assert outside == [], "the page loaded something from outside the service"
        finally:
            browser.close()
