"""Static checks of the container recipe.

No Docker engine is available in development or CI, so the image is never built here; these
tests pin down the properties that matter for production (pinned installs, non-root, health
probe, migrations before serving) by reading the Dockerfile and the entrypoint script.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def args_of(self, keyword: str) -> list[str]:
        return [i.args for i in self.instructions if i.keyword == keyword]


def parse_dockerfile(text: str) -> list[Stage]:
    """Split a Dockerfile into stages of (KEYWORD, arguments), joining continuation lines."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # comments may sit between continuation lines
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)

    stages: list[Stage] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            words = args.split()
            words = [w for w in words if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        elif stages:
            stages[-1].instructions.append(Instruction(keyword, args))
    return stages


@pytest.fixture
def stages(repo_root: Path) -> list[Stage]:
    return parse_dockerfile((repo_root / "Dockerfile").read_text(encoding="utf-8"))


@pytest.fixture
def final(stages: list[Stage]) -> Stage:
    return stages[-1]


def test_parser_joins_continuations_and_names_stages() -> None:
    parsed = parse_dockerfile(
        "# comment\nFROM python:3.11-slim AS build\nRUN a \\\n    # note\n    && b\n"
        "FROM --platform=linux/amd64 python:3.11-slim\nUSER app\n"
    )

    assert [(s.base, s.name) for s in parsed] == [
        ("python:3.11-slim", "build"),
        ("python:3.11-slim", None),
    ]
    assert parsed[0].args_of("RUN") == ["a && b"]
    assert parsed[1].args_of("USER") == ["app"]


def test_image_is_multi_stage_on_python_311_slim(stages: list[Stage]) -> None:
    assert len(stages) >= 2
    assert all(stage.base == "python:3.11-slim" for stage in stages)


def test_dependencies_install_from_the_lock_then_the_project_without_deps(
    stages: list[Stage],
) -> None:
    runs = [run for stage in stages[:-1] for run in stage.args_of("RUN")]
    lock_installs = [i for i, run in enumerate(runs) if "-r requirements.lock" in run]
    project_installs = [i for i, run in enumerate(runs) if re.search(r"--no-deps \.(\s|$)", run)]

    assert lock_installs, "no `pip install -r requirements.lock` in the build stages"
    assert project_installs, "no `pip install --no-deps .` in the build stages"
    assert lock_installs[0] < project_installs[0]
    copies = [c for stage in stages[:-1] for c in stage.args_of("COPY")]
    assert any("requirements.lock" in c for c in copies)


def test_final_stage_copies_the_venv_from_the_builder(stages: list[Stage], final: Stage) -> None:
    builder_names = {stage.name for stage in stages[:-1]}

    copies = final.args_of("COPY")
    assert any(
        c.startswith("--from=") and c.split()[0].removeprefix("--from=") in builder_names
        for c in copies
    )
    assert not final.args_of("RUN") or all("pip install" not in run for run in final.args_of("RUN"))


def test_final_stage_runs_as_a_non_root_user(final: Stage) -> None:
    users = final.args_of("USER")

    assert users, "the final stage has no USER instruction"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_healthcheck_probes_healthz_without_curl(final: Stage) -> None:
    checks = final.args_of("HEALTHCHECK")

    assert len(checks) == 1
    assert "/healthz" in checks[0]
    assert "urllib" in checks[0]
    assert "curl" not in checks[0]
    assert ":8000/" in checks[0]


def test_port_8000_is_exposed(final: Stage) -> None:
    assert "8000" in " ".join(final.args_of("EXPOSE")).split()


def _entrypoint_script(repo_root: Path, final: Stage) -> Path:
    (entrypoint,) = final.args_of("ENTRYPOINT")
    command = json.loads(entrypoint)
    assert isinstance(command, list), "use the exec (JSON) form so signals reach the server"
    image_name = Path(command[0]).name
    for copy in final.args_of("COPY"):
        *sources, destination = shlex.split(copy)
        if Path(destination).name == image_name or destination.endswith("/"):
            for source in sources:
                if Path(source).name == image_name:
                    return repo_root / source
    raise AssertionError(f"{image_name} is not copied into the final stage")


def test_entrypoint_script_exists_and_is_executable(repo_root: Path, final: Stage) -> None:
    script = _entrypoint_script(repo_root, final)

    assert script.is_file()
    assert os.access(script, os.X_OK), f"{script} must be executable (chmod +x)"
    assert script.read_text(encoding="utf-8").startswith("#!/bin/sh\n")


def test_entrypoint_migrates_before_serving(repo_root: Path, final: Stage) -> None:
    lines = [
        line.strip()
        for line in _entrypoint_script(repo_root, final).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    migrate = next(i for i, line in enumerate(lines) if line == "alembic upgrade head")
    serve = next(i for i, line in enumerate(lines) if line.startswith("exec compcalc serve"))

    assert migrate < serve
    assert "set -eu" in lines  # a failed migration must stop the container
    server = " ".join(line.rstrip("\\").strip() for line in lines[serve:])
    assert "--host 0.0.0.0 --port 8000" in server
    assert '--workers "${COMPCALC_WORKERS:-1}"' in server


def test_migrations_are_shipped_in_the_image(final: Stage) -> None:
    copied = " ".join(final.args_of("COPY"))

    assert "alembic.ini" in copied
    assert "migrations" in copied


def test_final_stage_has_what_the_pdf_documents_need(final: Stage) -> None:
    # WeasyPrint loads Pango with dlopen at runtime; the payslips are Russian text.
    installs = " ".join(run for run in final.args_of("RUN") if "apt-get install" in run)

    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in installs.split(), package
    assert "--no-install-recommends" in installs and "rm -rf /var/lib/apt/lists/*" in installs
