"""The response examples of the OpenAPI document are what the service answers today.

``app/api/examples/responses.json`` holds, per operation id, the JSON body the service
answers to the Acme walk-through below (examples/acme.yaml, its roster, March 2027), run
against a fresh database. Ids, times, secrets and hashes that change on every run are
replaced by fixed stand-ins of the same format. Regenerate the file after a change to a
response with::

    .venv/bin/python tests/api/test_examples.py
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.api import examples  # noqa: E402
from app.api.siminputs import simulation_examples  # noqa: E402
from app.db import migrate  # noqa: E402
from app.main import create_app  # noqa: E402
from app.services import keys  # noqa: E402
from app.settings import Settings  # noqa: E402

STORED = ROOT / "app" / "api" / "examples" / "responses.json"
YAML = {"content-type": "application/yaml"}

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
#: A new key's secret, and the prefix of it the service shows (app.services.keys).
_SECRET_STANDIN = "cck_" + "EXAMPLE0" * 5 + "abc"
_TIME_STANDIN = "2027-04-01T09:00:00Z"


class _Standins:
    """Fixed stand-ins for what differs on every run, the same value for the same original."""

    def __init__(self, fixed: dict[str, str]) -> None:
        self.uuids: dict[str, str] = {}
        self.fixed = fixed

    def uuid(self, match: re.Match[str]) -> str:
        found = match[0]
        if found not in self.uuids:
            self.uuids[found] = f"00000000-0000-4000-8000-{len(self.uuids) + 1:012d}"
        return self.uuids[found]

    def text(self, value: str) -> str:
        if value in self.fixed:
            return self.fixed[value]
        value = _UUID.sub(self.uuid, value)
        return value if _TIME.fullmatch(value) is None else _TIME_STANDIN

    def walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k): self.walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        return value


def _audit_hashes(page: dict[str, Any]) -> dict[str, Any]:
    """The audit page with its digests as stand-ins: they digest random ids and times."""
    items = []
    for n, item in enumerate(page["items"]):
        fixed = {k: f"sha256:{2 * n + i:064x}" for i, k in enumerate(("before_hash", "after_hash"))}
        items.append({**item, **{k: v for k, v in fixed.items() if item[k] is not None}})
    return {**page, "items": items}


def _operation_ids(api: TestClient) -> set[str]:
    document = api.get("/openapi.json").json()
    return {op["operationId"] for item in document["paths"].values() for op in item.values()}


@contextmanager
def _client() -> Iterator[tuple[TestClient, str]]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'compcalc.db'}"
        migrate.upgrade(url)
        app = create_app(Settings(database_url=url))
        with TestClient(app) as client:
            secret = keys.create_key(app.state.database, "examples", ["admin"])[1]
            client.headers["Authorization"] = "Bearer " + secret
            client.headers["Accept"] = "application/json"
            yield client, secret


def generate() -> dict[str, Any]:
    """Run the Acme walk-through; the JSON body of each operation's 2xx answer."""
    answers: dict[str, Any] = {}
    acme = examples.acme_yaml()

    with _client() as (api, own):

        def call(operation: str, method: str, url: str, status: int, **kw: Any) -> Any:
            answer = api.request(method, url, **kw)
            assert answer.status_code == status, (operation, answer.status_code, answer.text)
            answers.setdefault(operation, answer.json())
            return answer

        call("validate_scheme", "POST", "/v1/schemes/validate", 200, content=acme, headers=YAML)
        call(
            "calculate_payroll", "POST", "/v1/payroll/calculate", 200,
            json=examples.calculate_examples()["acme"]["value"],
        )  # fmt: skip
        curves = {"from": 0, "to": 2, "step": "0.5"}
        call(
            "calculate_curves", "POST", "/v1/schemes/curves", 200,
            content=acme, headers=YAML, params=curves,
        )  # fmt: skip
        created = call("create_scheme", "POST", "/v1/schemes", 201, content=acme, headers=YAML)
        base = "/v1/schemes/acme-sales/versions"
        got = call("get_scheme_version", "GET", f"{base}/1", 200)
        replaced = call(
            "replace_scheme_version", "PUT", f"{base}/1", 200,
            content=acme, headers={**YAML, "If-Match": got.headers["ETag"]},
        )  # fmt: skip
        del created
        call(
            "publish_scheme_version", "POST", f"{base}/1/publish", 200,
            headers={"If-Match": replaced.headers["ETag"]},
        )  # fmt: skip
        call("list_schemes", "GET", "/v1/schemes", 200)
        call("get_scheme", "GET", "/v1/schemes/acme-sales", 200)
        call(
            "get_effective_scheme_version", "GET", "/v1/schemes/acme-sales/effective", 200,
            params={"on": "2027-03-15"},
        )  # fmt: skip
        call("get_scheme_version_curves", "GET", f"{base}/1/curves", 200, params=curves)
        raised = acme.replace("base: 45000", "base: 50000", 1)
        assert raised != acme
        second = call("create_scheme_version", "POST", base, 201, content=raised, headers=YAML)
        call("diff_scheme_versions", "GET", f"{base}/1/diff/2", 200)

        run = call(
            "create_payroll_run", "POST", "/v1/payroll-runs", 201,
            json=examples.run_examples()["acme-version-1"]["value"],
        ).json()  # fmt: skip
        runs = f"/v1/payroll-runs/{run['id']}"
        call("get_payroll_run", "GET", runs, 200)
        call("get_payroll_run_payslip", "GET", f"{runs}/payslips/E-13", 200)
        if "get_payroll_run_report" in _operation_ids(api):
            call("get_payroll_run_report", "GET", f"{runs}/report", 200)
        call(
            "scheme_version_impact", "GET", f"{base}/1/impact/2", 200,
            params={"run": run["id"]},
        )  # fmt: skip
        call(
            "approve_payroll_run", "POST", f"{runs}/approve", 200,
            json=examples.approve_examples()["with-comment"]["value"],
        )  # fmt: skip
        call("list_payroll_runs", "GET", "/v1/payroll-runs", 200, params={"period": "2027-03"})
        call("get_pay_group_period", "GET", "/v1/pay-groups/acme-sales/main/periods/2027-03", 200)
        second_run = api.post(
            "/v1/payroll-runs",
            json={**examples.run_examples()["acme-on-date"]["value"], "group": "bonus-review"},
        )
        assert second_run.status_code == 201, second_run.text
        call(
            "discard_payroll_run", "POST", f"/v1/payroll-runs/{second_run.json()['id']}/discard",
            200, json=examples.discard_examples()["wrong-roster"]["value"],
        )  # fmt: skip
        del second

        policy = call("get_policy", "GET", "/v1/policy", 200)
        call(
            "replace_policy", "PUT", "/v1/policy", 200,
            json=examples.policy_examples()["application/json"]["article"]["value"],
            headers={"If-Match": policy.headers["ETag"]},
        )  # fmt: skip
        simulation = simulation_examples()["acme"]["value"]
        call("simulate", "POST", "/v1/simulations", 200, json={**simulation, "runs": 200})

        key = call(
            "create_api_key", "POST", "/v1/keys", 201,
            json={"name": "hr-system", "scopes": ["payroll:calculate", "payroll:read"]},
        ).json()  # fmt: skip
        secret = key["key"]
        prefix = len(key["prefix"])
        fixed = {
            secret: _SECRET_STANDIN,
            key["prefix"]: _SECRET_STANDIN[:prefix],
            own[:prefix]: "cck_EXAMPLE1",
        }
        assert secret.startswith(key["prefix"])
        call("list_api_keys", "GET", "/v1/keys", 200)
        call("revoke_api_key", "POST", f"/v1/keys/{key['id']}/revoke", 200)
        call("list_audit_events", "GET", "/v1/audit", 200, params={"limit": 5})
        answers["list_audit_events"] = _audit_hashes(answers["list_audit_events"])
    return dict(sorted(_Standins(fixed).walk(answers).items()))


