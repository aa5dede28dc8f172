"""``compcalc validate``: findings located to file:line:col, exit codes 0/1/2, three formats."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: One scheme per code; a code that needs an organisation policy beside its scheme has a
#: directory holding both (examples/invalid/policy-exception/).
INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml")) + sorted(
    (EXAMPLES / "invalid" / "policy-exception").glob("POLICY_*.yaml")
)
POLICIES = sorted((EXAMPLES / "invalid").rglob("compcalc-policy.yaml"))
UNPARSEABLE = sorted((EXAMPLES / "invalid" / "unparseable").glob("*.yaml"))
FINDING = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning) (?P<code>[A-Z_]+): "
)
GITHUB = re.compile(
    r"^::(?P<sev>error|warning) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=(?P<code>[A-Z_]+)::(?P<message>.+)$"
)


def marked_lines(path: Path, code: str) -> set[int]:
    """Lines the example marks with ``# <- CODE``: where the finding must be reported."""
    text = path.read_text(encoding="utf-8")
    return {n for n, line in enumerate(text.splitlines(), start=1) if f"# <- {code}" in line}


def test_acme_passes_every_check_without_warnings(compcalc: Invoke) -> None:
    run = compcalc("validate", "examples/acme.yaml")

    assert run.exit_code == 0
    # The examples' policy file holds the article's rules: the default policy's hash.
    assert run.stdout == (
        "policy: examples/compcalc-policy.yaml (sha256:f7470fd3f554), 1 scheme\n"
        "1 file, 0 errors, 0 warnings\n"
    )
    assert run.stderr == ""


#: The hint each invalid example's finding carries: the fix of its one defect.
HINTS = {
    "AMOUNT_TOO_LARGE": "check for extra zeros: an amount is at most 10 000 000 000 000",
    "ATTAINMENT_RANGE": "attainment is a fraction: 120% is written 1.2",
    "BASE_GAP": "change the sales base or the client base until the gap is within the band",
    "CAP_CONFLICT": "keep either 'cap' or 'cap_multiple', not both",
    "CAP_RANGE": "a cap multiple counts the commission at target: 2 means twice as much",
    "COMMISSION_ORDER": "raise the sales rates or lower the client rates",
    "COMPARE_WITH_MISSING": "name a role of the client department, or write compare: false",
    "DATE_FORMAT": "write it as YYYY-MM-DD: 2027-01-01",
    "DECIMAL_COMMA": "write 0.15",
    "EARNINGS_ORDER": "raise the sales pay at target (base or rates) or lower the client pay",
    "EFFECTIVE_DATES": "make effective_to, the last day the rules apply, not before effective_from",
    "INVALID_LENGTH": "give at least one item, and no more than docs/rules.md allows",
    "INVALID_NAME": "write it as `rep`",
    "INVALID_NUMBER": "write 45000; the currency is given once, as the scheme's `currency`",
    "INVALID_TYPE": "write the kind of value this key takes; docs/rules.md has an example",
    "INVALID_VALUE": "write one of: acquisition, retention, development",
    "MISSING_KEY": "add `base:` with its value here",
    "MISSING_TARGET": "add a target for this measure to the role: target: {new_revenue: 600000}",
    "NEGATIVE_MONEY": "amounts in a scheme are 0 or more: remove the minus sign",
    "NOT_A_MAPPING": "start the file with the scheme's keys (key:, name:, currency:), not '- '",
    "OVERRIDE_MEASURE": "use a measure the department is credited with: new_revenue for sales",
    "PERCENT_STRING": "rates are fractions: 1.5% is written 0.015",
    "POLICY_EXCEPTION_EXPIRED": "remove the weakening from the scheme, or have the exception "
    "renewed with a new expiry date in the organisation policy",
    "POLICY_INVALID": "write the band's smaller number as min and the larger as max",
    "POLICY_WEAKENED": "tighten the value or remove it to take the organisation's; a scheme that "
    "must differ for a while needs an exception in the organisation policy (scheme, reason, "
    "expires)",
    "PRECISION": "write it with at most 2 decimals: 45000.00",
    "RATE_RANGE": "rates are fractions: 1.5% is written 0.015",
    "THRESHOLD_RANGE": "a threshold is a fraction of the target: 50% is written 0.5",
    "TIER_BOUND": "give each tier one of 'from' or 'from_attainment', the same one in a rule",
    "TIER_ORDER": "list the tiers from the lowest start to the highest, no start twice",
    "UNKNOWN_CURRENCY": "write the currency's three-letter ISO 4217 code: RUB, EUR or USD",
    "UNKNOWN_KEY": "did you mean `commission`?",
}
UNPARSEABLE_HINTS = {
    "BAD_INDENT": "indent it by 8 spaces, like the lines it belongs with",
    "DUPLICATE_KEY": "keep one of the two, or rename one if they are different things",
    "INVALID_NUMBER": "write the number with digits only and '.' for decimals: 45000 or 0.15",
    "SYNTAX": "close the braces with '}' and separate the entries with ', '",
    "TAB_INDENT": "replace the tab with spaces, as many as the lines around it have",
}


