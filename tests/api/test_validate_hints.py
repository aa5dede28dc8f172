"""POST /v1/schemes/validate: each finding carries its hint, as `compcalc validate` prints it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.api.outputs import FindingOut

YAML = {"content-type": "application/yaml"}


def test_validate_gives_the_hint_of_a_rate_written_as_a_percentage(
    client: TestClient, acme_yaml: str
) -> None:
    assert acme_yaml.count("rate: 0.15}") == 1
    text = acme_yaml.replace("rate: 0.15}", "rate: 15}")
    line = text[: text.index("rate: 15}")].count("\n") + 1

    response = client.post("/v1/schemes/validate", content=text, headers=YAML)

    assert response.status_code == 200
    (found,) = response.json()["files"][0]["findings"]
    finding = FindingOut.model_validate(found)
    assert (finding.code, finding.line, finding.column) == ("RATE_RANGE", line, 33)
    assert finding.message == "the rate 15 is above the largest allowed, 1"
    assert finding.hint == "rates are fractions: 15% is written 0.15"
