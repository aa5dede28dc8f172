"""What schemathesis found, as plain tests: the document says what the service does.

tests/conformance runs schemathesis itself (slow); these pin each fix in the fast suite.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.examples import acme_scheme
from app.engine import SchemeError, parse_scheme
from app.io.read.documents import parse_document

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from app.main import create_app

    spec: dict[str, Any] = create_app().openapi()
    return spec


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/v1/keys", "GET, POST"),  # two routes, one resource
        ("DELETE", "/v1/schemes", "GET, POST"),
        ("OPTIONS", "/v1/schemes/validate", "POST"),  # not /v1/schemes/{key}
        ("DELETE", "/v1/schemes/acme-sales", "GET"),
        ("PATCH", "/v1/payroll-runs/00000000-0000-4000-8000-000000000000/approve", "POST"),
        ("PUT", "/healthz", "GET"),
        ("POST", "/openapi.json", "GET, HEAD"),  # not in the document: its routes answer
    ],
)
def test_a_405_allows_every_method_of_the_resource(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("since", ["0.5", "1700000000", "2027-03-01", "yesterday"])
def test_audit_since_is_an_iso_time_never_a_number(client: TestClient, since: str) -> None:
    response = client.get("/v1/audit", params={"since": since})

    assert response.status_code == 422
    assert [e["parameter"] for e in response.json()["errors"]] == ["since"]


def test_audit_since_takes_an_iso_time(client: TestClient) -> None:
    assert client.get("/v1/audit", params={"since": "2027-03-01T00:00:00Z"}).status_code == 200


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def test_if_match_is_documented_as_required_where_it_is(document: dict[str, Any]) -> None:
    for method, path in [
        ("put", "/v1/schemes/{key}/versions/{version}"),
        ("post", "/v1/schemes/{key}/versions/{version}/publish"),
    ]:
        (header,) = [
            p for p in _operation(document, method, path)["parameters"] if p["in"] == "header"
            and p["name"] == "If-Match"
        ]  # fmt: skip
        assert header["required"] is True
        assert "428" in _operation(document, method, path)["responses"]


def test_a_yaml_body_has_the_json_bodys_schema(document: dict[str, Any]) -> None:
    bodies = [
        op["requestBody"]["content"]
        for item in document["paths"].values()
        for op in item.values()
        if "requestBody" in op and "application/yaml" in op["requestBody"]["content"]
    ]
    assert bodies
    for content in bodies:
        assert content["application/yaml"]["schema"] == content["application/json"]["schema"]


def test_text_parameters_and_fields_document_the_control_character_rule(
    document: dict[str, Any],
) -> None:
    pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"
    runs = _operation(document, "get", "/v1/payroll-runs")["parameters"]
    (scheme,) = [p for p in runs if p["name"] == "scheme"]
    assert scheme["schema"]["anyOf"][0]["pattern"] == pattern
    employee = document["components"]["schemas"]["EmployeeInput"]["properties"]
    assert employee["id"]["pattern"] == employee["name"]["pattern"] == pattern
    scopes = document["components"]["schemas"]["KeyRequest"]["properties"]["scopes"]
    assert "admin" in scopes["items"]["enum"]
    inline = document["components"]["schemas"]["CalculateRequest"]["properties"]["scheme"]
    assert {"$ref": "#/components/schemas/Scheme"} in inline["oneOf"]


def test_409_is_documented_where_a_period_is_already_approved(document: dict[str, Any]) -> None:
    assert "409" in _operation(document, "post", "/v1/payroll-runs")["responses"]


STRUCTURE = "structure: {reps: [4, 5], heads: [1, 2]}"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (STRUCTURE, "structure: {reps: [4, 5], heads: [1, false]}"),
        (STRUCTURE, "structure: {reps: [4, 5], heads: [1, '2']}"),
        (STRUCTURE, "structure: {enabled: 0, reps: [4, 5], heads: [1, 2]}"),
        ("        headcount: 5 ", "        headcount: 5.0 "),
        ("        compare: false ", "        compare: 0 "),
        ("    - 2027-02-20 ", "    - 0 "),
        ("effective_from: 2027-01-01 ", "effective_from: 1798761600 "),
    ],
)  # fmt: skip
def test_the_rule_language_reads_counts_flags_and_dates_as_written(
    acme_yaml: str, old: str, new: str
) -> None:
    """A boolean is not a count, 0 is not false, a number is not a date (pydantic's lax mode
    would take each): the JSON Schema says so, and the service agrees."""
    assert old in acme_yaml
    with pytest.raises(SchemeError) as refused:
        parse_scheme(parse_document(acme_yaml.replace(old, new, 1), "yaml").data)
    assert [f.code for f in refused.value.findings] == ["INVALID_TYPE"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("unpaid_days", True), ("unpaid_days", "2"), ("unpaid_days", 2.0), ("start_date", 0)],
)
def test_roster_counts_and_dates_are_read_as_written(
    client: TestClient, field: str, value: object
) -> None:
    employee = {"id": "E-1", "department": "sales", "role": "rep", field: value}
    body = {"scheme": acme_scheme(), "period": "2027-03", "roster": [employee]}

    response = client.post("/v1/payroll/calculate", json=body)

    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == [f"/roster/0/{field}"]
