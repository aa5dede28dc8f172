"""The minimum-wage floor: the minimum_wage_topup line, its proration and rounding, which value is
in force, the order of the dated values and the BELOW_MINIMUM_WAGE warning.

The scheme is examples/small-company.yaml reduced to what matters: a sales rep with base 25 000
and 15% commission on new_revenue above a threshold of 50% of a 300 000 target (nothing below
150 000), a client rep with base 45 000.  March 2026 has 22 weekdays; 9 March (Women's Day moved
from Sunday 8 March) is a holiday, so it has 21 working days.  The МРОТ is 27 093 a month.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import (
    Employee,
    Measure,
    Payslip,
    Period,
    SchemeError,
    calculate,
    canonical_json,
    check_scheme,
    parse_scheme,
)
from app.engine.results import LINE_CODES

#: each test runs on the Decimal and the columnar engine (tests/engine/conftest.py)
pytestmark = pytest.mark.usefixtures("both_engines")

D = Decimal
MARCH, APRIL = Period(2026, 3), Period(2026, 4)
MROT = [{"from": "2026-01-01", "amount": 27093}]
#: An illustrative regional value (not a legal figure): higher than the general one.
MOSCOW = {"from": "2026-01-01", "amount": 32916, "jurisdiction": "RU-MOW"}


def _doc(minimum_wage: list[dict[str, Any]] | None = None, **top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "key": "small-company",
        "name": "Small company",
        "currency": "RUB",
        "effective_from": "2026-01-01",
        "calendar": {"holidays": ["2026-03-09"]},
        "departments": {
            "sales": {
                "kind": "acquisition",
                "roles": {
                    "rep": {
                        "base": 25000,
                        "target": {"new_revenue": 300000},
                        "commission": [
                            {
                                "measure": "new_revenue",
                                "threshold": "0.5",
                                "tiers": [{"from": 0, "rate": "0.15"}],
                            }
                        ],
                    }
                },
            },
            "clients": {
                "kind": "retention",
                "roles": {
                    "rep": {
                        "base": 45000,
                        "target": {"repeat_revenue": 1000000},
                        "commission": [
                            {"measure": "repeat_revenue", "tiers": [{"from": 0, "rate": "0.015"}]}
                        ],
                    }
                },
            },
        },
        **top,
    }
    if minimum_wage is not None:
        doc["minimum_wage"] = minimum_wage
    return doc


def _rep(credited: str = "0", **fields: Any) -> Employee:
    return Employee("S-1", "sales", "rep", credited={Measure.NEW_REVENUE: D(credited)}, **fields)


def _slip(doc: dict[str, Any], emp: Employee, period: Period = MARCH) -> Payslip:
    slip = calculate(parse_scheme(doc), period, [emp]).payslips[0]
    assert slip.gross == sum(line.amount for line in slip.lines)  # exactly, no other rounding
    return slip


def _topup(slip: Payslip) -> Decimal | None:
    found = [line.amount for line in slip.lines if line.code == "minimum_wage_topup"]
    assert len(found) <= 1
    return found[0] if found else None


CASES = [
    # (case, minimum_wage, employee, base, top-up or None, gross)
    # 25 000 + 0 commission; 27 093 × 1 = 27 093.00 → 27 093.00 − 25 000.00 = 2 093.00
    ("full month", MROT, _rep(), "25000.00", "2093.00", "27093.00"),
    # from the 16th: 16-20, 23-27, 30-31 March = 12 of 21 working days.
    # base 25 000 × 12/21 = 300 000/21 = 14 285.714… → 14 285.71;
    # floor 27 093 × 12/21 = 325 116/21 = 15 481.714… → 15 481.71; top-up 1 196.00
    (
        "part month",
        MROT,
        _rep(start_date=date(2026, 3, 16)),
        "14285.71",
        "1196.00",
        "15481.71",
    ),
    # fte 0.5: base 12 500.00; floor 27 093 × 0.5 = 13 546.50; top-up 1 046.50
    ("part-time", MROT, _rep(fte=D("0.5")), "12500.00", "1046.50", "13546.50"),
    # 200 000 ≥ 150 000: commission 15% × 200 000 = 30 000; 55 000 ≥ 27 093: no line
    ("commission above the floor", MROT, _rep("200000"), "25000.00", None, "55000.00"),
    # at the threshold exactly: 15% × 150 000 = 22 500; 47 500 ≥ 27 093: no line
    ("commission at the threshold", MROT, _rep("150000"), "25000.00", None, "47500.00"),
    # RU-MOW's own value wins over the general one: 32 916 − 25 000 = 7 916.00
    (
        "jurisdiction's own value",
        [*MROT, MOSCOW],
        _rep(jurisdiction="RU-MOW"),
        "25000.00",
        "7916.00",
        "32916.00",
    ),
    # RU-SPE has no value of its own: the general 27 093 applies → 2 093.00
    (
        "another jurisdiction",
        [*MROT, MOSCOW],
        _rep(jurisdiction="RU-SPE"),
        "25000.00",
        "2093.00",
        "27093.00",
    ),
    # an employee without a jurisdiction never takes RU-MOW's value → 2 093.00
    ("no jurisdiction", [MOSCOW, *MROT], _rep(), "25000.00", "2093.00", "27093.00"),
    # 30 000 from 1 April is not in force in March: 27 093 → 2 093.00
    (
        "a value dated after the period",
        [*MROT, {"from": "2026-04-01", "amount": 30000}],
        _rep(),
        "25000.00",
        "2093.00",
        "27093.00",
    ),
    # only a value of April: nothing is in force in March, no line
    (
        "nothing in force yet",
        [{"from": "2026-04-01", "amount": 30000}],
        _rep(),
        "25000.00",
        None,
        "25000.00",
    ),
    # a regional value not yet in force: the general one applies → 2 093.00
    (
        "regional value dated later",
        [*MROT, {"from": "2026-04-01", "amount": 40000, "jurisdiction": "RU-MOW"}],
        _rep(jurisdiction="RU-MOW"),
        "25000.00",
        "2093.00",
        "27093.00",
    ),
]


@pytest.mark.parametrize(
    ("minimum_wage", "emp", "base", "topup", "gross"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_top_up_brings_the_payslip_to_the_prorated_minimum(
    minimum_wage: list[dict[str, Any]], emp: Employee, base: str, topup: str | None, gross: str
) -> None:
    slip = _slip(_doc(minimum_wage), emp)

    assert slip.lines[0].code == "base" and slip.lines[0].amount == D(base)
    assert _topup(slip) == (None if topup is None else D(topup))
    assert slip.gross == D(gross)
    if topup is not None:
        assert slip.lines[-1].code == "minimum_wage_topup"  # after every other line


def test_a_later_value_applies_from_its_month() -> None:
    # April 2026, full month: 30 000 − 25 000 = 5 000.00
    doc = _doc([*MROT, {"from": "2026-04-01", "amount": 30000}])
    assert _topup(_slip(doc, _rep(), APRIL)) == D("5000.00")


def test_the_top_up_is_explained_in_the_lines_own_words() -> None:
    full = _slip(_doc(MROT), _rep()).lines[-1]
    part = _slip(_doc(MROT), _rep(start_date=date(2026, 3, 16))).lines[-1]
    moscow = _slip(_doc([*MROT, MOSCOW]), _rep(jurisdiction="RU-MOW")).lines[-1]

    assert (full.label, full.basis) == ("Minimum wage top-up", D("27093.00"))
    assert full.explanation == (
        "minimum wage 27 093.00 × proration 1 = 27 093.00; pay 25 000.00 before → top-up 2 093.00"
    )
    assert part.explanation == (
        "minimum wage 27 093.00 × proration 12/21 working days = 15 481.71; "
        "pay 14 285.71 before → top-up 1 196.00"
    )
    assert moscow.explanation == (
        "minimum wage (RU-MOW) 32 916.00 × proration 1 = 32 916.00; "
        "pay 25 000.00 before → top-up 7 916.00"
    )


@pytest.mark.parametrize(
    ("rounding", "topup"),
    [
        # 27 093.01 × 0.5 = 13 546.505, exactly half a kopeck:
        # half_up → 13 546.51, top-up 13 546.51 − 12 500.00 = 1 046.51
        ("half_up", "1046.51"),
        # half_even → 13 546.50 (0 is even), top-up 1 046.50
        ("half_even", "1046.50"),
    ],
)
def test_the_floor_is_rounded_once_with_the_schemes_mode(rounding: str, topup: str) -> None:
    doc = _doc([{"from": "2026-01-01", "amount": "27093.01"}], rounding=rounding)
    slip = _slip(doc, _rep(fte=D("0.5")))

    assert _topup(slip) == D(topup)
    assert slip.gross == D("12500.00") + D(topup)


def test_the_floor_applies_to_the_pay_after_a_draw_recovery() -> None:
    # 150 000 credited: commission 22 500; the draw balance 22 000 carried in is recovered from
    # it (no draw in the role: all variable pay is above it): −22 000.
    # 25 000 + 22 500 − 22 000 = 25 500 < 27 093 → top-up 1 593.00; the balance is settled.
    emp = _rep("150000", balances={"draw": D("22000.00")})
    slip = _slip(_doc(MROT), emp)

    assert [(line.code, line.amount) for line in slip.lines] == [
        ("base", D("25000.00")),
        ("commission", D("22500.00")),
        ("draw_recovery", D("-22000.00")),
        ("minimum_wage_topup", D("1593.00")),
    ]
    assert slip.gross == D("27093.00")
    assert slip.balances == {"draw": D("0.00")}


def test_the_line_code_is_listed() -> None:
    assert "minimum_wage_topup" in LINE_CODES


def test_a_scheme_without_minimum_wage_keeps_its_canonical_form() -> None:
    assert "minimum_wage" not in canonical_json(parse_scheme(_doc()))
    assert '"minimum_wage":[{' in canonical_json(parse_scheme(_doc(MROT)))


@pytest.mark.parametrize(
    ("minimum_wage", "path", "message"),
    [
        (
            [*MROT, {"from": "2026-01-01", "amount": 30000}],
            ("minimum_wage", 1, "from"),
            "minimum_wage from 2026-01-01 repeats the previous date 2026-01-01 of the general "
            "values; each jurisdiction's dates must be strictly ascending",
        ),
        (
            [{**MOSCOW, "from": "2026-06-01"}, MOSCOW],
            ("minimum_wage", 1, "from"),
            "minimum_wage from 2026-01-01 is before the previous date 2026-06-01 of jurisdiction "
            "RU-MOW; each jurisdiction's dates must be strictly ascending",
        ),
    ],
)
def test_dates_must_ascend_within_each_jurisdiction(
    minimum_wage: list[dict[str, Any]], path: tuple[str | int, ...], message: str
) -> None:
    with pytest.raises(SchemeError) as raised:
        calculate(parse_scheme(_doc(minimum_wage)), MARCH, [_rep()])

    [finding] = [f for f in raised.value.findings if f.code == "MINIMUM_WAGE_ORDER"]
    assert (finding.severity, finding.path, finding.message) == ("error", path, message)


def test_the_same_date_in_two_jurisdictions_is_fine() -> None:
    findings = check_scheme(parse_scheme(_doc([*MROT, MOSCOW])))
    assert not [f for f in findings if f.code == "MINIMUM_WAGE_ORDER"]


def _below(doc: dict[str, Any]) -> list[tuple[tuple[str | int, ...], dict[str, str]]]:
    findings = check_scheme(parse_scheme(doc))
    return [(f.path, dict(f.data)) for f in findings if f.code == "BELOW_MINIMUM_WAGE"]


REP_BASE = ("departments", "sales", "roles", "rep", "base")


def test_a_base_below_the_minimum_is_a_warning_naming_both_amounts_and_the_date() -> None:
    findings = check_scheme(parse_scheme(_doc(MROT)))
    [warning] = [f for f in findings if f.code == "BELOW_MINIMUM_WAGE"]

    assert (warning.severity, warning.path) == ("warning", REP_BASE)
    assert warning.message == (
        "the sales.rep base 25 000.00 is below the minimum wage 27 093.00 in force on "
        "2026-01-01; a month with little variable pay is topped up to it (minimum_wage_topup)"
    )
    assert not [f for f in findings if f.severity == "error"]


@pytest.mark.parametrize(
    ("minimum_wage", "top", "expected"),
    [
        # 45 000 (clients) and 25 000 (sales) are both above 20 000: nothing
        ([{"from": "2026-01-01", "amount": 20000}], {}, []),
        # 30 000 from 2027-01-01 is inside the open-ended range: 25 000 < 30 000 (and 27 093
        # before), reported once, at the first date
        (
            [*MROT, {"from": "2027-01-01", "amount": 30000}],
            {},
            [(REP_BASE, {"base": "25000", "minimum_wage": "27093", "date": "2026-01-01"})],
        ),
        # 24 000 at effective_from, then 30 000 from 2027-01-01: below only from then
        (
            [{"from": "2026-01-01", "amount": 24000}, {"from": "2027-01-01", "amount": 30000}],
            {},
            [(REP_BASE, {"base": "25000", "minimum_wage": "30000", "date": "2027-01-01"})],
        ),
        # ... which is after effective_to 2026-12-31: nothing
        (
            [{"from": "2026-01-01", "amount": 24000}, {"from": "2027-01-01", "amount": 30000}],
            {"effective_to": "2026-12-31"},
            [],
        ),
        # a value from before effective_from is the one in force on it: 27 093 from 2025-01-01
        (
            [{"from": "2025-01-01", "amount": 27093}],
            {},
            [(REP_BASE, {"base": "25000", "minimum_wage": "27093", "date": "2026-01-01"})],
        ),
        # a regional value only: 24 000 in general, RU-MOW 26 000 → below in RU-MOW alone
        (
            [{"from": "2026-01-01", "amount": 24000}, {**MOSCOW, "amount": 26000}],
            {},
            [
                (
                    REP_BASE,
                    {
                        "base": "25000",
                        "minimum_wage": "26000",
                        "date": "2026-01-01",
                        "jurisdiction": "RU-MOW",
                    },
                )
            ],
        ),
    ],
)
def test_below_minimum_wage_at_effective_from_and_at_later_dates(
    minimum_wage: list[dict[str, Any]],
    top: dict[str, Any],
    expected: list[tuple[tuple[str | int, ...], dict[str, str]]],
) -> None:
    assert _below(_doc(minimum_wage, **top)) == expected


def test_no_minimum_wage_no_warning() -> None:
    assert _below(_doc()) == []
