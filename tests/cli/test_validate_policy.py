"""``compcalc validate`` against the organisation policy of a rules repository.

The policy is the nearest ``compcalc-policy.yaml`` above a scheme, up to the repository root
(the directory holding ``.git``), or the file ``--policy`` names; without one, the article's
defaults. Acme (examples/acme.yaml) writes the article's band out itself (line 42:
``base_gap: {min: 0.40, max: 0.50}``), and its sales head is 45% below the client head.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.engine.policy import DEFAULT_POLICY, parse_policy, policy_hash
from tests.cli.conftest import Invoke

TIGHT = "base_gap:\n  min: 0.46\n"


@pytest.fixture
def repository(tmp_path: Path, repo_root: Path) -> Path:
    """A rules repository: .git at its root, acme in schemes/."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "schemes").mkdir()
    acme = (repo_root / "examples" / "acme.yaml").read_text("utf-8")
    (tmp_path / "schemes" / "acme.yaml").write_text(acme, "utf-8")
    return tmp_path


def _json(compcalc: Invoke, *args: str) -> tuple[int, dict[str, Any]]:
    run = compcalc("validate", "--format", "json", *args)
    document: dict[str, Any] = json.loads(run.stdout)
    return run.exit_code, document


def _findings(document: dict[str, Any], index: int = 0) -> list[tuple[str, int | None]]:
    return [(f["code"], f["line"]) for f in document["files"][index]["findings"]]


def test_the_policy_at_the_repository_root_applies(compcalc: Invoke, repository: Path) -> None:
    (repository / "compcalc-policy.yaml").write_text(TIGHT, "utf-8")
    scheme = str(repository / "schemes" / "acme.yaml")

    run = compcalc("validate", scheme)

    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"{scheme}:42:")
    assert "error POLICY_WEAKENED: policy.base_gap.min 0.40 widens the band" in lines[0]
    assert f"{repository / 'compcalc-policy.yaml'}:2 sets base_gap.min 0.46" in lines[0]
    assert any(f"{scheme}:71:" in line and "BASE_GAP" in line for line in lines)
    digest = policy_hash(parse_policy({"base_gap": {"min": "0.46"}}))
    assert f"policy: {repository / 'compcalc-policy.yaml'} ({digest[:19]}), 1 scheme" in lines

    code, document = _json(compcalc, scheme)
    assert code == 1
    assert _findings(document) == [("POLICY_WEAKENED", 42), ("BASE_GAP", 71)]
    assert document["files"][0]["policy"] == {
        "source": str(repository / "compcalc-policy.yaml"),
        "hash": digest,
        "default": False,
    }


def test_a_policy_above_the_repository_root_does_not_apply(
    compcalc: Invoke, repository: Path
) -> None:
    (repository.parent / "compcalc-policy.yaml").write_text(TIGHT, "utf-8")
    try:
        code, document = _json(compcalc, str(repository / "schemes" / "acme.yaml"))
    finally:
        (repository.parent / "compcalc-policy.yaml").unlink()
    assert code == 0
    assert document["files"][0]["policy"] == {
        "source": None,
        "hash": policy_hash(DEFAULT_POLICY),
        "default": True,
    }


def test_the_nearest_policy_wins_and_policy_names_one_for_all(
    compcalc: Invoke, repository: Path
) -> None:
    (repository / "compcalc-policy.yaml").write_text(TIGHT, "utf-8")
    (repository / "schemes" / "compcalc-policy.yaml").write_text("structure: {reps: [4, 5]}\n")
    scheme = str(repository / "schemes" / "acme.yaml")
    code, document = _json(compcalc, scheme)
    assert code == 0  # the nearer policy holds the article's band
    assert document["files"][0]["policy"]["source"].endswith("schemes/compcalc-policy.yaml")

    code, document = _json(compcalc, "--policy", str(repository / "compcalc-policy.yaml"), scheme)
    assert code == 1
    assert _findings(document) == [("POLICY_WEAKENED", 42), ("BASE_GAP", 71)]


