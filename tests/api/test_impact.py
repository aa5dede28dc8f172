"""GET /v1/schemes/{key}/versions/{old}/impact/{new}?run=…: a stored run's inputs (the acme
roster of March 2027) under two versions, with the differences computed by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import YAML, admin_key

Publish = Callable[..., dict[str, Any]]
RATE = ("{from: 0, rate: 0.15}", "{from: 0, rate: 0.17}")
BASE = ("        base: 45000 ", "        base: 40500 ")


@pytest.fixture
def run_id(api: TestClient, publish_acme: Publish, acme_roster: list[dict[str, Any]]) -> str:
    publish_acme()
    body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03",
            "roster": acme_roster}  # fmt: skip
    response = api.post("/v1/payroll-runs", json=body)
    assert response.status_code == 201, response.text
    found: str = response.json()["id"]
    return found


def _draft(api: TestClient, text: str) -> int:
    created = api.post("/v1/schemes/acme-sales/versions", content=text, headers=YAML)
    assert created.status_code == 201, created.text
    number: int = created.json()["version"]
    return number


def test_a_rate_two_points_higher_on_a_stored_run(
    api: TestClient, publish_acme: Publish, acme_yaml: str, run_id: str
) -> None:
    assert publish_acme(acme_yaml.replace(*RATE))["version"] == 2

    response = api.get(f"/v1/schemes/acme-sales/versions/1/impact/2?run={run_id}")

    assert response.status_code == 200, response.text
    found = response.json()
    assert (found["from_version"], found["to_version"], found["run"]) == (1, 2, run_id)
    changed = {e["employee_id"]: e["difference"] for e in found["employees"]}
    # 0.02 × credited (below 600 000); E-14 0.17 × 540 000.50 = 91 800.09 − 81 000.08.
    assert {k: v for k, v in changed.items() if v != "0.00"} == {
        "E-13": "12000.00", "E-14": "10800.01", "E-16": "8200.00", "E-17": "12000.00",
    }  # fmt: skip
    assert found["cuts"] == []
    assert found["total"] == {
        "employees": 13, "old": "1502627.38", "new": "1545627.39", "difference": "43000.01",
        "cuts": 0,
    }  # fmt: skip


def test_a_draft_base_10_percent_lower_marks_each_cut(
    api: TestClient, acme_yaml: str, run_id: str
) -> None:
    draft = _draft(api, acme_yaml.replace(*BASE))

    found = api.get(f"/v1/schemes/acme-sales/versions/1/impact/{draft}?run={run_id}").json()

    assert [(c["employee_id"], c["amount"]) for c in found["cuts"]] == [
        ("E-13", "4500.00"), ("E-14", "4090.91"), ("E-15", "4500.00"), ("E-16", "3272.72"),
        ("E-17", "4500.00"),
    ]  # fmt: skip
    assert {c["code"] for c in found["cuts"]} == {"PAY_CUT"}
    rep = next(r for r in found["roles"] if (r["department"], r["role"]) == ("sales", "rep"))
    assert (rep["old"], rep["new"], rep["difference"]) == ("590136.44", "569272.81", "-20863.63")


def test_missing_versions_and_runs_are_not_found(api: TestClient, run_id: str) -> None:
    version = api.get(f"/v1/schemes/acme-sales/versions/1/impact/9?run={run_id}")
    scheme = api.get(f"/v1/schemes/nothing/versions/1/impact/1?run={run_id}")
    run = api.get("/v1/schemes/acme-sales/versions/1/impact/1?run=" + "0" * 8 + "-0000-4000-8000-"
                  + "0" * 12)  # fmt: skip

    assert (version.status_code, version.json()["code"]) == (404, "VERSION_NOT_FOUND")
    assert (scheme.status_code, scheme.json()["code"]) == (404, "SCHEME_NOT_FOUND")
    assert (run.status_code, run.json()["code"]) == (404, "RUN_NOT_FOUND")


def test_a_run_of_another_scheme_or_none_is_refused(
    api: TestClient, acme_yaml: str, run_id: str
) -> None:
    other = acme_yaml.replace("key: acme-sales", "key: beta-sales", 1)
    assert api.post("/v1/schemes", content=other, headers=YAML).status_code == 201

    foreign = api.get(f"/v1/schemes/beta-sales/versions/1/impact/1?run={run_id}")
    missing = api.get("/v1/schemes/acme-sales/versions/1/impact/1")

    assert (foreign.status_code, foreign.json()["code"]) == (422, "RUN_OF_ANOTHER_SCHEME")
    assert "'acme-sales', not of 'beta-sales'" in foreign.json()["detail"]
    assert (missing.status_code, missing.json()["code"]) == (422, "RUN_REQUIRED")


def test_another_currency_and_a_removed_role_are_refused(
    api: TestClient, acme_yaml: str, run_id: str
) -> None:
    euro = _draft(api, acme_yaml.replace("currency: RUB ", "currency: EUR ", 1))
    start, end = acme_yaml.index("      assistant_head:"), acme_yaml.index("\n  clients:")
    removed = _draft(api, acme_yaml[:start] + acme_yaml[end + 1 :])

    currency = api.get(f"/v1/schemes/acme-sales/versions/1/impact/{euro}?run={run_id}")
    role = api.get(f"/v1/schemes/acme-sales/versions/1/impact/{removed}?run={run_id}")

    assert (currency.status_code, currency.json()["code"]) == (422, "CURRENCY_MISMATCH")
    assert "RUB (from) and EUR (to)" in currency.json()["detail"]
    assert (role.status_code, role.json()["code"]) == (422, "ROLE_MISSING")
    assert "employee 'E-12': the to version has no role 'assistant_head'" in role.json()["detail"]


def test_it_needs_both_scopes(api: TestClient, run_id: str) -> None:
    database = api.app.state.database  # type: ignore[attr-defined]
    path = f"/v1/schemes/acme-sales/versions/1/impact/1?run={run_id}"

    def status(*scopes: str) -> int:
        headers = {"Authorization": "Bearer " + admin_key(database, scopes)}
        return TestClient(api.app).get(path, headers=headers).status_code

    assert status("schemes:read") == 403
    assert status("payroll:read") == 403
    assert status("schemes:read", "payroll:read") == 200
