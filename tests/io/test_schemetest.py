"""Scheme test files: their shape checked at every line, and cases compared field by field."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.schemetest import (
    TestFileError,
    collect_test_files,
    load_test_file,
    result_lines,
    run_case,
    summary,
)

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme.yaml"
ROSTER = "[{id: E-1, department: sales, role: rep, credited: {new_revenue: 820000}}]"


def write(tmp_path: Path, text: str, name: str = "t.test.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def problems(tmp_path: Path, text: str) -> list[tuple[int | None, int | None, str]]:
    path = write(tmp_path, text)
    with pytest.raises(TestFileError) as caught:
        load_test_file(path, max_bytes=100_000)
    return [(p.line, p.column, p.code) for p in caught.value.problems]


def case(body: str) -> str:
    return f"scheme: {ACME}\ncases:\n  - name: c\n    period: 2027-03\n    roster: {ROSTER}\n{body}"


def test_shape_problems(tmp_path: Path) -> None:
    assert problems(tmp_path, "") == [(1, 1, "EMPTY_FILE")]
    assert problems(tmp_path, "- 1\n") == [(1, 1, "INVALID_TYPE")]
    assert problems(tmp_path, "cases: []\nextra: 1\n") == [
        (2, 1, "UNKNOWN_KEY"),
        (1, 1, "MISSING_KEY"),
        (1, 1, "INVALID_TYPE"),
    ]
    assert problems(tmp_path, "scheme: [\n") == [(2, 1, "SYNTAX")]


def test_case_problems(tmp_path: Path) -> None:
    assert problems(tmp_path, case("    expect: {E-1: {gross: 1}}\n    error: X\n")) == [
        (7, 5, "INVALID_VALUE"),  # error excludes expect
    ]
    assert problems(tmp_path, case("    findings: [structure, 3]\n")) == [
        (6, 16, "INVALID_VALUE"),
        (6, 27, "INVALID_VALUE"),
    ]
    assert problems(tmp_path, case("    findings: {only: [X]}\n")) == [(6, 16, "UNKNOWN_KEY")]
    assert problems(tmp_path, case("    expect: {E-1: {}}\n")) == [(6, 14, "NOTHING_EXPECTED")]
    assert problems(tmp_path, case("    expect: {E-1: {balances: {advance: 1}}}\n")) == [
        (6, 31, "UNKNOWN_KEY"),
    ]
    assert problems(tmp_path, case("    expect: {E-1: {credited: {new_revenue: true}}}\n")) == [
        (6, 44, "INVALID_NUMBER"),
    ]
    assert problems(tmp_path, case("    expect: [1]\n")) == [(6, 5, "INVALID_TYPE")]


def test_scheme_paths_are_relative_to_the_test_file(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "acme.yaml").write_bytes(ACME.read_bytes())
    path = write(
        tmp_path,
        f"scheme: rules/acme.yaml\ncases:\n  - name: c\n    period: 2027-03\n"
        f"    roster: {ROSTER}\n    findings: {{include: [STRUCTURE]}}\n",
    )

    loaded = load_test_file(path, max_bytes=100_000)

    assert loaded.cases[0].scheme_path == str(tmp_path / "rules" / "acme.yaml")
    assert problems(tmp_path, "scheme: nowhere.yaml\ncases: []\n")[0] == (1, 9, "SCHEME_INVALID")


def test_results_and_summary(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        case(
            "    expect:\n      E-1:\n        gross: 194000\n"
            "        lines: {commission: 134000.001, bonus: [15000]}\n"
            "        credited: {repeat_revenue: 1}\n"
            "    findings: {exclude: [STRUCTURE]}\n"
        ),
    )
    test_file = load_test_file(path, max_bytes=100_000)

    result = run_case(path, test_file.cases[0])

    assert not result.passed
    assert result_lines([result]) == [
        f"{path}::c FAILED",
        f"    {path}:9: E-1 lines.commission: expected 134 000.001, got 134 000.00, "
        "difference -0.001",
        f"    {path}:10: E-1 credited.repeat_revenue: expected 1.00, got 0.00, difference -1.00",
        f"    {path}:11: findings: expected not to include STRUCTURE, got [STRUCTURE]",
    ]
    assert summary([result]) == "0 passed, 1 failed"


def test_collecting_files(tmp_path: Path) -> None:
    for name in ("b.test.yaml", "a.test.yml", "scheme.yaml", ".hidden.test.yaml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.test.yaml").write_text("", encoding="utf-8")

    assert collect_test_files([str(tmp_path), "given.yaml"]) == [
        str(tmp_path / "a.test.yml"),
        str(tmp_path / "b.test.yaml"),
        "given.yaml",
    ]
