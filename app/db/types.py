"""Column types that keep money exact and timestamps in UTC on every backend.

PostgreSQL stores money as unconstrained ``NUMERIC``: any amount keeps exactly the digits it
was given (``1.234`` KWD stays ``1.234``).  SQLite has no exact decimal type (its NUMERIC
affinity turns ``0.1`` into a binary float), so there the amount is stored as its decimal text
and read back into a :class:`~decimal.Decimal`; a float is refused on both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["Money", "UTCDateTime"]

# 10^13 with three decimals and a sign is 18 characters; leave room for any exact input.
_TEXT_LENGTH = 48


class Money(TypeDecorator[Decimal]):
    """An exact amount: NUMERIC on PostgreSQL, decimal text elsewhere; never a float."""

    impl = String(_TEXT_LENGTH)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(asdecimal=True))
        return dialect.type_descriptor(String(_TEXT_LENGTH))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise TypeError(f"money must be a finite Decimal, not {value!r}")
        if dialect.name == "postgresql":
            return value
        return format(value, "f")  # plain notation: never "1E+3"

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp (SQLite drops the zone; it is put back on reading)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError(f"timestamps must be timezone-aware, not {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
