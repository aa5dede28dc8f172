"""Declarative base shared by every table.

The naming convention gives each index and constraint a deterministic name, which Alembic needs
to alter or drop it later (SQLite batch mode in particular cannot handle unnamed constraints).
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

__all__ = ["NAMING_CONVENTION", "Base"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class for ORM models; its ``metadata`` is Alembic's autogenerate target."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
