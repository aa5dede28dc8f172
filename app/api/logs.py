"""What the access log may show of a URL: never a credential.

A client that sends its key in the query (``?api_key=cck_…``) is refused (401: keys go in the
``Authorization`` header only), but the server's access log would still write the URL as
received. :class:`RedactCredentials` rewrites the logged path first: the value of every query
parameter whose name says it holds a secret, and any value that looks like one of our keys,
becomes ``[redacted]``.
"""

from __future__ import annotations

import logging
import re
from typing import Final
from urllib.parse import parse_qsl, quote, urlsplit

__all__ = ["ACCESS_LOGGER", "RedactCredentials", "install", "redact"]

ACCESS_LOGGER: Final = "uvicorn.access"
_SECRET_NAMES: Final = re.compile(
    r"(api[_-]?key|key|token|access[_-]?token|secret|password|auth|authorization)", re.I
)
_KEY_VALUE: Final = re.compile(r"^cck_")
_REDACTED: Final = "[redacted]"


def redact(target: str) -> str:
    """``/v1/schemes?api_key=cck_x&limit=5`` → ``/v1/schemes?api_key=[redacted]&limit=5``."""
    parts = urlsplit(target)
    if not parts.query:
        return target
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    shown = [
        f"{quote(name, safe='')}="
        + (_REDACTED if _SECRET_NAMES.fullmatch(name) or _KEY_VALUE.match(value) else quote(value))
        for name, value in pairs
    ]
    return f"{parts.path}?{'&'.join(shown)}"


class RedactCredentials(logging.Filter):
    """A filter for uvicorn's access log (its arguments: client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def install() -> None:
    """Put the filter on the access log once (``create_app`` may run more than once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactCredentials) for f in logger.filters):
        logger.addFilter(RedactCredentials())
