"""The Schemes operations: validate, store, draft, publish, look up, compare."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.api.outputs import SchemeVersionOut, ValidationReport

YAML = {"content-type": "application/yaml"}
PROBLEM = "application/problem+json"

Publish = Callable[..., dict[str, Any]]


def _invalid(repo_root: Path, code: str) -> str:
    return (repo_root / "examples" / "invalid" / f"{code}.yaml").read_text(encoding="utf-8")


# --- validate -------------------------------------------------------------------------------


def test_validate_reports_a_valid_scheme_with_break_even(
    client: TestClient, acme_yaml: str
) -> None:
    response = client.post("/v1/schemes/validate", content=acme_yaml, headers=YAML)

    assert response.status_code == 200
    report = ValidationReport.model_validate(response.json())
    assert report.summary.exit_code == 0 and report.summary.errors == 0
    (file,) = report.files
    assert file.valid and file.findings == []
    assert file.scheme_hash is not None and file.scheme_hash.startswith("sha256:")
    assert file.break_even is not None
    rep = next(p for p in file.break_even if p.sales_role == "sales.rep")
    # 45 000 + 15% × 600 000 × a = 85 000 + 37 500  →  a = 86.11%
    assert (rep.client_pay, rep.sales_pay_at_same_attainment) == ("122500.00", "135000.00")
    assert rep.break_even_attainment == "0.8611"
    assert rep.break_even_revenue == "516666.67"


def test_validate_reports_failing_checks_with_200(client: TestClient, repo_root: Path) -> None:
    response = client.post(
        "/v1/schemes/validate", content=_invalid(repo_root, "BASE_GAP"), headers=YAML
    )

    assert response.status_code == 200
    file = response.json()["files"][0]
    assert file["valid"] is False
    assert [f["code"] for f in file["findings"]] == ["BASE_GAP"]
    finding = file["findings"][0]
    assert finding["pointer"] == "/departments/sales/roles/rep/base"
    assert finding["line"] == 54  # the line marked "<- BASE_GAP" in the file
    assert response.json()["summary"]["exit_code"] == 1


def test_validate_reports_field_errors_with_their_lines(
    client: TestClient, repo_root: Path
) -> None:
    response = client.post(
        "/v1/schemes/validate", content=_invalid(repo_root, "UNKNOWN_KEY"), headers=YAML
    )

    assert response.status_code == 200
    (finding,) = response.json()["files"][0]["findings"]
    assert (finding["code"], finding["line"]) == ("UNKNOWN_KEY", 56)
    assert response.json()["files"][0]["break_even"] is None


def test_validate_accepts_json(client: TestClient, acme_yaml: str) -> None:
    from app.api.examples import acme_scheme

    response = client.post("/v1/schemes/validate", json=acme_scheme())

    assert response.status_code == 200
    assert response.json()["files"][0]["valid"] is True


def test_validate_refuses_an_unparseable_body_with_its_position(
    client: TestClient, repo_root: Path
) -> None:
    text = (repo_root / "examples/invalid/unparseable/DUPLICATE_KEY.yaml").read_text("utf-8")

    response = client.post("/v1/schemes/validate", content=text, headers=YAML)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "DUPLICATE_KEY"
    assert problem["errors"][0]["line"] is not None
    assert "line" in problem["detail"]


def test_json_numbers_keep_every_digit(client: TestClient) -> None:
    """A rate written with 21 digits is not rounded to the nearest binary float."""
    from app.api.examples import acme_scheme

    base = json.dumps(acme_scheme())
    exact = base.replace('"rate": 0.15}', '"rate": 0.150000000000000000001}', 1)
    assert exact != base

    hashes = [
        client.post(
            "/v1/schemes/validate", content=text, headers={"content-type": "application/json"}
        ).json()["files"][0]["scheme_hash"]
        for text in (base, exact)
    ]

    assert hashes[0] != hashes[1]


# --- create, read, list ----------------------------------------------------------------------


def test_create_stores_version_1_as_a_draft(api: TestClient, acme_yaml: str) -> None:
    response = api.post("/v1/schemes", content=acme_yaml, headers=YAML)

    assert response.status_code == 201
    assert response.headers["location"] == "/v1/schemes/acme-sales/versions/1"
    version = SchemeVersionOut.model_validate(response.json())
    assert (version.key, version.version, version.status) == ("acme-sales", 1, "draft")
    assert version.valid and version.findings == []
    assert version.source_format == "yaml"
    assert version.document["departments"]["sales"]["roles"]["rep"]["base"] == 45000
    assert '"rate":0.15}' in response.text  # decimals stay exact JSON numbers


def test_create_refuses_an_existing_key(api: TestClient, acme_yaml: str) -> None:
    assert api.post("/v1/schemes", content=acme_yaml, headers=YAML).status_code == 201

    response = api.post("/v1/schemes", content=acme_yaml, headers=YAML)

    assert response.status_code == 409
    assert response.json()["code"] == "SCHEME_EXISTS"
    assert api.get("/v1/schemes/acme-sales").json()["versions"] == 1


def test_create_refuses_an_invalid_scheme_with_pointers_and_lines(
    api: TestClient, repo_root: Path
) -> None:
    response = api.post("/v1/schemes", content=_invalid(repo_root, "PRECISION"), headers=YAML)

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "INVALID_SCHEME"
    (error,) = problem["errors"]
    assert error["pointer"] == "/departments/sales/roles/rep/base"
    assert (error["code"], error["line"]) == ("PRECISION", 53)
    assert api.get("/v1/schemes").json()["total"] == 0


def test_list_filters_by_key_prefix_and_pages(api: TestClient, acme_yaml: str) -> None:
    for key in ("acme-sales", "acme_b", "axme-c", "other"):
        body = acme_yaml.replace("key: acme-sales", f"key: {key}")
        assert api.post("/v1/schemes", content=body, headers=YAML).status_code == 201

    everything = api.get("/v1/schemes").json()
    acme = api.get("/v1/schemes", params={"key": "acme"}).json()
    underscore = api.get("/v1/schemes", params={"key": "acme_"}).json()
    page = api.get("/v1/schemes", params={"limit": 2, "offset": 1}).json()

    assert [s["key"] for s in everything["items"]] == ["acme-sales", "acme_b", "axme-c", "other"]
    assert [s["key"] for s in acme["items"]] == ["acme-sales", "acme_b"]
    assert [s["key"] for s in underscore["items"]] == ["acme_b"]  # "_" is not a wildcard
    assert (page["total"], [s["key"] for s in page["items"]]) == (4, ["acme_b", "axme-c"])
    assert everything["items"][0] == {
        "key": "acme-sales",
        "created_at": everything["items"][0]["created_at"],
        "versions": 1,
        "latest_version": 1,
        "latest_published_version": None,
    }


def test_get_scheme_lists_its_versions(
    api: TestClient, publish_acme: Publish, acme_yaml: str
) -> None:
    publish_acme()
    api.post("/v1/schemes/acme-sales/versions", content=acme_yaml, headers=YAML)

    scheme = api.get("/v1/schemes/acme-sales").json()

    assert (scheme["versions"], scheme["latest_version"], scheme["latest_published_version"]) == (
        2,
        2,
        1,
    )
    assert [(v["version"], v["status"]) for v in scheme["history"]] == [
        (1, "published"),
        (2, "draft"),
    ]


def test_unknown_scheme_and_version_are_404(api: TestClient, acme_yaml: str) -> None:
    api.post("/v1/schemes", content=acme_yaml, headers=YAML)

    for path in (
        "/v1/schemes/nope",
        "/v1/schemes/nope/versions/1",
        "/v1/schemes/acme-sales/versions/9",
        "/v1/schemes/acme-sales/versions/1/diff/9",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM
    assert api.get("/v1/schemes/nope").json()["code"] == "SCHEME_NOT_FOUND"
    assert api.get("/v1/schemes/acme-sales/versions/9").json()["code"] == "VERSION_NOT_FOUND"
    response = api.post(
        "/v1/schemes/nope/versions",
        content=acme_yaml.replace("key: acme-sales", "key: nope"),
        headers=YAML,
    )
    assert response.status_code == 404
    publish = api.post("/v1/schemes/nope/versions/1/publish", headers={"If-Match": '"1.1"'})
    assert publish.status_code == 404


def test_get_version_as_json_or_as_the_original_text(api: TestClient, acme_yaml: str) -> None:
    api.post("/v1/schemes", content=acme_yaml, headers=YAML)

    as_json = api.get("/v1/schemes/acme-sales/versions/1")
    as_yaml = api.get("/v1/schemes/acme-sales/versions/1", headers={"accept": "application/yaml"})
    refused = api.get("/v1/schemes/acme-sales/versions/1", headers={"accept": "text/html"})

    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json()["document"]["key"] == "acme-sales"
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert as_yaml.text == acme_yaml
    assert refused.status_code == 406
    assert refused.headers["content-type"] == PROBLEM


# --- drafts and publishing ------------------------------------------------------------------


def test_a_new_version_must_carry_the_schemes_key(api: TestClient, acme_yaml: str) -> None:
    api.post("/v1/schemes", content=acme_yaml, headers=YAML)

    other = acme_yaml.replace("key: acme-sales", "key: someone-else")
    response = api.post("/v1/schemes/acme-sales/versions", content=other, headers=YAML)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "/key", "detail": "must be 'acme-sales'", "code": "KEY_MISMATCH"}
    ]


def test_a_draft_can_be_replaced(api: TestClient, acme_yaml: str) -> None:
    created = api.post("/v1/schemes", content=acme_yaml, headers=YAML)
    first = created.json()
    changed = acme_yaml.replace("base: 45000 ", "base: 46000 ")

    response = api.put(
        "/v1/schemes/acme-sales/versions/1",
        content=changed,
        headers={**YAML, "If-Match": created.headers["ETag"]},
    )

    assert response.status_code == 200
    assert created.headers["ETag"] == '"1.1"' and response.headers["ETag"] == '"1.2"'
    assert response.json()["document"]["departments"]["sales"]["roles"]["rep"]["base"] == 46000
    assert response.json()["content_hash"] != first["content_hash"]
    stored = api.get("/v1/schemes/acme-sales/versions/1", headers={"accept": "application/yaml"})
    assert stored.text == changed


def test_a_published_version_never_changes(
    api: TestClient, publish_acme: Publish, acme_yaml: str
) -> None:
    published = publish_acme()
    assert published["status"] == "published" and published["published_at"]

    changed = acme_yaml.replace("base: 45000 ", "base: 46000 ")
    etag = {"If-Match": api.get("/v1/schemes/acme-sales/versions/1").headers["ETag"]}
    replace = api.put(
        "/v1/schemes/acme-sales/versions/1", content=changed, headers={**YAML, **etag}
    )
    again = api.post("/v1/schemes/acme-sales/versions/1/publish", headers=etag)
    # If-Match is required (the document says so): without it the request is incomplete,
    # whatever the version's state.
    bare = api.put("/v1/schemes/acme-sales/versions/1", content=changed, headers=YAML)
    bare_publish = api.post("/v1/schemes/acme-sales/versions/1/publish")

    assert (replace.status_code, replace.json()["code"]) == (409, "VERSION_PUBLISHED")
    assert (again.status_code, again.json()["code"]) == (409, "VERSION_PUBLISHED")
    assert (bare.status_code, bare.json()["code"]) == (428, "IF_MATCH_REQUIRED")
    assert (bare_publish.status_code, bare_publish.json()["code"]) == (428, "IF_MATCH_REQUIRED")
    stored = api.get("/v1/schemes/acme-sales/versions/1").json()
    assert stored["content_hash"] == published["content_hash"]
    assert stored["document"]["departments"]["sales"]["roles"]["rep"]["base"] == 45000


def test_publish_refuses_a_version_that_fails_the_checks(api: TestClient, repo_root: Path) -> None:
    created = api.post("/v1/schemes", content=_invalid(repo_root, "BASE_GAP"), headers=YAML)
    assert created.status_code == 201
    assert created.json()["valid"] is False
    assert [f["code"] for f in created.json()["findings"]] == ["BASE_GAP"]

    response = api.post(
        "/v1/schemes/acme-sales/versions/1/publish", headers={"If-Match": created.headers["ETag"]}
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "CHECKS_FAILED"
    (error,) = problem["errors"]
    assert (error["pointer"], error["code"], error["line"]) == (
        "/departments/sales/roles/rep/base",
        "BASE_GAP",
        54,
    )
    assert [f["code"] for f in problem["findings"]] == ["BASE_GAP"]
    assert api.get("/v1/schemes/acme-sales/versions/1").json()["status"] == "draft"


# --- effective version and diff ---------------------------------------------------------------


def _dated(acme_yaml: str, start: str, end: str | None = None, base: int = 45000) -> str:
    text = acme_yaml.replace("effective_from: 2027-01-01", f"effective_from: {start}")
    if end is not None:
        text = text.replace(
            f"effective_from: {start}", f"effective_from: {start}\neffective_to: {end}"
        )
    return text.replace("base: 45000 ", f"base: {base} ")


def test_effective_version_by_date(api: TestClient, publish_acme: Publish, acme_yaml: str) -> None:
    publish_acme(_dated(acme_yaml, "2027-01-01", "2027-06-30"))  # v1
    publish_acme(_dated(acme_yaml, "2027-04-01", base=46000))  # v2 supersedes from April
    api.post(
        "/v1/schemes/acme-sales/versions", content=_dated(acme_yaml, "2027-05-01"), headers=YAML
    )

    def effective(on: str) -> Any:
        response = api.get("/v1/schemes/acme-sales/effective", params={"on": on})
        return response.json()["version"] if response.status_code == 200 else response.status_code

    assert effective("2027-03-31") == 1
    assert effective("2027-04-01") == 2
    assert effective("2027-12-31") == 2  # v3 is only a draft
    assert effective("2026-12-31") == 404
    bad = api.get("/v1/schemes/acme-sales/effective", params={"on": "31.03.2027"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["parameter"] == "on"


def test_diff_lists_changed_rules(api: TestClient, acme_yaml: str) -> None:
    api.post("/v1/schemes", content=acme_yaml, headers=YAML)
    changed = (
        acme_yaml.replace("base: 45000 ", "base: 45000.00 ")
        .replace("cap: 250000 ", "cap: 260000 ")
        .replace(
            "effective_from: 2027-01-01", "effective_from: 2027-01-01\neffective_to: 2027-12-31"
        )
    )
    api.post("/v1/schemes/acme-sales/versions", content=changed, headers=YAML)

    response = api.get("/v1/schemes/acme-sales/versions/1/diff/2")

    assert response.status_code == 200
    assert response.json() == {
        "key": "acme-sales",
        "from_version": 1,
        "to_version": 2,
        "changes": [
            {
                "path": "departments.sales.roles.rep.commission[0].cap",
                "pointer": "/departments/sales/roles/rep/commission/0/cap",
                "change": "changed",
                "old": "250000",
                "new": "260000",
            },
            {
                "path": "effective_to",
                "pointer": "/effective_to",
                "change": "changed",
                "old": None,
                "new": "2027-12-31",
            },
        ],
    }
