"""Fixtures for the ``compcalc`` command: run it in-process and read both streams."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


Invoke = Callable[..., Run]


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
