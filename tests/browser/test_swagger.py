"""Swagger UI in a real browser: an accountant's "Try it out" → "Execute" on the calculation.

Headless Chromium (Debian's ``chromium`` package; .ci/run installs it) is driven by Playwright's
bundled driver; no browser is downloaded. The service runs as a real uvicorn process on a free
127.0.0.1 port with a temporary SQLite database, so this also proves that /docs works with no
internet access: every asset comes from the service itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db import migrate
from tests.support.localserver import ServiceDidNotStart, running_service

# A real uvicorn process and a headless browser: left out of `make test-fast`.
pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'compcalc.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def api_key(database_url: str, repo_root: Path) -> str:
    """The admin key ``make run`` prints on an empty database (``compcalc keys bootstrap``)."""
    env = {**os.environ, "COMPCALC_DATABASE_URL": database_url}
    command = [str(Path(sys.executable).with_name("compcalc")), "keys", "bootstrap"]
    done = subprocess.run(command, cwd=repo_root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (secret,) = [word for word in done.stdout.split() if word.startswith("cck_")]
    return secret


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[str]:
    log_path = tmp_path / "uvicorn.log"
    with log_path.open("wb") as log:
        try:
            with running_service(database_url, log=log) as base:
                yield base
        except ServiceDidNotStart as exc:
            pytest.fail(f"{exc}: {log_path.read_text()}")


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM


def test_an_accountant_calculates_a_payroll_in_swagger_ui(
    server: str, api_key: str, chromium: Path, repo_root: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

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

            # Authorize with the key `make run` printed, as a newcomer does.
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
            operation.get_by_role("button", name="Execute").click()

            live = operation.locator(".live-responses-table")
            status = live.locator("tbody .response-col_status").first
            expect(status).to_have_text("200", timeout=20_000)
            body = live.locator("tbody .response-col_description pre").first
            expect(body).to_contain_text('"payslips"')
            expect(body).to_contain_text("E-17")
            expect(body).to_contain_text("600 000.00 × 15% + 220 000.00 × 20% = 134 000.00")

            # The picture for docs/: the server's answer, "Code 200" and the payslips.
            live.evaluate("table => table.scrollIntoView({block: 'start'})")
            page.evaluate("window.scrollBy(0, -60)")
            page.screenshot(path=str(repo_root / "docs" / "img" / "swagger.png"))
            assert outside == [], "the page loaded something from outside the service"
        finally:
            browser.close()
