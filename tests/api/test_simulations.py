"""POST /v1/simulations: the probabilities by name, pointers for a bad population, the limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from app.api.examples import acme_scheme


def _population(headcount: int = 5, **rep: Any) -> dict[str, Any]:
    dist = {"distribution": "normal", "mean": 1.0, "spread": 0} | rep
    return {
        "month": "2027-03",
        "teams": {
            "sales": {"roles": {"rep": {"headcount": headcount,
                                        "attainment": {"new_revenue": dist}},
                                "head": {"headcount": 1}}},
            "clients": {"roles": {"rep": {"headcount": 4, "attainment": {
                "repeat_revenue": {"distribution": "normal", "mean": 1.0, "spread": 0}}},
                                  "head": {"headcount": 1}}},
        },
    }  # fmt: skip


def test_everyone_at_target_in_an_inline_scheme(client: TestClient) -> None:
    body = {"scheme": acme_scheme(), "population": _population(), "runs": 10, "seed": 3}

    answer = client.post("/v1/simulations", json=body)

    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["runs"], result["employees"], result["payslips"]) == (10, 11, 110)
    reps = result["comparisons"][0]
    assert (reps["sales_role"], reps["client_role"], reps["statistic"]) == (
        "sales.rep", "clients.rep", "median"
    )  # fmt: skip
    # 135 000 against 122 500 in every run: P = 1, Wilson [10 / (10 + 1.96²), 1]
    assert reps["p_sales_out_earn"] == 1.0 and reps["p_sales_statistic_out_earn"] == 1.0
    assert reps["p_sales_out_earn_interval"] == [0.7225, 1.0]
    roles = {r["role"]: r for r in result["roles"]}
    assert roles["sales.rep"]["pay"] == {"p10": "135000.00", "p50": "135000.00",
                                         "p90": "135000.00"}  # fmt: skip
    assert roles["sales.rep"]["attainment"]["new_revenue"]["p50"] == 1.0
    sales = result["departments"][0]
    # 5 × 135 000 + 66 000 + 3% × 3 000 000 = 831 000 on 3 000 000
    assert sales == {"department": "sales", "headcount": 6, "expected_payroll": "831000.00",
                     "p95_payroll": "831000.00", "expected_revenue": "3000000.00",
                     "payroll_share_of_revenue": "0.2770"}  # fmt: skip


def test_a_stored_version(api: TestClient, publish_acme: Callable[..., dict[str, Any]]) -> None:
    publish_acme()
    body = {"scheme": {"key": "acme-sales", "version": 1}, "population": _population(),
            "runs": 5}  # fmt: skip

    answer = api.post("/v1/simulations", json=body)

    assert answer.status_code == 200, answer.text
    assert answer.json()["total"]["expected_payroll"] == "1471000.00"  # 831 000 + 640 000


def test_a_bad_population_is_pointed_at(client: TestClient) -> None:
    population = _population(headcount=-2, spread=-0.5)
    population["teams"]["sales"]["correlation"] = 2

    answer = client.post("/v1/simulations", json={"scheme": acme_scheme(),
                                                  "population": population})  # fmt: skip

    assert answer.status_code == 422, answer.text
    errors = {e["pointer"]: (e["code"], e["detail"]) for e in answer.json()["errors"]}
    assert errors == {
        "/population/teams/sales/correlation": (
            "CORRELATION_RANGE", "correlation must be ≤ 1, not 2"),
        "/population/teams/sales/roles/rep/headcount": (
            "NEGATIVE_VALUE", "headcount must be ≥ 0, not -2"),
        "/population/teams/sales/roles/rep/attainment/new_revenue/spread": (
            "NEGATIVE_VALUE", "spread must be ≥ 0, not -0.5"),
    }  # fmt: skip


def test_an_unknown_role_and_a_file(client: TestClient) -> None:
    population = _population()
    population["teams"]["sales"]["roles"]["hunter"] = {"headcount": 1}
    answer = client.post("/v1/simulations", json={"scheme": acme_scheme(),
                                                  "population": population})  # fmt: skip
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert error["pointer"] == "/population/teams/sales/roles/hunter"
    assert error["code"] == "UNKNOWN_ROLE"

    population = _population(distribution="empirical", file="past.csv")
    del population["teams"]["sales"]["roles"]["rep"]["attainment"]["new_revenue"]["mean"]
    answer = client.post("/v1/simulations", json={"scheme": acme_scheme(), "population": {
        **population, "teams": {"sales": {"roles": {"rep": {"headcount": 1, "attainment": {
            "new_revenue": {"distribution": "empirical", "file": "past.csv"}}}}}}}})  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "FILE_NOT_ALLOWED"


def test_more_payslips_than_the_limit(client: TestClient) -> None:
    # 18 182 runs × 11 employees = 200 002 payslips > 200 000
    body = {"scheme": acme_scheme(), "population": _population(), "runs": 18_182}

    answer = client.post("/v1/simulations", json=body)

    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert (error["pointer"], error["code"]) == ("/runs", "TOO_MANY_PAYSLIPS")
    assert "200 002 payslips; at most 200 000" in error["detail"]
