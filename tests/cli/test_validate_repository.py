"""``compcalc validate`` on a rules repository: every file checked as what it is.

Schemes, scheme test files, rosters and deals files are told apart by content and each is
checked by its own reader; any other YAML, JSON or CSV file is listed as skipped; the
repository's ``[tool.compcalc]`` or ``compcalc.toml`` and ``--exclude`` leave files out of
directory walks, never out of what is named on the command line.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke

ROSTER = "id,name,department,role,fte,new_revenue\nE-1,Анна,sales,rep,1,100000\n"
DEALS = "id,date,client_id,client_since,amount,refund_of,kind,credit\n"
DEALS += "D-1,2027-03-10,C-1,2027-03-01,1000.00,,,E-1\n"


def test_the_examples_directory_is_checked_file_by_file_as_what_each_is(
    compcalc: Invoke, repo_root: Path
) -> None:
    run = compcalc("validate", "examples/")

    assert run.exit_code == 0, run.stdout
    # pyproject.toml's [tool.compcalc] leaves the invalid examples out of the walk
    invalid = [
        p
        for p in (repo_root / "examples" / "invalid").rglob("*")
        if p.suffix in (".yaml", ".yml", ".json", ".csv")
    ]
    assert run.stdout == (
        "examples/small-company.yaml:46:15: warning BELOW_MINIMUM_WAGE: the sales.rep base "
        "25 000.00 is below the minimum wage 27 093.00 in force on 2026-01-01; a month with "
        "little variable pay is topped up to it (minimum_wage_topup) "
        "(at departments.sales.roles.rep.base)\n"
        "    hint: raise the base to the minimum wage, or accept the top-up in weak months\n"
        "policy: examples/compcalc-policy.yaml (sha256:f7470fd3f554), 3 schemes\n"
        "11 files, 0 errors, 1 warning: 3 schemes, 1 scheme test, 4 rosters, 2 deals files, "
        f"1 policy file; {len(invalid) + 2} excluded\n"  # and compcalc simulate's two inputs
    )
    kinds = {
        f["path"]: f["kind"]
        for f in json.loads(compcalc("validate", "examples/", "--format", "json").stdout)["files"]
    }
    assert kinds == {
        "examples/acme-deals.csv": "deals",
        "examples/acme-deals.json": "deals",
        "examples/acme-draws-roster.csv": "roster",
        "examples/acme-draws.yaml": "scheme",
        "examples/acme-roster.csv": "roster",
        "examples/acme-roster.json": "roster",
        "examples/acme.yaml": "scheme",
        "examples/compcalc-policy.yaml": "policy",
        "examples/small-company-roster.csv": "roster",
        "examples/small-company.yaml": "scheme",
        "examples/tests/acme.test.yaml": "scheme test",
    }


def test_a_directory_named_on_the_command_line_is_checked_though_excluded(
    compcalc: Invoke,
) -> None:
    run = compcalc("validate", "examples/invalid/")

    assert run.exit_code == 2  # five of them cannot be parsed
    # 37 schemes with one defect each (COMMISSION_ORDER's on two lines), and the policy file of
    # examples/invalid/policy-exception/, which is valid.
    assert run.stdout.splitlines()[-1] == (
        "38 files, 38 errors, 0 warnings (5 could not be read): 37 schemes, 1 policy file"
    )
    assert "examples/invalid/RATE_RANGE.yaml:91:37: error RATE_RANGE:" in run.stdout


@pytest.fixture
def repository(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A rules repository: a scheme, a test, a roster and deals, a draft to exclude, and
    files of other tools."""
    root = tmp_path / "rules"
    (root / "schemes").mkdir(parents=True)
    (root / "data").mkdir()
    shutil.copyfile(repo_root / "examples" / "acme.yaml", root / "schemes" / "acme.yaml")
    (root / "schemes" / "next.draft.yaml").write_text("key: next\ncurrency: XXX\n", "utf-8")
    (root / "data" / "roster.csv").write_text(ROSTER, "utf-8")
    (root / "data" / "deals.csv").write_text(DEALS, "utf-8")
    (root / "docker-compose.yml").write_text("services:\n  db:\n    image: postgres\n", "utf-8")
    (root / "notes.csv").write_text("when,what\n2027-03-01,kick-off\n", "utf-8")
    (root / "compcalc.toml").write_text('exclude = ["*.draft.yaml"]\n', "utf-8")
    monkeypatch.chdir(root)
    return root


