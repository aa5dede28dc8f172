"""Dependencies shared by the routers (``Annotated`` aliases, FastAPI style)."""

from __future__ import annotations

import re
from typing import Annotated, Final

from fastapi import Depends, Query, Request
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from app.engine import control_character, control_message
from app.services import Database

__all__ = ["DatabaseDep", "Limit", "Offset", "PeriodParam", "TextParam", "get_database"]


async def get_database(request: Request) -> Database:
    """The app's database (built by ``create_app`` from the settings).

    ``async`` only so that FastAPI does not send this attribute lookup to its thread pool (a
    measured cost on every request); it never blocks.
    """
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]

#: A list's page: at most ``limit`` items, after skipping ``offset``.
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


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


#: A text parameter (a key, an id, a filter): no control characters.  Use it inside the
#: parameter's own ``Annotated[..., Query(...)]`` or ``Path(...)``, which keeps its length and
#: description: ``Annotated[TextParam | None, Query(max_length=64)]``.
TextParam = Annotated[str, AfterValidator(_printable)]
#: A period parameter, ``YYYY-MM`` in ASCII digits (with the parameter's documented pattern).
PeriodParam = Annotated[str, AfterValidator(_period)]
