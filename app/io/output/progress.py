"""A progress bar on stderr for long runs, shown only to a person at a terminal.

``compcalc calculate`` reads, calculates and writes in steps.  The first step that knows
how many rows it has (reading the roster) decides: a bar is drawn when stderr is a
terminal and the roster has more than :data:`MIN_ROWS` rows; otherwise nothing is ever
written, so a piped or scheduled run's stderr holds only its messages.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Final, Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["MIN_ROWS", "NO_PROGRESS", "Steps", "StepsGate", "Update", "progress_wanted"]

#: Rosters up to this many rows finish before a bar would be worth drawing.
MIN_ROWS: Final = 10_000

#: ``update(completed)``: how many of the step's items are done.
Update = Callable[[int], None]


def _ignore(completed: int) -> None:
    del completed


class Steps(Protocol):
    """Where a long run reports its steps."""

    def step(self, description: str, total: int | None = None) -> Update:
        """Begin a step of ``total`` items (None: unknown, the bar pulses)."""
        ...


class _NoProgress:
    def step(self, description: str, total: int | None = None) -> Update:
        del description, total
        return _ignore


NO_PROGRESS: Final[Steps] = _NoProgress()


def progress_wanted(rows: int, stream: TextIO, min_rows: int = MIN_ROWS) -> bool:
    """Draw a bar for more than ``min_rows`` rows, and only when ``stream`` is a terminal."""
    if rows <= min_rows:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class StepsGate:
    """Steps that draw a rich bar on ``stream`` once the first counted step allows it.

    Use as a context manager; the bar is transient (it disappears when the run ends) and
    messages printed while it runs appear above it.
    """

    def __init__(
        self,
        stream: TextIO,
        min_rows: int = MIN_ROWS,
        console: Callable[[], Console] | None = None,
    ) -> None:
        self._stream = stream
        self._min_rows = min_rows
        self._console = console or (lambda: Console(file=stream))
        self._decided = False
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    @property
    def shown(self) -> bool:
        return self._bar is not None

    def step(self, description: str, total: int | None = None) -> Update:
        if not self._decided and total is not None:
            self._decided = True
            if progress_wanted(total, self._stream, self._min_rows):
                self._start()
        bar = self._bar
        if bar is None:
            return _ignore
        if self._task is not None:
            bar.update(self._task, visible=False)
        task = bar.add_task(description, total=total)
        self._task = task

        def update(completed: int) -> None:
            bar.update(task, completed=completed)

        return update

    def _start(self) -> None:
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console(),
            transient=True,
        )
        self._bar.start()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> StepsGate:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
