"""Persistence layer: SQLAlchemy models, sessions and the repository.

Queries live only in this package, and nothing here commits: the caller that owns the unit of
work decides when a transaction ends.
"""
