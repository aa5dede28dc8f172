"""Structural errors: rules that relate several fields; ``calculate`` refuses such a scheme."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from app.engine import Employee, Measure, Period, SchemeError, calculate, check_scheme
from app.engine import parse_scheme as parse

Doc = dict[str, Any]
Edit = Callable[[Doc, str, object], Doc]
Path = tuple[str | int, ...]
REP = "departments.sales.roles.rep"
HEAD = "departments.sales.roles.head"
REP_PATH: Path = ("departments", "sales", "roles", "rep")
HEAD_PATH: Path = ("departments", "sales", "roles", "head")
RULE0: Path = (*REP_PATH, "commission", 0)
MARCH = Period(2027, 3)
ROSTER = [
    Employee("E1", "sales", "rep", credited={Measure.NEW_REVENUE: Decimal(600000)}),
    Employee("C1", "clients", "rep", credited={Measure.REPEAT_REVENUE: Decimal(2500000)}),
]


def _drop_rep_target(doc: Doc) -> None:
    del doc["departments"]["sales"]["roles"]["rep"]["target"]


def _three_tiers_equal(doc: Doc) -> None:
    rule = doc["departments"]["sales"]["roles"]["rep"]["commission"][0]
    rule["tiers"].append({"from": 600000, "rate": "0.25"})


def _attainment_tiers_descending(doc: Doc) -> None:
    rule = doc["departments"]["sales"]["roles"]["rep"]["commission"][0]
    rule["tiers"] = [
        {"from_attainment": "1.0", "rate": "0.15"},
        {"from_attainment": "0.5", "rate": "0.20"},
    ]


def _mixed_tier_bounds(doc: Doc) -> None:
    rule = doc["departments"]["sales"]["roles"]["rep"]["commission"][0]
    rule["tiers"] = [{"from": 0, "rate": "0.15"}, {"from_attainment": "1.0", "rate": "0.20"}]


def _both_caps(doc: Doc) -> None:
    doc["departments"]["sales"]["roles"]["rep"]["commission"][0]["cap_multiple"] = 2


def _compare_with_nobody(doc: Doc) -> None:
    doc["departments"]["sales"]["roles"]["rep"]["compare_with"] = "nobody"


def _compare_with_dotted_missing(doc: Doc) -> None:
    doc["departments"]["sales"]["roles"]["head"]["compare_with"] = "clients.boss"


def _override_on_foreign_measure(doc: Doc) -> None:
    doc["departments"]["sales"]["roles"]["head"]["override"]["measure"] = "repeat_revenue"


def _ends_before_it_starts(doc: Doc) -> None:
    doc["effective_to"] = "2026-12-31"


def _gap_band_inverted(doc: Doc) -> None:
    doc["policy"] = {"base_gap": {"min": "0.5", "max": "0.4"}}


def _structure_range_inverted(doc: Doc) -> None:
    doc["policy"] = {"structure": {"reps": [5, 4]}}


CASES: list[tuple[str, Callable[[Doc], None], list[tuple[str, Path]]]] = [
    # threshold and the bonus both need the target that is gone: two findings
    (
        "missing target",
        _drop_rep_target,
        [("MISSING_TARGET", RULE0), ("MISSING_TARGET", (*REP_PATH, "bonuses", 0))],
    ),
    ("tiers not ascending", _three_tiers_equal, [("TIER_ORDER", (*RULE0, "tiers", 2))]),
    ("attainment tiers", _attainment_tiers_descending, [("TIER_ORDER", (*RULE0, "tiers", 1))]),
    ("mixed tier bounds", _mixed_tier_bounds, [("TIER_BOUND", (*RULE0, "tiers"))]),
    ("cap and cap_multiple", _both_caps, [("CAP_CONFLICT", RULE0)]),
    ("compare_with", _compare_with_nobody, [("COMPARE_WITH_MISSING", (*REP_PATH, "compare_with"))]),
    (
        "compare_with dept.role",
        _compare_with_dotted_missing,
        [("COMPARE_WITH_MISSING", (*HEAD_PATH, "compare_with"))],
    ),
    (
        "override measure",
        _override_on_foreign_measure,
        [("OVERRIDE_MEASURE", (*HEAD_PATH, "override", "measure"))],
    ),
    ("effective dates", _ends_before_it_starts, [("EFFECTIVE_DATES", ("effective_to",))]),
    ("base gap band", _gap_band_inverted, [("POLICY_INVALID", ("policy", "base_gap"))]),
    (
        "structure range",
        _structure_range_inverted,
        [("POLICY_INVALID", ("policy", "structure", "reps"))],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_structural_error(
    acme_doc: Callable[[], Doc],
    change: Callable[[Doc], None],
    expected: list[tuple[str, Path]],
) -> None:
    doc = acme_doc()
    change(doc)
    scheme = parse(doc)  # field-level validation passes: these rules relate several fields
    findings = check_scheme(scheme)
    assert [(f.code, f.path) for f in findings] == expected
    assert all(f.severity == "error" for f in findings)
    assert all(f.data.get("kind") == "structure" for f in findings)
    with pytest.raises(SchemeError) as refused:
        calculate(scheme, MARCH, ROSTER)
    assert [(f.code, f.path) for f in refused.value.findings] == expected


def test_all_structural_errors_are_reported_at_once(acme_doc: Callable[[], Doc]) -> None:
    doc = acme_doc()
    for _, change, _ in CASES:
        if change is not _gap_band_inverted and change is not _structure_range_inverted:
            change(doc)
    doc["policy"] = {"base_gap": {"min": "0.5", "max": "0.4"}, "structure": {"heads": [2, 1]}}
    codes = sorted(f.code for f in check_scheme(parse(doc)))
    assert codes == sorted(
        [
            "EFFECTIVE_DATES",
            "POLICY_INVALID",  # base_gap
            "POLICY_INVALID",  # structure.heads
            "TIER_BOUND",  # the rule's tiers were last replaced by mixed bounds
            "MISSING_TARGET",  # the rule (attainment tiers, threshold) without a target
            "CAP_CONFLICT",
            "MISSING_TARGET",  # the bonus
            "COMPARE_WITH_MISSING",  # sales.rep
            "COMPARE_WITH_MISSING",  # sales.head
            "OVERRIDE_MEASURE",
        ]
    )


def test_structural_errors_suppress_the_article_checks(
    acme_doc: Callable[[], Doc], edit: Edit
) -> None:
    # a base gap of 0% would be a BASE_GAP error, but rules that cannot be applied come first
    doc = edit(acme_doc(), f"{REP}.base", 85000)
    edit(doc, "effective_to", "2026-01-01")
    assert [f.code for f in check_scheme(parse(doc))] == ["EFFECTIVE_DATES"]


def test_a_valid_scheme_has_no_structural_findings(acme_doc: Callable[[], Doc]) -> None:
    assert check_scheme(parse(acme_doc())) == []
