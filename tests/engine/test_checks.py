"""The article's checks: BASE_GAP, COMMISSION_ORDER, EARNINGS_ORDER with the break-even,
STRUCTURE and NO_COUNTERPART advice, and switching policies off.

The acme sketch (issue 2): sales rep base 45 000, target 600 000, 15% up to 600 000 then 20%,
threshold 50%, cap 250 000, bonus 15 000 at 120%; sales head 66 000 + 3% of the team; client rep
85 000 + 1.5% of 2 500 000; client head 120 000 + 0.3% of the team (4 × 2 500 000).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from app.engine import (
    BreakEven,
    Employee,
    Finding,
    Measure,
    Period,
    break_even,
    calculate,
    check_scheme,
    parse_scheme,
)

Doc = dict[str, Any]
Edit = Callable[[Doc, str, object], Doc]
D = Decimal
REP = "departments.sales.roles.rep"
HEAD = "departments.sales.roles.head"
CLIENT_REP = "departments.clients.roles.rep"
REP_PATH: tuple[str, ...] = ("departments", "sales", "roles", "rep")
HEAD_PATH: tuple[str, ...] = ("departments", "sales", "roles", "head")


def _findings(doc: Doc, code: str) -> list[Finding]:
    return [f for f in check_scheme(parse_scheme(doc)) if f.code == code]


def _pairs(doc: Doc) -> dict[str, BreakEven]:
    return {point.sales: point for point in break_even(parse_scheme(doc))}


def test_the_sketch_passes_every_check(acme_doc: Callable[[], Doc]) -> None:
    assert check_scheme(parse_scheme(acme_doc())) == []


# --- BASE_GAP --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base",
    [
        45000,  # 1 − 45 000/85 000 = 0.470588… = 47.06%
        51000,  # 1 − 51 000/85 000 = 1 − 0.6 = 40%: the lower edge is inside the band
        42500,  # 1 − 42 500/85 000 = 50%: the upper edge is inside the band
    ],
)
def test_base_gap_inside_the_band(acme_doc: Callable[[], Doc], edit: Edit, base: int) -> None:
    assert _findings(edit(acme_doc(), f"{REP}.base", base), "BASE_GAP") == []


def test_head_gap_of_the_sketch_is_45_percent(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # 1 − 66 000/120 000 = 0.45; a band of [46%, 50%] makes it fail, with the head's numbers
    doc = edit(acme_doc(), "policy.base_gap", {"min": "0.46", "max": "0.50"})
    findings = _findings(doc, "BASE_GAP")
    assert [(f.path, f.data["gap"]) for f in findings] == [((*HEAD_PATH, "base"), "0.45")]


def test_base_gap_too_small(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # 1 − 55 250/85 000 = 1 − 0.65 = 35%
    findings = _findings(edit(acme_doc(), f"{REP}.base", 55250), "BASE_GAP")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "error"
    assert finding.path == (*REP_PATH, "base")
    # the band in money: 85 000 × (1 − 0.50) = 42 500 to 85 000 × (1 − 0.40) = 51 000
    assert finding.message == (
        "the sales.rep base 55 250.00 is 35% below the clients.rep base 85 000.00; the policy "
        "wants it 40%–50% below, i.e. between 42 500.00 and 51 000.00"
    )
    assert finding.data["sales_base"] == "55250"
    assert finding.data["client_base"] == "85000"
    assert D(finding.data["gap"]) == D("0.35")


def test_base_gap_too_large(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # 1 − 42 499.99/85 000 = 0.500000117… > 50%: one kopeck outside the band
    findings = _findings(edit(acme_doc(), f"{REP}.base", "42499.99"), "BASE_GAP")
    assert [f.path for f in findings] == [(*REP_PATH, "base")]
    assert "is 50% below" in findings[0].message  # 0.500000117… shown to 0.1%


# --- COMMISSION_ORDER ------------------------------------------------------------------------


def test_a_sales_rate_equal_to_the_clients_highest_fails(
    acme_doc: Callable[[], Doc], edit: Edit
) -> None:
    doc = edit(acme_doc(), f"{REP}.commission.0.tiers.0.rate", "0.015")
    findings = _findings(doc, "COMMISSION_ORDER")
    assert [f.path for f in findings] == [(*REP_PATH, "commission", 0, "tiers", 0, "rate")]
    assert findings[0].message == (
        "the sales.rep rate 1.5% is not above the highest clients.rep rate 1.5%; the sales "
        "department's percentages must be higher"
    )


def test_the_clients_highest_rate_is_the_reference(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # client rep: 1.5% then 16% above 3 000 000 → the sales 15% tier is below the highest
    doc = edit(
        acme_doc(),
        f"{CLIENT_REP}.commission.0.tiers",
        [{"from": 0, "rate": "0.015"}, {"from": 3000000, "rate": "0.16"}],
    )
    findings = _findings(doc, "COMMISSION_ORDER")
    assert [f.path for f in findings] == [(*REP_PATH, "commission", 0, "tiers", 0, "rate")]
    assert findings[0].data["client_highest_rate"] == "0.16"


def test_override_rates_are_compared_too(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(acme_doc(), f"{HEAD}.override.rate", "0.003")  # equal to the client head's
    findings = _findings(doc, "COMMISSION_ORDER")
    assert [f.path for f in findings] == [(*HEAD_PATH, "override", "rate")]


def test_zero_rates_are_ignored(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # a decelerator tier at 0% below the threshold is not a "lower percentage"
    doc = edit(
        acme_doc(),
        f"{REP}.commission.0.tiers",
        [{"from": 0, "rate": 0}, {"from": 300000, "rate": "0.15"}, {"from": 600000, "rate": "0.2"}],
    )
    assert _findings(doc, "COMMISSION_ORDER") == []


# --- EARNINGS_ORDER and the break-even ------------------------------------------------------


def test_break_even_of_the_sketch(acme_doc: Callable[[], Doc]) -> None:
    points = _pairs(acme_doc())
    rep, head = points["sales.rep"], points["sales.head"]
    # client rep at 100%: 85 000 + 1.5% × 2 500 000 = 122 500
    # sales rep at 100%: 45 000 + 15% × 600 000 = 135 000
    # 45 000 + 90 000 a = 122 500 → a = 77 500 / 90 000 = 0.86111… → 0.8611
    # revenue 600 000 × 0.86111… = 516 666.666… → 516 666.67
    assert (rep.client, rep.client_attainment) == ("clients.rep", D(1))
    assert (rep.client_pay, rep.sales_pay_at_same) == (D("122500.00"), D("135000.00"))
    assert (rep.attainment, rep.revenue) == (D("0.8611"), D("516666.67"))
    # client head: 120 000 + 0.3% × 4 × 2 500 000 = 150 000
    # sales head: 66 000 + 3% × 5 × 600 000 × a = 66 000 + 90 000 a; at 100%: 156 000
    # 66 000 + 90 000 a = 150 000 → a = 84 000 / 90 000 = 0.9333…; team revenue 3 000 000 a
    assert (head.client_pay, head.sales_pay_at_same) == (D("150000.00"), D("156000.00"))
    assert (head.attainment, head.revenue) == (D("0.9333"), D("2800000.00"))


def test_break_even_at_the_policy_attainment(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(acme_doc(), "policy.earnings_order", {"attainment": "1.2"})
    rep = _pairs(doc)["sales.rep"]
    # client rep at 120%: 85 000 + 1.5% × 3 000 000 = 130 000
    # sales rep at 120%: 45 000 + 90 000 + 20% × 120 000 + bonus 15 000 = 174 000
    # 45 000 + 90 000 a = 130 000 → a = 85 000 / 90 000 = 0.9444…; 600 000 a = 566 666.67
    assert (rep.client_pay, rep.sales_pay_at_same) == (D("130000.00"), D("174000.00"))
    assert (rep.attainment, rep.revenue) == (D("0.9444"), D("566666.67"))


def test_earnings_order_fails_when_sales_earn_less(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(acme_doc(), f"{REP}.commission.0.tiers.0.rate", "0.10")
    findings = _findings(doc, "EARNINGS_ORDER")
    assert [f.path for f in findings] == [REP_PATH]
    # at 100%: 45 000 + 10% × 600 000 = 105 000 ≤ 122 500
    # above target: 105 000 + 20% × 600 000 (a − 1) = 122 500 → a − 1 = 17 500 / 120 000
    #   → a = 1.145833… → 114.58%; revenue 600 000 × 1.145833… = 687 500
    assert findings[0].message == (
        "at 100% of target sales.rep earns 105 000.00, not more than clients.rep's 122 500.00; "
        "sales.rep reaches it only at 114.58% (687 500.00)"
    )
    assert findings[0].data["break_even_attainment"] == "1.1458"
    assert findings[0].data["sales_pay_at_same_attainment"] == "105000.00"
    assert findings[0].data["client_pay"] == "122500.00"


def test_earnings_order_fails_on_equal_pay(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # client rep 85 000 + 2% × 2 500 000 = 135 000 = the sales rep's 135 000 at target
    doc = edit(acme_doc(), f"{CLIENT_REP}.commission.0.tiers.0.rate", "0.02")
    findings = _findings(doc, "EARNINGS_ORDER")
    assert [f.path for f in findings] == [REP_PATH]
    assert "earns 135 000.00, not more than clients.rep's 135 000.00" in findings[0].message
    assert _pairs(doc)["sales.rep"].attainment == D(1)


def _flat_capped(doc: Doc, edit: Edit, client_rate: str) -> Doc:
    """Sales rep: 45 000 + 15% of new revenue, capped at 60 000 (reached at a = 2/3).
    Client rep: 85 000 + client_rate × 1 000 000."""
    edit(
        doc,
        f"{REP}.commission.0",
        {"measure": "new_revenue", "tiers": [{"from": 0, "rate": "0.15"}], "cap": 60000},
    )
    edit(doc, f"{REP}.bonuses", [])
    edit(doc, f"{CLIENT_REP}.target.repeat_revenue", 1000000)
    return edit(doc, f"{CLIENT_REP}.commission.0.tiers.0.rate", client_rate)


def test_break_even_below_a_cap(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # client 85 000 + 1.5% × 1 000 000 = 100 000; sales 45 000 + 90 000 a until a = 2/3
    # → a = 55 000 / 90 000 = 0.6111…; revenue 600 000 × 0.6111… = 366 666.67.
    # (Ignoring the cap point the line through a = 0 and a = 1 would give 0.9167.)
    rep = _pairs(_flat_capped(acme_doc(), edit, "0.015"))["sales.rep"]
    assert rep.sales_pay_at_same == D("105000.00")  # 45 000 + cap 60 000
    assert (rep.attainment, rep.revenue) == (D("0.6111"), D("366666.67"))


def test_break_even_in_the_capped_region(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # client 85 000 + 2% × 1 000 000 = 105 000 = the capped sales pay from a = 2/3 on
    doc = _flat_capped(acme_doc(), edit, "0.02")
    rep = _pairs(doc)["sales.rep"]
    assert (rep.attainment, rep.revenue) == (D("0.6667"), D("400000.00"))  # 600 000 × 2/3
    assert [f.code for f in check_scheme(parse_scheme(doc))] == ["EARNINGS_ORDER"]


def test_break_even_never_reached(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # client 85 000 + 2.1% × 1 000 000 = 106 000 > the sales maximum 105 000
    doc = _flat_capped(acme_doc(), edit, "0.021")
    rep = _pairs(doc)["sales.rep"]
    assert (rep.attainment, rep.revenue) == (None, None)
    findings = _findings(doc, "EARNINGS_ORDER")
    assert findings[0].message == (
        "at 100% of target sales.rep earns 105 000.00, not more than clients.rep's 106 000.00; "
        "no attainment lets sales.rep reach it"
    )
    assert "break_even_attainment" not in findings[0].data


def test_break_even_never_reached_behind_an_attainment_cap(
    minimal_doc: Callable[[], Doc], edit: Edit
) -> None:
    # sales: 45 000 + 15% above 25% of 441 000 (from 110 250), capped at 1 000; the cap is
    # reached at a = 0.25 + 1 000 / 66 150 = 0.26511…, after which pay stays at 46 000;
    # the client rep earns 85 000: never reached, whatever the last digit of the cap point
    doc = edit(minimal_doc(), f"{REP}.target", {"new_revenue": 441000})
    rule = {
        "measure": "new_revenue",
        "tiers": [{"from_attainment": "0.25", "rate": "0.15"}],
        "cap": 1000,
    }
    edit(doc, f"{REP}.commission", [rule])
    rep = _pairs(doc)["sales.rep"]
    assert (rep.client_pay, rep.sales_pay_at_same) == (D("85000.00"), D("46000.00"))
    assert (rep.attainment, rep.revenue) == (None, None)
    # calculate runs the same check and must not fail on it
    roster = [Employee("E", "sales", "rep", credited={Measure.NEW_REVENUE: D(200000)})]
    slip = calculate(parse_scheme(doc), Period(2027, 3), roster).payslips[0]
    assert slip.gross == D("46000.00")  # 45 000 + min(15% × 89 750 = 13 462.50, 1 000)


def test_break_even_at_a_bonus_step(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # sales 45 000 + 10% × 600 000 a (+15 000 from 120%) against 122 500:
    # just below 120%: 45 000 + 72 000 = 117 000 < 122 500; at 120%: 132 000 ≥ 122 500
    doc = edit(
        acme_doc(),
        f"{REP}.commission.0",
        {"measure": "new_revenue", "tiers": [{"from": 0, "rate": "0.1"}]},
    )
    rep = _pairs(doc)["sales.rep"]
    assert (rep.attainment, rep.revenue) == (D("1.2"), D("720000.00"))


def test_break_even_at_the_threshold_step(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # client rep at 0%: 85 000; sales rep 45 000 below the 50% threshold and
    # 45 000 + 15% × 300 000 = 90 000 ≥ 85 000 from exactly 50%: the threshold is the step
    doc = edit(acme_doc(), f"{CLIENT_REP}.commission.0.tiers.0.rate", 0)
    rep = _pairs(doc)["sales.rep"]
    assert (rep.client_pay, rep.attainment, rep.revenue) == (
        D("85000.00"),
        D("0.5"),
        D("300000.00"),
    )


def test_earnings_order_finding_in_calculate(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(acme_doc(), f"{REP}.commission.0.tiers.0.rate", "0.10")
    roster = [Employee("E", "sales", "rep", credited={Measure.NEW_REVENUE: D(0)})]
    codes = [f.code for f in calculate(parse_scheme(doc), Period(2027, 3), roster).findings]
    assert "EARNINGS_ORDER" in codes


# --- STRUCTURE and NO_COUNTERPART ------------------------------------------------------------


def _add_assistant(doc: Doc, edit: Edit, headcount: int) -> Doc:
    role = {"headcount": headcount, "base": 50000, "compare": False}
    return edit(doc, "departments.sales.roles.assistant", role)


@pytest.mark.parametrize(
    ("reps", "heads", "assistants", "warned"),
    [
        (5, 1, 0, None),
        (4, 1, 1, None),  # the assistant counts as a head: 4 reps, 2 heads
        (3, 1, 0, "3 reps and 1 heads"),
        (6, 1, 0, "6 reps and 1 heads"),
        (5, 2, 1, "5 reps and 3 heads"),
        (5, 0, 0, "5 reps and 0 heads"),
    ],
)
def test_structure_from_planned_headcount(
    acme_doc: Callable[[], Doc],
    edit: Edit,
    reps: int,
    heads: int,
    assistants: int,
    warned: str | None,
) -> None:
    doc = edit(acme_doc(), f"{REP}.headcount", reps)
    edit(doc, f"{HEAD}.headcount", heads)
    if assistants:
        _add_assistant(doc, edit, assistants)
    findings = _findings(doc, "STRUCTURE")
    if warned is None:
        assert findings == []
        return
    assert [(f.severity, f.path) for f in findings] == [("warning", ("departments", "sales"))]
    assert findings[0].message == (
        f"the planned headcount is {warned} in sales; a sales department works best with "
        "4-5 reps and 1-2 heads (one may be the head's assistant)"
    )


def _roster(reps: int, heads: int, assistants: int) -> list[Employee]:
    new = {Measure.NEW_REVENUE: D(600000)}
    people = [Employee(f"R{i}", "sales", "rep", credited=new) for i in range(reps)]
    people += [Employee(f"H{i}", "sales", "head") for i in range(heads)]
    people += [Employee(f"A{i}", "sales", "assistant") for i in range(assistants)]
    people.append(Employee("C", "clients", "rep", credited={Measure.REPEAT_REVENUE: D(0)}))
    return people


@pytest.mark.parametrize(
    ("reps", "heads", "assistants", "warned"),
    [
        (4, 1, 1, None),
        (5, 1, 0, None),
        (6, 1, 0, "6 reps and 1 heads"),
        (4, 0, 0, "4 reps and 0 heads"),
        (3, 1, 1, "3 reps and 2 heads"),
    ],
)
def test_structure_from_a_roster(
    acme_doc: Callable[[], Doc],
    edit: Edit,
    reps: int,
    heads: int,
    assistants: int,
    warned: str | None,
) -> None:
    # the plan says 5 + 1, the roster decides
    scheme = parse_scheme(_add_assistant(acme_doc(), edit, 0))
    roster = _roster(reps, heads, assistants)
    for findings in (
        check_scheme(scheme, roster),
        list(calculate(scheme, Period(2027, 3), roster).findings),
    ):
        structure = [f for f in findings if f.code == "STRUCTURE"]
        if warned is None:
            assert structure == []
        else:
            assert [f.severity for f in structure] == ["warning"]
            assert structure[0].message.startswith(f"the roster has {warned} in sales;")


def test_no_structure_advice_without_headcounts(acme_doc: Callable[[], Doc]) -> None:
    doc = acme_doc()
    for role in doc["departments"]["sales"]["roles"].values():
        del role["headcount"]
    assert _findings(doc, "STRUCTURE") == []


def test_structure_band_from_the_policy(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(acme_doc(), "policy.structure", {"reps": [2, 3], "heads": [1, 1]})
    findings = _findings(doc, "STRUCTURE")
    assert "works best with 2-3 reps and 1-1 heads" in findings[0].message


def test_no_counterpart_department(minimal_doc: Callable[[], Doc]) -> None:
    only_sales = minimal_doc()
    del only_sales["departments"]["clients"]
    findings = check_scheme(parse_scheme(only_sales))
    assert [(f.code, f.severity, f.path) for f in findings] == [
        ("NO_COUNTERPART", "warning", ("departments",))
    ]
    assert findings[0].message == (
        "there is an acquisition department but no retention department, so the base gap, "
        "commission order and earnings order cannot be checked"
    )


def test_no_counterpart_department_message_for_retention(minimal_doc: Callable[[], Doc]) -> None:
    only_clients = minimal_doc()
    del only_clients["departments"]["sales"]
    findings = check_scheme(parse_scheme(only_clients))
    assert [(f.code, f.path) for f in findings] == [("NO_COUNTERPART", ("departments",))]
    # "a retention department", not "an retention department"
    assert findings[0].message == (
        "there is a retention department but no acquisition department, so the base gap, "
        "commission order and earnings order cannot be checked"
    )


def test_no_counterpart_role(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    hunter = {"base": 45000}
    doc = edit(acme_doc(), "departments.sales.roles.hunter", hunter)
    findings = _findings(doc, "NO_COUNTERPART")
    assert [(f.severity, f.path) for f in findings] == [
        ("warning", ("departments", "sales", "roles", "hunter"))
    ]
    # compare: false says the role has no counterpart on purpose
    edit(doc, "departments.sales.roles.hunter.compare", False)
    assert _findings(doc, "NO_COUNTERPART") == []
    # compare_with names the counterpart
    edit(doc, "departments.sales.roles.hunter", {"base": 45000, "compare_with": "rep"})
    assert _findings(doc, "NO_COUNTERPART") == []
    assert "sales.hunter" in _pairs(doc)


# --- policies switched off -------------------------------------------------------------------


def _failing_everything(doc: Doc, edit: Edit) -> Doc:
    edit(doc, f"{REP}.base", 85000)  # BASE_GAP: 0%
    edit(doc, f"{REP}.commission.0.tiers.0.rate", "0.01")  # COMMISSION_ORDER and EARNINGS_ORDER
    return edit(doc, f"{REP}.headcount", 9)  # STRUCTURE


def test_every_check_reports_at_once(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = _failing_everything(acme_doc(), edit)
    codes = sorted(f.code for f in check_scheme(parse_scheme(doc)))
    assert codes == ["BASE_GAP", "COMMISSION_ORDER", "EARNINGS_ORDER", "STRUCTURE"]


@pytest.mark.parametrize(
    ("policy", "value", "removed"),
    [
        ("policy.base_gap.enabled", False, "BASE_GAP"),
        ("policy.commission_order", "off", "COMMISSION_ORDER"),
        ("policy.earnings_order.enabled", False, "EARNINGS_ORDER"),
        ("policy.structure.enabled", False, "STRUCTURE"),
    ],
)
def test_a_disabled_policy_removes_its_finding(
    acme_doc: Callable[[], Doc], edit: Edit, policy: str, value: object, removed: str
) -> None:
    doc = edit(_failing_everything(acme_doc(), edit), policy, value)
    codes = sorted(f.code for f in check_scheme(parse_scheme(doc)))
    expected = sorted({"BASE_GAP", "COMMISSION_ORDER", "EARNINGS_ORDER", "STRUCTURE"} - {removed})
    assert codes == expected
