"""Pay periods: one approved payroll per pay group and period, corrections by difference,
balances carried from the approved periods before, drafts discarded or superseded, four eyes.

Every amount below is computed by hand from examples/acme.yaml (sales rep: base 45 000,
15% up to 600 000 and 20% above, nothing below 300 000, a 15 000 bonus from 720 000; client
rep: base 85 000 + 1.5%) and examples/acme-draws.yaml (the same, with a recoverable draw of
30 000 a month for sales reps, recovered at most 20 000 a month).
"""

from __future__ import annotations

import csv
import io
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db.session import Database
from app.main import create_app
from app.settings import Settings
from tests.api.conftest import admin_key

PROBLEM = "application/problem+json"
YAML = {"content-type": "application/yaml"}
RUNS = "/v1/payroll-runs"
Publish = Callable[..., dict[str, Any]]

REP = {
    "id": "E-1",
    "name": "Анна Петрова",
    "department": "sales",
    "role": "rep",
    "credited": {"new_revenue": "0"},
}
MANAGER = {
    "id": "E-2",
    "department": "clients",
    "role": "rep",
    "credited": {"repeat_revenue": "2000000"},
}


def _deal(deal_id: str, amount: str, day: str = "2027-03-10", **extra: Any) -> dict[str, Any]:
    """A deal of a new client (first paid that day), all of it credited to E-1."""
    return {
        "id": deal_id,
        "date": day,
        "client_id": "C-" + deal_id,
        "client_since": day,
        "amount": amount,
        "credit": [{"employee_id": "E-1", "share": "1"}],
        **extra,
    }


def _body(roster: list[dict[str, Any]], period: str = "2027-03", **rest: Any) -> dict[str, Any]:
    return {
        "scheme": {"key": "acme-sales", "version": 1},
        "period": period,
        "roster": roster,
        **rest,
    }


