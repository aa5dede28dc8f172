"""Pay curves of examples/acme.yaml, against values computed by hand from the file:
sales rep 45 000 + 15% of new revenue up to 600 000 and 20% above, nothing below 50% of the
600 000 target, at most 250 000 of commission, 15 000 at 120%; account manager 85 000 + 1.5%
of 2 500 000 × a; sales head 66 000 + 3% of 5 × 600 000 × a; client head 120 000 + 0.3% of
4 × 2 500 000 × a."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Scheme
from app.engine.breakeven import breakpoints, cap_points
from app.engine.plan.curves import DEFAULT_RANGE, Curve, Range, RangeError, pay_curves
from app.io import load_scheme

D = Decimal


@pytest.fixture(scope="module")
def acme() -> Scheme:
    root = Path(__file__).resolve().parents[2]
    return load_scheme(str(root / "examples" / "acme.yaml"), max_bytes=1 << 20, setting="X").scheme


def _at(curve: Curve, a: str) -> tuple[Decimal, Decimal, Decimal, Decimal | None]:
    point = next(p for p in curve.points if p.attainment == D(a))
    return point.gross, point.base, point.variable, point.before


def test_sales_rep_and_account_manager_at_50_100_150_and_200_percent(acme: Scheme) -> None:
    pair = pay_curves(acme).pairs[0]

    assert (pair.sales.role, pair.client.role) == ("sales.rep", "clients.rep")
    # 300 000 × 15% = 45 000, reached at the threshold itself; just below: the base alone.
    assert _at(pair.sales, "0.5") == (D(90000), D(45000), D(45000), D(45000))
    assert _at(pair.sales, "0.49")[0] == D(45000)
    assert _at(pair.sales, "1") == (D(135000), D(45000), D(90000), None)  # 600 000 × 15%
    # 90 000 + 300 000 × 20% = 150 000, and the 15 000 bonus of 120%
    assert _at(pair.sales, "1.5") == (D(210000), D(45000), D(165000), None)
    assert _at(pair.sales, "2") == (D(270000), D(45000), D(225000), None)  # 90 000 + 120 000
    # the bonus jump: 90 000 + 24 000 just below 120%, 15 000 more at it
    assert _at(pair.sales, "1.2") == (D(174000), D(45000), D(129000), D(159000))
    assert _at(pair.client, "0.5")[0] == D(103750)  # 85 000 + 18 750
    assert _at(pair.client, "1")[0] == D(122500)
    assert _at(pair.client, "1.5")[0] == D(141250)


def test_break_even_policy_attainment_and_pay_mix(acme: Scheme) -> None:
    curves = pay_curves(acme)
    reps, heads = curves.pairs

    # 45 000 + 90 000 a = 122 500 → a = 86.11%; 66 000 + 90 000 a = 150 000 → 93.33%
    assert (reps.break_even.attainment, reps.break_even.client_pay) == (D("0.8611"), D(122500))
    assert (heads.break_even.attainment, heads.break_even.client_pay) == (D("0.9333"), D(150000))
    assert curves.policy_attainment == D(1)
    assert (reps.sales.at_target.base, reps.sales.at_target.variable) == (D(45000), D(90000))
    assert (heads.client.at_target.base, heads.client.at_target.variable) == (D(120000), D(30000))


def test_every_breakpoint_inside_the_range_is_a_point(acme: Scheme) -> None:
    grid = Range(D(0), D(3), D("0.7"))  # a grid that misses every kink of the rules
    curves = pay_curves(acme, grid)
    sales = curves.pairs[0].sales
    role = acme.departments["sales"].roles["rep"]

    kinks = breakpoints(role) | cap_points(role)
    assert {D("0.5"), D(1), D("1.2")} < kinks
    attainments = [p.attainment for p in sales.points]
    assert set(attainments) >= kinks and attainments == sorted(attainments)
    assert set(attainments) == kinks | {D(0), D("0.7"), D("1.4"), D("2.1"), D("2.8"), D(3)}
    # the cap: 90 000 + 20% × (1 400 000 − 600 000) = 250 000 at a = 7/3, flat after it
    cap = next(p for p in sales.points if D("2.3333") < p.attainment < D("2.3334"))
    assert cap.gross == D(310000) and cap.before is None  # 45 000 + 250 000 + 15 000
    assert _at(sales, "2.8")[0] == _at(sales, "3")[0] == D(310000)
    assert [p.attainment for p in curves.pairs[0].client.points] == [
        D(0), D("0.7"), D("1.4"), D("2.1"), D("2.8"), D(3)
    ]  # fmt: skip


def test_the_default_grid_is_0_to_200_percent_in_steps_of_1() -> None:
    grid = DEFAULT_RANGE.grid()

    assert len(grid) == 201 and grid[0] == 0 and grid[-1] == 2 and grid[50] == D("0.5")
    assert Range(D(0), D(1), D("0.3")).grid() == [D(0), D("0.3"), D("0.6"), D("0.9"), D(1)]


@pytest.mark.parametrize(
    ("written", "field", "message"),
    [
        (("0", "11", "0.1"), "to", "to 11 is outside [0, 10]"),
        (("-0.5", "2", "0.1"), "from", "from -0.5 is outside [0, 10]"),
        (("1", "1", "0.1"), "to", "to 1 must be above from 1"),
        (("0", "2", "0"), "step", "step 0 must be above 0"),
        (("0", "10", "0.001"), "step", "more than 2001 points"),
        (("0", "two", "0.1"), "to", "to: 'two' is not a number"),
        (("0", "2", "NaN"), "step", "is not a finite number"),
    ],
)
def test_a_range_that_cannot_be_drawn(
    written: tuple[str, str, str], field: str, message: str
) -> None:
    with pytest.raises(RangeError) as caught:
        Range.parse(*written)

    assert caught.value.field == field and message in caught.value.message
