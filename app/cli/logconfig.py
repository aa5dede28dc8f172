"""How ``compcalc serve`` writes its logs: JSON lines, or text for a terminal.

``COMPCALC_LOG_FORMAT`` chooses (:func:`log_format`): ``json`` by default in production (the
container image), ``text`` elsewhere, so that ``make run`` stays readable.  Both formats carry
the same records: the server's own (``uvicorn``, ``uvicorn.error``), the service's
(``compcalc.*``, to stderr) and one line per request (``compcalc.access``, to stdout), which
replaces uvicorn's access log (it showed the client's raw target, query string included).

The request line's fields come on the record as ``fields`` and every record logged during a
request carries its ``request_id`` (app/api/logs.py puts them there); :class:`JsonFormatter`
writes them as members of one JSON object a line.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Final, Literal

from app.settings import Settings

__all__ = ["JsonFormatter", "LogFormat", "log_config", "log_format"]

LogFormat = Literal["json", "text"]
_BASE: Final = ("time", "level", "logger", "message")


def log_format(settings: Settings) -> LogFormat:
    """The configured format; unset: ``json`` in production, ``text`` otherwise."""
    if settings.log_format is not None:
        return settings.log_format
    return "json" if settings.environment == "production" else "text"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, the request id, the
    record's ``fields`` and, for an error, its traceback as ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, Any] = {
            "time": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            line["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update((k, v) for k, v in fields.items() if k not in _BASE)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(fmt: LogFormat, level: str = "info", access_log: bool = True) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for uvicorn's ``log_config`` (applied in every
    worker).  ``access_log=False`` drops the request lines; ``level`` applies to all."""
    if fmt == "json":
        formatter: dict[str, Any] = {"()": f"{__name__}.JsonFormatter"}
    else:
        formatter = {
            "()": "uvicorn.logging.DefaultFormatter",
            "fmt": "%(levelprefix)s %(message)s",
            "use_colors": None,
        }
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # uvicorn looks for these two names when it is told to use colours or not.
        "formatters": {"default": formatter, "access": dict(formatter)},
        "handlers": {
            "default": {
                "formatter": "default",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "formatter": "access",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": upper, "propagate": False},
            "uvicorn.error": {"level": upper},
            # Replaced by compcalc.access (the route template, never the raw target).
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "compcalc": {"handlers": ["default"], "level": upper, "propagate": False},
            "compcalc.access": {
                "handlers": ["access"],
                "level": upper if access_log else "CRITICAL",
                "propagate": False,
            },
        },
    }
