"""``calculate`` draws a progress bar on stderr only on a terminal and only for rosters of
more than 10 000 rows; piped, its stderr holds nothing but messages."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from app.io.output.progress import StepsGate
from tests.cli.conftest import Invoke

ROWS = 10_001


@pytest.fixture(scope="module")
def large_roster(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("large") / "roster.csv"
    lines = ["id,department,role,new_revenue,repeat_revenue"]
    lines += [f"E-{i},sales,rep,{300000 + i}," for i in range(ROWS - 1)]
    lines.append("C-1,clients,rep,,2500000")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def args(roster: str) -> list[str]:
    return [
        "calculate", "--scheme", "examples/acme.yaml", "--roster", roster,
        "--period", "2027-03", "--format", "csv",
    ]  # fmt: skip


def test_piped_run_prints_no_progress(large_roster: str, repo_root: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", *args(large_roster)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0
    assert done.stdout.count("\n") > 3 * ROWS
    # Only the findings: the structure advice and who earned less than the client rep.
    assert [line.split(" ", 2)[1:2] for line in done.stderr.splitlines()] == [
        ["warning"],
        ["warning"],
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_steps(
    compcalc: Invoke, large_roster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = Terminal()
    gates: list[StepsGate] = []

    def gate(stream: object) -> StepsGate:
        del stream
        gates.append(StepsGate(screen, console=lambda: Console(file=screen, force_terminal=True)))
        return gates[-1]

    monkeypatch.setattr("app.cli.payroll.StepsGate", gate)

    run = compcalc(*args(large_roster))

    assert run.exit_code == 0
    drawn = screen.getvalue()
    for step in ("Reading", "Calculating 10,001 payslips", "Writing 10,001 payslips"):
        assert step in drawn
    assert "Calculating" not in run.stderr  # the bar is not in the messages


def test_small_roster_on_a_terminal_gets_no_bar(
    compcalc: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = Terminal()
    monkeypatch.setattr(
        "app.cli.payroll.StepsGate",
        lambda stream: StepsGate(screen, console=lambda: Console(file=screen)),
    )

    run = compcalc(*args("examples/acme-roster.csv"))

    assert run.exit_code == 0
    assert screen.getvalue() == ""
