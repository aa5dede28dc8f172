"""``compcalc test``: pytest-like results, diffs of amounts on failure, exit 0 / 1 / 2, and
GitHub annotations."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Invoke

FIXTURES = "tests/cli/fixtures"
FAILING = f"{FIXTURES}/failing.test.yaml"


def test_the_acme_tests_pass(compcalc: Invoke) -> None:
    run = compcalc("test", "examples/tests/")

    assert run.exit_code == 0, run.stdout
    lines = run.stdout.splitlines()
    assert lines[-1] == f"{len(lines) - 1} passed, 0 failed"
    assert len(lines) - 1 >= 8
    assert all(line.endswith(" PASSED") for line in lines[:-1])
    assert lines[0] == (
        "examples/tests/acme.test.yaml::rep above quota earns the accelerator and the 120% "
        "bonus PASSED"
    )
    assert run.stderr == ""


def test_failures_show_expected_got_and_difference(compcalc: Invoke) -> None:
    run = compcalc("test", FAILING)

    assert run.exit_code == 1
    assert run.stdout.splitlines() == [
        f"{FAILING}::passes PASSED",
        f"{FAILING}::wrong commission FAILED",
        f"    {FAILING}:19: E-17 lines.commission: expected 130 000.00, got 134 000.00, "
        "difference 4 000.00",
        f"    {FAILING}:19: E-17 lines.bonus: expected [15 000.00, 1.00], got [15 000.00]",
        f"    {FAILING}:20: E-17 gross: expected 190 000.00, got 194 000.00, difference 4 000.00",
        f"    {FAILING}:21: E-17 balances.draw: expected 5 000.00, got 0.00, difference -5 000.00",
        f"{FAILING}::wrong finding FAILED",
        f"    {FAILING}:27: findings: expected exactly [EARNINGS_ORDER_ACTUAL], got [STRUCTURE] "
        "(missing EARNINGS_ORDER_ACTUAL; unexpected STRUCTURE)",
        f"{FAILING}::expects an error that does not happen FAILED",
        f"    {FAILING}:33: error: expected the input to be refused with SHARES_SUM, but the "
        "payroll was calculated",
        f"{FAILING}::refused without expecting it FAILED",
        f"    {FAILING}:35: the input was refused: employee at line 38: MISSING_MEASURE: "
        "employee 'E-15': new_revenue is required for sales.rep",
        "1 passed, 4 failed",
    ]


def test_github_annotations_at_the_failing_cases(compcalc: Invoke) -> None:
    run = compcalc("test", "--format", "github", FAILING)

    assert run.exit_code == 1
    annotations = [line for line in run.stdout.splitlines() if line.startswith("::")]
    assert [a.split("::")[1] for a in annotations] == [
        f"error file={FAILING},line=13,title=compcalc test%3A wrong commission",
        f"error file={FAILING},line=23,title=compcalc test%3A wrong finding",
        f"error file={FAILING},line=29,title=compcalc test%3A expects an error that does not "
        "happen",
        f"error file={FAILING},line=35,title=compcalc test%3A refused without expecting it",
    ]
    assert annotations[0].endswith(
        "::E-17 lines.commission: expected 130 000.00, got 134 000.00, difference 4 000.00"
        "%0AE-17 lines.bonus: expected [15 000.00, 1.00], got [15 000.00]"
        "%0AE-17 gross: expected 190 000.00, got 194 000.00, difference 4 000.00"
        "%0AE-17 balances.draw: expected 5 000.00, got 0.00, difference -5 000.00"
    )
    assert run.stdout.splitlines()[-1] == "1 passed, 4 failed"


def test_an_invalid_test_file_exits_2_and_runs_nothing(compcalc: Invoke) -> None:
    path = f"{FIXTURES}/invalid.test.yaml"

    run = compcalc("test", "examples/tests/acme.test.yaml", path)

    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.splitlines() == [
        f"{path}:4:13: error INVALID_VALUE: period '2027-13' has month 13; months are 01 to 12",
        f"{path}:6:49: error UNKNOWN_KEY: unknown key 'salary'; the keys are id, name, "
        "department, role, start_date, end_date, fte, unpaid_days, jurisdiction, credited, "
        "balances",
        f"{path}:9:18: error INVALID_NUMBER: amount: '1e' is not a number",
        f"{path}:9:31: error MISSING_VALUE: share is missing",
        f"{path}:11:7: error UNKNOWN_EMPLOYEE: 'E-2' is not in the case's roster",
        f"{path}:12:43: error INVALID_NUMBER: gross: 'lots' is not a number",
        f"{path}:12:21: error UNKNOWN_KEY: 'comission' is not one of base, bonus, clawback, "
        "commission, commission_clawback, draw, draw_recovery, minimum_wage_topup, override",
        f"{path}:13:11: error DUPLICATE_CASE: case 'typos everywhere' appears twice (first at "
        "line 3)",
        f"{path}:13:5: error NOTHING_EXPECTED: a case needs expect, findings or error",
        f"{path}:15:5: error INVALID_TYPE: roster must be a non-empty list",
        "2 test files, 10 problems: no case was run",
    ]


def test_a_test_file_naming_an_invalid_scheme(compcalc: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "x.test.yaml"
    path.write_text(
        f"scheme: {Path.cwd() / 'examples/invalid/UNKNOWN_KEY.yaml'}\n"
        "cases:\n  - {name: a, period: 2027-03, roster: [{id: E-1, department: sales, "
        "role: head}], findings: []}\n",
        encoding="utf-8",
    )

    run = compcalc("test", str(path))

    assert run.exit_code == 2
    assert run.stderr.splitlines()[:2] == [
        f"{path}:1:9: error SCHEME_INVALID: the scheme {Path.cwd()}/examples/invalid/"
        "UNKNOWN_KEY.yaml cannot be used; its problems are listed below",
        f"{Path.cwd()}/examples/invalid/UNKNOWN_KEY.yaml:56:9: error UNKNOWN_KEY: unknown key "
        "'comission' (at "
        "departments.sales.roles.rep.comission)",
    ]


def test_a_scheme_that_cannot_be_applied_fails_its_cases(compcalc: Invoke, tmp_path: Path) -> None:
    scheme = Path.cwd() / "examples/invalid/TIER_ORDER.yaml"
    path = tmp_path / "x.test.yaml"
    path.write_text(
        f"scheme: {scheme}\ncases:\n"
        "  - {name: refused, period: 2027-03, roster: [{id: E-1, department: sales, "
        "role: head}], error: TIER_ORDER}\n"
        "  - {name: fails, period: 2027-03, roster: [{id: E-1, department: sales, "
        "role: head}], findings: []}\n",
        encoding="utf-8",
    )

    run = compcalc("test", str(path))

    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0] == f"{path}::refused PASSED"
    assert lines[1] == f"{path}::fails FAILED"
    assert lines[2].startswith(f"    {path}:4: the input was refused: {scheme}: TIER_ORDER: ")
    assert lines[-1] == "1 passed, 1 failed"


def test_paths_that_hold_no_tests(compcalc: Invoke, tmp_path: Path) -> None:
    (tmp_path / "scheme.yaml").write_text("key: x\n", encoding="utf-8")

    empty = compcalc("test", str(tmp_path))
    missing = compcalc("test", str(tmp_path / "nothing.test.yaml"))

    assert (empty.exit_code, empty.stderr) == (
        2,
        f"{tmp_path}: no *.test.yaml or *.test.yml files in this directory\n",
    )
    assert missing.exit_code == 2
    assert missing.stderr.startswith(
        f"{tmp_path / 'nothing.test.yaml'}: error UNREADABLE: cannot read the file: "
    )


def test_a_directory_runs_only_its_test_files(compcalc: Invoke, tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "acme.yaml").write_bytes(Path("examples/acme.yaml").read_bytes())
    (tmp_path / "rules" / "acme.test.yml").write_text(
        "scheme: acme.yaml\ncases:\n  - name: head alone\n    period: 2027-03\n"
        "    roster: [{id: H, department: sales, role: head}]\n"
        "    expect: {H: {gross: 66000}}\n",  # 66 000 + 3% of nothing
        encoding="utf-8",
    )

    run = compcalc("test", str(tmp_path))

    assert run.exit_code == 0
    assert run.stdout == (
        f"{tmp_path / 'rules' / 'acme.test.yml'}::head alone PASSED\n1 passed, 0 failed\n"
    )


def test_junit_xml_reports_each_case_and_its_differences(compcalc: Invoke, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    report = tmp_path / "junit.xml"
    run = compcalc("test", "examples/tests/acme.test.yaml", FAILING, "--junit-xml", str(report))

    assert run.exit_code == 1
    root = ET.parse(report).getroot()
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "23", "4")
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {"examples/tests/acme.test.yaml", FAILING}
    assert suites["examples/tests/acme.test.yaml"].get("failures") == "0"
    cases = {case.get("name"): case for case in suites[FAILING]}
    assert cases["passes"].find("failure") is None
    failure = cases["wrong commission"].find("failure")
    assert failure is not None and failure.get("message") == "4 differences"
    assert (failure.text or "").splitlines()[0] == (
        f"    {FAILING}:19: E-17 lines.commission: expected 130 000.00, got 134 000.00, "
        "difference 4 000.00"
    )
    assert cases["wrong commission"].get("line") == "13"  # the case's own line, as annotations


def test_junit_xml_reports_a_test_file_that_cannot_run(compcalc: Invoke, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    report = tmp_path / "junit.xml"
    run = compcalc("test", f"{FIXTURES}/invalid.test.yaml", "--junit-xml", str(report))

    assert run.exit_code == 2
    root = ET.parse(report).getroot()
    assert (root.get("tests"), root.get("errors"), root.get("failures")) == ("10", "10", "0")
    texts = []
    for case in root.iter("testcase"):
        error = case.find("error")
        assert error is not None
        texts.append(error.text or "")
    assert texts[0].startswith(f"{FIXTURES}/invalid.test.yaml:4:13: error INVALID_VALUE")
