"""Dependencies shared by the routers (``Annotated`` aliases, FastAPI style)."""

from __future__ import annotations

import re
from typing import Annotated, Final

from fastapi import Depends, Query, Request
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from app.engine import control_character, control_message
from app.services import Database

__all__ = [
    "PRINTABLE_PATTERN",
    "PRINTABLE_SCHEMA",
    "DatabaseDep",
    "InstantParam",
    "Limit",
    "Offset",
    "PeriodParam",
    "TextParam",
    "get_database",
]


async def get_database(request: Request) -> Database:
    """The app's database (built by ``create_app`` from the settings).

    ``async`` only so that FastAPI does not send this attribute lookup to its thread pool (a
    measured cost on every request); it never blocks.
    """
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]

#: A list's page: at most ``limit`` items, after skipping ``offset``.
MAX_PAGE: Final = 500
MAX_OFFSET: Final = 10_000_000
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


# --- parameter types ---------------------------------------------------------------------------
# A query or path parameter goes to the database as it came (a filter, a key to look up), so it
# is held to the rules of the text and numbers of a body: a NUL (``?scheme=a%00b``) would make
# PostgreSQL fail the query where SQLite answers, and ``\d`` in a pattern (the Rust regex of
# pydantic-core) also matches "٢٠٢٧-٠٣".  A refused value answers 422 naming the parameter.


def _printable(value: str) -> str:
    index = control_character(value)
    if index is not None:
        raise PydanticCustomError("control_character", control_message(value, index))
    return value


_PERIOD: Final = re.compile(r"[0-9]{4}-[0-9]{2}")


def _period(value: str) -> str:
    if _PERIOD.fullmatch(value) is None:
        raise PydanticCustomError(
            "string_pattern_mismatch", "a period is YYYY-MM, written with the digits 0-9"
        )
    return value


#: The JSON Schema (ECMA-262) pattern of text without control characters, so that the OpenAPI
#: document says what the service refuses (a client generated from it, or Schemathesis, knows).
PRINTABLE_PATTERN: Final = r"^[^\u0000-\u001F\u007F-\u009F]*$"
#: The schema half of a text value: its documented pattern (validation is the validator's).
PRINTABLE_SCHEMA: Final = Field(json_schema_extra={"pattern": PRINTABLE_PATTERN})

#: A text parameter (a key, an id, a filter): no control characters.  Use it inside the
#: parameter's own ``Annotated[..., Query(...)]`` or ``Path(...)``, which keeps its length and
#: description: ``Annotated[TextParam | None, Query(max_length=64)]``.
TextParam = Annotated[str, AfterValidator(_printable), PRINTABLE_SCHEMA]
_ISO_INSTANT: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}.*")


def _instant(value: object) -> object:
    # pydantic would read "0.5" or "1700000000" as seconds since 1970: only ISO 8601 is a time.
    if isinstance(value, str) and _ISO_INSTANT.fullmatch(value) is None:
        raise PydanticCustomError(
            "datetime_from_date_parsing",
            "a time is ISO 8601 with its offset, e.g. 2027-03-01T00:00:00Z",
        )
    return value


#: A time parameter: ISO 8601 with a UTC offset (``2027-03-01T00:00:00Z``), never a number.
InstantParam = Annotated[AwareDatetime, BeforeValidator(_instant)]
#: A period parameter, ``YYYY-MM`` in ASCII digits (with the parameter's documented pattern).
PeriodParam = Annotated[str, AfterValidator(_period)]
