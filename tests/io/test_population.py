"""Population files: every problem at its file and line; empirical amounts from a CSV."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Scheme
from app.engine.plan.simstats import summarise
from app.engine.plan.simulate import simulate
from app.io import load_scheme
from app.io.population import PopulationFileError, load_population

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
month: 2027-03
teams:
  sales:
    correlation: 0.2
    roles:
      rep:
        headcount: 5
        attainment:
          new_revenue: {distribution: normal, mean: 1.0, spread: 0.2}
      head: {headcount: 1}
"""


@pytest.fixture(scope="module")
def acme() -> Scheme:
    return load_scheme(str(ROOT / "examples" / "acme.yaml"), max_bytes=1 << 20).scheme


def _lines(tmp_path: Path, acme: Scheme, text: str) -> list[str]:
    path = tmp_path / "pop.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PopulationFileError) as caught:
        load_population(str(path), acme, max_bytes=1 << 20)
    return [line.replace(str(path), "pop.yaml") for line in caught.value.lines]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("headcount: 5", "headcount: -5",
         "pop.yaml:7:20: error NEGATIVE_VALUE: headcount must be ≥ 0, not -5"),
        ("      rep:\n", "      hunter:\n", "pop.yaml:6:7: error UNKNOWN_ROLE: role 'hunter' is"),
        ("new_revenue: {", "repeat_revenue: {", "pop.yaml:9:11: error UNKNOWN_MEASURE: sales.rep"),
        (", spread: 0.2", "", "pop.yaml:9:11: error MISSING_PARAMETER: required key 'spread'"),
        ("spread: 0.2", "spread: -0.2",
         "pop.yaml:9:66: error NEGATIVE_VALUE: spread must be ≥ 0, not -0.2"),
        ("correlation: 0.2", "correlation: 1.5",
         "pop.yaml:4:18: error CORRELATION_RANGE: correlation must be ≤ 1, not 1.5"),
        ("correlation: 0.2", "correlation: -0.5", "pop.yaml:4:18: error CORRELATION_RANGE: "
         "correlation -0.5 is impossible among 6 people: at least -0.2"),
        ("  sales:", "  marketing:", "pop.yaml:3:3: error UNKNOWN_DEPARTMENT:"),
    ],
)  # fmt: skip
def test_each_problem_at_its_line(
    tmp_path: Path, acme: Scheme, old: str, new: str, expected: str
) -> None:
    line = _lines(tmp_path, acme, GOOD.replace(old, new))[0]  # a wrong measure: also missing
    assert line.startswith(expected), line


def test_a_rep_without_a_distribution(tmp_path: Path, acme: Scheme) -> None:
    text = GOOD.replace("        attainment:\n          new_revenue: {distribution: normal, "
                        "mean: 1.0, spread: 0.2}\n", "")  # fmt: skip
    (line,) = _lines(tmp_path, acme, text)
    assert line.startswith("pop.yaml:6:7: error MISSING_MEASURE: sales.rep needs an attainment")


def test_empirical_amounts_from_a_csv(tmp_path: Path, acme: Scheme) -> None:
    (tmp_path / "past.csv").write_text("period;new\n2026-10;300 000,00\n2026-11;600000\n"
                                       "2026-12;900000\n", encoding="utf-8")  # fmt: skip
    text = GOOD.replace("{distribution: normal, mean: 1.0, spread: 0.2}",
                        "{distribution: empirical, file: past.csv, column: new}")  # fmt: skip
    path = tmp_path / "pop.yaml"
    path.write_text(text, encoding="utf-8")
    population = load_population(str(path), acme, max_bytes=1 << 20)
    sim = simulate(acme, population, runs=200, seed=1)
    # 300 000: 45 000 + 45 000; 600 000: 45 000 + 90 000; 900 000: 45 000 + 90 000 + 60 000
    # + the 120% bonus 15 000
    rep = {Decimal("90000.00"), Decimal("135000.00"), Decimal("210000.00")}
    assert {int(v) for v in sim.pay[:, :5].ravel()} == {9000000, 13500000, 21000000}
    figures = summarise(sim).roles[0]
    assert set(figures.pay) <= rep and figures.pay[0] == Decimal("90000.00")
    assert set(figures.attainment["new_revenue"]) <= {0.5, 1.0, 1.5}


def test_a_bad_amount_in_the_csv(tmp_path: Path, acme: Scheme) -> None:
    (tmp_path / "past.csv").write_text("new_revenue\n100\n-5\n", encoding="utf-8")
    text = GOOD.replace("{distribution: normal, mean: 1.0, spread: 0.2}",
                        "{distribution: empirical, file: past.csv}")  # fmt: skip
    lines = _lines(tmp_path, acme, text)
    assert lines[0].endswith("past.csv:3: error NEGATIVE_CREDIT: -5 is negative (column "
                             "new_revenue)")  # fmt: skip