def test_the_policy_file_is_checked_as_a_policy_in_a_directory_walk(
    compcalc: Invoke, repository: Path
) -> None:
    (repository / "compcalc-policy.yaml").write_text("base_gap:\n  mn: 0.46\n", "utf-8")
    code, document = _json(compcalc, str(repository))
    assert code == 1
    by_path = {Path(f["path"]).name: f for f in document["files"]}
    assert by_path["compcalc-policy.yaml"]["kind"] == "policy"
    assert [(f["code"], f["line"]) for f in by_path["compcalc-policy.yaml"]["findings"]] == [
        ("UNKNOWN_KEY", 2)
    ]
    # A scheme whose policy cannot be used is not checked against another one.
    assert [f["code"] for f in by_path["acme.yaml"]["findings"]] == ["POLICY_UNUSABLE"]


def test_an_unreadable_policy_is_reported_once_and_exits_2(
    compcalc: Invoke, repository: Path
) -> None:
    (repository / "compcalc-policy.yaml").write_text("base_gap: [\n", "utf-8")
    run = compcalc("validate", str(repository / "schemes" / "acme.yaml"))
    assert run.exit_code == 2
    assert "POLICY_UNUSABLE" in run.stdout
    assert f"{repository / 'compcalc-policy.yaml'}:" in run.stdout
    assert run.stdout.count("compcalc-policy.yaml:") == 1


def test_a_missing_policy_option_is_a_usage_error(compcalc: Invoke, repository: Path) -> None:
    run = compcalc("validate", "--policy", "nowhere.yaml", str(repository))
    assert run.exit_code == 2
    assert "nowhere.yaml: no such policy file (--policy)" in run.stderr


@pytest.mark.parametrize(
    ("days", "exit_code", "code"),
    [(-1, 1, "POLICY_EXCEPTION_EXPIRED"), (10, 0, "POLICY_EXCEPTION_EXPIRING"), (40, 0, None)],
)
def test_an_exception_lets_the_scheme_keep_its_band(
    compcalc: Invoke, repository: Path, days: int, exit_code: int, code: str | None
) -> None:
    ends = (date.today() + timedelta(days=days)).isoformat()
    (repository / "compcalc-policy.yaml").write_text(
        TIGHT + "exceptions:\n"
        "  - scheme: acme-sales\n"
        "    reason: the 2027 plan keeps the 40% band\n"
        f"    expires: {ends}\n",
        "utf-8",
    )
    status, document = _json(compcalc, str(repository / "schemes" / "acme.yaml"))
    assert status == exit_code
    findings = document["files"][0]["findings"]
    if code is None:
        assert findings == []
    else:
        # Expired, the organisation's 46% applies again, and the head's 45% is below it.
        extra = [("BASE_GAP", 71)] if exit_code else []
        assert [(f["code"], f["line"]) for f in findings] == [(code, 42), *extra]
        assert ends in findings[0]["message"]
        assert "compcalc-policy.yaml:6" in findings[0]["message"]  # the exception's expiry


def test_a_file_of_policy_keys_is_classified_as_a_policy(
    compcalc: Invoke, repository: Path
) -> None:
    (repository / "org.yaml").write_text(TIGHT, "utf-8")
    code, document = _json(compcalc, str(repository))
    kinds = {Path(f["path"]).name: f["kind"] for f in document["files"]}
    assert kinds == {"acme.yaml": "scheme", "org.yaml": "policy"}
    assert code == 0  # org.yaml is checked, but only compcalc-policy.yaml is looked up


def test_the_invalid_policy_examples_report_their_codes(compcalc: Invoke) -> None:
    code, document = _json(
        compcalc,
        "examples/invalid/POLICY_WEAKENED.yaml",
        "examples/invalid/policy-exception/POLICY_EXCEPTION_EXPIRED.yaml",
    )
    assert code == 1
    assert _findings(document, 0) == [("POLICY_WEAKENED", 42)]
    assert _findings(document, 1) == [("POLICY_EXCEPTION_EXPIRED", 43)]
    assert document["files"][1]["policy"]["source"] == (
        "examples/invalid/policy-exception/compcalc-policy.yaml"
    )


