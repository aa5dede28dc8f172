"""The organisation policy: what a scheme's own policy may tighten and may not weaken.

Acme (examples/acme.yaml) has a sales rep at 45 000 against a client rep at 85 000 (47.06%
below) and a sales head at 66 000 against 120 000 (45% below).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.engine import SchemeError, check_scheme, parse_scheme
from app.engine.policy import (
    DEFAULT_POLICY,
    PolicyContext,
    apply_policy,
    parse_policy,
    policy_hash,
)
from app.io import load_document

TODAY = date(2027, 3, 15)
ROOT = Path(__file__).resolve().parents[2]


def _acme(policy: dict[str, Any] | None) -> Any:
    loaded = load_document(ROOT / "examples" / "acme.yaml", max_bytes=1 << 20).data
    assert isinstance(loaded, dict)
    data = dict(loaded)
    data.pop("policy")
    if policy is not None:
        data["policy"] = policy
    return parse_scheme(data)


def _apply(own: dict[str, Any] | None, org: dict[str, Any] | None = None) -> Any:
    context = PolicyContext(parse_policy(org) if org else DEFAULT_POLICY, TODAY)
    return apply_policy(_acme(own), context)


@pytest.mark.parametrize(
    ("own", "path", "scheme_value", "policy_value"),
    [
        ({"base_gap": {"enabled": False}}, "policy.base_gap.enabled", "false", "true"),
        ({"base_gap": {"min": "0.35"}}, "policy.base_gap.min", "0.35", "0.40"),
        ({"base_gap": {"max": "0.55"}}, "policy.base_gap.max", "0.55", "0.50"),
        ({"commission_order": "off"}, "policy.commission_order", "off", "strict"),
        ({"earnings_order": {"enabled": False}}, "policy.earnings_order.enabled", "false", "true"),
        ({"earnings_order": {"attainment": "1.5"}}, "policy.earnings_order.attainment", "1.5", "1"),
        ({"earnings_order": {"statistic": "mean"}}, "policy.earnings_order.statistic", "mean",
         "median"),
        ({"structure": {"enabled": False}}, "policy.structure.enabled", "false", "true"),
        ({"structure": {"reps": [3, 5]}}, "policy.structure.reps", "[3, 5]", "[4, 5]"),
        ({"structure": {"heads": [1, 3]}}, "policy.structure.heads", "[1, 3]", "[1, 2]"),
    ],
)  # fmt: skip
def test_each_weakening_is_an_error_naming_both_values(
    own: dict[str, Any], path: str, scheme_value: str, policy_value: str
) -> None:
    _effective, findings = _apply(own)
    assert [(f.code, f.severity, f.json_path) for f in findings] == [
        ("POLICY_WEAKENED", "error", path)
    ]
    assert findings[0].data["scheme_value"] == scheme_value
    assert findings[0].data["policy_value"] == policy_value
    assert "the default policy sets" in findings[0].message


def test_a_refused_weakening_keeps_the_organisation_rule() -> None:
    # The scheme widens the band to 30-60% and switches the commission order off; neither
    # applies: the checks run with 40-50% and strict.
    effective, findings = _apply(
        {"base_gap": {"min": "0.30", "max": "0.60"}, "commission_order": "off"}
    )
    assert [f.code for f in findings] == ["POLICY_WEAKENED"] * 3
    assert effective.policy.base_gap.min == Decimal("0.40")
    assert effective.policy.base_gap.max == Decimal("0.50")
    assert effective.policy.commission_order == "strict"


def test_tightening_is_allowed_and_applies() -> None:
    # A band of 44-48%: both acme pairs (47.06%, 45%) are inside.
    effective, findings = _apply({"base_gap": {"min": "0.44", "max": "0.48"}})
    assert findings == []
    assert effective.policy.base_gap.min == Decimal("0.44")
    assert [f.code for f in check_scheme(effective) if f.severity == "error"] == []
    # 46-48%: the head's 45% is now outside, by the scheme's own tighter band.
    tighter, _ = _apply({"base_gap": {"min": "0.46", "max": "0.48"}})
    assert [(f.code, f.json_path) for f in check_scheme(tighter) if f.code == "BASE_GAP"] == [
        ("BASE_GAP", "departments.sales.roles.head.base")
    ]
    # Out-earning from 90% instead of 100%: at 90% the sales head's 147 000 only equals the
    # client head's 147 000, so the stricter rule applies and fails.
    earlier, findings = _apply({"earnings_order": {"attainment": "0.9"}})
    assert findings == []
    errors = [f for f in check_scheme(earlier) if f.severity == "error"]
    assert [(f.code, f.json_path) for f in errors] == [
        ("EARNINGS_ORDER", "departments.sales.roles.head")
    ]
    assert "at 90% of target" in errors[0].message


def test_what_the_scheme_leaves_unset_comes_from_the_organisation() -> None:
    effective, findings = _apply(None, {"base_gap": {"min": "0.46"}})
    assert findings == []
    assert effective.policy.base_gap.min == Decimal("0.46")
    assert effective.policy.base_gap.max == Decimal("0.50")
    assert [f.json_path for f in check_scheme(effective) if f.code == "BASE_GAP"] == [
        "departments.sales.roles.head.base"
    ]


def test_a_policy_the_scheme_does_not_touch_leaves_the_scheme_object_alone() -> None:
    scheme = _acme(None)
    same, findings = apply_policy(scheme, PolicyContext(DEFAULT_POLICY, TODAY))
    assert same is scheme
    assert findings == []


def _exception(days: int, allow: list[str] | None = None) -> dict[str, Any]:
    granted: dict[str, Any] = {
        "scheme": "acme-sales",
        "reason": "pilot",
        "expires": (TODAY + timedelta(days=days)).isoformat(),
    }
    if allow is not None:
        granted["allow"] = allow
    return {"exceptions": [granted]}


@pytest.mark.parametrize(
    ("days", "codes", "applies"),
    [
        (31, [], True),
        (30, ["POLICY_EXCEPTION_EXPIRING"], True),
        (0, ["POLICY_EXCEPTION_EXPIRING"], True),  # the last day it holds
        (-1, ["POLICY_EXCEPTION_EXPIRED"], False),
    ],
)
def test_an_exception_allows_until_it_expires(days: int, codes: list[str], applies: bool) -> None:
    effective, findings = _apply({"commission_order": "off"}, _exception(days))
    assert [f.code for f in findings] == codes
    assert (effective.policy.commission_order == "off") is applies
    if codes:
        expected = "warning" if applies else "error"
        assert findings[0].severity == expected
        assert (TODAY + timedelta(days=days)).isoformat() in findings[0].message


def test_an_exception_covers_only_the_checks_it_allows() -> None:
    effective, findings = _apply(
        {"commission_order": "off", "base_gap": {"enabled": False}},
        _exception(90, ["commission_order"]),
    )
    assert [(f.code, f.json_path) for f in findings] == [
        ("POLICY_WEAKENED", "policy.base_gap.enabled")
    ]
    assert effective.policy.commission_order == "off"
    assert effective.policy.base_gap.enabled is True


def test_an_exception_for_another_scheme_does_not_apply() -> None:
    org = _exception(90)
    org["exceptions"][0]["scheme"] = "beta-sales"
    _effective, findings = _apply({"commission_order": "off"}, org)
    assert [f.code for f in findings] == ["POLICY_WEAKENED"]


def test_policy_places_are_named() -> None:
    context = PolicyContext(
        parse_policy({"base_gap": {"min": "0.46"}}),
        TODAY,
        "compcalc-policy.yaml",
        {("base_gap", "min"): "compcalc-policy.yaml:2"},
    )
    _effective, findings = apply_policy(
        _acme({"base_gap": {"min": "0.40", "max": "0.60"}}), context
    )
    messages = {f.json_path: f.message for f in findings}
    assert "compcalc-policy.yaml:2 sets base_gap.min 0.46" in messages["policy.base_gap.min"]
    assert (
        "compcalc-policy.yaml, by default, sets base_gap.max 0.50"
        in messages["policy.base_gap.max"]
    )


@pytest.mark.parametrize(
    ("document", "code", "path"),
    [
        ({"base_gap": {"min": "0.6", "max": "0.5"}}, "POLICY_INVALID", "$"),
        ({"structure": {"reps": [5, 4]}}, "POLICY_INVALID", "$"),
        ({"base_gap": {"minimum": "0.4"}}, "UNKNOWN_KEY", "base_gap.minimum"),
        ({"commission_order": "loose"}, "INVALID_VALUE", "commission_order"),
        ({"exceptions": [{"scheme": "acme-sales", "reason": "x"}]}, "MISSING_KEY",
         "exceptions[0].expires"),
        ({"exceptions": [{"scheme": "a", "reason": "x", "expires": "2027-01-01",
                          "allow": ["everything"]}]}, "INVALID_VALUE", "exceptions[0].allow[0]"),
        ({"exceptions": [{"scheme": "a", "reason": "x", "expires": "2027-01-01"}] * 2},
         "POLICY_INVALID", "$"),
        (["base_gap"], "NOT_A_MAPPING", "$"),
    ],
)  # fmt: skip
def test_an_invalid_policy_says_what_and_where(document: Any, code: str, path: str) -> None:
    with pytest.raises(SchemeError) as caught:
        parse_policy(document)
    assert [(f.code, f.json_path) for f in caught.value.findings] == [(code, path)]


def test_the_hash_is_of_the_rules_not_of_how_they_are_written() -> None:
    assert policy_hash(parse_policy({})) == policy_hash(DEFAULT_POLICY)
    assert policy_hash(parse_policy({"base_gap": {"min": "0.40"}})) == policy_hash(DEFAULT_POLICY)
    assert policy_hash(parse_policy({"base_gap": {"min": "0.41"}})) != policy_hash(DEFAULT_POLICY)
    assert policy_hash(parse_policy(None)) == policy_hash(DEFAULT_POLICY)
