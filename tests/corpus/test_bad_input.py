"""The bad-input corpus: hostile or broken requests each get a 4xx problem, never a 5xx, and
nothing of them is stored.

Every case is sent to the operations that store (``POST /v1/schemes``, ``POST
/v1/payroll-runs``) or compute (``POST /v1/payroll/calculate``); after each, the stored
schemes, versions and runs are exactly those seeded before it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
JSON = "application/json"
YAML = "application/yaml"
RUNS, CALCULATE, SCHEMES = "/v1/payroll-runs", "/v1/payroll/calculate", "/v1/schemes"
HEAD = '{"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03", '
EMPLOYEE = {"id": "E-1", "department": "sales", "role": "rep"}


def _run(**employee: Any) -> str:
    return json.dumps(
        {
            "scheme": {"key": "acme-sales", "version": 1},
            "period": "2027-03",
            "roster": [{**EMPLOYEE, **employee}],
        }
    )


def _deal(amount: str) -> str:
    deal = {
        "id": "D-1",
        "date": "2027-03-10",
        "client_id": "C-1",
        "amount": amount,
        "client_since": "2027-03-10",
        "credit": [{"employee_id": "E-1", "share": "1"}],
    }
    body = json.loads(_run())
    return json.dumps({**body, "deals": [deal]})


# (name, content type, body, expected status)
PAYROLL_CASES: list[tuple[str, str, str | bytes, int]] = [
    ("truncated JSON", JSON, HEAD + '"roster": [', 422),
    (
        "NaN",
        JSON,
        HEAD + '"roster": [{"id": "E-1", "department": "sales", "role": "rep", "fte": NaN}]}',
        422,
    ),
    (
        "Infinity",
        JSON,
        HEAD + '"roster": [{"id": "E-1", "department": "sales", "role": "rep", "fte": Infinity}]}',
        422,
    ),
    ("1e400 amount", JSON, _run(credited={"new_revenue": 7}).replace(": 7}", ": 1e400}"), 422),
    ("1e400 version", JSON, _run().replace('"version": 1', '"version": 1e400'), 422),
    ("-0.00 FTE", JSON, _run(fte="-0.00"), 422),
    ("-0.00 deal amount", JSON, _deal("-0.00"), 422),
    ("12.345 RUB", JSON, _run(credited={"new_revenue": "12.345"}), 422),
    ("amount over 10^13", JSON, _run(credited={"new_revenue": "1" + "0" * 14}), 422),
    ("string for a number", JSON, _run(fte="one"), 422),
    ("string for an integer", JSON, _run(unpaid_days="two"), 422),
    ("10k-deep arrays", JSON, "[" * 10_000 + "]" * 10_000, 422),
    ("10k-deep objects", JSON, '{"a":' * 10_000 + "1" + "}" * 10_000, 422),
    ("huge string", JSON, _run(id="E" * 2_000_000), 422),
    ("unknown field", JSON, json.dumps({**json.loads(_run()), "approved": True}), 422),
    ("unknown nested field", JSON, _run(salary=1), 422),
    (
        "duplicate employee ids",
        JSON,
        json.dumps({**json.loads(_run()), "roster": [EMPLOYEE, EMPLOYEE]}),
        422,
    ),
    ("duplicate JSON keys", JSON, HEAD + '"roster": [], "roster": []}', 422),
    ("array body", JSON, "[]", 422),
    ("null body", JSON, "null", 422),
    ("empty body", JSON, "", 422),
    ("invalid UTF-8", JSON, b'{"period": "\xff\xfe"}', 422),
    ("malformed YAML", YAML, "period: [2027-03\nroster: {", 422),
    (
        "YAML alias bomb",
        YAML,
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        422,
    ),
    ("text/plain", "text/plain", _run(), 415),
    ("XML", "application/xml", "<run/>", 415),
    ("form", "application/x-www-form-urlencoded", "period=2027-03", 415),
    # a form upload is accepted (roster, deals, balances files), but this one has no roster file
    ("multipart without a roster", "multipart/form-data; boundary=x", "--x--", 422),
    ("multipart, no boundary", "multipart/form-data", "--x--", 422),
    ("CSV roster without its query", "text/csv", "id,department,role\n", 422),
]

SCHEME_CASES: list[tuple[str, str, str | bytes, int]] = [
    ("malformed YAML scheme", YAML, "key: acme-sales\ndepartments: [", 422),
    ("scheme with unknown field", JSON, '{"key": "x", "surprise": 1}', 422),
    ("scheme with NaN", JSON, '{"key": "x", "currency": NaN}', 422),
    ("10k-deep YAML", YAML, "[" * 10_000 + "]" * 10_000, 422),
    ("huge key", JSON, json.dumps({"key": "k" * 1_000_000}), 422),
    ("scheme as text/plain", "text/plain", "key: x", 415),
]


def _stored(client: TestClient) -> tuple[int, int, int]:
    schemes = client.get(SCHEMES).json()
    versions = sum(item["versions"] for item in schemes["items"])
    return schemes["total"], versions, client.get(RUNS).json()["total"]


def _refused(client: TestClient, path: str, media: str, body: str | bytes, status: int) -> None:
    response = client.post(path, content=body, headers={"content-type": media})

    assert response.status_code == status, (path, response.text[:300])
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status and problem["code"] and problem["instance"] == path
    assert len(response.content) < 20_000  # never an echo of a huge body
    assert _stored(client) == (1, 1, 0)


@pytest.mark.parametrize(("name", "media", "body", "status"), PAYROLL_CASES)
@pytest.mark.parametrize("path", [RUNS, CALCULATE])
def test_bad_payroll_input_is_refused_and_stores_nothing(
    client: TestClient, path: str, name: str, media: str, body: str | bytes, status: int
) -> None:
    _refused(client, path, media, body, status)


@pytest.mark.parametrize(("name", "media", "body", "status"), SCHEME_CASES)
@pytest.mark.parametrize("path", [SCHEMES, f"{SCHEMES}/acme-sales/versions"])
def test_bad_scheme_documents_are_refused_and_store_nothing(
    client: TestClient, path: str, name: str, media: str, body: str | bytes, status: int
) -> None:
    _refused(client, path, media, body, status)


def test_too_many_employees_are_refused(client: TestClient) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    small = settings.model_copy(update={"max_employees": 2, "max_deals": 0})
    client.app.state.settings = small  # type: ignore[attr-defined]
    try:
        roster = [{**EMPLOYEE, "id": f"E-{n}"} for n in range(3)]
        body = json.dumps({**json.loads(_deal("100.00")), "roster": roster})
        response = client.post(RUNS, content=body, headers={"content-type": JSON})
    finally:
        client.app.state.settings = settings  # type: ignore[attr-defined]

    assert response.status_code == 422
    assert response.json()["code"] == "TOO_MANY_ITEMS"
    assert [e["pointer"] for e in response.json()["errors"]] == ["/roster", "/deals"]
    assert _stored(client) == (1, 1, 0)


def _post(client: TestClient, body: str, media: str = JSON, path: str = RUNS) -> dict[str, Any]:
    response = client.post(path, content=body.encode(), headers={"content-type": media})
    assert response.headers["content-type"] == PROBLEM, response.text[:300]
    assert len(response.content) <= 64 * 1024
    assert _stored(client) == (1, 1, 0)
    problem: dict[str, Any] = {"status": response.status_code, **response.json()}
    return problem


@pytest.mark.parametrize("path", [RUNS, CALCULATE])
def test_a_roster_of_empty_items_is_counted_before_any_is_validated(
    client: TestClient, path: str
) -> None:
    # 900 000 empty employees: under the decoder's million values, over the 100 000
    # employees of a request.  One error, for the array: not 2.7 million, one per field.
    problem = _post(client, HEAD + '"roster": [' + ",".join(["{}"] * 900_000) + "]}", path=path)
    assert (problem["status"], problem["code"]) == (422, "TOO_MANY_ITEMS")
    assert [e["pointer"] for e in problem["errors"]] == ["/roster"]


@pytest.mark.parametrize("count", [1_000_000, 6_000_000])
def test_millions_of_values_are_refused_while_decoding(client: TestClient, count: int) -> None:
    problem = _post(client, HEAD + '"roster": [' + ",".join(["{}"] * count) + "]}")
    assert (problem["status"], problem["code"]) == (422, "TOO_MANY_VALUES")
    assert "1,000,000" in problem["detail"]


def test_a_million_numbers_are_refused_while_decoding(client: TestClient) -> None:
    problem = _post(client, HEAD + '"roster": [' + ",".join(["1.5"] * 1_000_001) + "]}")
    assert (problem["status"], problem["code"]) == (422, "TOO_MANY_VALUES")


@pytest.mark.parametrize("media", [JSON, YAML])
def test_an_object_of_too_many_members_is_refused(client: TestClient, media: str) -> None:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    names = [a + b + c for a in digits for b in digits for c in digits][:10_001]
    if media == JSON:
        body = "{" + ",".join(f'"{n}":1' for n in names) + "}"
    else:  # three-character keys without values, one a line: 50 kB, within the 64 KiB limit
        body = "".join(f"{n}:\n" for n in names)
    problem = _post(client, body, media)
    assert (problem["status"], problem["code"]) == (422, "TOO_MANY_VALUES")
    assert "more than 10,000 members" in problem["detail"]


def test_a_yaml_body_over_its_limit_is_refused_before_it_is_composed(client: TestClient) -> None:
    body = "period: 2027-03\nroster:\n" + "  - {}\n" * 10_000  # 70 kB
    problem = _post(client, body, YAML)
    assert (problem["status"], problem["code"]) == (413, "BODY_TOO_LARGE")
    assert "65,536 bytes" in problem["detail"]


def test_a_problem_is_bounded_however_much_the_request_is_wrong(client: TestClient) -> None:
    # 1 000 unknown fields with 19 KB names: every one is an error, and none is echoed.
    fields = {f"{n:04d}" + "x" * 19_000: 1 for n in range(1_000)}
    problem = _post(client, json.dumps({**json.loads(_run()), **fields}))

    assert (problem["status"], problem["code"]) == (422, "INVALID_BODY")
    assert problem["error_count"] == 1_000
    assert len(problem["errors"]) == 50
    for error in problem["errors"]:
        assert len(error["pointer"]) == 300 and error["pointer"].endswith("…")
        assert len(error["detail"]) == 300 and error["detail"].endswith("…")
    assert len(problem["detail"]) <= 500


@pytest.mark.parametrize("path", [RUNS, SCHEMES])
def test_a_yaml_alias_bomb_is_refused(client: TestClient, path: str) -> None:
    # Six levels of ten aliases: a million values from 300 bytes; a YAML body may expand to
    # 100 000.
    lines = ["a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 6)]
    problem = _post(client, "\n".join(lines) + "\n", YAML, path)
    assert (problem["status"], problem["code"]) == (422, "TOO_MANY_VALUES")
    assert "more than 100,000 values" in problem["detail"]


@pytest.mark.parametrize("path", [SCHEMES, f"{SCHEMES}/validate"])
def test_a_scheme_document_of_too_many_values_is_refused(client: TestClient, path: str) -> None:
    problem = _post(client, "[" + ",".join(["{}"] * 100_001) + "]", JSON, path)
    assert (problem["status"], problem["code"]) == (422, "TOO_MANY_VALUES")
    assert "100,000" in problem["detail"]
