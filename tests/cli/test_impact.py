"""``compcalc impact``: the acme roster of March 2027 under examples/acme.yaml and a changed
copy (the sales rep's base 45 000 → 40 500, or the first tier's rate 0.15 → 0.17)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke, write_file

ACME = (Path(__file__).resolve().parents[2] / "examples" / "acme.yaml").read_text("utf-8")
ROSTER = ("--roster", "examples/acme-roster.csv", "--period", "2027-03")


def _changed(tmp_path: Path, old: str, new: str, name: str = "changed.yaml") -> str:
    assert ACME.count(old) == 1
    return write_file(tmp_path, name, ACME.replace(old, new))


def _base(tmp_path: Path) -> str:
    return _changed(tmp_path, "        base: 45000 ", "        base: 40500 ")


def _rate(tmp_path: Path) -> str:
    return _changed(tmp_path, "{from: 0, rate: 0.15}", "{from: 0, rate: 0.17}")


MARKDOWN = """\
### Impact of TMP/changed.yaml (from examples/acme.yaml) on examples/acme-roster.csv, 2027-03

**13 employees, total change -20 863.63 RUB (1 502 627.38 → 1 481 763.75), 5 pay cuts**

#### sales

| Employee | Role | Old | New | Difference | Pay cut |
|---|---|---:|---:|---:|---|
| E-11 Ольга Смирнова | head | 144 600.02 | 144 600.02 | 0.00 |  |
| E-12 Иван Козлов | assistant_head | 81 200.01 | 81 200.01 | 0.00 |  |
| E-13 Борис Волков | rep | 135 000.00 | 130 500.00 | -4 500.00 | PAY_CUT |
| E-14 Дарья Морозова | rep | 121 909.17 | 117 818.26 | -4 090.91 | PAY_CUT |
| E-15 Павел Лебедев | rep | 45 000.00 | 40 500.00 | -4 500.00 | PAY_CUT |
| E-16 Мария Соколова | rep | 94 227.27 | 90 954.55 | -3 272.72 | PAY_CUT |
| E-17 Анна Петрова | rep | 194 000.00 | 189 500.00 | -4 500.00 | PAY_CUT |
| **Total 7** |  | 815 936.47 | 795 072.84 | -20 863.63 | 5 cuts |

#### clients

| Employee | Role | Old | New | Difference | Pay cut |
|---|---|---:|---:|---:|---|
| E-21 Елена Новикова | head | 143 850.00 | 143 850.00 | 0.00 |  |
| E-22 Сергей Фёдоров | rep | 124 000.00 | 124 000.00 | 0.00 |  |
| E-23 Наталья Павлова | rep | 121 000.00 | 121 000.00 | 0.00 |  |
| E-24 Дмитрий Орлов | rep | 62 000.00 | 62 000.00 | 0.00 |  |
| E-25 Татьяна Егорова | rep | 78 840.91 | 78 840.91 | 0.00 |  |
| **Total 5** |  | 529 690.91 | 529 690.91 | 0.00 |  |

#### development