def _create(api: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(RUNS, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _approve(api: TestClient, run: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = api.post(f"{RUNS}/{run['id']}/approve", json=body or None)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "approved"
    stored: dict[str, Any] = api.get(f"{RUNS}/{run['id']}").json()  # with its result
    return stored


def _correct(api: TestClient, of: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return _create(api, {**body, "kind": "correction", "corrects": of["id"]})


def _lines(run: dict[str, Any], employee: str = "E-1") -> dict[str, str]:
    (slip,) = [s for s in run["result"]["payslips"] if s["employee_id"] == employee]
    return {line["code"]: line["amount"] for line in slip["lines"]}


def _changes(run: dict[str, Any]) -> dict[str, dict[str, tuple[str, str, str]]]:
    """A correction's differences: employee → code → (original, corrected, difference)."""
    return {
        change["employee_id"]: {
            line["code"]: (line["original"], line["corrected"], line["difference"])
            for line in [*change["lines"], change["gross"]]
        }
        for change in run["differences"]
    }


def _stored(api: TestClient) -> int:
    total: int = api.get(RUNS).json()["total"]
    return total


@pytest.fixture
def acme(publish_acme: Publish) -> None:
    publish_acme()


@pytest.fixture
def draws(api: TestClient, repo_root: Path) -> None:
    yaml = (repo_root / "examples" / "acme-draws.yaml").read_text("utf-8")
    created = api.post("/v1/schemes", content=yaml, headers=YAML)
    assert created.status_code == 201, created.text
    published = api.post(
        "/v1/schemes/acme-sales-draws/versions/1/publish",
        headers={"If-Match": created.headers["ETag"]},
    )
    assert published.status_code == 200, published.text


# --- corrections by difference ----------------------------------------------------------------


@pytest.mark.usefixtures("acme")
def test_a_correction_adding_a_missed_deal_pays_what_that_deal_adds(api: TestClient) -> None:
    # March as approved: D-1 500 000 → 500 000 × 15% = 75 000.
    original = _approve(api, _create(api, _body([REP, MANAGER], deals=[_deal("D-1", "500000")])))
    assert _lines(original) == {"base": "45000.00", "commission": "75000.00"}

    # D-2 200 000 was missed: 700 000 → 600 000 × 15% + 100 000 × 20% = 110 000, so the
    # missed deal adds 35 000 (100 000 at 15% up to the quota, 100 000 at 20% above it).
    deals = [_deal("D-1", "500000"), _deal("D-2", "200000", "2027-03-20")]
    correction = _correct(api, original, _body([REP, MANAGER], deals=deals))

    assert (correction["kind"], correction["corrects"], correction["status"]) == (
        "correction",
        original["id"],
        "draft",
    )
    assert _changes(correction) == {
        "E-1": {
            "commission": ("75000.00", "110000.00", "35000.00"),
            "gross": ("120000.00", "155000.00", "35000.00"),
        }
    }  # and nothing else: the account manager E-2 is not listed
    assert correction["total"] == "35000.00"
    assert _lines(correction) == {"base": "45000.00", "commission": "110000.00"}


@pytest.mark.usefixtures("acme")
def test_a_correction_lowering_an_fte_takes_back_base_only(api: TestClient) -> None:
    # April as approved: 750 000 → 90 000 + 150 000 × 20% = 120 000, and 750 000 ≥ 720 000
    # earns the 15 000 bonus: 45 000 + 120 000 + 15 000 = 180 000.
    rep = {**REP, "credited": {"new_revenue": "750000"}}
    original = _approve(api, _create(api, _body([rep], "2027-04")))
    assert _lines(original) == {"base": "45000.00", "commission": "120000.00", "bonus": "15000.00"}

    # Half time: the base is 22 500. The target is prorated too (300 000), so attainment
    # rises (250%): the commission tiers are amounts and stay, and the bonus stays.
    correction = _correct(api, original, _body([{**rep, "fte": "0.5"}], "2027-04"))

    assert _changes(correction) == {
        "E-1": {
            "base": ("45000.00", "22500.00", "-22500.00"),
            "gross": ("180000.00", "157500.00", "-22500.00"),
        }
    }
    assert correction["total"] == "-22500.00"


@pytest.mark.usefixtures("acme")
def test_a_correction_lowering_credited_revenue_takes_back_commission_and_the_bonus(
    api: TestClient,
) -> None:
    rep = {**REP, "credited": {"new_revenue": "750000"}}
    original = _approve(api, _create(api, _body([rep], "2027-04")))

    # 700 000 (a late refund of 50 000): 90 000 + 100 000 × 20% = 110 000 (−10 000), and
    # 700 000 < 720 000: no bonus (−15 000).
    lower = {**REP, "credited": {"new_revenue": "700000"}}
    correction = _correct(api, original, _body([lower], "2027-04"))

    assert _changes(correction) == {
        "E-1": {
            "commission": ("120000.00", "110000.00", "-10000.00"),
            "bonus": ("15000.00", "0.00", "-15000.00"),
            "gross": ("180000.00", "155000.00", "-25000.00"),
        }
    }


@pytest.mark.usefixtures("acme")
def test_a_second_correction_is_the_difference_from_everything_approved(
    api: TestClient,
) -> None:
    original = _approve(api, _create(api, _body([REP], deals=[_deal("D-1", "500000")])))
    two = [_deal("D-1", "500000"), _deal("D-2", "200000", "2027-03-20")]
    first = _approve(api, _correct(api, original, _body([REP], deals=two)), comment="D-2 missed")
    assert first["approval_comment"] == "D-2 missed"

    # A second correction must name the latest approved run of the period: the first one.
    three = [*two, _deal("D-3", "100000", "2027-03-25")]
    stale = api.post(RUNS, json={**_body([REP], deals=three), "kind": "correction",
                                 "corrects": original["id"]})  # fmt: skip
    assert (stale.status_code, stale.json()["code"]) == (409, "CORRECTION_STALE")
    assert stale.json()["approved_run"] == first["id"]
    assert first["id"] in stale.json()["detail"]

    # 800 000: 90 000 + 200 000 × 20% = 130 000 (+20 000 on the effective 110 000), and
    # 800 000 ≥ 720 000 earns the bonus (+15 000).
    second = _approve(api, _correct(api, first, _body([REP], deals=three)))
    assert _changes(second) == {
        "E-1": {
            "commission": ("110000.00", "130000.00", "20000.00"),
            "bonus": ("0.00", "15000.00", "15000.00"),
            "gross": ("155000.00", "190000.00", "35000.00"),
        }
    }

    period = api.get("/v1/pay-groups/acme-sales/main/periods/2027-03")
    assert period.status_code == 200
    view = period.json()
    assert view["status"] == "approved"
    assert [r["id"] for r in view["approved"]] == [original["id"], first["id"], second["id"]]
    # The effective payroll: 120 000 + 35 000 + 35 000 = 45 000 + 130 000 + 15 000.
    assert view["total"] == "190000.00"
    (slip,) = view["payslips"]
    assert {line["code"]: line["amount"] for line in slip["lines"]} == {
        "base": "45000.00",
        "commission": "130000.00",
        "bonus": "15000.00",
    }


@pytest.mark.usefixtures("acme")
def test_a_corrections_export_shows_the_differences_beside_both_amounts(
    api: TestClient,
) -> None:
    original = _approve(api, _create(api, _body([REP], deals=[_deal("D-1", "500000")])))
    two = [_deal("D-1", "500000"), _deal("D-2", "200000", "2027-03-20")]
    correction = _correct(api, original, _body([REP], deals=two))

    exported = api.get(f"{RUNS}/{correction['id']}/export.csv")

    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows == [
        ["employee_id", "name", "department", "role", "code", "original", "corrected",
         "difference"],
        ["E-1", "Анна Петрова", "sales", "rep", "commission", "75000.00", "110000.00",
         "35000.00"],
        ["E-1", "Анна Петрова", "sales", "rep", "gross", "120000.00", "155000.00", "35000.00"],
    ]  # fmt: skip


@pytest.mark.usefixtures("acme")
def test_bad_corrections_are_refused_and_store_nothing(
    api: TestClient, publish_acme: Publish, acme_yaml: str
) -> None:
    body = _body([REP], deals=[_deal("D-1", "500000")])
    draft = _create(api, body)

    def refused(**change: Any) -> tuple[int, str]:
        before = _stored(api)
        response = api.post(RUNS, json={**body, **change})
        assert response.headers["content-type"] == PROBLEM, response.text
        assert _stored(api) == before  # nothing stored
        return response.status_code, response.json()["code"]

    unapproved = {"kind": "correction", "corrects": draft["id"]}
    assert refused(**unapproved) == (409, "CORRECTS_UNAPPROVED")
    assert refused(kind="correction", corrects=str(uuid.uuid4())) == (422, "RUN_NOT_FOUND")
    assert refused(kind="correction") == (422, "INVALID_BODY")  # corrects is missing
    assert refused(corrects=draft["id"]) == (422, "INVALID_BODY")  # not kind: correction
    assert refused(group="Main Office") == (422, "INVALID_BODY")
    assert refused(group="x" * 65) == (422, "INVALID_BODY")

    approved = _approve(api, draft)
    # A correction is of the corrected run's pay group, period and scheme version (422,
    # naming the field).
    assert refused(kind="correction", corrects=approved["id"], period="2027-04") == (
        422,
        "CORRECTION_MISMATCH",
    )
    assert refused(kind="correction", corrects=approved["id"], group="north") == (
        422,
        "CORRECTION_MISMATCH",
    )
    publish_acme(acme_yaml.replace("name: Acme sales organisation", "name: Acme v2"))
    other_version = {"key": "acme-sales", "version": 2}
    assert refused(kind="correction", corrects=approved["id"], scheme=other_version) == (
        422,
        "CORRECTION_MISMATCH",
    )
    # A regular run for a period already approved.
    assert refused() == (409, "PERIOD_APPROVED")


# --- one approved payroll per period ----------------------------------------------------------


@pytest.mark.usefixtures("acme")
def test_a_period_is_approved_once_and_the_other_drafts_are_superseded(
    api: TestClient,
) -> None:
    rep = {**REP, "credited": {"new_revenue": "600000"}}
    first, second, third = (_create(api, _body([rep])) for _ in range(3))
    elsewhere = _create(api, _body([rep], group="north"))  # another pay group
    april = _create(api, _body([rep], "2027-04"))  # another period

    approved = _approve(api, second)

    assert approved["status"] == "approved"
    assert approved["approved_by"]["name"] == approved["created_by"]["name"] == "test admin"
    statuses = {r["id"]: r["status"] for r in api.get(RUNS).json()["items"]}
    assert statuses == {
        first["id"]: "superseded",
        second["id"]: "approved",
        third["id"]: "superseded",
        elsewhere["id"]: "draft",
        april["id"]: "draft",
    }
    again = api.post(f"{RUNS}/{first['id']}/approve")
    assert (again.status_code, again.json()["code"]) == (409, "RUN_SUPERSEDED")
    late = api.post(RUNS, json=_body([rep]))
    assert (late.status_code, late.json()["code"]) == (409, "PERIOD_APPROVED")
    assert late.json()["approved_run"] == second["id"]
    assert second["id"] in late.json()["detail"]
    assert _approve(api, elsewhere)["group"] == "north"
    listed = api.get(RUNS, params={"status": "approved", "group": "main", "period": "2027-03"})
    assert [r["id"] for r in listed.json()["items"]] == [second["id"]]


@pytest.mark.usefixtures("acme")
def test_a_discarded_draft_stays_readable_and_is_never_paid(api: TestClient) -> None:
    draft = _create(api, _body([REP]))
    url = f"{RUNS}/{draft['id']}"

    no_reason = api.post(f"{url}/discard", json={})
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "INVALID_BODY")
    discarded = api.post(f"{url}/discard", json={"reason": "wrong roster export"})

    assert discarded.status_code == 200, discarded.text
    assert (discarded.json()["status"], discarded.json()["discard_reason"]) == (
        "discarded",
        "wrong roster export",
    )
    stored = api.get(url).json()
    assert stored["status"] == "discarded" and stored["result"] == draft["result"]
    approve = api.post(f"{url}/approve")
    assert (approve.status_code, approve.json()["code"]) == (409, "RUN_DISCARDED")
    audit = api.get("/v1/audit", params={"action": "payroll_run.discard"}).json()
    assert [e["object_id"] for e in audit["items"]] == [draft["id"]]

    approved = _approve(api, _create(api, _body([REP])))
    refused = api.post(f"{RUNS}/{approved['id']}/discard", json={"reason": "oops"})
    assert (refused.status_code, refused.json()["code"]) == (409, "RUN_APPROVED")
    assert api.get(f"{RUNS}/{approved['id']}").json()["status"] == "approved"


@pytest.mark.usefixtures("acme")
def test_discard_and_approve_are_idempotent(api: TestClient) -> None:
    draft = _create(api, _body([REP]))
    key = {"Idempotency-Key": "discard-1"}
    url = f"{RUNS}/{draft['id']}/discard"

    first = api.post(url, json={"reason": "duplicate"}, headers=key)
    retry = api.post(url, json={"reason": "duplicate"}, headers=key)
    other = api.post(url, json={"reason": "another reason"}, headers=key)

    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content
    assert retry.headers["idempotency-replayed"] == "true"
    assert (other.status_code, other.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")

    run = _create(api, _body([REP]))
    approve = f"{RUNS}/{run['id']}/approve"
    once = api.post(approve, json={"comment": "March"}, headers={"Idempotency-Key": "ap-1"})
    twice = api.post(approve, json={"comment": "March"}, headers={"Idempotency-Key": "ap-1"})
    assert once.status_code == twice.status_code == 200
    assert twice.content == once.content


# --- who approved, and four eyes ----------------------------------------------------------------


@pytest.fixture
def four_eyes(
    tmp_path: Path, sqlite_template: Path, acme_yaml: str
) -> Iterator[tuple[TestClient, Database]]:
    """A client (sending no key) of an app with COMPCALC_FOUR_EYES on, Acme published."""
    path = tmp_path / "four-eyes.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}", four_eyes=True))
    with TestClient(app) as client:
        admin = {"Authorization": "Bearer " + admin_key(app.state.database)}
        created = client.post("/v1/schemes", content=acme_yaml, headers={**YAML, **admin})
        published = client.post(
            "/v1/schemes/acme-sales/versions/1/publish",
            headers={"If-Match": created.headers["ETag"], **admin},
        )
        assert published.status_code == 200, published.text
        yield client, app.state.database


def test_with_four_eyes_the_creator_cannot_approve(
    four_eyes: tuple[TestClient, Database],
) -> None:
    client, database = four_eyes

    def as_key(*scopes: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + admin_key(database, scopes)}

    both = as_key("payroll:write", "payroll:approve", "payroll:read")
    approver = as_key("payroll:approve", "payroll:read")
    run = client.post(RUNS, json=_body([REP]), headers=both).json()

    self_approval = client.post(f"{RUNS}/{run['id']}/approve", headers=both)
    other = client.post(
        f"{RUNS}/{run['id']}/approve", json={"comment": "checked"}, headers=approver
    )

    assert (self_approval.status_code, self_approval.json()["code"]) == (403, "FOUR_EYES")
    assert "created" in self_approval.json()["detail"]
    assert other.status_code == 200, other.text
    done = other.json()
    assert done["created_by"]["name"] == "test payroll:write payroll:approve payroll:read"
    assert done["approved_by"]["name"] == "test payroll:approve payroll:read"
    assert done["approved_by"]["key_id"] != done["created_by"]["key_id"]
    assert done["approval_comment"] == "checked"


@pytest.mark.usefixtures("acme")
def test_without_four_eyes_one_key_creates_and_approves(api: TestClient) -> None:
    run = _create(api, _body([REP]))

    approved = _approve(api, run)

    assert approved["created_by"] == approved["approved_by"]
    assert approved["approved_by"]["key_id"] is not None


# --- balances carried by the service ------------------------------------------------------------


def _draws(period: str, revenue: str | None, **employee: Any) -> dict[str, Any]:
    rep = {**REP, **employee}
    if revenue is not None:
        rep["credited"] = {"new_revenue": revenue}
    return {"scheme": {"key": "acme-sales-draws", "version": 1}, "period": period, "roster": [rep]}


@pytest.mark.usefixtures("draws")
def test_a_recoverable_draw_carries_over_three_periods_as_if_sent_by_hand(
    api: TestClient,
) -> None:
    # March: nothing sold → the draw tops variable pay up to 30 000; balance 30 000.
    march = _approve(api, _create(api, _draws("2027-03", None)))
    # April: 400 000 → 60 000 commission, 30 000 above the draw, recovered at most 20 000;
    # balance 10 000.  May: the same sales, the last 10 000 recovered; balance 0.
    april = _approve(api, _create(api, _draws("2027-04", "400000")))
    may = _approve(api, _create(api, _draws("2027-05", "400000")))

    assert _lines(march) == {"base": "45000.00", "commission": "0.00", "draw": "30000.00"}
    assert _lines(april) == {
        "base": "45000.00", "commission": "60000.00", "draw_recovery": "-20000.00"
    }  # fmt: skip
    assert _lines(may) == {
        "base": "45000.00", "commission": "60000.00", "draw_recovery": "-10000.00"
    }  # fmt: skip
    assert [run["total"] for run in (march, april, may)] == ["75000.00", "85000.00", "95000.00"]
    assert april["openings"] == [
        {"employee_id": "E-1", "source": "carried", "carried_from": march["id"],
         "balances": {"draw": "30000.00"}},
    ]  # fmt: skip
    assert may["openings"][0]["carried_from"] == april["id"]
    assert may["openings"][0]["balances"] == {"draw": "10000.00"}

    # The same months with the balances sent by hand (another pay group, nothing carried).
    by_hand = [
        _create(api, {**_draws("2027-03", None), "group": "manual"}),
        _create(api, {**_draws("2027-04", "400000", balances={"draw": "30000.00"}),
                      "group": "manual"}),
        _create(api, {**_draws("2027-05", "400000", balances={"draw": "10000.00"}),
                      "group": "manual"}),
    ]  # fmt: skip
    assert [run["result"]["payslips"] for run in by_hand] == [
        run["result"]["payslips"] for run in (march, april, may)
    ]
    assert by_hand[1]["openings"] == [
        {"employee_id": "E-1", "source": "request", "carried_from": None,
         "balances": {"draw": "30000.00"}},
    ]  # fmt: skip


@pytest.mark.usefixtures("draws")
def test_balances_sent_win_over_carried_ones(api: TestClient) -> None:
    _approve(api, _create(api, _draws("2027-03", None)))

    sent = _create(api, _draws("2027-04", "400000", balances={"draw": "5000.00"}))

    assert sent["openings"] == [
        {"employee_id": "E-1", "source": "request", "carried_from": None,
         "balances": {"draw": "5000.00"}},
    ]  # fmt: skip
    assert _lines(sent)["draw_recovery"] == "-5000.00"


@pytest.mark.usefixtures("acme")
def test_a_refund_takes_back_the_commission_paid_in_an_earlier_period(api: TestClient) -> None:
    march = _approve(api, _create(api, _body([REP], deals=[_deal("D-1", "500000")])))
    assert _lines(march)["commission"] == "75000.00"  # 500 000 × 15%, all earned by D-1

    refund = _deal("R-1", "-100000", "2027-04-05", refund_of="D-1")
    refund["client_id"], refund["client_since"] = "C-D-1", "2027-03-10"
    history = _deal("D-1", "500000")
    april = _create(api, _body([REP], "2027-04", deals=[history, refund]))

    # A fifth of the deal is refunded: a fifth of the 75 000 it earned is taken back.
    assert _lines(april)["commission_clawback"] == "-15000.00"
    assert april["openings"] == [
        {"employee_id": "E-1", "source": "carried", "carried_from": march["id"],
         "commission": {"deal_id": "D-1", "paid": "75000.00"}},
    ]  # fmt: skip
    paid = {**history, "credit": [{"employee_id": "E-1", "share": "1", "commission": "75000.00"}]}
    by_hand = _create(api, _body([REP], "2027-04", deals=[paid, refund], group="manual"))
    assert by_hand["result"]["payslips"] == april["result"]["payslips"]


@pytest.mark.usefixtures("draws")
def test_a_run_after_a_period_with_drafts_only_is_warned(api: TestClient) -> None:
    _create(api, _draws("2027-03", None))  # a draft, never approved

    april = _create(api, _draws("2027-04", "400000"))

    assert [w["code"] for w in april["warnings"]] == ["PREVIOUS_PERIOD_NOT_APPROVED"]
    assert "2027-03" in april["warnings"][0]["message"]
    assert april["openings"] == []
    assert "draw_recovery" not in _lines(april)  # nothing carried from a draft
