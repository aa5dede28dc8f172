"""Dependencies shared by the routers (``Annotated`` aliases, FastAPI style)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from app.services import Database

__all__ = ["DatabaseDep", "Limit", "Offset", "get_database"]


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