def test_a_repository_walk_checks_each_kind_and_skips_other_files(
    compcalc: Invoke, repository: Path
) -> None:
    run = compcalc("validate", str(repository))  # from the repository's root (its config)

    assert run.exit_code == 0, run.stdout
    assert run.stdout.splitlines() == [
        f"{repository}/docker-compose.yml: skipped: not a scheme, scheme test, roster or "
        "deals file",
        f"{repository}/notes.csv: skipped: not a scheme, scheme test, roster or deals file",
        "5 files, 0 errors, 0 warnings: 1 scheme, 1 roster, 1 deals file; 2 skipped, 1 excluded",
    ]


def test_a_broken_roster_or_deals_file_in_a_walk_names_its_line(
    compcalc: Invoke, repository: Path
) -> None:
    (repository / "data" / "roster.csv").write_text(ROSTER + "E-2,Борис,sales,rep,lots,\n")
    (repository / "data" / "deals.csv").write_text(DEALS + "D-2,2027-03-11,C-1,,1e-400,,,E-1\n")

    run = compcalc("validate", str(repository / "data"))

    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"{repository}/data/deals.csv:3: error ")
    assert lines[-3].startswith(f"{repository}/data/roster.csv:3: error ")
    assert "fte" in lines[-3]
    assert lines[-2].startswith("    hint: ")
    assert lines[-1].endswith(": 1 roster, 1 deals file")


def test_exclude_on_the_command_line_and_a_skipped_kind_named_explicitly(
    compcalc: Invoke, repository: Path
) -> None:
    walk = compcalc("validate", str(repository), "--exclude", "data/", "--exclude", "*.yml")
    named = compcalc("validate", str(repository / "schemes" / "next.draft.yaml"))

    assert walk.exit_code == 0
    assert walk.stdout.splitlines()[-1] == (
        "2 files, 0 errors, 0 warnings: 1 scheme; 1 skipped, 4 excluded"
    )
    # Named, the excluded draft is checked, as a scheme.
    assert named.exit_code == 1
    assert "error UNKNOWN_CURRENCY" in named.stdout or "error MISSING_KEY" in named.stdout


def test_a_pyproject_table_configures_the_walk_and_a_bad_one_is_refused(
    compcalc: Invoke, repository: Path
) -> None:
    (repository / "compcalc.toml").unlink()
    (repository / "pyproject.toml").write_text(
        '[project]\nname = "rules"\n\n[tool.compcalc]\nexclude = ["schemes/"]\n', "utf-8"
    )
    walk = compcalc("validate", str(repository), "--format", "json")
    (repository / "pyproject.toml").write_text('[tool.compcalc]\nexclud = ["x"]\n', "utf-8")
    bad = compcalc("validate", str(repository))

    kinds = sorted(f["kind"] for f in json.loads(walk.stdout)["files"])
    assert kinds == ["deals", "roster", "skipped", "skipped"]
    assert bad.exit_code == 2
    assert bad.stderr.strip().endswith(
        "pyproject.toml: unknown setting(s) exclud; the settings are include and exclude"
    )


def test_skip_others_lists_a_named_file_of_no_kind_as_skipped(
    compcalc: Invoke, tmp_path: Path
) -> None:
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("services:\n  db:\n    image: postgres\n", "utf-8")
    checked = compcalc("validate", str(compose))
    assert checked.exit_code == 1  # named, it is checked as a scheme and is not one
    assert "MISSING_KEY" in checked.stdout

    run = compcalc("validate", "--skip-others", str(compose), "examples/acme.yaml")
    assert run.exit_code == 0, run.stdout
    assert f"{compose}: skipped: not a scheme" in run.stdout
    assert run.stdout.splitlines()[-1] == "2 files, 0 errors, 0 warnings: 1 scheme; 1 skipped"
