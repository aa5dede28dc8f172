"""docs/ci.md, action.yml and the GitLab template: every documented command runs on examples/."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from app import __version__
from tests.ci.recipes import (
    INSTALL,
    ROOT,
    bash,
    commands,
    gitlab_template,
    install_lines,
    run_action,
    run_gitlab_job,
    workspace,
    yaml_blocks,
)
from tests.support.pushservice import push_service

SCHEMES = ("acme-sales", "acme-sales-draws")


def good(root: Path) -> str:
    """The summary of a validation of every file under ``rules/``, all found good."""
    files = sum(1 for path in (root / "rules").rglob("*") if path.is_file())
    return f"{files} files, 0 errors, 0 warnings: "


def _needs_service(command: str) -> bool:
    return command.startswith(("compcalc push ", "compcalc keys "))


def _recipe(predicate: Any) -> dict[str, Any]:
    found = [doc for doc in yaml_blocks() if predicate(doc)]
    assert len(found) == 1, found
    recipe: dict[str, Any] = found[0]
    return recipe


def _with_bad_scheme(root: Path) -> Path:
    shutil.copyfile(ROOT / "examples" / "invalid" / "BASE_GAP.yaml", root / "rules" / "bad.yaml")
    return root


def test_the_page_documents_each_way() -> None:
    found = commands()
    for expected in (
        "compcalc validate rules/",
        "compcalc test --junit-xml compcalc-tests.xml rules/tests/",
        "compcalc validate --format github rules/",
        "compcalc push rules/acme.yaml --publish || test $? -eq 3",
        "compcalc keys create --name ci --scope schemes:write --scope schemes:publish",
    ):
        assert expected in found
    assert len(install_lines()) == 4


def test_every_install_line_has_the_documented_form() -> None:
    for line in install_lines():
        assert INSTALL.match(line), line


def test_every_documented_command_runs_on_the_examples(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    local = [c for c in commands() if not _needs_service(c)]
    assert len(local) >= 6
    for command in local:
        ran = bash(command, root)
        assert ran.code == 0, (command, ran.stdout, ran.stderr)
        if command.startswith("compcalc validate"):
            assert good(root) in ran.stdout + ran.stderr, command
    report = json.loads((root / "compcalc.sarif").read_text("utf-8"))
    assert report["version"] == "2.1.0" and report["runs"][0]["results"] == []
    assert 'tests="18" failures="0"' in (root / "compcalc-tests.xml").read_text("utf-8")


def test_the_precommit_recipe_names_the_hooks() -> None:
    recipe = _recipe(lambda doc: "repos" in doc)
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (repo,) = recipe["repos"]
    assert repo["repo"] == "https://github.com/<owner>/compcalc"
    assert repo["rev"] == f"v{__version__}"
    assert [hook["id"] for hook in repo["hooks"]] == [hook["id"] for hook in manifest]
    validate, tests = repo["hooks"]
    assert re.search(validate["files"], "rules/acme.yaml")
    assert not re.search(validate["files"], "docker-compose.yml")
    assert tests["args"] == ["rules/tests/"]


def _action_recipe() -> dict[str, str]:
    workflow = _recipe(lambda doc: "permissions" in doc.get("jobs", {}).get("compcalc", {}))
    steps = workflow["jobs"]["compcalc"]["steps"]
    (step,) = [s for s in steps if s.get("uses", "").startswith("<owner>/compcalc@")]
    assert step["uses"] == f"<owner>/compcalc@v{__version__}"
    given: dict[str, str] = step["with"]
    return given


def test_the_action_runs_as_documented(tmp_path: Path) -> None:
    root = workspace(tmp_path)

    steps = {step.name: step for step in run_action(_action_recipe(), root)}

    validate = steps["compcalc validate"].ran
    assert validate is not None and (validate.code, validate.stdout) == (0, "")
    assert validate.stderr.startswith(good(root))
    tests = steps["compcalc test"].ran
    assert tests is not None and tests.code == 0
    assert tests.stdout.endswith("18 passed, 0 failed\n")
    assert 'tests="18" failures="0"' in (root / "compcalc-tests.xml").read_text("utf-8")
    sarif = steps["compcalc validate --format sarif"].ran
    assert sarif is not None and sarif.code == 0
    assert json.loads((root / "compcalc.sarif").read_text("utf-8"))["runs"][0]["results"] == []
    upload = steps["Upload SARIF"]
    assert upload.uses == "github/codeql-action/upload-sarif@v3"
    assert upload.with_ == {"sarif_file": "compcalc.sarif", "category": "compcalc"}


def test_the_action_reports_a_broken_scheme(tmp_path: Path) -> None:
    root = _with_bad_scheme(workspace(tmp_path))

    steps = {step.name: step for step in run_action(_action_recipe(), root)}

    validate = steps["compcalc validate"].ran
    assert validate is not None and validate.code == 1
    assert validate.stdout.startswith(
        "::error file=rules/bad.yaml,line=54,col=15,title=BASE_GAP::the sales.rep base"
    )
    tests = steps["compcalc test"].ran  # still run: `!cancelled()`
    assert tests is not None and tests.code == 0
    sarif = steps["compcalc validate --format sarif"].ran
    assert sarif is not None and sarif.code == 0
    (result,) = json.loads((root / "compcalc.sarif").read_text("utf-8"))["runs"][0]["results"]
    assert result["ruleId"] == "BASE_GAP"
    assert steps["Upload SARIF"].uses is not None  # uploaded although validate failed


def test_the_action_without_tests_or_sarif(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    steps = {step.name: step for step in run_action({"paths": "rules/acme.yaml"}, root)}
    validate = steps["compcalc validate"].ran
    assert validate is not None and validate.code == 0
    assert validate.stderr == "1 file, 0 errors, 0 warnings\n"
    assert steps["compcalc test"].ran is None and steps["Upload SARIF"].uses is None
    assert not (root / "compcalc.sarif").exists()


def _gitlab_recipe() -> dict[str, str]:
    recipe = _recipe(lambda doc: "include" in doc)
    (include,) = recipe["include"]
    assert include["remote"].endswith("/ci/compcalc.gitlab-ci.yml")
    assert f"/v{__version__}/" in include["remote"]
    job = recipe["compcalc"]
    assert job["extends"] == ".compcalc-validate"
    assert INSTALL.match(f'python -m pip install "{job["variables"]["COMPCALC_PIP_SPEC"]}"')
    variables: dict[str, str] = job["variables"]
    return variables


def test_the_gitlab_template_runs_as_documented(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    assert list(gitlab_template()) == [".compcalc-validate"]
    job = gitlab_template()[".compcalc-validate"]
    assert job["artifacts"] == {"when": "always", "reports": {"junit": "compcalc-tests.xml"}}

    ran = run_gitlab_job(_gitlab_recipe(), root)

    assert ran.code == 0, ran.stderr
    assert ran.stdout.startswith("compcalc 0.1.0 (engine ")
    assert good(root) in ran.stdout and ran.stdout.endswith("18 passed, 0 failed\n")
    assert 'tests="18" failures="0"' in (root / "compcalc-tests.xml").read_text("utf-8")


def test_the_gitlab_job_fails_on_a_broken_scheme_and_still_tests(tmp_path: Path) -> None:
    root = _with_bad_scheme(workspace(tmp_path))
    ran = run_gitlab_job(_gitlab_recipe(), root)
    assert ran.code == 1
    assert "rules/bad.yaml:54:15: error BASE_GAP:" in ran.stdout
    assert ran.stdout.endswith("18 passed, 0 failed\n")

    unset = run_gitlab_job({**_gitlab_recipe(), "COMPCALC_PIP_SPEC": ""}, root)
    assert unset.code == 2
    assert (
        unset.stdout
        == "set COMPCALC_PIP_SPEC to the compcalc to install, e.g. git+https://…/compcalc.git@<tag>\n"
    )


@pytest.mark.slow
def test_the_push_recipes_run_against_a_service(tmp_path: Path, sqlite_template: Path) -> None:
    root = workspace(tmp_path / "work")
    (tmp_path / "service").mkdir()
    documented = [c for c in commands() if _needs_service(c)]
    keys = [c for c in documented if c.startswith("compcalc keys ")]
    pushes = [c for c in documented if c.startswith("compcalc push ")]
    assert len(keys) == 1 and len(pushes) == 4
    with push_service(tmp_path / "service", sqlite_template) as service:
        made = bash(keys[0], root, {"COMPCALC_DATABASE_URL": service.database_url})
        assert made.code == 0, made.stderr
        env = {"COMPCALC_API_URL": service.base, "COMPCALC_API_KEY": made.stdout.strip()}
        outputs = []
        for _ in range(2):  # a second run of a merge's job finds nothing to do
            for command in pushes:
                ran = bash(command, root, env)
                assert ran.code == 0, (command, ran.stdout, ran.stderr)
                outputs.append(ran.stdout)
        with service.client() as client:
            states = [client.get(f"/v1/schemes/{k}").json() for k in SCHEMES]
    assert outputs[0] == (
        "acme-sales: stored rules/acme.yaml as draft version 1\nacme-sales: published version 1\n"
    )
    assert outputs[-1] == (
        "acme-sales: rules/acme.yaml is identical to published version 1, nothing to do\n"
    )
    for state in states:
        assert [(v["version"], v["status"]) for v in state["history"]] == [(1, "published")]
