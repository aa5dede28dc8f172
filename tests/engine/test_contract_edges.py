"""The contract's edges that docs/calculation.md decides, pinned on both engines.

Each rule is run on the Decimal engine (``calculate_decimal``) and on the columnar engine
(``app.engine.columnar.calculate``); deal crediting on the Decimal crediting
(``credit_deals``) and on the columnar one (``credit_columns(...).to_credits()``).  Every
expected value is computed by hand in the comment beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

import pytest

from app.engine import (
    Credit,
    Deal,
    Employee,
    InputError,
    Measure,
    Payroll,
    Period,
    Rounding,
    Scheme,
    parse_scheme,
)
from app.engine.calculate import calculate_decimal
from app.engine.columnar import calculate as calculate_columnar
from app.engine.columnar import compute_columns, roster_columns, round_div
from app.engine.columnar.deals import credit_columns
from app.engine.columnar.deals_columns import DealColumns
from app.engine.deals import credit_deals
from app.engine.dealtypes import DealCredits
from app.engine.money import EXACT

Doc = dict[str, Any]
Calculate = Callable[..., Payroll]
Crediting = Callable[[Scheme, Period, Sequence[Deal], list[str]], DealCredits]
D = Decimal
NEW, REPEAT, GROWTH = Measure.NEW_REVENUE, Measure.REPEAT_REVENUE, Measure.GROWTH_REVENUE
MARCH, APRIL = Period(2027, 3), Period(2027, 4)  # March 2027: 22 working days (8 March off)


def _columnar(
    scheme: Scheme, period: Period, roster: Sequence[Employee], deals: Sequence[Deal] = ()
) -> Payroll:
    payroll = calculate_columnar(scheme, period, roster, deals)
    if not deals:  # without deals the batch is the columnar engine's own (never handed over)
        assert payroll.engine == "columnar"
    return payroll


ENGINES = [
    pytest.param(calculate_decimal, id="decimal"),
    pytest.param(_columnar, id="columnar"),
]


def _credit_decimal(
    scheme: Scheme, period: Period, deals: Sequence[Deal], roster: list[str]
) -> DealCredits:
    with localcontext(EXACT):
        credits, problems = credit_deals(scheme, period, deals, set(roster))
    assert problems == []
    return credits


def _credit_columnar(
    scheme: Scheme, period: Period, deals: Sequence[Deal], roster: list[str]
) -> DealCredits:
    columns = DealColumns.from_deals(deals, scheme.minor_units)
    result = credit_columns(scheme, period, columns, roster)
    assert (result.engine, result.problems) == ("columnar", [])
    return result.to_credits()


CREDITING = [
    pytest.param(_credit_decimal, id="decimal"),
    pytest.param(_credit_columnar, id="columnar"),
]


def _slip(payroll: Payroll, employee_id: str) -> Any:
    return next(s for s in payroll.payslips if s.employee_id == employee_id)


def _amounts(payroll: Payroll, employee_id: str) -> list[tuple[str, Decimal]]:
    return [(line.code, line.amount) for line in _slip(payroll, employee_id).lines]


# --- 1. Same-day key-account deals fill the baseline in deal id order -------------------


def _key_account_doc(acme_doc: Callable[[], Doc]) -> Doc:
    doc = acme_doc()
    doc["key_accounts"] = {"client_ids": ["KEY"], "baseline": {"KEY": 1000000}}
    doc["departments"]["clients"]["roles"]["rep"]["commission"].append(
        {"measure": "growth_revenue", "tiers": [{"from": 0, "rate": "0.10"}]}
    )
    return doc


def _key_deals() -> list[Deal]:
    # Both on 10 March, D-9 first in the file.  As strings "D-10" < "D-9" ('1' < '9'), so
    # D-10 fills the 1 000 000 baseline first.
    day, since = date(2027, 3, 10), date(2025, 1, 1)  # a client for years: repeat revenue
    return [
        Deal("D-9", day, "KEY", since, D(700000), (Credit("B", D(1)),)),
        Deal("D-10", day, "KEY", since, D(800000), (Credit("A", D(1)),)),
    ]


@pytest.mark.parametrize("crediting", CREDITING)
def test_same_day_key_account_deals_fill_the_baseline_in_deal_id_order(
    crediting: Crediting, acme_doc: Callable[[], Doc]
) -> None:
    scheme = parse_scheme(_key_account_doc(acme_doc))
    deals = _key_deals()
    # D-10: running 0 → 800 000, all within the baseline: 800 000 repeat (A).
    # D-9: running 800 000 → 1 500 000: 200 000 within (repeat), 500 000 above it (growth) (B).
    expected = {"A": {REPEAT: D(800000)}, "B": {REPEAT: D(200000), GROWTH: D(500000)}}
    for order in (deals, deals[::-1]):  # the file's order does not matter
        assert crediting(scheme, MARCH, order, ["A", "B"]).totals == expected


@pytest.mark.parametrize("calculate", ENGINES)
def test_deal_id_order_decides_who_is_paid_the_growth_commission(
    calculate: Calculate, acme_doc: Callable[[], Doc]
) -> None:
    scheme = parse_scheme(_key_account_doc(acme_doc))
    roster = [Employee(who, "clients", "rep") for who in ("A", "B")]
    for deals in (_key_deals(), _key_deals()[::-1]):
        payroll = calculate(scheme, MARCH, roster, deals=deals)
        # A: 85 000 + 1.5% × 800 000 = 12 000, no growth → 97 000.00
        assert _amounts(payroll, "A") == [
            ("base", D("85000.00")),
            ("commission", D("12000.00")),
            ("commission", D("0.00")),
        ]
        # B: 85 000 + 1.5% × 200 000 = 3 000 + 10% × 500 000 = 50 000 → 138 000.00.
        # In file order (D-9 first) it would be A with the 50 000 of growth commission:
        # B 700 000 repeat (10 500), A 300 000 repeat (4 500) + 500 000 growth (50 000).
        assert _amounts(payroll, "B") == [
            ("base", D("85000.00")),
            ("commission", D("3000.00")),
            ("commission", D("50000.00")),
        ]
        assert [s.gross for s in payroll.payslips] == [D("97000.00"), D("138000.00")]


@pytest.mark.parametrize("crediting", CREDITING)
def test_same_day_refund_pieces_are_split_in_deal_id_order(
    crediting: Crediting, minimal_doc: Callable[[], Doc]
) -> None:
    scheme = parse_scheme(minimal_doc())
    since = date(2026, 1, 1)
    sale = Deal("S", date(2027, 3, 20), "CL", since, D("10.00"),
                (Credit("A", D("0.4")), Credit("B", D("0.6"))))  # fmt: skip
    own = (Credit("A", D(1)),)
    pieces = [  # both on 2 April, R-9 first in the file; "R-10" < "R-9" as strings
        Deal("R-9", date(2027, 4, 2), "CL", since, D("-0.01"), own, refund_of="S"),
        Deal("R-10", date(2027, 4, 2), "CL", since, D("-0.01"), own, refund_of="S"),
    ]
    for deals in ([sale, *pieces], [sale, *pieces[::-1]]):
        credits = crediting(scheme, APRIL, deals, ["A", "B"])
        parts = {
            (who, line.deal_id): line.amount
            for who, by_measure in credits.lines.items()
            for lines in by_measure.values()
            for line in lines
            if line.amount
        }
        # R-10 is the first 0.01 refunded: 0.004 / 0.006 → floors 0 / 0, the unit to the
        # larger remainder → B.  R-9 is the split of 0.02 (0.008 / 0.012 → 0 / 0.01, the unit
        # to A's 0.008) less the split of 0.01 (0 / 0.01) → A.  (File order would swap them.)
        assert parts == {("B", "R-10"): D("-0.01"), ("A", "R-9"): D("-0.01")}
        # Each employee's total does not depend on the order: the split of all 0.02.
        assert credits.totals == {"A": {REPEAT: D("-0.01")}, "B": {REPEAT: D("-0.01")}}


# --- 2. The break-even search stops at 100× target; beyond it is "never" -----------------


def _linear_rep(acme_doc: Callable[[], Doc], target: int, commission: Doc) -> Scheme:
    doc = acme_doc()
    rep = doc["departments"]["sales"]["roles"]["rep"]
    rep["target"] = {"new_revenue": target}
    rep["commission"] = [commission]
    rep["bonuses"] = []
    return parse_scheme(doc)


def _rep_order(payroll: Payroll) -> Any:
    found = [f for f in payroll.findings if f.code == "EARNINGS_ORDER"]
    return next(f for f in found if f.path[-1] == "rep")


_ROSTER = [Employee("S1", "sales", "rep", credited={NEW: D(0)})]
_FLAT = {"measure": "new_revenue", "tiers": [{"from": 0, "rate": "0.25"}]}


@pytest.mark.parametrize("calculate", ENGINES)
def test_a_break_even_at_exactly_100_times_target_is_found(
    calculate: Calculate, acme_doc: Callable[[], Doc]
) -> None:
    # clients.rep at 100%: 85 000 + 1.5% × 2 500 000 = 122 500.  sales.rep: 45 000 + 25% ×
    # 3 100 × a = 45 000 + 775 a, which is 122 500 at a = 77 500 / 775 = 100 exactly.
    payroll = calculate(_linear_rep(acme_doc, 3100, _FLAT), MARCH, _ROSTER)
    finding = _rep_order(payroll)
    assert finding.data["break_even_attainment"] == "100.0000"
    assert finding.data["break_even_revenue"] == "310000.00"  # 3 100 × 100
    assert finding.message.endswith("sales.rep reaches it only at 10000% (310 000.00)")


@pytest.mark.parametrize("calculate", ENGINES)
def test_a_break_even_beyond_100_times_target_is_never(
    calculate: Calculate, acme_doc: Callable[[], Doc]
) -> None:
    # 45 000 + 25% × 3 099 × a = 122 500 at a = 77 500 / 774.75 = 100.03…: beyond the limit.
    payroll = calculate(_linear_rep(acme_doc, 3099, _FLAT), MARCH, _ROSTER)
    finding = _rep_order(payroll)
    # "never": no attainment in the data, the message says so (the JSON's break_even is null)
    assert "break_even_attainment" not in finding.data
    assert "break_even_revenue" not in finding.data
    assert finding.message.endswith("; no attainment lets sales.rep reach it")


@pytest.mark.parametrize("calculate", ENGINES)
def test_a_jump_beyond_the_limit_is_never_either(
    calculate: Calculate, acme_doc: Callable[[], Doc]
) -> None:
    # Retroactive 15% from 0, 50% from 200 000 on a target of 1 000: below 200× target pay is
    # 45 000 + 150 a (122 500 only at a = 516.7); at a = 200 it jumps to 45 000 + 50% ×
    # 200 000 = 145 000 ≥ 122 500, but 200 is beyond the limit: never.
    rule = {"measure": "new_revenue", "mode": "retroactive",
            "tiers": [{"from": 0, "rate": "0.15"}, {"from": 200000, "rate": "0.5"}]}  # fmt: skip
    payroll = calculate(_linear_rep(acme_doc, 1000, rule), MARCH, _ROSTER)
    finding = _rep_order(payroll)
    assert "break_even_attainment" not in finding.data
    assert finding.message == (
        "at 100% of target sales.rep earns 45 150.00, not more than clients.rep's 122 500.00; "
        "no attainment lets sales.rep reach it"
    )


# --- 3. EARNINGS_ORDER compares the rounded payslip totals --------------------------------


def _rounded_tie_doc(acme_doc: Callable[[], Doc], target: str) -> Doc:
    doc = acme_doc()
    rep = doc["departments"]["sales"]["roles"]["rep"]
    rep["target"] = {"new_revenue": target}
    rep["commission"][0]["tiers"] = [{"from": 0, "rate": "0.05"}]
    doc["departments"]["clients"]["roles"]["rep"]["commission"][0]["tiers"][0]["rate"] = "0.01"
    return doc


@pytest.mark.parametrize("calculate", ENGINES)
def test_earnings_order_compares_rounded_totals_so_a_fraction_of_a_kopeck_is_equal(
    calculate: Calculate, acme_doc: Callable[[], Doc]
) -> None:
    # clients.rep at 100%: 85 000 + 1% × 2 500 000 = 110 000.00.  sales.rep: 45 000 + 5% ×
    # 1 300 000.07 = 45 000 + 65 000.0035 = 110 000.0035 exact, but its commission line is
    # 65 000.00, its payslip 110 000.00: not more than 110 000.00 → the error.
    scheme = parse_scheme(_rounded_tie_doc(acme_doc, "1300000.07"))
    roster = [
        Employee("S1", "sales", "rep", credited={NEW: D("1300000.07")}),
        Employee("C1", "clients", "rep", credited={REPEAT: D(2500000)}),
    ]
    payroll = calculate(scheme, MARCH, roster)
    assert [s.gross for s in payroll.payslips] == [D("110000.00"), D("110000.00")]
    finding = _rep_order(payroll)
    assert finding.severity == "error"
    assert finding.data["client_pay"] == finding.data["sales_pay_at_same_attainment"] == "110000.00"
    # The break-even is solved on exact pay: 45 000 + 65 000.0035 a = 110 000 at
    # a = 65 000 / 65 000.0035 = 0.99999994…, shown as 1.0000; its revenue 1 300 000.07 × a =
    # 20 × 65 000 = 1 300 000.00 (1 300 000.07 is 20 × 65 000.0035).
    assert finding.message == (
        "at 100% of target sales.rep earns 110 000.00, not more than clients.rep's 110 000.00; "
        "sales.rep reaches it only at 100% (1 300 000.00)"
    )
    # A kopeck more after rounding passes: 5% × 1 300 000.17 = 65 000.0085 → 65 000.01.
    passing = parse_scheme(_rounded_tie_doc(acme_doc, "1300000.17"))
    codes = [(f.code, f.path[-1]) for f in calculate(passing, MARCH, roster).findings]
    assert ("EARNINGS_ORDER", "rep") not in codes


# --- 4. Employed only on days that are not working days: accepted, proration 0 ----------


@pytest.mark.parametrize("calculate", ENGINES)
def test_an_employee_without_a_working_day_in_the_period_is_paid_on_proration_zero(
    calculate: Calculate, acme_doc: Callable[[], Doc]
) -> None:
    doc = acme_doc()
    doc["minimum_wage"] = [{"from": "2026-01-01", "amount": 27093}]
    scheme = parse_scheme(doc)
    roster = [
        # Saturday 6 to Monday 8 March 2027 (a holiday): 0 of 22 working days
        Employee(
            "Z",
            "sales",
            "rep",
            start_date=date(2027, 3, 6),
            end_date=date(2027, 3, 8),
            credited={NEW: D(400000)},
        ),
        Employee("U", "sales", "rep", unpaid_days=22, credited={NEW: D(0)}),  # all 22 unpaid
        Employee("F", "sales", "rep", credited={NEW: D(600000)}),
        Employee("K", "clients", "rep", credited={REPEAT: D(2500000)}),
    ]
    payroll = calculate(scheme, MARCH, roster)
    z = _slip(payroll, "Z")
    assert z.proration == "0/22 working days"
    # Base 45 000 × 0/22 = 0.00.  The prorated target is 0, so the threshold (50% of it) is
    # 0: 400 000 × 15% = 60 000.00 (tiers and cap are amounts, not prorated); the bonus
    # needs 120% of a target of 0: never reached.  Minimum wage 27 093 × 0 = 0: no top-up.
    assert _amounts(payroll, "Z") == [("base", D("0.00")), ("commission", D("60000.00"))]
    assert z.lines[0].explanation == "45 000.00 × 0/22 working days = 0.00"
    assert (z.gross, z.fte_gross) == (D("60000.00"), None)  # no full-time equivalent of 0
    # Nothing credited: the zero payslip.
    u = _slip(payroll, "U")
    assert (u.gross, u.fte_gross, u.proration) == (D("0.00"), None, "0/22 working days")
    assert _amounts(payroll, "U") == [("base", D("0.00")), ("commission", D("0.00"))]
    # Counted in the department (3 sales reps: 60 000 + 0 + 135 000 = 195 000), left out
    # of the earnings comparison: its sales side is F alone (45 000 + 90 000 = 135 000).
    assert payroll.report is not None
    sales = next(d for d in payroll.report.departments if d.department == "sales")
    assert (sales.headcount, sales.gross_total) == (3, D("195000.00"))
    comparison = next(c for c in payroll.report.comparisons if c.sales_role == "sales.rep")
    assert (comparison.sales_value, comparison.client_value) == (D("135000.00"), D("122500.00"))


@pytest.mark.parametrize("calculate", ENGINES)
def test_an_employee_whose_dates_miss_the_period_is_refused(
    calculate: Calculate, acme_doc: Callable[[], Doc]
) -> None:
    roster = [Employee("L", "sales", "rep", end_date=date(2027, 2, 28), credited={NEW: D(0)})]
    with pytest.raises(InputError) as refused:
        calculate(parse_scheme(acme_doc()), MARCH, roster)
    assert [p.code for p in refused.value.problems] == ["NOT_EMPLOYED"]


# --- The integers section's worked examples -------------------------------------------------


@pytest.mark.parametrize("calculate", ENGINES)
def test_a_prorated_base_in_integers(calculate: Calculate, acme_doc: Callable[[], Doc]) -> None:
    # fte 0.75 from 10 March 2027 (16 of 22 working days): N/D = 75 × 16 / (100 × 22) =
    # 1 200 / 2 200 = 6/11.  4 500 000 kopecks × 6 = 27 000 000; ÷ 11 = 2 454 545 rest 5;
    # 2 × 5 = 10 < 11: down → 24 545.45 (45 000 × 0.75 × 16/22 = 24 545.4545…).
    scheme = parse_scheme(acme_doc())
    emp = Employee("P", "sales", "rep", start_date=date(2027, 3, 10), fte=D("0.75"),
                   credited={NEW: D(0)})  # fmt: skip
    out = compute_columns(scheme, MARCH, roster_columns(scheme, MARCH, [emp]))
    assert out.num is not None and out.den is not None
    assert (int(out.num[0]), int(out.den[0])) == (6, 11)
    assert round_div(27_000_000, 11, Rounding.HALF_UP).tolist() == 2_454_545
    assert _amounts(calculate(scheme, MARCH, [emp]), "P")[0] == ("base", D("24545.45"))


@pytest.mark.parametrize("calculate", ENGINES)
@pytest.mark.parametrize(("mode", "base"), [("half_up", "22500.01"), ("half_even", "22500.00")])
def test_a_half_unit_tie_rounds_by_the_schemes_mode(
    calculate: Calculate, mode: str, base: str, acme_doc: Callable[[], Doc]
) -> None:
    # Base 45 000.01 from 17 March 2027: 11 of 22 days, N/D = 1/2.  4 500 001 ÷ 2 = 2 250 000
    # rest 1; 2 × 1 = 2 = D: a tie.  half_up: 2 250 001 (22 500.01); half_even: 2 250 000 is
    # even, it stays (22 500.00).
    doc = acme_doc()
    doc["rounding"] = mode
    doc["departments"]["sales"]["roles"]["rep"]["base"] = "45000.01"
    emp = Employee("T", "sales", "rep", start_date=date(2027, 3, 17), credited={NEW: D(0)})
    payroll = calculate(parse_scheme(doc), MARCH, [emp])
    assert _amounts(payroll, "T")[0] == ("base", D(base))


@pytest.mark.parametrize(("credited", "engine"), [("2000000000000.00", "columnar"),
                                                  ("2200000000000.00", "decimal")])  # fmt: skip
def test_a_product_that_could_leave_int64_sends_the_batch_to_the_decimal_engine(
    credited: str, engine: str, acme_doc: Callable[[], Doc]
) -> None:
    # Acme: R = 1 000 (rate 0.015), A = 10 (threshold 0.5); fte 0.75 from 10 March: D = 11.
    # The slice × 20% is bounded by credited kopecks × D × A × 200: 2 × 10^14 × 110 × 200 =
    # 4.4 × 10^18 < 2^62 = 4.61… × 10^18 (columns); 2.2 × 10^14 × 22 000 = 4.84 × 10^18 ≥ 2^62.
    scheme = parse_scheme(acme_doc())
    emp = Employee("P", "sales", "rep", start_date=date(2027, 3, 10), fte=D("0.75"),
                   credited={NEW: D(credited)})  # fmt: skip
    payroll = calculate_columnar(scheme, MARCH, [emp])
    assert payroll.engine == engine
    # 24 545.45 (above) + the cap 250 000.00 + the bonus 15 000.00, on either engine
    assert payroll.payslips[0].gross == D("289545.45")


def test_round_div_rounds_the_magnitude() -> None:
    # ±4 500 001 / 2 = ±2 250 000.5: half_up away from zero, half_even to the even 2 250 000.
    up, even = Rounding.HALF_UP, Rounding.HALF_EVEN
    assert round_div(4_500_001, 2, up).tolist() == 2_250_001
    assert round_div(-4_500_001, 2, up).tolist() == -2_250_001
    assert round_div(4_500_001, 2, even).tolist() == 2_250_000
    assert round_div(-4_500_001, 2, even).tolist() == -2_250_000
    assert round_div(4_500_003, 2, even).tolist() == 2_250_002  # 2 250 001.5 → the even one
