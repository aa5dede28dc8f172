"""The OpenAPI description of the uploads of the payroll operations (:mod:`app.api.uploads`):
the ``text/csv`` and ``multipart/form-data`` request bodies, the query of a ``text/csv`` body,
and the paragraph of each operation's description on them (translated, app.api.openapitext)."""

from __future__ import annotations

from typing import Any, Final

from .body import JSON
from .deps import PRINTABLE_PATTERN

__all__ = ["CSV", "FORM", "UPLOADS", "upload_content", "upload_parameters"]

CSV: Final = "text/csv"
FORM: Final = "multipart/form-data"


def N_(message: str) -> str:
    """A message to extract (the OpenAPI document translates it, app.api.openapitext)."""
    return message


#: The paragraph of each payroll operation's description on uploads.
UPLOADS: Final = N_(
    "Files as the command line reads them: the roster as a `text/csv` body (the other fields "
    "in the query: `?scheme=acme-sales&version=1&period=2027-03`), or a `multipart/form-data` "
    "form with the files `roster`, `deals` and `balances` (CSV or JSON, each read as "
    "`compcalc calculate` reads it: `,` or `;` separated, decimal commas, a byte-order mark, "
    'the JSON files\' `{"employees": …}` and `{"deals": …}`) and the fields `scheme`, `version` '
    "or `on`, `period` (of a run also `group`, `kind`, `corrects`). The balances file is the "
    "roster of balances the previous period carried out. A problem of a file answers `422` "
    "with its `file`, `row` and `column`, as the command line reports it."
)
_PERIOD: Final = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}$", "examples": ["2027-03"]}
_TEXT_FIELDS: Final[dict[str, dict[str, Any]]] = {
    "scheme": {
        "type": "string",
        "minLength": 1,
        "maxLength": 100,
        "pattern": PRINTABLE_PATTERN,
        "description": "The stored scheme's key.",
        "examples": ["acme-sales"],
    },
    "version": {"type": "integer", "minimum": 1, "description": "Its version number (or `on`)."},
    "on": {
        "type": "string",
        "format": "date",
        "description": "Or: the version in effect on this date (then no `version`).",
        # Empty in Swagger UI's form (not today's date beside the version number).
        "example": "",
    },
    "period": {**_PERIOD, "description": "Pay period, a calendar month `YYYY-MM`."},
}
_RUN_FIELDS: Final[dict[str, dict[str, Any]]] = {
    "group": {
        "type": "string",
        "pattern": r"^[a-z0-9._-]{1,64}$",
        "description": "Pay group (default `main`).",
    },
    "kind": {
        "type": "string",
        "enum": ["regular", "correction"],
        "description": "Default `regular`.",
    },
    "corrects": {
        "type": "string",
        "format": "uuid",
        "description": "A correction: the approved run.",
    },
}
_FILE_FIELDS: Final[dict[str, str]] = {
    "roster": "The roster file (.csv or .json), as `compcalc calculate --roster` reads it.",
    "deals": "The deals file (.csv or .json), as `--deals` reads it.",
    "balances": "The balances carried in: a roster of `id,department,role,balance_clawback,"
    "balance_draw` (as `compcalc calculate --balances-out` writes it).",
}


def upload_content(*, run: bool) -> dict[str, Any]:
    """The ``text/csv`` and ``multipart/form-data`` request bodies of a payroll operation."""
    fields = {**_TEXT_FIELDS, **(_RUN_FIELDS if run else {})}
    files = {
        name: {"type": "string", "format": "binary", "description": text}
        for name, text in _FILE_FIELDS.items()
    }
    form = {
        "type": "object",
        "required": ["roster", "scheme", "period"],
        "properties": {**files, **fields},
    }
    encoding = {name: {"contentType": f"{CSV}, {JSON}"} for name in _FILE_FIELDS}
    roster = "id,name,department,role,new_revenue\nE-13,Борис Волков,sales,rep,600000.00\n"
    return {
        CSV: {"schema": {"type": "string"}, "example": roster},
        FORM: {"schema": form, "encoding": encoding},
    }


def upload_parameters(*, run: bool) -> list[dict[str, Any]]:
    """The query parameters of a ``text/csv`` body (the form's text fields)."""
    fields = {**_TEXT_FIELDS, **(_RUN_FIELDS if run else {})}
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"Of a `text/csv` body only (422 with another): {schema['description']}",
            "schema": {k: v for k, v in schema.items() if k != "description"},
        }
        for name, schema in fields.items()
    ]
