"""Which schemes the caller may see: the scheme limit of an API key (OWASP API1).

A key may be limited to scheme keys, given as exact keys or globs (``acme-sales``,
``acme-*``); a key without a limit reaches every scheme. The limit is checked where the
services look objects up: a scheme, its versions, a run, its payslips and exports, a period
found outside the reach is *not found*, with the same code and message as one that does not
exist, so a key learns nothing of schemes it does not reach; listings show only what it
reaches. The lookups read the reach of the current request from a context variable, set once
per request by the API's key check (:func:`enter`), so that no operation can forget it; the
command line, which acts for the operator, reaches everything.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Final

__all__ = ["EVERYWHERE", "MAX_PATTERNS", "PATTERN", "Reach", "current", "enter"]

#: A scheme-key pattern: the scheme-key alphabet, with ``*`` for any run of characters.
PATTERN: Final = r"^[a-z0-9*][a-z0-9._*-]{0,63}$"
_PATTERN: Final = re.compile(PATTERN)
MAX_PATTERNS: Final = 20


@dataclass(frozen=True, slots=True)
class Reach:
    """The scheme keys a caller reaches: ``patterns`` (globs), or every key when None."""

    patterns: tuple[str, ...] | None = None

    def covers(self, scheme_key: str) -> bool:
        if self.patterns is None:
            return True
        return any(fnmatchcase(scheme_key, pattern) for pattern in self.patterns)

    @staticmethod
    def valid(pattern: str) -> bool:
        return _PATTERN.fullmatch(pattern) is not None


EVERYWHERE: Final = Reach()
_CURRENT: ContextVar[Reach] = ContextVar("compcalc_reach", default=EVERYWHERE)


def current() -> Reach:
    """The reach of the request being served (everything outside a request)."""
    return _CURRENT.get()


def enter(reach: Reach) -> None:
    """Serve the rest of the current request (its task and the threads it hands work to)
    with ``reach``."""
    _CURRENT.set(reach)