def _dump(answers: dict[str, Any]) -> str:
    return json.dumps(answers, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = create_app()
    try:
        result: dict[str, Any] = app.openapi()
    finally:
        app.state.database.dispose()
    return result


def _json_answers(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(operation id, status, content) of every 2xx application/json answer."""
    found = []
    for item in document["paths"].values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json")
                if status.startswith("2") and content is not None:
                    found.append((operation["operationId"], status, content))
    return found


def test_every_json_answer_has_an_example_that_its_schema_accepts(
    document: dict[str, Any],
) -> None:
    answers = _json_answers(document)
    assert len(answers) >= 29
    for operation, status, content in answers:
        shown = (
            [content["example"]]
            if "example" in content
            else [named["value"] for named in content.get("examples", {}).values()]
        )
        assert shown, f"{operation} {status}: no example"
        assert all(value != "string" for value in shown), operation
        # The schema is resolved inside the whole document: its $refs point at components.
        schema = {"allOf": [content["schema"]], "components": document["components"]}
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for value in shown:
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
            assert not errors, f"{operation} {status}: " + "; ".join(errors[:5])


def test_the_examples_are_the_acme_payroll(document: dict[str, Any]) -> None:
    # A few figures of examples/acme.yaml, March 2027 (22 working days), by hand:
    # E-13, a sales rep with base 45 000 and 600 000 of new revenue at 15 %: 90 000 commission,
    # 135 000 gross.
    payslip = document["paths"]["/v1/payroll-runs/{run_id}/payslips/{employee_id}"]["get"]
    example = payslip["responses"]["200"]["content"]["application/json"]["example"]
    lines = {line["code"]: line["amount"] for line in example["payslip"]["lines"]}
    assert example["payslip"]["employee_id"] == "E-13"
    assert lines["base"] == "45000.00"
    assert lines["commission"] == "90000.00"
    calculate = document["paths"]["/v1/payroll/calculate"]["post"]
    result = calculate["responses"]["200"]["content"]["application/json"]["example"]
    # The short calculate example names the RU calendar: the same pay as the listed dates.
    by_id = {p["employee_id"]: p for p in result["payslips"]}
    assert set(by_id) == {e["id"] for e in examples.roster()}
    assert by_id["E-13"]["gross"] == "135000.00"  # 45 000 + 90 000


def test_the_stored_response_examples_are_what_the_service_answers_today() -> None:
    assert STORED.read_text(encoding="utf-8") == _dump(generate()), (
        "regenerate: .venv/bin/python tests/api/test_examples.py"
    )


if __name__ == "__main__":
    STORED.write_text(_dump(generate()), encoding="utf-8")
    print(f"wrote {STORED.relative_to(ROOT)}")
