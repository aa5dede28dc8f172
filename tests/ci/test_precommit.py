""".pre-commit-hooks.yaml run by the real pre-commit (``pre-commit try-repo``) on a rules repo.

pre-commit builds a virtualenv and pip-installs compcalc into it from a git repository: a
snapshot of this checkout (its tracked files and the new ones git does not ignore, as they
are now) committed into a temporary repository. The rules repository is another temporary
repository holding copies of examples/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "compcalc tests", "GIT_AUTHOR_EMAIL": "tests@compcalc.invalid",
    "GIT_COMMITTER_NAME": "compcalc tests", "GIT_COMMITTER_EMAIL": "tests@compcalc.invalid",
}  # fmt: skip


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _commit_all(repo: Path) -> None:
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--no-verify", "--message", "files")


def _snapshot(target: Path) -> Path:
    """This checkout's files, as they are, committed into a new repository at ``target``."""
    listed = _git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, "init", "--quiet")
    _commit_all(target)
    return target


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _snapshot(tmp_path_factory.mktemp("compcalc-hooks"))


def _rules_repo(root: Path) -> Path:
    """The good examples under rules/, and files of other tools the hooks must leave alone."""
    # small-company*: its base is below the minimum wage on purpose (a warning)
    ignore = shutil.ignore_patterns("invalid", "small-company*")
    shutil.copytree(ROOT / "examples", root / "rules", ignore=ignore)
    (root / ".pre-commit-config.yaml").write_text("repos: []\n", "utf-8")
    (root / ".gitlab-ci.yml").write_text("include: []\n", "utf-8")
    (root / "docker-compose.yml").write_text("services:\n  db:\n    image: postgres\n", "utf-8")
    _git(root, "init", "--quiet")
    _commit_all(root)
    return root


def _try_repo(hooks: Path, rules: Path, home: Path) -> tuple[int, str]:
    """Every hook of ``hooks`` on every file of ``rules``: pre-commit's exit code and output."""
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "--all-files",
               "--verbose", "--color", "never"]  # fmt: skip
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(command, cwd=rules, env=env, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def test_the_manifest_declares_both_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    assert sorted(by_id) == ["compcalc-test", "compcalc-validate"]
    # Every changed YAML/JSON/CSV file is named: a file of another tool is skipped, not an error.
    assert by_id["compcalc-validate"]["entry"] == "compcalc validate --skip-others"
    assert by_id["compcalc-test"]["entry"] == "compcalc test"
    assert by_id["compcalc-test"]["pass_filenames"] is False
    assert {hook["language"] for hook in hooks} == {"python"}


def test_good_rules_pass(hooks_repo: Path, tmp_path: Path) -> None:
    rules = _rules_repo(tmp_path / "rules-repo")

    code, output = _try_repo(hooks_repo, rules, tmp_path / "home")

    assert code == 0, output
    assert "compcalc validate" in output and "compcalc test" in output
    assert output.count("Passed") == 2, output
    # Every compcalc file was checked; .pre-commit-config.yaml and .gitlab-ci.yml were not
    # named, docker-compose.yml was and is skipped.
    files = sum(1 for path in (rules / "rules").rglob("*") if path.is_file())
    assert f"\n{files + 1} files, 0 errors, 0 warnings: " in output
    assert "docker-compose.yml: skipped: not a scheme" in output
    # The examples' simulation population and its history are files of no kind, too.
    assert "acme-population.yaml: skipped: not a scheme" in output
    assert "; 3 skipped" in output
    assert "18 passed, 0 failed" in output


def test_a_broken_scheme_and_a_failing_case_fail_with_their_findings(
    hooks_repo: Path, tmp_path: Path
) -> None:
    rules = _rules_repo(tmp_path / "rules-repo")
    shutil.copyfile(ROOT / "examples" / "invalid" / "BASE_GAP.yaml", rules / "rules" / "bad.yaml")
    cases = rules / "rules" / "tests" / "acme.test.yaml"
    text = cases.read_text("utf-8")
    assert text.count('gross: "194000.00"') >= 1
    cases.write_text(text.replace('gross: "194000.00"', 'gross: "195000.00"', 1), "utf-8")
    _commit_all(rules)

    code, output = _try_repo(hooks_repo, rules, tmp_path / "home")

    assert code == 1, output
    assert output.count("Failed") == 2, output
    assert "rules/bad.yaml:54:15: error BASE_GAP: the sales.rep base 60 000.00" in output
    files = sum(1 for path in (rules / "rules").rglob("*") if path.is_file())
    assert f"\n{files + 1} files, 1 error, 0 warnings" in output
    failed = "rules/tests/acme.test.yaml::rep above quota earns the accelerator and the 120% bonus"
    assert f"{failed} FAILED" in output
    assert "17 passed, 1 failed" in output
