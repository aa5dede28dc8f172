"""The organisation policy's minimum wage: the higher of the scheme's and the organisation's
values in force applies, to the top-up line and to the BELOW_MINIMUM_WAGE warning.

The scheme is the small company of tests/engine/test_minimum_wage.py: a sales rep with base
25 000 (commission only from 150 000 of new revenue), a client rep with base 45 000.  March
2026 has 21 working days (9 March is a holiday).  The МРОТ is 27 093 a month from 1 January
2026; the regional values below are illustrative, not legal figures.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import Employee, Measure, Period, SchemeError, calculate, check_scheme, parse_scheme
from app.engine.minwage import higher_floors, minimum_in_force_of
from app.engine.parse import scheme_hash
from app.engine.policy import DEFAULT_POLICY, PolicyContext, apply_policy, parse_policy, policy_hash
from app.engine.scheme import MinimumWage
from tests.engine.test_minimum_wage import _doc

#: each test runs on the Decimal and the columnar engine (tests/engine/conftest.py)
pytestmark = pytest.mark.usefixtures("both_engines")

D = Decimal
MARCH = Period(2026, 3)
TODAY = date(2026, 3, 1)


def _floors(*entries: tuple[str, int, str | None]) -> list[MinimumWage]:
    return [
        MinimumWage.model_validate({"from": day, "amount": amount, "jurisdiction": code})
        for day, amount, code in entries
    ]


def _amount(entries: list[MinimumWage], day: str, code: str | None) -> Decimal | None:
    found = minimum_in_force_of(entries, date.fromisoformat(day), code)
    return None if found is None else found.amount


def test_the_higher_value_in_force_applies_on_every_day_and_in_every_jurisdiction() -> None:
    own = _floors(("2026-01-01", 20000, None), ("2026-03-01", 35000, "RU-MOW"))
    org = _floors(
        ("2026-01-01", 27093, None), ("2026-07-01", 30000, None), ("2026-01-01", 33000, "RU-SPB")
    )
    merged = higher_floors(own, org)
    # General: 27 093 beats 20 000; from July the organisation's 30 000.
    assert _amount(merged, "2026-01-15", None) == D(27093)
    assert _amount(merged, "2026-08-01", None) == D(30000)
    # Moscow: the general values until the scheme's own 35 000 from March, which stays in
    # force (a jurisdiction's own value beats a later general one) and is the higher.
    assert _amount(merged, "2026-02-28", "RU-MOW") == D(27093)
    assert _amount(merged, "2026-03-01", "RU-MOW") == D(35000)
    assert _amount(merged, "2026-08-01", "RU-MOW") == D(35000)
    # St Petersburg: the organisation's 33 000 beats the scheme's general 20 000 ...
    assert _amount(merged, "2026-01-01", "RU-SPB") == D(33000)
    # ... and a jurisdiction nobody names takes the general value.
    assert _amount(merged, "2026-08-01", "RU-KDA") == D(30000)
    assert _amount(merged, "2025-12-31", None) is None


@pytest.mark.parametrize(
    ("day", "code"),
    [(f"2026-{m:02d}-{d:02d}", c) for m in (1, 2, 3, 6, 7, 12) for d in (1, 15)
     for c in (None, "RU-MOW", "RU-SPB", "XX")],
)  # fmt: skip
def test_the_merged_list_is_the_maximum_of_both_on_sampled_days(day: str, code: str | None) -> None:
    own = _floors(("2026-02-15", 26000, None), ("2026-06-01", 31000, "RU-SPB"))
    org = _floors(("2026-01-01", 27093, None), ("2026-07-01", 28000, "RU-MOW"))
    values = [_amount(x, day, code) or D(0) for x in (own, org)]
    assert (_amount(higher_floors(own, org), day, code) or D(0)) == max(values)


def _payslip(org: dict[str, Any], scheme: dict[str, Any] | None = None, **emp: Any) -> Any:
    plain = parse_scheme(scheme or _doc())
    checked, findings = apply_policy(plain, PolicyContext(parse_policy(org), TODAY))
    assert not findings
    credited = {Measure.NEW_REVENUE: D(50000)}  # below the threshold, even prorated
    rep = Employee("S-1", "sales", "rep", "Sales Rep", credited=credited, **emp)
    payroll = calculate(plain, MARCH, [rep], checked=checked)
    return payroll, payroll.payslips[0]


def test_the_organisation_floor_tops_up_a_scheme_without_one() -> None:
    payroll, slip = _payslip({"minimum_wage": [{"from": "2026-01-01", "amount": 27093}]})
    # base 25 000, no commission below 150 000: 27 093 − 25 000 = 2 093.00
    assert [(line.code, line.amount) for line in slip.lines][-1] == (
        "minimum_wage_topup",
        D("2093.00"),
    )
    assert slip.gross == D("27093.00")
    # The scheme's hash is its own: the organisation's floor is not part of the scheme.
    assert payroll.scheme_hash == scheme_hash(parse_scheme(_doc()))


def test_a_scheme_floor_higher_than_the_organisation_one_applies() -> None:
    scheme = _doc([{"from": "2026-01-01", "amount": 28000}])
    _, slip = _payslip({"minimum_wage": [{"from": "2026-01-01", "amount": 27093}]}, scheme)
    assert slip.gross == D("28000.00")  # 25 000 + top-up 3 000


def test_a_scheme_floor_lower_than_the_organisation_one_does_not() -> None:
    scheme = _doc([{"from": "2026-01-01", "amount": 26000}])
    _, slip = _payslip({"minimum_wage": [{"from": "2026-01-01", "amount": 27093}]}, scheme)
    assert slip.lines[-1].amount == D("2093.00") and slip.gross == D("27093.00")


def test_a_part_month_is_prorated_against_the_organisation_floor() -> None:
    # From 16 March: 12 of 21 working days. Base 25 000 × 12/21 = 14 285.714… → 14 285.71;
    # floor 27 093 × 12/21 = 15 481.714… → 15 481.71; top-up 1 196.00.
    _, slip = _payslip(
        {"minimum_wage": [{"from": "2026-01-01", "amount": 27093}]}, start_date=date(2026, 3, 16)
    )
    assert [line.amount for line in slip.lines] == [D("14285.71"), D("0.00"), D("1196.00")]


def test_below_minimum_wage_warns_from_the_organisation_floor() -> None:
    plain = parse_scheme(_doc())
    assert not [f for f in check_scheme(plain) if f.code == "BELOW_MINIMUM_WAGE"]
    org = parse_policy({"minimum_wage": [{"from": "2026-01-01", "amount": 27093}]})
    checked, _ = apply_policy(plain, PolicyContext(org, TODAY))
    below = [f for f in check_scheme(checked) if f.code == "BELOW_MINIMUM_WAGE"]
    assert [(f.path, f.data["minimum_wage"]) for f in below] == [
        (("departments", "sales", "roles", "rep", "base"), "27093")
    ]


def test_a_policy_without_a_minimum_wage_keeps_its_hash() -> None:
    # The hash every stored policy without a minimum wage was recorded with.
    assert policy_hash(DEFAULT_POLICY) == (
        "sha256:f7470fd3f554b91475ff774be69875e2427496524d6ed9232b35bba9a77aacd9"
    )
    with_floor = parse_policy({"minimum_wage": [{"from": "2026-01-01", "amount": 27093}]})
    assert policy_hash(with_floor) != policy_hash(DEFAULT_POLICY)


def test_the_organisation_dates_must_ascend() -> None:
    document = {
        "minimum_wage": [
            {"from": "2026-07-01", "amount": 30000},
            {"from": "2026-01-01", "amount": 27093},
        ]
    }
    with pytest.raises(SchemeError) as caught:
        parse_policy(document)
    [finding] = caught.value.findings
    assert finding.code == "POLICY_INVALID"
    assert "2026-01-01 is not after 2026-07-01" in finding.message