| Employee | Role | Old | New | Difference | Pay cut |
|---|---|---:|---:|---:|---|
| E-31 Алексей Никитин | key_account | 157 000.00 | 157 000.00 | 0.00 |  |
| **Total 1** |  | 157 000.00 | 157 000.00 | 0.00 |  |
"""


def test_markdown_for_a_pull_request_comment(compcalc: Invoke, tmp_path: Path) -> None:
    run = compcalc(
        "impact", "--from", "examples/acme.yaml", "--to", _base(tmp_path), *ROSTER,
        "--format", "markdown",
    )  # fmt: skip

    assert run.exit_code == 0, run.stderr
    assert run.stdout.replace(str(tmp_path), "TMP") == MARKDOWN
    assert "warning BASE_GAP" in run.stderr  # 1 − 40 500/85 000 = 52.4%: the change's own finding


def test_fail_on_cut_exits_1_only_when_someone_is_paid_less(
    compcalc: Invoke, tmp_path: Path
) -> None:
    cut = compcalc("impact", "--from", "examples/acme.yaml", "--to", _base(tmp_path), *ROSTER,
                   "--fail-on-cut")  # fmt: skip
    raise_ = compcalc("impact", "--from", "examples/acme.yaml", "--to", _rate(tmp_path), *ROSTER,
                      "--fail-on-cut")  # fmt: skip
    same = compcalc("impact", "--from", "examples/acme.yaml", "--to", "examples/acme.yaml",
                    *ROSTER, "--fail-on-cut")  # fmt: skip

    assert cut.exit_code == 1 and "5 employee(s) would be paid less (PAY_CUT)" in cut.stderr
    assert "13 employees, total change -20 863.63 RUB" in cut.stdout
    assert raise_.exit_code == 0, raise_.stderr
    assert "13 employees, total change +43 000.01 RUB" in raise_.stdout
    assert "0 pay cuts" in raise_.stdout
    assert same.exit_code == 0 and "total change 0.00 RUB" in same.stdout


def test_json_gives_each_difference_exactly(compcalc: Invoke, tmp_path: Path) -> None:
    run = compcalc("impact", "--from", "examples/acme.yaml", "--to", _rate(tmp_path), *ROSTER,
                   "--format", "json")  # fmt: skip

    assert run.exit_code == 0, run.stderr
    document = json.loads(run.stdout)
    found = {e["employee_id"]: e["difference"] for e in document["employees"]}
    # 0.02 × credited below 600 000; E-14: 0.17 × 540 000.50 = 91 800.09 against 81 000.08;
    # E-15's 250 000 is below the 300 000 threshold.
    assert {k: v for k, v in found.items() if v != "0.00"} == {
        "E-13": "12000.00", "E-14": "10800.01", "E-16": "8200.00", "E-17": "12000.00",
    }  # fmt: skip
    assert document["employees"][3]["lines"] == [
        {"code": "commission", "old": "81000.08", "new": "91800.09", "difference": "10800.01"}
    ]
    assert document["cuts"] == [] and document["total"]["difference"] == "43000.01"
    assert document["from"] == "examples/acme.yaml"


def test_versions_of_other_schemes_or_currencies_are_refused(
    compcalc: Invoke, tmp_path: Path
) -> None:
    other = _changed(tmp_path, "key: acme-sales ", "key: beta-sales ", "beta.yaml")
    euro = _changed(tmp_path, "currency: RUB ", "currency: EUR ", "euro.yaml")

    key = compcalc("impact", "--from", "examples/acme.yaml", "--to", other, *ROSTER)
    currency = compcalc("impact", "--from", "examples/acme.yaml", "--to", euro, *ROSTER)

    assert key.exit_code == 2 and key.stdout == ""
    assert "error SCHEME_MISMATCH: the versions are of different schemes: 'acme-sales' (from) " \
           "and 'beta-sales' (to)" in key.stderr  # fmt: skip
    assert currency.exit_code == 2 and currency.stdout == ""
    assert "error CURRENCY_MISMATCH: the versions pay in different currencies: RUB (from) and " \
           "EUR (to)" in currency.stderr  # fmt: skip


def test_a_role_the_new_version_removed_is_named(compcalc: Invoke, tmp_path: Path) -> None:
    start, end = ACME.index("      assistant_head:"), ACME.index("\n  clients:")
    removed = write_file(tmp_path, "removed.yaml", ACME[:start] + ACME[end + 1 :])

    run = compcalc("impact", "--from", "examples/acme.yaml", "--to", removed, *ROSTER)

    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith(
        "examples/acme-roster.csv: error ROLE_MISSING: employee 'E-12': the to version has no "
        "role 'assistant_head' in sales"
    )


def test_bad_inputs_are_reported_as_calculate_reports_them(
    compcalc: Invoke, tmp_path: Path
) -> None:
    roster = write_file(tmp_path, "r.csv", "id,department,role,new_revenue\nS-1,sales,rep,-5\n")
    same = ("--from", "examples/acme.yaml", "--to", "examples/acme.yaml")

    bad_roster = compcalc("impact", *same, "--roster", roster, "--period", "2027-03")
    calculate = compcalc("calculate", "--scheme", "examples/acme.yaml", "--roster", roster,
                         "--period", "2027-03")  # fmt: skip
    bad_period = compcalc("impact", *same, "--roster", "examples/acme-roster.csv",
                          "--period", "2027-13")  # fmt: skip
    no_roster = compcalc("impact", *same)

    assert bad_roster.exit_code == calculate.exit_code == 2
    assert bad_roster.stderr == calculate.stderr
    assert bad_period.exit_code == 2 and bad_period.stderr.startswith("--period: ")
    assert no_roster.exit_code == 2 and "--roster and --period are required" in no_roster.stderr


POPULATION = ("--population", "examples/acme-population.yaml", "--runs", "50", "--seed", "7")


def test_a_population_gives_the_change_in_p_sales_out_earn(
    compcalc: Invoke, tmp_path: Path
) -> None:
    run = compcalc("impact", "--from", "examples/acme.yaml", "--to", _base(tmp_path),
                   *POPULATION, "--format", "json")  # fmt: skip
    alone = compcalc("simulate", "--scheme", "examples/acme.yaml", *POPULATION[:2],
                     "--runs", "50", "--seed", "7", "--format", "json")  # fmt: skip

    assert run.exit_code == 0, run.stderr
    found = json.loads(run.stdout)
    simulated = {
        (c["sales_role"], c["client_role"]): c["p_sales_out_earn"]
        for c in json.loads(alone.stdout)["comparisons"]
    }
    rep, head = found["comparisons"]
    assert (found["runs"], found["seed"]) == (50, 7)
    # The old version's odds are the simulation's own, with the same runs and seed.
    assert rep["p_sales_out_earn_from"] == simulated[("sales.rep", "clients.rep")]
    assert rep["p_sales_out_earn_change"] < 0  # a lower base: sales out-earn less often
    assert rep["p_sales_out_earn_change"] == round(
        rep["p_sales_out_earn_to"] - rep["p_sales_out_earn_from"], 4
    )
    assert head["p_sales_out_earn_change"] == 0.0  # the heads' pay did not change
    # Every simulated rep works the whole month: 5 reps × −4 500.00 in every run.
    assert found["expected_payroll"]["difference"] == "-22500.00"


def test_a_population_is_instead_of_a_roster(compcalc: Invoke) -> None:
    same = ("--from", "examples/acme.yaml", "--to", "examples/acme.yaml")

    both = compcalc("impact", *same, *POPULATION, *ROSTER)
    cut = compcalc("impact", *same, *POPULATION, "--fail-on-cut")
    markdown = compcalc("impact", *same, *POPULATION, "--format", "markdown")

    assert both.exit_code == 2 and "--population is instead of --roster" in both.stderr
    assert cut.exit_code == 2 and "--fail-on-cut needs --roster" in cut.stderr
    assert markdown.exit_code == 0, markdown.stderr
    assert "| sales.rep | clients.rep |" in markdown.stdout and "| +0.00 |" in markdown.stdout
    assert "(+0.00)" not in markdown.stdout and "RUB (0.00)" in markdown.stdout


def test_the_walk_through_gives_the_simulated_figures(
    compcalc: Invoke, tmp_path: Path, repo_root: Path
) -> None:
    """docs/plan-design.md "Impact": the rate 2 points higher on the acme population."""
    page = (repo_root / "docs" / "plan-design.md").read_text("utf-8")
    run = compcalc("impact", "--from", "examples/acme.yaml", "--to", _rate(tmp_path),
                   "--population", "examples/acme-population.yaml", "--runs", "1000",
                   "--seed", "1")  # fmt: skip

    assert run.exit_code == 0, run.stderr
    assert "sales.rep   clients.rep   59.55%  73.04%           +13.49" in run.stdout
    assert "1 724 481.55 → 1 774 982.56 RUB (+50 501.01)" in run.stdout
    assert "from 59.55% to 73.04% (+13.49 points)" in page and "+50 501.01" in page
