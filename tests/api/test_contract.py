"""The API's description and its errors: what Swagger UI and an HR system rely on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api import examples

PROBLEM = "application/problem+json"
OPERATIONS = {
    ("post", "/v1/schemes/validate"): "validate_scheme",
    ("post", "/v1/schemes"): "create_scheme",
    ("get", "/v1/schemes"): "list_schemes",
    ("get", "/v1/schemes/{key}"): "get_scheme",
    ("post", "/v1/schemes/{key}/versions"): "create_scheme_version",
    ("get", "/v1/schemes/{key}/versions/{version}"): "get_scheme_version",
    ("put", "/v1/schemes/{key}/versions/{version}"): "replace_scheme_version",
    ("post", "/v1/schemes/{key}/versions/{version}/publish"): "publish_scheme_version",
    ("get", "/v1/schemes/{key}/effective"): "get_effective_scheme_version",
    ("get", "/v1/schemes/{key}/versions/{old}/diff/{new}"): "diff_scheme_versions",
    ("get", "/v1/schemes/{key}/versions/{old}/impact/{new}"): "scheme_version_impact",
    ("get", "/v1/schemes/{key}/versions/{version}/curves"): "get_scheme_version_curves",
    ("post", "/v1/schemes/curves"): "calculate_curves",
    ("post", "/v1/payroll/calculate"): "calculate_payroll",
    ("post", "/v1/simulations"): "simulate",
    ("post", "/v1/payroll-runs"): "create_payroll_run",
    ("get", "/v1/payroll-runs"): "list_payroll_runs",
    ("get", "/v1/payroll-runs/{run_id}"): "get_payroll_run",
    ("post", "/v1/payroll-runs/{run_id}/approve"): "approve_payroll_run",
    ("post", "/v1/payroll-runs/{run_id}/discard"): "discard_payroll_run",
    ("get", "/v1/payroll-runs/{run_id}/export.csv"): "export_payroll_run_csv",
    ("get", "/v1/payroll-runs/{run_id}/export.xlsx"): "export_payroll_run_xlsx",
    ("get", "/v1/payroll-runs/{run_id}/payslips/{employee_id}"): "get_payroll_run_payslip",
    ("get", "/v1/payroll-runs/{run_id}/payslips.pdf"): "get_payroll_run_payslips_pdf",
    ("get", "/v1/payroll-runs/{run_id}/report"): "get_payroll_run_report",
    ("get", "/v1/pay-groups/{scheme}/{group}/periods/{period}"): "get_pay_group_period",
    ("get", "/v1/policy"): "get_policy",
    ("put", "/v1/policy"): "replace_policy",
    ("post", "/v1/keys"): "create_api_key",
    ("get", "/v1/keys"): "list_api_keys",
    ("post", "/v1/keys/{key_id}/revoke"): "revoke_api_key",
    ("get", "/v1/audit"): "list_audit_events",
    ("get", "/healthz"): "health",
    ("get", "/readyz"): "readiness",
    ("get", "/metrics"): "metrics",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from app.main import create_app

    app = create_app()
    try:
        result: dict[str, Any] = app.openapi()
    finally:
        app.state.database.dispose()
    return result


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_every_operation_is_described(document: dict[str, Any]) -> None:
    operations = _operations(document)

    assert {key: op["operationId"] for key, op in operations.items()} == OPERATIONS
    tags = {tag["name"] for tag in document["tags"]}
    assert tags == {"Schemes", "Payroll", "Runs", "Policy", "Admin", "Health"}
    for key, operation in operations.items():
        assert operation["summary"], key
        assert len(operation["description"]) > 40, key
        assert len(operation["tags"]) == 1 and operation["tags"][0] in tags, key


def test_errors_are_documented_as_problems(document: dict[str, Any]) -> None:
    for key, operation in _operations(document).items():
        if key == ("get", "/healthz"):
            continue
        errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
        assert errors, key
        for code, response in errors.items():
            schema = response["content"][PROBLEM]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, (key, code)
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in errors, key
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_request_bodies_have_schemas_and_ready_examples(document: dict[str, Any]) -> None:
    operations = _operations(document)
    with_body = {
        key for key, op in operations.items() if "requestBody" in op and op["tags"] != ["Admin"]
    }

    assert with_body == {
        ("post", "/v1/schemes/validate"),
        ("post", "/v1/schemes/curves"),
        ("post", "/v1/schemes"),
        ("post", "/v1/schemes/{key}/versions"),
        ("put", "/v1/schemes/{key}/versions/{version}"),
        ("post", "/v1/payroll/calculate"),
        ("post", "/v1/simulations"),
        ("post", "/v1/payroll-runs"),
        ("post", "/v1/payroll-runs/{run_id}/approve"),
        ("post", "/v1/payroll-runs/{run_id}/discard"),
        ("put", "/v1/policy"),
    }
    uploads = {("post", "/v1/payroll/calculate"), ("post", "/v1/payroll-runs")}
    for key in with_body:
        content = operations[key]["requestBody"]["content"]
        media = {"application/json", "application/yaml"}
        if key in uploads:  # the roster as CSV, or the files as a form (test_uploads.py)
            media |= {"text/csv", "multipart/form-data"}
        assert set(content) == media, key
        assert content["application/json"]["examples"], key
    for key in uploads:
        form = operations[key]["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert {"roster", "deals", "balances"} <= set(form["properties"]), key
        assert form["properties"]["roster"]["format"] == "binary", key
    calculate = operations[("post", "/v1/payroll/calculate")]["requestBody"]["content"]
    named = calculate["application/json"]["examples"]
    # The default example is the first (and the first by name: openapi.json sorts its keys).
    assert next(iter(named)) == min(named) == "acme"
    first = named["acme"]["value"]
    assert first["scheme"] == examples.short_scheme()
    assert first["scheme"]["calendar"] == {"country": "RU"}
    assert first["roster"] == examples.roster()


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    def refs(value: Any) -> list[str]:
        if isinstance(value, dict):
            found = [value["$ref"]] if isinstance(value.get("$ref"), str) else []
            return found + [r for v in value.values() for r in refs(v)]
        if isinstance(value, list):
            return [r for v in value for r in refs(v)]
        return []

    missing = {r for r in refs(document) if r.removeprefix("#/components/schemas/") not in schemas}
    assert not missing


def test_shipped_examples_are_the_repositorys(repo_root: Path) -> None:
    shipped = repo_root / "app" / "api" / "examples"
    for name in (
        "acme.yaml",
        "acme-roster.json",
        "compcalc-policy.yaml",
        "acme-population.yaml",
        "acme-history.csv",
    ):
        assert (shipped / name).read_bytes() == (repo_root / "examples" / name).read_bytes(), (
            f"copy examples/{name} to app/api/examples/{name} (Swagger UI shows the shipped copy)"
        )


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/v1/nothing-here", 404), ("delete", "/v1/schemes", 405)],
)
def test_framework_errors_are_problems_too(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status
    assert problem["instance"] == path
    assert set(problem) >= {"type", "title", "status", "detail", "instance", "code"}


def test_a_problem_has_every_rfc_9457_member(client: TestClient) -> None:
    response = client.post(
        "/v1/schemes/validate", content=b"key: [", headers={"content-type": "application/yaml"}
    )

    problem = response.json()
    assert problem["type"] == "urn:compcalc:problem:unparseable-body"
    assert problem["title"] == "Unparseable body"
    assert problem["status"] == 422
    assert problem["instance"] == "/v1/schemes/validate"
    assert problem["detail"].startswith("the request body cannot be read at line")