def test_the_sarif_run_names_the_policies(compcalc: Invoke, repository: Path) -> None:
    (repository / "compcalc-policy.yaml").write_text(TIGHT, "utf-8")
    run = compcalc("validate", "--format", "sarif", str(repository / "schemes" / "acme.yaml"))
    assert run.exit_code == 1
    sarif = json.loads(run.stdout)["runs"][0]
    assert sarif["properties"]["policies"] == [
        {
            "source": str(repository / "compcalc-policy.yaml"),
            "hash": policy_hash(parse_policy({"base_gap": {"min": "0.46"}})),
            "default": False,
        }
    ]
    assert [r["ruleId"] for r in sarif["results"]] == ["POLICY_WEAKENED", "BASE_GAP"]


def test_calculate_and_break_even_check_under_the_policy_file(
    compcalc: Invoke, repository: Path, repo_root: Path
) -> None:
    # The organisation advises 6-8 sales reps; this acme leaves the advice to it, and the
    # example roster has 5 sales reps and 2 heads.
    scheme = repository / "schemes" / "acme.yaml"
    own = "  structure: {reps: [4, 5], heads: [1, 2]}"
    scheme.write_text(scheme.read_text("utf-8").replace(own, ""), "utf-8")
    roster = str(repo_root / "examples" / "acme-roster.csv")
    args = ("--scheme", str(scheme), "--roster", roster, "--period", "2027-03")

    plain = compcalc("calculate", *args, "--format", "json")
    assert plain.exit_code == 0
    assert "STRUCTURE" not in plain.stderr

    (repository / "compcalc-policy.yaml").write_text("structure:\n  reps: [6, 8]\n", "utf-8")
    advised = compcalc("calculate", *args, "--format", "json")
    assert advised.exit_code == 0
    assert "the roster has 5 reps and 2 heads in sales" in advised.stderr
    assert "6-8 reps" in advised.stderr
    # The payroll itself does not change.
    assert json.loads(advised.stdout)["total"] == json.loads(plain.stdout)["total"]

    (repository / "compcalc-policy.yaml").write_text(TIGHT, "utf-8")
    points = compcalc("break-even", "--scheme", str(repository / "schemes" / "acme.yaml"))
    assert points.exit_code == 0
    assert "POLICY_WEAKENED" in points.stderr
    assert "BASE_GAP" in points.stderr


def test_calculate_tops_up_to_the_policy_minimum_wage(
    compcalc: Invoke, repository: Path, repo_root: Path
) -> None:
    # An illustrative organisation floor of 50 000 a month: of the example roster only E-15
    # (a sales rep, full month at full time, 45 000 with no commission) is below it; E-24
    # (0.5 fte, floor 25 000) and E-25 (14/22 days, floor 31 818.18) earn more.
    scheme = str(repository / "schemes" / "acme.yaml")
    roster = str(repo_root / "examples" / "acme-roster.csv")
    args = ("--scheme", scheme, "--roster", roster, "--period", "2027-03", "--format", "json")
    plain = json.loads(compcalc("calculate", *args).stdout)
    floor = "minimum_wage:\n  - {from: 2026-01-01, amount: 50000}\n"
    (repository / "compcalc-policy.yaml").write_text(floor, "utf-8")
    lifted = compcalc("calculate", *args)
    assert lifted.exit_code == 0, lifted.stderr
    result = json.loads(lifted.stdout)
    topups = {
        slip["employee_id"]: line["amount"]
        for slip in result["payslips"]
        for line in slip["lines"]
        if line["code"] == "minimum_wage_topup"
    }
    assert topups == {"E-15": "5000.00"}
    assert Decimal(result["total"]) == Decimal(plain["total"]) + 5000
    # The scheme itself is unchanged: same hash.
    assert result["scheme_hash"] == plain["scheme_hash"]
