"""What the logs say of a request: one line each, with nothing a payroll holds.

:func:`log_request` writes the request line (logger ``compcalc.access``) when the request
ends: its request id, the API key's id (never the secret), the route *template*, the method,
the status, the duration and a problem's code.  No amount, name, body, query string or raw
path is ever logged.  ``compcalc serve`` writes it as a JSON object a line, or as text
(``COMPCALC_LOG_FORMAT``; app/cli/logconfig.py) and turns uvicorn's own access log off,
which showed the raw target (docs/operations.md, "Logs").

The request id comes from the client's ``X-Request-ID`` when it is sane (:func:`request_id`),
and is added to every record logged while the request runs (:func:`install`).

Anyone running uvicorn directly keeps uvicorn's access log, so that log must not show a
credential either.  A client that sends its key in the query (``?api_key=cck_…``) is refused
(401: keys go in the ``Authorization`` header only), but uvicorn writes the URL as received:
:class:`RedactCredentials` rewrites the logged path first: the value of every query parameter
whose name says it holds a secret, and any value that looks like one of our keys, becomes
``[redacted]``.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlsplit

__all__ = [
    "ACCESS_LOGGER",
    "REQUEST_ID",
    "REQUEST_LOGGER",
    "RedactCredentials",
    "install",
    "log_request",
    "redact",
    "request_id",
]

ACCESS_LOGGER: Final = "uvicorn.access"
REQUEST_LOGGER: Final = "compcalc.access"
#: The id of the request being served (``None`` outside one); copied into the thread pool.
REQUEST_ID: Final[contextvars.ContextVar[str | None]] = contextvars.ContextVar(
    "compcalc_request_id", default=None
)
_SANE_ID: Final = re.compile(r"[\x21-\x7e]{1,128}")
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


def request_id(sent: str | None) -> str:
    """The client's ``X-Request-ID`` if it is 1 to 128 visible ASCII characters (no space,
    no control character), else a new random one (32 hex digits)."""
    if sent is not None and _SANE_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


_LOG: Final = logging.getLogger(REQUEST_LOGGER)


def log_request(fields: Mapping[str, Any]) -> None:
    """Write the request line: ``fields`` (request_id, key_id, route, method, status,
    duration_ms, code) go on the record as ``fields``; the message repeats the essentials."""
    if _LOG.isEnabledFor(logging.INFO):
        _LOG.info(
            "%s %s %s %.1f ms",
            fields["method"],
            fields["route"],
            fields["status"],
            fields["duration_ms"],
            extra={"fields": dict(fields)},
        )


def _with_request_id(factory: Any) -> Any:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = factory(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    make.compcalc_request_id = True  # type: ignore[attr-defined]
    return make


def install() -> None:
    """Put the filter on the access log, and the request id on every record, once per
    process (``create_app`` may run more than once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactCredentials) for f in logger.filters):
        logger.addFilter(RedactCredentials())
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "compcalc_request_id", False):
        logging.setLogRecordFactory(_with_request_id(factory))