def test_every_invalid_example_is_covered() -> None:
    # One example per error code the engine reports for a scheme file.
    expected = {
        "AMOUNT_TOO_LARGE", "ATTAINMENT_RANGE", "BASE_GAP", "CAP_CONFLICT", "CAP_RANGE",
        "COMMISSION_ORDER", "COMPARE_WITH_MISSING", "EARNINGS_ORDER", "EFFECTIVE_DATES",
        "INVALID_LENGTH", "INVALID_NAME", "INVALID_NUMBER", "INVALID_TYPE", "INVALID_VALUE",
        "MISSING_KEY", "MISSING_TARGET", "NEGATIVE_MONEY", "NOT_A_MAPPING", "OVERRIDE_MEASURE",
        "POLICY_INVALID", "PRECISION", "RATE_RANGE", "THRESHOLD_RANGE", "TIER_BOUND",
        "TIER_ORDER", "UNKNOWN_CURRENCY", "UNKNOWN_KEY", "DECIMAL_COMMA", "PERCENT_STRING",
        "DATE_FORMAT", "POLICY_WEAKENED", "POLICY_EXCEPTION_EXPIRED",
    }  # fmt: skip
    assert {p.stem for p in INVALID} >= expected
    assert {p.stem for p in INVALID} == set(HINTS)
    assert {p.stem for p in UNPARSEABLE} == set(UNPARSEABLE_HINTS)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_fails_with_exactly_its_code_on_the_marked_lines(
    compcalc: Invoke, path: Path
) -> None:
    code = path.stem
    relative = str(path.relative_to(EXAMPLES.parent))

    run = compcalc("validate", relative)

    assert run.exit_code == 1, run.stdout
    found = [m for m in map(FINDING.match, run.stdout.splitlines()) if m]
    assert {m["code"] for m in found} == {code}
    assert {m["file"] for m in found} == {relative}
    assert {int(m["line"]) for m in found} == marked_lines(path, code)
    assert run.stdout.splitlines()[-1].startswith("1 file, ")
    # Under each finding, the fix in plain words.
    lines = run.stdout.splitlines()
    hints = [lines[i + 1] for i, line in enumerate(lines) if FINDING.match(line)]
    assert hints == [f"    hint: {HINTS[code]}"] * len(found)


@pytest.mark.parametrize("path", UNPARSEABLE, ids=lambda p: p.stem)
def test_unparseable_example_exits_2_with_its_code_and_position(
    compcalc: Invoke, path: Path
) -> None:
    relative = f"examples/invalid/unparseable/{path.name}"

    run = compcalc("validate", "--format", "json", relative)

    assert run.exit_code == 2
    report = json.loads(run.stdout)["files"][0]
    assert report["readable"] is False and report["valid"] is False
    assert [f["code"] for f in report["findings"]] == [path.stem]
    assert {report["findings"][0]["line"]} == marked_lines(path, path.stem)
    assert report["findings"][0]["hint"] == UNPARSEABLE_HINTS[path.stem]


