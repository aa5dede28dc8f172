"""The organisation policy over HTTP: GET/PUT /v1/policy, and schemes checked against it.

Acme's bases (examples/acme.yaml): the sales rep 45 000 against the client rep 85 000 is
1 − 45/85 = 47.06% below, the sales head 66 000 against 120 000 is 45% below. Acme writes the
article's band out in its own policy (``base_gap: {min: 0.40, max: 0.50}``, line 42).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.engine.policy import DEFAULT_POLICY, parse_policy, policy_hash
from tests.api.conftest import admin_key

YAML = {"content-type": "application/yaml"}

#: The organisation band 46-50%: acme's explicit 40% widens it; its head (45%) is outside it.
TIGHT = "base_gap:\n  min: 0.46\n  max: 0.50\n"


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _in_days(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def _put(api: TestClient, text: str, etag: str | None) -> Any:
    headers = dict(YAML)
    if etag is not None:
        headers["If-Match"] = etag
    return api.put("/v1/policy", content=text.encode(), headers=headers)


def _store(api: TestClient, text: str) -> Any:
    current = api.get("/v1/policy")
    stored = _put(api, text, current.headers["ETag"])
    assert stored.status_code == 200, stored.text
    return stored


def _codes(report: dict[str, Any]) -> list[tuple[str, str, int | None]]:
    return [(f["code"], f["path"], f["line"]) for f in report["findings"]]


def _validate(api: TestClient, text: str) -> dict[str, Any]:
    answer = api.post("/v1/schemes/validate", content=text.encode(), headers=YAML)
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()["files"][0]
    return report


def test_without_a_stored_policy_the_defaults_are_in_force(api: TestClient) -> None:
    answer = api.get("/v1/policy")
    assert answer.status_code == 200
    assert answer.headers["ETag"] == '"policy.0"'
    body = answer.json()
    assert body["version"] == 0
    assert body["default"] is True
    assert body["content_hash"] == policy_hash(DEFAULT_POLICY)
    assert body["document"] is None
    assert body["rules"]["base_gap"] == {"enabled": True, "min": "0.40", "max": "0.50"}
    assert body["rules"]["commission_order"] == "strict"
    assert body["rules"]["earnings_order"]["attainment"] == "1"
    assert body["rules"]["exceptions"] == []


def test_put_needs_the_current_etag_and_stores_a_new_version(api: TestClient) -> None:
    assert _put(api, TIGHT, None).status_code == 428
    stale = _put(api, TIGHT, '"policy.7"')
    assert stale.status_code == 412
    assert stale.json()["code"] == "STALE_ETAG"

    stored = _put(api, TIGHT, '"policy.0"')
    assert stored.status_code == 200, stored.text
    assert stored.headers["ETag"] == '"policy.1"'
    body = stored.json()
    assert body["version"] == 1
    assert body["default"] is False
    assert body["source_format"] == "yaml"
    assert body["created_by"] == "test admin"
    assert body["document"] == {"base_gap": {"min": 0.46, "max": 0.50}}
    assert body["rules"]["base_gap"]["min"] == "0.46"
    assert body["content_hash"] == policy_hash(parse_policy({"base_gap": {"min": "0.46"}}))

    as_written = api.get("/v1/policy", headers={"Accept": "application/yaml"})
    assert as_written.text == TIGHT
    assert as_written.headers["ETag"] == '"policy.1"'

    # The same rules written differently store nothing: still version 1.
    again = _put(api, "base_gap: {max: 0.5, min: 0.460}\n", '"policy.1"')
    assert again.status_code == 200
    assert again.json()["version"] == 1
    events = api.get("/v1/audit", params={"action": "policy.replace"}).json()["items"]
    assert [(e["action"], e["object_id"]) for e in events] == [("policy.replace", "1")]
    # The old ETag no longer matches once a version was added.
    assert _put(api, "commission_order: strict\n", '"policy.0"').status_code == 412


def test_an_invalid_policy_is_refused_with_every_located_error(api: TestClient) -> None:
    text = "base_gap:\n  min: 0.40\n  maxx: 0.5\nexceptions:\n  - scheme: acme-sales\n"
    answer = _put(api, text, '"policy.0"')
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "INVALID_POLICY"
    found = {(e["code"], e["pointer"], e["line"]) for e in problem["errors"]}
    assert ("UNKNOWN_KEY", "/base_gap/maxx", 3) in found
    assert ("MISSING_KEY", "/exceptions/0/reason", 5) in found
    assert ("MISSING_KEY", "/exceptions/0/expires", 5) in found
    band = _put(api, "base_gap: {min: 0.6, max: 0.5}\n", '"policy.0"')
    assert band.status_code == 422
    assert band.json()["errors"][0]["code"] == "POLICY_INVALID"
    assert api.get("/v1/policy").json()["version"] == 0


def test_only_an_admin_key_replaces_the_policy(api: TestClient) -> None:
    app: Any = api.app
    writer = admin_key(app.state.database, ("schemes:read", "schemes:write", "schemes:publish"))
    headers = {**YAML, "Authorization": f"Bearer {writer}", "If-Match": '"policy.0"'}
    refused = api.put("/v1/policy", content=TIGHT.encode(), headers=headers)
    assert refused.status_code == 403
    read = api.get("/v1/policy", headers={"Authorization": f"Bearer {writer}"})
    assert read.status_code == 200


def test_a_scheme_cannot_switch_the_checks_off(api: TestClient, acme_yaml: str) -> None:
    weak = acme_yaml.replace(
        "  base_gap: {min: 0.40, max: 0.50}",
        "  base_gap: {enabled: false}",
    ).replace("  commission_order: strict ", "  commission_order: 'off'  ")
    report = _validate(api, weak)
    assert report["valid"] is False
    assert _codes(report) == [
        ("POLICY_WEAKENED", "policy.base_gap.enabled", 42),
        ("POLICY_WEAKENED", "policy.commission_order", 43),
    ]
    assert report["policy"] == {
        "source": None,
        "hash": policy_hash(DEFAULT_POLICY),
        "default": True,
    }
    created = api.post("/v1/schemes", content=weak.encode(), headers=YAML)
    assert created.status_code == 201
    assert created.json()["valid"] is False
    published = api.post(
        "/v1/schemes/acme-sales/versions/1/publish", headers={"If-Match": created.headers["ETag"]}
    )
    assert published.status_code == 422
    problem = published.json()
    assert problem["code"] == "CHECKS_FAILED"
    assert {e["code"] for e in problem["errors"]} == {"POLICY_WEAKENED"}


def test_a_stored_policy_applies_and_names_its_line(api: TestClient, acme_yaml: str) -> None:
    _store(api, TIGHT)
    report = _validate(api, acme_yaml)
    assert _codes(report) == [
        ("POLICY_WEAKENED", "policy.base_gap.min", 42),
        ("BASE_GAP", "departments.sales.roles.head.base", 71),
    ]
    weakened = report["findings"][0]
    assert "policy version 1, line 2" in weakened["message"]
    assert weakened["data"]["policy_value"] == "0.46"
    assert weakened["data"]["scheme_value"] == "0.40"
    # The head's 45% is outside the organisation's 46-50%: the refused 40% does not apply.
    assert "45%" in report["findings"][1]["message"]
    assert report["policy"]["source"] == "policy version 1"


def test_an_exception_lets_a_scheme_weaken_until_it_expires(
    api: TestClient, acme_yaml: str
) -> None:
    granted = TIGHT + (
        "exceptions:\n"
        "  - scheme: acme-sales\n"
        "    reason: the 2027 plan keeps the 40% band\n"
        f"    expires: {_in_days(90)}\n"
        "    allow: [base_gap]\n"
    )
    _store(api, granted)
    report = _validate(api, acme_yaml)
    assert report["findings"] == []
    created = api.post("/v1/schemes", content=acme_yaml.encode(), headers=YAML)
    published = api.post(
        "/v1/schemes/acme-sales/versions/1/publish", headers={"If-Match": created.headers["ETag"]}
    )
    assert published.status_code == 200, published.text
    stamp = published.json()["policy"]
    assert stamp["version"] == 2 - 1  # the first stored policy
    granting_hash = stamp["content_hash"]

    # A later policy without the exception: the published version keeps the policy it was
    # published with; a new draft of the same rules is checked against the new one.
    _store(api, TIGHT)
    kept = api.get("/v1/schemes/acme-sales/versions/1").json()
    assert kept["policy"] == {"version": 1, "content_hash": granting_hash}
    assert kept["valid"] is True
    draft = api.post("/v1/schemes/acme-sales/versions", content=acme_yaml.encode(), headers=YAML)
    assert draft.json()["policy"]["version"] == 2
    assert [f["code"] for f in draft.json()["findings"]] == ["POLICY_WEAKENED", "BASE_GAP"]


@pytest.mark.parametrize(
    ("days", "code", "severity", "publishable"),
    [
        (-1, "POLICY_EXCEPTION_EXPIRED", "error", False),
        (0, "POLICY_EXCEPTION_EXPIRING", "warning", True),
        (30, "POLICY_EXCEPTION_EXPIRING", "warning", True),
    ],
)
def test_an_exception_near_or_past_its_end_is_reported(
    api: TestClient, acme_yaml: str, days: int, code: str, severity: str, publishable: bool
) -> None:
    ends = _in_days(days)
    _store(
        api,
        TIGHT + f"exceptions:\n  - {{scheme: acme-sales, reason: pilot, expires: {ends}}}\n",
    )
    report = _validate(api, acme_yaml)
    first = report["findings"][0]
    assert (first["code"], first["severity"], first["path"]) == (
        code,
        severity,
        "policy.base_gap.min",
    )
    assert ends in first["message"]
    assert "policy version 1, line 5" in first["message"]
    assert report["valid"] is publishable


def test_a_key_limited_to_schemes_sees_only_its_exceptions(api: TestClient) -> None:
    _store(
        api,
        "exceptions:\n"
        f"  - {{scheme: acme-sales, reason: a, expires: {_in_days(60)}}}\n"
        f"  - {{scheme: beta-sales, reason: b, expires: {_in_days(60)}}}\n",
    )
    limited = api.post(
        "/v1/keys", json={"name": "acme", "scopes": ["schemes:read"], "schemes": ["acme-*"]}
    ).json()["key"]
    answer = api.get("/v1/policy", headers={"Authorization": f"Bearer {limited}"})
    body = answer.json()
    assert [e["scheme"] for e in body["rules"]["exceptions"]] == ["acme-sales"]
    assert body["document"] is None
    assert body["version"] == 1
    as_yaml = api.get(
        "/v1/policy", headers={"Authorization": f"Bearer {limited}", "Accept": "application/yaml"}
    )
    assert "beta-sales" not in as_yaml.text


def test_a_payroll_is_checked_under_the_policy_its_version_was_published_with(
    api: TestClient, acme_yaml: str, acme_roster: list[dict[str, Any]]
) -> None:
    # The organisation advises 6-8 sales reps; this acme leaves the structure advice to it,
    # and its roster has 5 reps (and a head and an assistant head) in sales.
    _store(api, "structure:\n  reps: [6, 8]\n")
    own = "  structure: {reps: [4, 5], heads: [1, 2]}"
    assert own in acme_yaml
    text = acme_yaml.replace(own, "")
    created = api.post("/v1/schemes", content=text.encode(), headers=YAML)
    published = api.post(
        "/v1/schemes/acme-sales/versions/1/publish", headers={"If-Match": created.headers["ETag"]}
    )
    assert published.status_code == 200, published.text  # the advice is a warning
    _store(api, "structure:\n  reps: [4, 5]\n")  # a later policy: version 1 keeps its own
    assert api.get("/v1/schemes/acme-sales/versions/1").json()["policy"]["version"] == 1

    body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03"}
    body["roster"] = acme_roster  # type: ignore[assignment]
    for answer in (
        api.post("/v1/payroll/calculate", json=body),
        api.post("/v1/payroll-runs", json=body),
    ):
        assert answer.status_code in (200, 201), answer.text
        result = answer.json().get("result", answer.json())
        structure = [f for f in result["findings"] if f["code"] == "STRUCTURE"]
        assert [f["message"][:56] for f in structure] == [
            "the roster has 5 reps and 2 heads in sales; a sales depa"
        ]
        assert "6-8 reps" in structure[0]["message"]
