"""The recipes of docs/ci.md, action.yml and ci/compcalc.gitlab-ci.yml, taken apart and run.

The convention docs/ci.md states: in ``sh`` blocks every line starting with ``compcalc `` is
a command; in ``yaml`` blocks every ``run:`` of a GitHub step and every ``script:`` /
``before_script:`` line of a GitLab job that starts with ``compcalc `` is one. Install lines
(``… pip install …``) are checked for their form, never run. Commands run with bash in a
workspace whose ``rules/`` is a copy of the good examples.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app import __version__

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "ci.md"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
#: The one way docs/ci.md installs compcalc: pip from the git repository at this release.
INSTALL = re.compile(
    r'^python -m pip install (--quiet )?"git\+https://github\.com/<owner>/compcalc@v'
    + re.escape(__version__)
    + r'"$'
)


def blocks(language: str) -> list[str]:
    return [body for lang, body in _FENCE.findall(DOC.read_text("utf-8")) if lang == language]


def yaml_blocks() -> list[Any]:
    return [yaml.safe_load(body) for body in blocks("yaml")]


def _scripts(node: Any) -> Iterator[str]:
    """Every ``run:`` string and ``script:`` / ``before_script:`` line under ``node``."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                yield value.strip()
            elif key in {"script", "before_script"} and isinstance(value, list):
                yield from (str(line).strip() for line in value)
            else:
                yield from _scripts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _scripts(item)


def sh_lines() -> list[str]:
    return [line.strip() for body in blocks("sh") for line in body.splitlines() if line.strip()]


def commands() -> list[str]:
    """Every documented ``compcalc`` command, in page order (sh blocks, then yaml blocks)."""
    found = [line for line in sh_lines() if line.startswith("compcalc ")]
    found += [s for doc in yaml_blocks() for s in _scripts(doc) if s.startswith("compcalc ")]
    return found


def install_lines() -> list[str]:
    lines = [line for line in sh_lines() if "pip install" in line]
    lines += [s for doc in yaml_blocks() for s in _scripts(doc) if "pip install" in s]
    return lines


def workspace(root: Path) -> Path:
    """``root`` holding ``rules/``: the good examples (examples/ without examples/invalid/, and
    without small-company*, whose base is below the minimum wage on purpose: a warning)."""
    ignore = shutil.ignore_patterns("invalid", "small-company*")
    shutil.copytree(ROOT / "examples", root / "rules", ignore=ignore)
    return root


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


def bash(script: str, cwd: Path, env: Mapping[str, str] | None = None) -> Ran:
    """``script`` as a CI runner runs it (bash, errexit, pipefail), compcalc on the PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    base = {k: v for k, v in os.environ.items() if not k.startswith("COMPCALC_")}
    environment = {**base, "PATH": path, **(env or {})}
    command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True)
    return Ran(done.returncode, done.stdout, done.stderr)


# --- GitHub composite action ------------------------------------------------------------------

_INPUT = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")
_TERM = re.compile(r"^inputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'$")


def substitute(text: str, inputs: Mapping[str, str]) -> str:
    return _INPUT.sub(lambda match: inputs[match.group(1)], text)


def condition(text: str | None, inputs: Mapping[str, str], failed: bool) -> bool:
    """A step's ``if:`` as GitHub reads the ones action.yml uses; none: ``success()``."""
    if text is None:
        return not failed
    expression = text.strip().removeprefix("${{").removesuffix("}}").strip()
    result = True
    for term in (part.strip() for part in expression.split("&&")):
        if term == "!cancelled()":
            continue
        match = _TERM.match(term)
        assert match is not None, f"action.yml: a condition the test cannot read: {term!r}"
        name, operator, literal = match.groups()
        result &= (inputs[name] == literal) is (operator == "==")
    return result


@dataclass(frozen=True)
class StepRun:
    name: str
    ran: Ran | None  # None: not run (a `uses:` step, or its condition was false)
    uses: str | None = None
    with_: Mapping[str, str] | None = None


def run_action(given: Mapping[str, str], cwd: Path) -> list[StepRun]:
    """The steps of action.yml with the inputs ``given`` (defaults for the rest)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    assert set(given) <= set(action["inputs"]), sorted(set(given) - set(action["inputs"]))
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update(given)
    assert action["runs"]["using"] == "composite"
    failed, results = False, []
    for step in action["runs"]["steps"]:
        name = step.get("name") or step.get("uses")
        if not condition(step.get("if"), inputs, failed):
            results.append(StepRun(name, None))
            continue
        if "uses" in step:
            arguments = {k: substitute(str(v), inputs) for k, v in step.get("with", {}).items()}
            results.append(StepRun(name, None, step["uses"], arguments))
            continue
        assert step["shell"] == "bash", name
        if "pip install" in step["run"]:
            assert step["run"].strip() == 'python -m pip install "${{ github.action_path }}"'
            results.append(StepRun(name, None))
            continue
        assert "${{" not in step["run"], f"{name}: inputs reach the script through env"
        env = {k: substitute(str(v), inputs) for k, v in step.get("env", {}).items()}
        ran = bash(step["run"], cwd, env)
        failed |= ran.code != 0
        results.append(StepRun(name, ran))
    return results


# --- GitLab template --------------------------------------------------------------------------


def gitlab_template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (ROOT / "ci" / "compcalc.gitlab-ci.yml").read_text("utf-8")
    )
    return loaded


def run_gitlab_job(variables: Mapping[str, str], cwd: Path) -> Ran:
    """The template's job with ``variables`` over its own: before_script and script in one
    shell, as the runner runs them (the install line checked, not run)."""
    job = gitlab_template()[".compcalc-validate"]
    assert set(variables) <= set(job["variables"]), sorted(set(variables) - set(job["variables"]))
    merged = {k: str(v) for k, v in job["variables"].items()} | dict(variables)
    lines = [str(line) for line in job["before_script"] + job["script"]]
    install = [line for line in lines if "pip install" in line]
    assert install == ['python -m pip install --quiet "$COMPCALC_PIP_SPEC"'], install
    return bash("\n".join(line for line in lines if line not in install), cwd, merged)
