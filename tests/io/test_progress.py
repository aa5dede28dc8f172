"""The progress bar's decision (only a person at a terminal, only a large roster) and its
steps."""

from __future__ import annotations

import io

from rich.console import Console

from app.io.output.progress import MIN_ROWS, NO_PROGRESS, StepsGate, progress_wanted


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Closed(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


def test_only_a_terminal_and_only_more_than_min_rows() -> None:
    assert MIN_ROWS == 10_000
    assert progress_wanted(10_001, Terminal())
    assert not progress_wanted(10_000, Terminal())
    assert not progress_wanted(10_001, io.StringIO())  # a pipe or a file
    assert not progress_wanted(10_001, Closed())
    assert not progress_wanted(10**9, io.StringIO())


def console_on(stream: io.StringIO) -> Console:
    return Console(file=stream, force_terminal=True, width=100)


def shown(gate: StepsGate) -> bool:
    return gate.shown


def test_gate_draws_a_bar_for_a_large_roster_on_a_terminal() -> None:
    screen = Terminal()

    with StepsGate(screen, console=lambda: console_on(screen)) as gate:
        gate.step("Calculating")  # no count: does not decide
        assert not shown(gate)
        update = gate.step("Reading roster.csv", 20_000)
        assert shown(gate)
        update(5_000)
        gate.step("Writing")

    assert not gate.shown
    assert "Reading roster.csv" in screen.getvalue()


def test_gate_stays_silent_for_a_small_roster_or_a_pipe() -> None:
    for stream, rows in ((Terminal(), 10_000), (io.StringIO(), 50_000)):
        with StepsGate(stream) as gate:
            update = gate.step("Reading roster.csv", rows)
            update(rows)
            gate.step("Calculating", 1_000_000)  # the first count decided
            assert not gate.shown
        assert stream.getvalue() == ""


def test_no_progress_ignores_everything() -> None:
    NO_PROGRESS.step("anything", 5)(3)
