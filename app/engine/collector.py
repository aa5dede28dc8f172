"""Pausing the cyclic garbage collector while the engine builds large results."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block; restore it whatever happens.

    A payroll allocates a few objects per employee (and crediting a few per deal part) and
    creates no reference cycles, yet every allocation counts towards a collection, and for
    100 000 employees or a million deals the collector's repeated passes over the growing
    result took a fifth to a third of the time.  Reference counting still frees everything
    as usual: nothing is freed later than it would have been, as no cycles are made here.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
