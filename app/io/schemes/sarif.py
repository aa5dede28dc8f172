"""Validation reports as SARIF 2.1.0, for GitHub code scanning."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app import __version__

from .formats import with_hint
from .validation import FileReport

__all__ = ["SARIF_SCHEMA", "sarif_report"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _sarif_result(
    code: str, level: str, message: str, path: str, line: int | None, column: int | None
) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": Path(path).as_posix()}}
    if line is not None:
        location["region"] = {"startLine": line, **({"startColumn": column} if column else {})}
    return {
        "ruleId": code,
        "level": level,
        "message": {"text": message},
        "locations": [{"physicalLocation": location}],
    }


def sarif_report(reports: Sequence[FileReport]) -> str:
    """The findings as SARIF 2.1.0, the format GitHub code scanning reads: one result per
    finding, its rule the finding's code, its location the file, line and column."""
    results = []
    for report in reports:
        error = report.load_error
        if error is not None:
            results.append(
                _sarif_result(error.code, "error", with_hint(error.message, error.hint),
                              error.path, error.line, error.column)
            )  # fmt: skip
        for f in report.findings:
            text = f.message if not f.path else f"{f.message} (at {f.json_path})"
            text = with_hint(text, f.hint)
            results.append(_sarif_result(f.code, f.severity, text, report.path, f.line, f.column))
    rules = sorted({result["ruleId"] for result in results})
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "compcalc",
                        "version": __version__,
                        "rules": [{"id": rule} for rule in rules],
                    }
                },
                "results": results,
                # The organisation policies the schemes were checked against (docs/rules.md).
                "properties": {"policies": _policies(reports)},
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _policies(reports: Sequence[FileReport]) -> list[dict[str, object]]:
    found: dict[tuple[str | None, str], dict[str, object]] = {}
    for report in reports:
        if report.kind == "scheme" and report.policy is not None:
            found.setdefault((report.policy.source, report.policy.hash), report.policy.as_dict())
    return list(found.values())
