"""Errors the services raise: a stable code, a message, and where the problem is.

They carry no HTTP status; ``app.api.errors`` maps each class to one in a single table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from app.engine import InputError, Measure, SchemeError

__all__ = [
    "MAX_ERRORS",
    "Conflict",
    "ErrorItem",
    "Forbidden",
    "Invalid",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
    "RateLimited",
    "ServiceError",
    "Unauthenticated",
    "Unavailable",
    "input_error_items",
    "scheme_error_items",
]

_MEASURES = frozenset(m.value for m in Measure)


@dataclass(frozen=True, slots=True)
class ErrorItem:
    """One located problem: an RFC 6901 ``pointer`` into the request body (or document), or
    in an uploaded ``file`` (its form field) its ``row`` and ``column`` (the CSV column or
    JSON key by name; the character of the line, a number, for bytes that are not UTF-8)."""

    detail: str
    pointer: str | None = None
    parameter: str | None = None
    code: str | None = None
    line: int | None = None
    column: int | str | None = None
    file: str | None = None
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        fields = {
            "pointer": self.pointer,
            "parameter": self.parameter,
            "file": self.file,
            "row": self.row,
            "detail": self.detail,
            "code": self.code,
            "line": self.line,
            "column": self.column,
        }
        return {k: v for k, v in fields.items() if v is not None}


class ServiceError(Exception):
    """Base of the services' errors."""

    def __init__(
        self,
        code: str,
        detail: str,
        errors: Iterable[ErrorItem] = (),
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.errors = tuple(errors)
        self.extra = dict(extra or {})


class NotFound(ServiceError):
    """The scheme, version, run or payslip does not exist."""


class Conflict(ServiceError):
    """The stored state forbids the change (published, approved, exists, changed meanwhile)."""


class Invalid(ServiceError):
    """The input is understood but wrong: invalid values, failing checks, a draft for a run."""


class Unavailable(ServiceError):
    """A dependency (the database) cannot serve the request now."""


class Unauthenticated(ServiceError):
    """No credential, or one that is unknown, revoked or expired."""


class Forbidden(ServiceError):
    """A valid credential without the scope the operation needs."""


class PreconditionRequired(ServiceError):
    """A change of a draft without ``If-Match``: it could overwrite an edit unseen."""


class PreconditionFailed(ServiceError):
    """``If-Match`` names a revision that is no longer the current one."""


class RateLimited(ServiceError):
    """The key sent more requests than its rate allows; ``retry_after`` seconds to wait."""

    def __init__(self, code: str, detail: str, retry_after: int) -> None:
        super().__init__(code, detail)
        self.retry_after = retry_after


def scheme_error_items(exc: SchemeError, prefix: str | None) -> list[ErrorItem]:
    """The findings of a scheme error; ``prefix`` is where the scheme sits in the body
    (``""``: the body is the scheme, ``"/scheme"``: inline in a calculation, None: stored)."""
    return [
        ErrorItem(
            f"{f.json_path}: {f.message}",
            pointer=None if prefix is None else prefix + f.pointer,
            code=f.code,
            line=f.line,
            column=f.column,
        )
        for f in exc.findings
    ]


def _field_pointer(field: str | None) -> str:
    if field is None:
        return ""
    if field in _MEASURES:
        return f"/credited/{field}"
    if field.startswith("balance_"):
        return f"/balances/{field.removeprefix('balance_')}"
    return "/" + field.replace(".", "/")


#: The most problems an error lists one by one (it counts the rest: ``error_count``).
MAX_ERRORS: Final = 50


def input_error_items(exc: InputError, limit: int | None = None) -> list[ErrorItem]:
    """The engine's roster and deal problems (the first ``limit``), each pointing at its
    row and field."""
    items = []
    for problem in exc.problems[:limit]:
        base = f"/{problem.source}"
        if problem.index is not None:
            base += f"/{problem.index}" + _field_pointer(problem.field)
        items.append(ErrorItem(problem.message, pointer=base, code=problem.code))
    return items
