"""Dependencies shared by the routers (``Annotated`` aliases, FastAPI style)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.db.session import Database

__all__ = ["DatabaseDep", "get_database"]


async def get_database(request: Request) -> Database:
    """The app's database (built by ``create_app`` from the settings).

    ``async`` only so that FastAPI does not send this attribute lookup to its thread pool (a
    measured cost on every request); it never blocks.
    """
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]
