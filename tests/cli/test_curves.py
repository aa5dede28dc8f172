"""``compcalc curves``: the table, JSON, SVG and PNG files, the language, bad ranges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke

ACME = ("curves", "--scheme", "examples/acme.yaml")
PNG = b"\x89PNG\r\n\x1a\n"


def test_the_table_of_each_pair(compcalc: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")

    run = compcalc(*ACME)

    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[3:11] == [
        "Sales representative and Account manager",
        "  Attainment     sales.rep   clients.rep",
        "          0%    45,000 RUB    85,000 RUB",
        "         50%    90,000 RUB   103,750 RUB",
        "        100%   135,000 RUB   122,500 RUB",
        "        150%   210,000 RUB   141,250 RUB",
        "        200%   270,000 RUB   160,000 RUB",
        "  Break-even: 86.11% (122,500 RUB)",
    ]


def test_russian_from_lang_or_the_option(compcalc: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")

    russian, english = compcalc(*ACME), compcalc(*ACME, "--lang", "en")

    assert "  Точка безубыточности: 86,11\u00a0% (122\u00a0500\u00a0₽)" in russian.stdout
    assert "Break-even: 86.11%" in english.stdout


def test_json_svg_and_png_files(compcalc: Invoke, tmp_path: Path) -> None:
    points = compcalc(*ACME, "--format", "json", "--from", "0", "--to", "1", "--step", "0.25")
    svg, png = tmp_path / "curves.svg", tmp_path / "curves.PNG"
    drawn = [compcalc(*ACME, "--output", str(path)) for path in (svg, png)]

    assert points.exit_code == 0, points.stderr
    sales = json.loads(points.stdout)["pairs"][0]["curves"][0]
    assert [p["attainment"] for p in sales["points"]] == ["0", "0.25", "0.5", "0.75", "1"]
    assert all(run.exit_code == 0 and run.stdout == "" for run in drawn)
    assert "Break-even: 86.11% (122,500 RUB)" in svg.read_text("utf-8")
    assert png.read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--to", "12"), "--to: error CURVE_RANGE: to 12 is outside [0, 10] (10 = 1000%)"),
        (("--from", "-1"), "--from: error CURVE_RANGE: from -1 is outside [0, 10]"),
        (("--step", "0"), "--step: error CURVE_RANGE: step 0 must be above 0"),
        (("--output", "curves.pdf"), "--output: 'curves.pdf' must end in .svg or .png"),
        (("--lang", "de"), "--lang: 'de' is not one of ru, en"),
    ],
)
def test_bad_options_exit_2(compcalc: Invoke, args: tuple[str, ...], message: str) -> None:
    run = compcalc(*ACME, *args)

    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith(message)


def test_the_documented_command_draws_the_picture_of_the_docs(
    compcalc: Invoke, tmp_path: Path, repo_root: Path
) -> None:
    """docs/plan-design.md: the committed docs/img/acme-curves.png is this command's."""
    command = (
        "compcalc curves --scheme examples/acme.yaml --lang en --output docs/img/acme-curves.png"
    )
    assert command in (repo_root / "docs" / "plan-design.md").read_text("utf-8")
    target = tmp_path / "acme-curves.png"

    run = compcalc(*command.split()[1:-1], str(target))

    assert run.exit_code == 0, run.stderr
    committed = repo_root / "docs" / "img" / "acme-curves.png"
    assert target.read_bytes().startswith(PNG) and committed.read_bytes().startswith(PNG)


def test_a_scheme_whose_rules_cannot_be_applied_exits_2(compcalc: Invoke) -> None:
    run = compcalc("curves", "--scheme", "examples/invalid/TIER_ORDER.yaml")

    assert run.exit_code == 2 and run.stdout == ""
    assert "error TIER_ORDER" in run.stderr
