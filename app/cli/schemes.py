"""``compcalc validate`` and ``compcalc schema``: check scheme files, describe their format."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from app.cli.inputs import fail, file_limits
from app.engine import Scheme
from app.io import validate_file
from app.io.schemes.formats import (
    github_report,
    json_report,
    sarif_report,
    summary_line,
    text_report,
)
from app.io.schemes.validation import CollectError, collect_files, exit_code

__all__ = ["ReportFormat", "schema", "validate"]


class ReportFormat(StrEnum):
    TEXT = "text"
    GITHUB = "github"
    JSON = "json"
    SARIF = "sarif"


def validate(
    paths: Annotated[
        list[str],
        typer.Argument(help="Scheme files, or directories to search for them.", metavar="PATH"),
    ],
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", help="text, github (annotations), json or sarif (code scanning)."),
    ] = ReportFormat.TEXT,
) -> None:
    """Check scheme files against the rule language and the article's rules.

    Exit status: 0 no errors (warnings allowed), 1 rule violations, 2 a file could not
    be read or parsed as YAML/JSON.
    """
    try:
        files = collect_files(paths)
    except CollectError as exc:
        fail(str(exc))
    limit = file_limits()[0]
    reports = [
        validate_file(path, max_bytes=limit, setting="COMPCALC_MAX_SCHEME_BYTES") for path in files
    ]
    if fmt is ReportFormat.JSON:
        sys.stdout.write(json_report(reports))
    elif fmt is ReportFormat.SARIF:
        sys.stdout.write(sarif_report(reports))
        typer.echo(summary_line(reports), err=True)
    elif fmt is ReportFormat.GITHUB:
        sys.stdout.write(github_report(reports))
        typer.echo(summary_line(reports), err=True)
    else:
        sys.stdout.write(text_report(reports))
    raise typer.Exit(exit_code(reports))


def schema() -> None:
    """Print the JSON Schema of a scheme file (for editors and other tools)."""
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **Scheme.model_json_schema(by_alias=True),
    }
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