def test_known_defect_is_reported_at_its_line_and_column(compcalc: Invoke) -> None:
    # examples/invalid/PRECISION.yaml line 53 is "        base: 45000.001 ...": the value
    # starts in column 15 (8 spaces, "base: " is 6 characters).
    run = compcalc("validate", "examples/invalid/PRECISION.yaml")

    assert run.stdout.splitlines()[0] == (
        "examples/invalid/PRECISION.yaml:53:15: error PRECISION: amount 45000.001 has more "
        "decimals than the currency allows (2) (at departments.sales.roles.rep.base)"
    )


def test_directory_is_searched_recursively_sorted_and_2_wins_over_1(compcalc: Invoke) -> None:
    run = compcalc("validate", "--format", "json", "examples/invalid")

    assert run.exit_code == 2
    paths = [f["path"] for f in json.loads(run.stdout)["files"]]
    assert paths == sorted(paths, key=lambda p: Path(p).parts)
    assert "examples/invalid/unparseable/SYNTAX.yaml" in paths
    assert len(paths) == len(INVALID) + len(UNPARSEABLE) + len(POLICIES)


def test_github_format_prints_one_annotation_per_finding(compcalc: Invoke) -> None:
    run = compcalc(
        "validate", "--format", "github", "examples/invalid/COMMISSION_ORDER.yaml",
        "examples/invalid/unparseable/SYNTAX.yaml",
    )  # fmt: skip

    assert run.exit_code == 2
    lines = run.stdout.splitlines()
    matches = [GITHUB.match(line) for line in lines]
    assert all(matches), lines
    assert [(m["code"], m["line"], m["col"]) for m in matches if m] == [
        ("COMMISSION_ORDER", "62", "33"),
        ("COMMISSION_ORDER", "63", "38"),
        ("SYNTAX", "55", "24"),
    ]
    assert run.stderr == "2 files, 3 errors, 0 warnings (1 could not be read)\n"


def test_github_format_escapes_newlines_and_percent(tmp_path: Path, compcalc: Invoke) -> None:
    bad = tmp_path / "bad,name.yaml"
    bad.write_text("a: [1,\n", encoding="utf-8")

    line = compcalc("validate", "--format", "github", str(bad)).stdout.strip()

    assert line.startswith(f"::error file={str(bad).replace(',', '%2C')},line=")
    assert "\n" not in line


def test_json_report_has_hand_checked_break_even_figures(compcalc: Invoke) -> None:
    run = compcalc("validate", "--format", "json", "examples/acme.yaml")

    assert run.exit_code == 0
    document = json.loads(run.stdout)
    assert document["summary"] == {
        "files": 1, "errors": 0, "warnings": 0, "unreadable": 0, "exit_code": 0,
    }  # fmt: skip
    report = document["files"][0]
    assert report["valid"] is True and report["findings"] == []
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", report["scheme_hash"])
    rep, head = report["break_even"]
    # Reps at 100%: a client rep earns 85 000 + 1.5% x 2 500 000 = 122 500; a sales rep
    # 45 000 + 15% x 600 000 = 135 000.  Between the threshold (50%) and 100% a sales rep
    # earns 45 000 + 90 000 a, which is 122 500 at a = 77 500 / 90 000 = 0.86111...
    # (credited 600 000 x 0.86111... = 516 666.67).
    assert rep == {
        "sales_role": "sales.rep",
        "client_role": "clients.rep",
        "client_attainment": "1.0",
        "client_pay": "122500.00",
        "sales_pay_at_same_attainment": "135000.00",
        "break_even_attainment": "0.8611",
        "break_even_revenue": "516666.67",
    }
    # Heads at 100%: client head 120 000 + 0.3% x (4 reps x 2 500 000) = 150 000; sales head
    # 66 000 + 3% x (5 reps x 600 000) = 156 000.  66 000 + 90 000 a = 150 000 at
    # a = 84 000 / 90 000 = 0.9333..., team revenue 3 000 000 x 0.9333... = 2 800 000.
    assert head["client_pay"] == "150000.00"
    assert head["sales_pay_at_same_attainment"] == "156000.00"
    assert head["break_even_attainment"] == "0.9333"
    assert head["break_even_revenue"] == "2800000.00"


