"""Pausing the cyclic garbage collector while one large payroll is decoded and computed.

A 100k-employee request allocates millions of small objects that all stay alive until the
response is written; CPython's collector keeps traversing them, which measured a third of
the time the HTTP shell adds (docs/benchmarks.md, "HTTP"). Reference counting still frees
everything as usual; only the search for reference cycles waits until the request ends.
Small requests never pause it. Process-wide, so concurrent requests share one pause.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

__all__ = ["LARGE_BODY", "paused_for", "release"]

#: Bodies from this size on (about 8 000 employees) pause the collector.
LARGE_BODY: Final = 1024 * 1024

_lock = threading.Lock()
_holders = 0
_paused_by_us = False


@contextmanager
def paused_for(size: int) -> Iterator[None]:
    """Pause cyclic collection while the block runs, when ``size`` bytes are large."""
    global _holders, _paused_by_us
    if size < LARGE_BODY:
        yield
        return
    with _lock:
        if _holders == 0 and gc.isenabled():
            gc.disable()
            _paused_by_us = True
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _paused_by_us:
                _paused_by_us = False
                gc.enable()


#: Items freed at a time by :func:`release`: about a millisecond of work.
_RELEASED: Final = 5_000


def release(*lists: object) -> None:
    """Empty the lists among ``lists`` a chunk at a time (anything else is left alone).

    Freeing the last reference to a list of 100 000 employees frees them all in one step of
    the interpreter, which lets no other thread (``/healthz``) run for tens of milliseconds;
    a request's three such lists (decoded, validated, the engine's) took over 100 ms. Emptied
    a chunk at a time, other threads run between the chunks."""
    for items in lists:
        if isinstance(items, list):
            while items:
                del items[-_RELEASED:]
