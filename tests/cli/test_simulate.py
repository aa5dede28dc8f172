"""``compcalc simulate``: text, JSON and a chart of examples/acme-population.yaml; bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke, write_file

ACME = ("simulate", "--scheme", "examples/acme.yaml", "--population",
        "examples/acme-population.yaml", "--runs", "40", "--seed", "1")  # fmt: skip

AT_TARGET = """\
teams:
  sales:
    roles:
      rep:
        headcount: 5
        attainment: {new_revenue: {distribution: normal, mean: 1, spread: 0}}
  clients:
    roles:
      rep:
        headcount: 4
        attainment: {repeat_revenue: {distribution: lognormal, mean: 1, spread: 0}}
"""


def test_json_names_the_probabilities_and_is_the_same_for_the_same_seed(compcalc: Invoke) -> None:
    first, again = compcalc(*ACME, "--format", "json"), compcalc(*ACME, "--format", "json")

    assert first.exit_code == 0, first.stderr
    assert first.stdout == again.stdout
    result = json.loads(first.stdout)
    assert (result["period"], result["payslips"], result["interval"]) == ("2027-03", 520,
                                                                         "wilson-95")  # fmt: skip
    pair = result["comparisons"][0]
    assert {"p_sales_out_earn", "p_sales_out_earn_interval", "p_sales_statistic_out_earn",
            "p_sales_statistic_out_earn_interval"} <= set(pair)  # fmt: skip
    low, high = pair["p_sales_out_earn_interval"]
    assert 0 <= low <= pair["p_sales_out_earn"] <= high <= 1
    key_account = next(r for r in result["roles"] if r["role"] == "development.key_account")
    # examples/acme-history.csv: each pay is one of the twelve past months' growth paid as
    # 95 000 + 5% up to 1 000 000 + 8% above (560 000: 123 000; 1 420 000: 145 000 + 33 600)
    twelve = {"127000.00", "140500.00", "159400.00", "131000.00", "149000.00", "136500.00",
              "178600.00", "123000.00", "144500.00", "161800.00", "138500.00",
              "171400.00"}  # fmt: skip
    assert set(key_account["pay"].values()) <= twelve
    assert [d["department"] for d in result["departments"]] == ["sales", "clients",
                                                                "development"]  # fmt: skip


def test_text_at_target(compcalc: Invoke, tmp_path: Path) -> None:
    population = write_file(tmp_path, "pop.yaml", AT_TARGET)

    run = compcalc("simulate", "--scheme", "examples/acme.yaml", "--population", population,
                   "--runs", "5")  # fmt: skip

    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "acme-sales 2027-01: 5 runs × 9 employees = 45 payslips (seed 1, RUB)"
    assert lines[3] == ("  sales.rep vs clients.rep: a random pair 100.0% [56.6%, 100.0%]; "
                        "the medians 100.0% [56.6%, 100.0%]")  # fmt: skip
    assert "  sales.rep (5): pay 135 000.00 / 135 000.00 / 135 000.00; new_revenue 100.0% / " \
        "100.0% / 100.0%" in lines  # fmt: skip
    # 5 × 135 000 on 3 000 000 = 22.5%; 4 × 122 500 on 10 000 000 = 4.9%
    assert "  sales: 675 000.00, 675 000.00, 3 000 000.00, 22.5%" in lines
    assert "  clients: 490 000.00, 490 000.00, 10 000 000.00, 4.9%" in lines


def test_the_chart(compcalc: Invoke, tmp_path: Path) -> None:
    svg, png = tmp_path / "pay.svg", tmp_path / "pay.png"

    assert compcalc(*ACME, "--chart", str(svg)).exit_code == 0
    assert compcalc(*ACME, "--chart", str(png)).exit_code == 0

    text = svg.read_text(encoding="utf-8")
    assert "acme-sales 2027-03: simulated pay per role (40 runs)" in text  # text stays text
    assert text.count(">sales.rep<") == 1 and ">clients.head<" in text
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert compcalc(*ACME, "--chart", str(tmp_path / "pay.gif")).exit_code == 2


def test_a_bad_population_exits_2_with_its_lines(compcalc: Invoke, tmp_path: Path) -> None:
    text = AT_TARGET.replace("headcount: 4", "headcount: -4").replace("spread: 0}}\n  clients",
                                                                     "}}\n  clients")  # fmt: skip
    population = write_file(tmp_path, "pop.yaml", text)

    run = compcalc("simulate", "--scheme", "examples/acme.yaml", "--population", population)

    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.replace(population, "pop.yaml").splitlines() == [
        "pop.yaml:6:22: error MISSING_PARAMETER: required key 'spread' is missing (at "
        "teams.sales.roles.rep.attainment.new_revenue.spread)",
        "pop.yaml:10:20: error NEGATIVE_VALUE: headcount must be ≥ 0, not -4 (at "
        "teams.clients.roles.rep.headcount)",
    ]


def test_the_chart_in_russian(compcalc: Invoke, tmp_path: Path) -> None:
    svg = tmp_path / "pay.svg"

    assert compcalc(*ACME, "--chart", str(svg), "--lang", "ru").exit_code == 0

    text = svg.read_text(encoding="utf-8")
    assert "acme-sales 2027-03: смоделированная оплата по ролям (прогонов: 40)" in text
    assert "Оплата за период, ₽; ящики p25–p75, усы p5–p95" in text
    assert compcalc(*ACME, "--chart", str(svg), "--lang", "de").exit_code == 2


def test_text_at_target_in_russian(compcalc: Invoke, tmp_path: Path) -> None:
    population = write_file(tmp_path, "pop.yaml", AT_TARGET)

    run = compcalc("simulate", "--scheme", "examples/acme.yaml", "--population", population,
                   "--runs", "5", "--lang", "ru")  # fmt: skip

    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    nb = "\u00a0"  # CLDR groups Russian thousands with a no-break space
    assert lines[0] == (
        "acme-sales 2027-01: прогонов 5 × сотрудников 9 = расчётных листков 45 (seed 1, RUB)"
    )
    interval = f"[56,6{nb}%; 100,0{nb}%]"
    assert lines[3] == (
        f"  sales.rep против clients.rep: случайная пара 100,0{nb}% {interval}; "
        f"медианы 100,0{nb}% {interval}"
    )
    # The same figures as the English text: 5 × 135 000 on 3 000 000 = 22,5 %.
    assert f"  sales: 675{nb}000,00; 675{nb}000,00; 3{nb}000{nb}000,00; 22,5{nb}%" in lines
    assert lines[-1].startswith("  итого: ")
