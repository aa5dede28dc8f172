"""Rule 2: commission = threshold, then tiers in the declared mode, then the cap; rounded per line.

The acme sales rep: target new_revenue 600 000, threshold 50%, tiers 0 → 15% and
600 000 → 20%, cap 250 000.  March 2027 has 22 working days; a hire on 10 March works 16.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import Employee, Line, Measure, Payslip, Period, calculate, parse_scheme

#: each test runs on the Decimal and the columnar engine (tests/engine/conftest.py)
pytestmark = pytest.mark.usefixtures("both_engines")

Doc = dict[str, Any]
Edit = Callable[[Doc, str, object], Doc]
D = Decimal
MARCH = Period(2027, 3)
NEW = Measure.NEW_REVENUE
REP = "departments.sales.roles.rep"
RULE = f"{REP}.commission.0"
HIRED_10_MARCH = date(2027, 3, 10)  # 16 of 22 working days


def _rep(new_revenue: str, start: date | None = None) -> Employee:
    return Employee("E", "sales", "rep", start_date=start, credited={NEW: D(new_revenue)})


def _slip(doc: Doc, employee: Employee) -> Payslip:
    return calculate(parse_scheme(doc), MARCH, [employee]).payslips[0]


def _commission(doc: Doc, employee: Employee) -> Line:
    lines = [line for line in _slip(doc, employee).lines if line.code == "commission"]
    assert len(lines) == 1
    return lines[0]


MARGINAL_VS_RETROACTIVE = [
    # credited, marginal, retroactive
    # 820 000: 600 000 × 15% + 220 000 × 20% = 90 000 + 44 000 = 134 000; 820 000 × 20% = 164 000
    ("820000", "134000.00", "164000.00"),
    # exactly at the second tier: marginal 600 000 × 15% = 90 000; retroactive 600 000 × 20%
    ("600000", "90000.00", "120000.00"),
    # one kopeck below it, all at 15%: 599 999.99 × 15% = 89 999.9985 → 90 000.00
    ("599999.99", "90000.00", "90000.00"),
    # inside the first tier both pay 15%: 500 000 × 15% = 75 000
    ("500000", "75000.00", "75000.00"),
    # above the cap in both: marginal 90 000 + 1 400 000 × 20% = 370 000 → cap 250 000;
    # retroactive 2 000 000 × 20% = 400 000 → cap 250 000
    ("2000000", "250000.00", "250000.00"),
]


@pytest.mark.parametrize(("credited", "marginal", "retroactive"), MARGINAL_VS_RETROACTIVE)
def test_marginal_vs_retroactive_on_the_same_numbers(
    acme_doc: Callable[[], Doc], edit: Edit, credited: str, marginal: str, retroactive: str
) -> None:
    assert _commission(acme_doc(), _rep(credited)).amount == D(marginal)
    doc = edit(acme_doc(), f"{RULE}.mode", "retroactive")
    assert _commission(doc, _rep(credited)).amount == D(retroactive)


def test_marginal_explanation(acme_doc: Callable[[], Doc]) -> None:
    line = _commission(acme_doc(), _rep("820000"))
    assert line.explanation == (
        "new_revenue 820 000.00: 600 000.00 × 15% + 220 000.00 × 20% = 134 000.00"
    )
    assert line.basis == D(820000)
    assert line.measure is NEW
    assert line.rate is None  # two rates applied


def test_retroactive_explanation(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    line = _commission(edit(acme_doc(), f"{RULE}.mode", "retroactive"), _rep("820000"))
    assert line.explanation == (
        "new_revenue 820 000.00: 820 000.00 × 20% (whole amount at the reached tier's rate)"
        " = 164 000.00"
    )
    assert line.rate == D("0.20")


def test_retroactive_below_the_first_tier_pays_nothing(
    acme_doc: Callable[[], Doc], edit: Edit
) -> None:
    # tiers 100 000 → 10%, 600 000 → 20%, no threshold: 99 999.99 is in no tier
    doc = edit(acme_doc(), f"{RULE}.mode", "retroactive")
    edit(doc, f"{RULE}.threshold", None)
    edit(doc, f"{RULE}.tiers.0", {"from": 100000, "rate": "0.10"})
    assert _commission(doc, _rep("99999.99")).amount == D("0.00")
    # 100 000 × 10% = 10 000
    assert _commission(doc, _rep("100000")).amount == D("10000.00")
    # marginal: only the slice above 100 000 pays; 150 000: 50 000 × 10% = 5 000
    edit(doc, f"{RULE}.mode", "marginal")
    assert _commission(doc, _rep("150000")).amount == D("5000.00")


@pytest.mark.parametrize(
    ("credited", "amount"),
    [
        # threshold 50% × 600 000 = 300 000: exactly at it pays 300 000 × 15% = 45 000
        ("300000", "45000.00"),
        # one kopeck below pays nothing
        ("299999.99", "0.00"),
        ("0", "0.00"),
    ],
)
def test_threshold_edge(acme_doc: Callable[[], Doc], credited: str, amount: str) -> None:
    assert _commission(acme_doc(), _rep(credited)).amount == D(amount)


def test_below_threshold_explanation(acme_doc: Callable[[], Doc]) -> None:
    line = _commission(acme_doc(), _rep("299999.99"))
    assert line.explanation == (
        "new_revenue 299 999.99 is below the threshold 300 000.00 (50% of target 600 000.00):"
        " no commission = 0.00"
    )


@pytest.mark.parametrize(
    ("credited", "amount"),
    [
        # prorated target 600 000 × 16/22 = 436 363.6363…; threshold 50% = 218 181.8181…
        # 218 181.82 × 15% = 32 727.273 → 32 727.27
        ("218181.82", "32727.27"),
        # 218 181.81 < 218 181.8181…: nothing
        ("218181.81", "0.00"),
        # unprorated the threshold would be 300 000; 250 000 × 15% = 37 500 is paid when prorated
        ("250000", "37500.00"),
    ],
)
def test_prorated_threshold(acme_doc: Callable[[], Doc], credited: str, amount: str) -> None:
    assert _commission(acme_doc(), _rep(credited, HIRED_10_MARCH)).amount == D(amount)


def test_prorated_threshold_explanation(acme_doc: Callable[[], Doc]) -> None:
    line = _commission(acme_doc(), _rep("218181.81", HIRED_10_MARCH))
    assert line.explanation == (
        "new_revenue 218 181.81 is below the threshold 218 181.82 (50% of target 600 000.00,"
        " prorated 16/22 working days): no commission = 0.00"
    )


@pytest.mark.parametrize(
    ("credited", "start", "amount"),
    [
        # full period, target 600 000: 500 000 × 10% = 50 000
        ("500000", None, "50000.00"),
        # full period: 600 000 × 10% + 100 000 × 20% = 60 000 + 20 000 = 80 000
        ("700000", None, "80000.00"),
        # hired 10 March: target 600 000 × 16/22 = 436 363.6363…
        # 436 363.6363… × 10% + (500 000 − 436 363.6363…) × 20%
        #   = 43 636.3636… + 12 727.2727… = 56 363.6363… → 56 363.64
        ("500000", HIRED_10_MARCH, "56363.64"),
    ],
)
def test_attainment_tiers_with_prorated_target(
    acme_doc: Callable[[], Doc], edit: Edit, credited: str, start: date | None, amount: str
) -> None:
    doc = edit(
        acme_doc(),
        f"{RULE}.tiers",
        [{"from_attainment": 0, "rate": "0.10"}, {"from_attainment": "1.0", "rate": "0.20"}],
    )
    assert _commission(doc, _rep(credited, start)).amount == D(amount)


def test_cap_as_an_amount_is_not_prorated(acme_doc: Callable[[], Doc]) -> None:
    full = _commission(acme_doc(), _rep("2000000"))
    # 600 000 × 15% + 1 400 000 × 20% = 370 000, capped at 250 000
    assert full.amount == D("250000.00")
    assert full.explanation == (
        "new_revenue 2 000 000.00: 600 000.00 × 15% + 1 400 000.00 × 20% = 370 000.00,"
        " capped at 250 000.00 = 250 000.00"
    )
    # the amount cap is the same for a prorated employee (tier bounds are not prorated either)
    assert _commission(acme_doc(), _rep("2000000", HIRED_10_MARCH)).amount == D("250000.00")
    # just below the cap: 1 399 999 → 90 000 + 799 999 × 20% = 90 000 + 159 999.80
    #   = 249 999.80 (not capped)
    assert _commission(acme_doc(), _rep("1399999")).amount == D("249999.80")


@pytest.mark.parametrize(
    ("credited", "start", "amount"),
    [
        # commission at target: 600 000 × 15% = 90 000; cap 2 × 90 000 = 180 000
        # 1 500 000: 90 000 + 900 000 × 20% = 270 000 → 180 000
        ("1500000", None, "180000.00"),
        # 1 000 000: 90 000 + 400 000 × 20% = 170 000 < 180 000
        ("1000000", None, "170000.00"),
        # prorated: target 436 363.6363…, commission at it × 15% = 65 454.5454…,
        # cap 2 × 65 454.5454… = 130 909.0909… → 130 909.09
        ("1500000", HIRED_10_MARCH, "130909.09"),
    ],
)
def test_cap_multiple(
    acme_doc: Callable[[], Doc], edit: Edit, credited: str, start: date | None, amount: str
) -> None:
    doc = edit(acme_doc(), f"{RULE}.cap", None)
    edit(doc, f"{RULE}.cap_multiple", 2)
    assert _commission(doc, _rep(credited, start)).amount == D(amount)


def test_jpy_has_no_minor_units(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(acme_doc(), "currency", "JPY")
    full = _slip(doc, _rep("1234567"))
    # 600 000 × 15% + 634 567 × 20% = 90 000 + 126 913.4 = 216 913.4 → 216 913
    # bonus: 1 234 567 ≥ 120% × 600 000 = 720 000 → 15 000
    assert [(line.code, line.amount) for line in full.lines] == [
        ("base", D("45000")),
        ("commission", D("216913")),
        ("bonus", D("15000")),
    ]
    assert full.gross == D("276913")  # 45 000 + 216 913 + 15 000
    assert (
        full.lines[1].explanation
        == "new_revenue 1 234 567: 600 000 × 15% + 634 567 × 20% = 216 913"
    )
    prorated = _slip(doc, _rep("1234567", HIRED_10_MARCH))
    # 45 000 × 16 / 22 = 32 727.27… → 32 727
    assert prorated.lines[0].amount == D("32727")
    assert prorated.gross == D("264640")  # 32 727 + 216 913 + 15 000
    assert all(line.amount.as_tuple().exponent == 0 for line in prorated.lines)


def _flat_rule_doc(doc: Doc, currency: str, base: str, rate: str) -> Doc:
    doc["currency"] = currency
    rep = doc["departments"]["sales"]["roles"]["rep"]
    rep["base"] = base
    rep["commission"] = [{"measure": "new_revenue", "tiers": [{"from": 0, "rate": rate}]}]
    return doc


def test_kwd_has_three_minor_units(minimal_doc: Callable[[], Doc]) -> None:
    doc = _flat_rule_doc(minimal_doc(), "KWD", "1000", "0.015")
    full = _slip(doc, _rep("1234.567"))
    # 1 234.567 × 1.5% = 18.518505 → 18.519
    assert full.lines[1].amount == D("18.519")
    assert full.lines[1].explanation == "new_revenue 1 234.567: 1 234.567 × 1.5% = 18.519"
    assert full.gross == D("1018.519")
    prorated = _slip(doc, _rep("1234.567", HIRED_10_MARCH))
    # 1 000 × 16 / 22 = 727.272727… → 727.273
    assert prorated.lines[0].amount == D("727.273")
    assert prorated.gross == D("745.792")  # 727.273 + 18.519


@pytest.mark.parametrize(
    ("credited", "rounding", "amount"),
    [
        # 0.5% × 1.00 = 0.005: a tie
        ("1.00", "half_up", "0.01"),
        ("1.00", "half_even", "0.00"),
        # 0.5% × 1 001.00 = 5.005: half_up 5.01, half_even 5.00
        ("1001.00", "half_up", "5.01"),
        ("1001.00", "half_even", "5.00"),
        # 0.5% × 1 003.00 = 5.015: both 5.02 (2 is even)
        ("1003.00", "half_up", "5.02"),
        ("1003.00", "half_even", "5.02"),
        # 0.5% × 1 000.99 = 5.00495: below the tie, both 5.00
        ("1000.99", "half_up", "5.00"),
        ("1000.99", "half_even", "5.00"),
    ],
)
def test_rounding_mode_on_a_tie(
    minimal_doc: Callable[[], Doc], credited: str, rounding: str, amount: str
) -> None:
    doc = _flat_rule_doc(minimal_doc(), "RUB", "45000", "0.005")
    doc["rounding"] = rounding
    slip = _slip(doc, _rep(credited))
    assert slip.lines[1].amount == D(amount)
    assert slip.gross == D(45000) + D(amount)


def test_zero_credit_pays_nothing_in_every_tier(minimal_doc: Callable[[], Doc]) -> None:
    doc = _flat_rule_doc(minimal_doc(), "RUB", "45000", "0.15")
    line = _slip(doc, _rep("0")).lines[1]
    assert line.amount == D("0.00")
    assert line.explanation == "new_revenue 0.00: nothing in any tier = 0.00"
