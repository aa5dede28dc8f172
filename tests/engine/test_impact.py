"""The impact of a plan change, by hand, on examples/acme.yaml and its roster of March 2027.

Two changes: the sales rep's base 45 000 → 40 500 (10% lower), and the rep's first tier
0.15 → 0.17 (2 points higher). Each difference below is computed by hand from the roster.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Payroll, Period, Scheme, calculate
from app.engine.plan.impact import (
    PAY_CUT,
    ImpactError,
    comparable,
    compare_payrolls,
    roles_missing,
)
from app.io import load_roster, load_scheme

ROOT = Path(__file__).resolve().parents[2]
MARCH = Period.parse("2027-03")
BASE = ("        base: 45000 ", "        base: 40500 ")
RATE = ("{from: 0, rate: 0.15}", "{from: 0, rate: 0.17}")
SALES_REPS = ("E-13", "E-14", "E-15", "E-16", "E-17")


def _scheme(tmp_path: Path, *change: str) -> Scheme:
    text = (ROOT / "examples" / "acme.yaml").read_text("utf-8")
    if change:
        old, new = change
        assert text.count(old) == 1
        text = text.replace(old, new)
    path = tmp_path / "scheme.yaml"
    path.write_text(text, "utf-8")
    return load_scheme(str(path), max_bytes=1 << 20).scheme


def _payroll(scheme: Scheme) -> Payroll:
    roster = load_roster(ROOT / "examples" / "acme-roster.csv", max_bytes=1 << 20)
    return calculate(scheme, MARCH, roster.employees)


def _differences(tmp_path: Path, *change: str) -> dict[str, Decimal]:
    impact = compare_payrolls(_payroll(_scheme(tmp_path)), _payroll(_scheme(tmp_path, *change)))
    return {e.employee_id: e.difference for e in impact.employees}


def test_a_base_10_percent_lower_cuts_each_sales_rep_by_their_prorated_base(
    tmp_path: Path,
) -> None:
    old, new = _payroll(_scheme(tmp_path)), _payroll(_scheme(tmp_path, *BASE))

    impact = compare_payrolls(old, new)

    found = {e.employee_id: e.difference for e in impact.employees}
    # A full month: −4 500.00. E-14 worked 20 of 22 days: 40 500 × 20/22 = 36 818.18 against
    # 40 909.09. E-16 started on the 10th, 16 of 22 days: 29 454.55 against 32 727.27.
    assert {k: found[k] for k in SALES_REPS} == {
        "E-13": Decimal("-4500.00"),
        "E-14": Decimal("-4090.91"),
        "E-15": Decimal("-4500.00"),
        "E-16": Decimal("-3272.72"),
        "E-17": Decimal("-4500.00"),
    }
    assert all(found[k] == 0 for k in found if k not in SALES_REPS)
    assert [e.employee_id for e in impact.cuts] == list(SALES_REPS)
    e14 = next(e for e in impact.employees if e.employee_id == "E-14")
    assert [(c.code, c.old, c.new) for c in e14.lines] == [
        ("base", Decimal("40909.09"), Decimal("36818.18"))
    ]
    rep = next(g for g in impact.roles if (g.department, g.role) == ("sales", "rep"))
    # 135 000 + 121 909.17 + 45 000 + 94 227.27 + 194 000 = 590 136.44, less 20 863.63.
    assert (rep.employees, rep.old, rep.new, rep.cuts) == (
        5, Decimal("590136.44"), Decimal("569272.81"), 5,
    )  # fmt: skip
    sales = next(g for g in impact.departments if g.department == "sales")
    assert sales.difference == Decimal("-20863.63") == impact.difference
    assert impact.old_total == Decimal("1502627.38")


def test_a_rate_two_points_higher_pays_two_percent_of_what_each_rep_was_credited(
    tmp_path: Path,
) -> None:
    found = _differences(tmp_path, *RATE)

    assert {k: found[k] for k in SALES_REPS} == {
        "E-13": Decimal("12000.00"),  # 0.02 × 600 000
        "E-14": Decimal("10800.01"),  # 0.17 × 540 000.50 = 91 800.09 against 81 000.08
        "E-15": Decimal("0.00"),  # 250 000: below the threshold (300 000), no commission
        "E-16": Decimal("8200.00"),  # 0.02 × 410 000
        "E-17": Decimal("12000.00"),  # 820 000: 0.02 × the first 600 000 only
    }
    assert sum(found.values()) == Decimal("43000.01")
    assert all(found[k] == 0 for k in found if k not in SALES_REPS)


def test_the_impact_as_json_values(tmp_path: Path) -> None:
    impact = compare_payrolls(_payroll(_scheme(tmp_path)), _payroll(_scheme(tmp_path, *BASE)))

    document = impact.as_dict()

    e13 = document["employees"][2]
    assert e13 == {
        "employee_id": "E-13",
        "name": "Борис Волков",
        "department": "sales",
        "role": "rep",
        "old": "135000.00",
        "new": "130500.00",
        "difference": "-4500.00",
        "pay_cut": True,
        "lines": [{"code": "base", "old": "45000.00", "new": "40500.00", "difference": "-4500.00"}],
    }
    assert document["employees"][0]["lines"] == [] and not document["employees"][0]["pay_cut"]
    assert document["cuts"][1] == {
        "code": PAY_CUT, "employee_id": "E-14", "department": "sales", "role": "rep",
        "amount": "4090.91",
    }  # fmt: skip
    assert document["total"] == {
        "employees": 13, "old": "1502627.38", "new": "1481763.75", "difference": "-20863.63",
        "cuts": 5,
    }  # fmt: skip
    assert document["departments"][1] == {
        "department": "clients", "employees": 5, "old": "529690.91", "new": "529690.91",
        "difference": "0.00", "cuts": 0,
    }  # fmt: skip


def test_versions_of_two_schemes_or_currencies_are_not_compared() -> None:
    with pytest.raises(ImpactError, match="'acme-sales' \\(from\\) and 'beta' \\(to\\)") as key:
        comparable("acme-sales", "RUB", "beta", "RUB")
    with pytest.raises(ImpactError, match="RUB \\(from\\) and EUR \\(to\\)") as currency:
        comparable("acme-sales", "RUB", "acme-sales", "EUR")

    assert (key.value.code, currency.value.code) == ("SCHEME_MISMATCH", "CURRENCY_MISMATCH")
    comparable("acme-sales", "RUB", "acme-sales", "RUB")


def test_a_role_the_new_version_removed_names_the_employee(tmp_path: Path) -> None:
    old = _scheme(tmp_path)
    text = (ROOT / "examples" / "acme.yaml").read_text("utf-8")
    start = text.index("      assistant_head:")
    end = text.index("\n  clients:")
    (tmp_path / "new.yaml").write_text(text[:start] + text[end + 1 :], "utf-8")
    new = load_scheme(str(tmp_path / "new.yaml"), max_bytes=1 << 20).scheme
    roster = load_roster(ROOT / "examples" / "acme-roster.csv", max_bytes=1 << 20).employees

    (error,) = roles_missing(old, new, roster)
    (back,) = roles_missing(new, old, roster)

    assert error.code == "ROLE_MISSING"
    assert str(error).startswith("employee 'E-12': the to version has no role 'assistant_head'")
    assert "the from version" in str(back)
    assert roles_missing(old, old, roster) == []