def test_warnings_alone_exit_0(tmp_path: Path, compcalc: Invoke, acme_text: str) -> None:
    # Six planned reps: above the 4-5 of the structure advice, a warning only.
    scheme = tmp_path / "big.yaml"
    scheme.write_text(acme_text.replace("headcount: 5 ", "headcount: 6 ", 1), encoding="utf-8")

    run = compcalc("validate", str(scheme))

    assert run.exit_code == 0
    # Line 48 of acme.yaml is "  sales:": the finding is about the whole department.
    assert f"{scheme}:48:3: warning STRUCTURE: the planned headcount is 6 reps" in run.stdout
    assert run.stdout.endswith("1 file, 0 errors, 1 warning\n")


def test_text_summary_counts_files_errors_and_warnings(compcalc: Invoke) -> None:
    run = compcalc(
        "validate", "examples/acme.yaml", "examples/invalid/COMMISSION_ORDER.yaml",
        "examples/invalid/BASE_GAP.yaml",
    )  # fmt: skip

    assert run.exit_code == 1
    assert run.stdout.splitlines()[-1] == "3 files, 3 errors, 0 warnings"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Missing argument"),
        (("--format", "xml", "examples/acme.yaml"), "Invalid value for '--format'"),
        (("examples/invalid/unparseable/../../../docs",), "no *.yaml, *.yml or *.json files"),
    ],
)
def test_usage_errors_exit_2(compcalc: Invoke, args: tuple[str, ...], message: str) -> None:
    run = compcalc("validate", *args)

    assert run.exit_code == 2
    assert message in run.stderr
    assert run.stdout == ""


def test_missing_file_is_unreadable_and_others_are_still_checked(compcalc: Invoke) -> None:
    run = compcalc("validate", "missing.yaml", "examples/acme.yaml")

    assert run.exit_code == 2
    assert run.stdout.splitlines() == [
        "missing.yaml: error UNREADABLE: cannot read the file: No such file or directory",
        "policy: examples/compcalc-policy.yaml (sha256:f7470fd3f554), 1 scheme",
        "2 files, 1 error, 0 warnings (1 could not be read)",
    ]


def test_console_script_entry_point_runs_validate(repo_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", "validate",
         "examples/invalid/BASE_GAP.yaml"],
        cwd=repo_root, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip

    assert result.returncode == 1
    assert "error BASE_GAP:" in result.stdout
    assert "Traceback" not in result.stderr


def test_sarif_report_locates_each_finding_for_code_scanning(compcalc: Invoke) -> None:
    run = compcalc(
        "validate", "examples/acme.yaml", "examples/invalid/RATE_RANGE.yaml",
        "examples/invalid/unparseable/SYNTAX.yaml", "--format", "sarif",
    )  # fmt: skip

    assert run.exit_code == 2  # one file cannot be read: as in every format
    document = json.loads(run.stdout)
    assert document["version"] == "2.1.0"
    (sarif_run,) = document["runs"]
    assert sarif_run["tool"]["driver"]["name"] == "compcalc"
    results = sarif_run["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert set(by_rule) == {"RATE_RANGE", "SYNTAX"}
    assert {rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]} == set(by_rule)
    rate = by_rule["RATE_RANGE"]
    assert rate["level"] == "error"
    assert rate["message"]["text"] == (
        "the rate 1.5 is above the largest allowed, 1 (at departments.clients.roles.rep."
        "commission[0].tiers[0].rate)\nhint: rates are fractions: 1.5% is written 0.015"
    )
    location = rate["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "examples/invalid/RATE_RANGE.yaml"
    assert location["region"] == {"startLine": 91, "startColumn": 37}  # the '<- RATE_RANGE' line
    for result in results:  # what SARIF 2.1.0 requires of a result GitHub shows
        assert result["level"] in {"none", "note", "warning", "error"}
        assert result["message"]["text"]
        region = result["locations"][0]["physicalLocation"].get("region", {"startLine": 1})
        assert region["startLine"] >= 1
    assert run.stderr == "3 files, 2 errors, 0 warnings (1 could not be read)\n"
