"""The options several ``compcalc`` commands share, declared once as ``Annotated`` types."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = [
    "DatabaseUrlOption",
    "DealsOption",
    "LangOption",
    "PeriodOption",
    "RosterOption",
    "SchemeOption",
]

SchemeOption = Annotated[str, typer.Option("--scheme", help="Scheme file (.yaml, .yml or .json).")]
RosterOption = Annotated[str, typer.Option("--roster", help="Roster file (.csv or .json).")]
PeriodOption = Annotated[str, typer.Option("--period", help="Pay period, YYYY-MM (2027-03).")]
DealsOption = Annotated[
    str | None,
    typer.Option(
        "--deals",
        help="Deals file (.csv or .json): the period's deals and earlier ones a refund may "
        "refer to; they credit employees on top of the roster's amounts.",
    ),
]

#: ``compcalc db …`` and ``compcalc keys …``: the database to work on.
DatabaseUrlOption = Annotated[
    str | None,
    typer.Option("--url", help="SQLAlchemy URL; default: COMPCALC_DATABASE_URL"),
]

#: The language of the text a command writes for people (:func:`app.cli.inputs.language`).
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="ru or en (default: from LC_ALL / LANG, else en)."),
]
