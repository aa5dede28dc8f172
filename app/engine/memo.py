"""Values derived from a scheme alone, computed once per scheme object.

A :class:`~app.engine.scheme.Scheme` is immutable, so its content hash and the findings
of its checks never change; a service that calculates many payrolls with the same scheme
object should not pay for them on every call.  Entries are keyed by the object's id and
dropped when the object is collected (before its id can be reused).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["memo"]

T = TypeVar("T")

_VALUES: dict[tuple[int, str], Any] = {}
_LOCK = threading.Lock()


def memo(owner: object, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` the first time for ``(owner, name)``, the same value after that."""
    key = (id(owner), name)
    with _LOCK:
        if key in _VALUES:
            value: T = _VALUES[key]
            return value
    value = compute()
    with _LOCK:
        if key not in _VALUES:
            _VALUES[key] = value
            weakref.finalize(owner, _VALUES.pop, key, None)
        value = _VALUES[key]
    return value
