"""Fixtures for the ``compcalc`` command: run it in-process and read both streams."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import cli


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


Invoke = Callable[..., Run]

#: The acme example of March 2027: ``calculate`` (or ``explain``) options.
ACME_INPUT = (
    "--scheme", "examples/acme.yaml", "--roster", "examples/acme-roster.csv",
    "--period", "2027-03",
)  # fmt: skip

#: A sales rep below the threshold (250 000 credited: 45 000 of pay) and a client rep whose
#: 2 500 000 of repeat revenue pays 85 000 + 37 500 = 122 500.
BELOW_THRESHOLD_ROSTER = (
    "id,department,role,new_revenue,repeat_revenue\nS-1,sales,rep,250000,\n"
    "C-1,clients,rep,,2500000\n"
)


def payroll(compcalc: Invoke, *args: str) -> dict[str, Any]:
    """The JSON payroll of the acme example (with ``args`` added), which must succeed."""
    run = compcalc("calculate", *ACME_INPUT, "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def slip(document: dict[str, Any], employee_id: str) -> dict[str, Any]:
    """The payslip of ``employee_id`` in a JSON payroll."""
    found: dict[str, Any] = next(s for s in document["payslips"] if s["employee_id"] == employee_id)
    return found


def write_file(tmp_path: Path, name: str, content: str | bytes) -> str:
    """``content`` (text as UTF-8, or bytes as they are) in ``tmp_path/name``; its path."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


@pytest.fixture
def compcalc(monkeypatch: pytest.MonkeyPatch, repo_root: Path) -> Invoke:
    """``compcalc(*args)`` runs the command from the repository root.

    An exception other than the command's own exit is a bug: it is raised, not hidden.
    """
    monkeypatch.chdir(repo_root)
    runner = CliRunner()

    def invoke(*args: str) -> Run:
        result = runner.invoke(cli, list(args))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def acme_text(repo_root: Path) -> str:
    return (repo_root / "examples" / "acme.yaml").read_text(encoding="utf-8")
