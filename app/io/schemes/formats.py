"""Validation reports (text, GitHub annotations, JSON) and break-even tables."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from app.engine import BreakEven, Finding, format_amount, format_percent
from app.io.output.tables import Column, plain_table
from app.io.read.documents import DocumentError

from .validation import FileReport, exit_code

__all__ = [
    "BREAK_EVEN_COLUMNS",
    "break_even_json",
    "break_even_rows",
    "break_even_text",
    "finding_line",
    "github_annotation",
    "github_report",
    "json_report",
    "summary_line",
    "text_report",
    "with_hint",
]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _where(path: str, line: int | None, column: int | None) -> str:
    return ":".join([path, *(str(n) for n in (line, column) if n is not None)])


def _hint_line(hint: str | None) -> str:
    return "" if hint is None else f"\n    hint: {hint}"


def finding_line(
    path: str, finding: Finding, severity: str | None = None, *, hint: bool = False
) -> str:
    """``file:line:col: error CODE: message (at json.path)``; with ``hint``, an indented
    ``hint: …`` line under it when the finding has a hint."""
    at = "" if not finding.path else f" (at {finding.json_path})"
    return (
        f"{_where(path, finding.line, finding.column)}: {severity or finding.severity} "
        f"{finding.code}: {finding.message}{at}{_hint_line(finding.hint if hint else None)}"
    )


def load_error_line(error: DocumentError, *, hint: bool = False) -> str:
    where = _where(error.path, error.line, error.column)
    return f"{where}: error {error.code}: {error.message}{_hint_line(error.hint if hint else None)}"


def with_hint(message: str, hint: str | None) -> str:
    """A message and its hint as one text, for formats with one message field."""
    return message if hint is None else f"{message}\nhint: {hint}"


_KINDS: Final = (("scheme", "scheme"), ("scheme test", "scheme test"), ("roster", "roster"),
                 ("deals", "deals file"), ("policy", "policy file"))  # fmt: skip


def summary_line(reports: Sequence[FileReport], excluded: int = 0) -> str:
    """``3 files, 1 error, 2 warnings`` (and how many files could not be read); when the
    files are not all schemes, what they are, and how many were skipped or excluded."""
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    unreadable = sum(r.load_error is not None for r in reports)
    text = f"{_plural(len(reports), 'file')}, {_plural(errors, 'error')}, "
    text += _plural(warnings, "warning")
    if unreadable:
        text += f" ({unreadable} could not be read)"
    if excluded or any(r.kind != "scheme" for r in reports):
        counts = [
            _plural(n, word) for kind, word in _KINDS if (n := sum(r.kind == kind for r in reports))
        ]
        skipped = sum(r.kind == "skipped" for r in reports)
        extra = [f"{skipped} skipped"] if skipped else []
        extra += [f"{excluded} excluded"] if excluded else []
        text += f": {', '.join(counts) or 'no scheme'}" + (f"; {', '.join(extra)}" if extra else "")
    return text


def policy_lines(reports: Sequence[FileReport]) -> list[str]:
    """``policy: compcalc-policy.yaml (sha256:1f2e3d4c5b6a), 3 schemes``: the organisation
    policy file the checked schemes were checked against, once per file; nothing for the
    article's defaults (no policy file), which the JSON and SARIF reports name by hash."""
    counts: dict[tuple[str | None, str], int] = {}
    for report in reports:
        if report.kind == "scheme" and report.policy and report.policy.source is not None:
            key = (report.policy.source, report.policy.hash)
            counts[key] = counts.get(key, 0) + 1
    return [
        f"policy: {source} ({digest[:19]}), {_plural(n, 'scheme')}"
        for (source, digest), n in counts.items()
    ]


def skipped_line(report: FileReport) -> str:
    return f"{report.path}: skipped: not a scheme, scheme test, roster or deals file"


def text_report(reports: Sequence[FileReport], excluded: int = 0) -> str:
    lines = []
    for report in reports:
        if report.kind == "skipped":
            lines.append(skipped_line(report))
        if report.load_error is not None:
            lines.append(load_error_line(report.load_error, hint=True))
        lines.extend(finding_line(report.path, f, hint=True) for f in report.findings)
    lines.extend(policy_lines(reports))
    lines.append(summary_line(reports, excluded))
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(
    severity: str, path: str, line: int | None, column: int | None, title: str, message: str
) -> str:
    """A GitHub Actions workflow command: ``::error file=...,line=...::message``."""
    props = [f"file={_escape_property(path)}"]
    if line is not None:
        props.append(f"line={line}")
    if column is not None:
        props.append(f"col={column}")
    props.append(f"title={_escape_property(title)}")
    return f"::{severity} {','.join(props)}::{_escape_data(message)}"


def github_report(reports: Sequence[FileReport]) -> str:
    """GitHub Actions workflow commands: one ``::error``/``::warning`` line per finding."""
    lines = []
    for report in reports:
        error = report.load_error
        if error is not None:
            text = with_hint(error.message, error.hint)
            lines.append(
                github_annotation("error", error.path, error.line, error.column, error.code, text)
            )
        for f in report.findings:
            at = "" if not f.path else f" (at {f.json_path})"
            text = with_hint(f.message + at, f.hint)
            lines.append(github_annotation(f.severity, report.path, f.line, f.column, f.code, text))
    return "".join(line + "\n" for line in lines)


def _report_json(report: FileReport) -> dict[str, Any]:
    findings = [f.as_dict() for f in report.findings]
    error = report.load_error
    if error is not None:
        findings.insert(
            0,
            {
                "code": error.code,
                "severity": "error",
                "path": "$",
                "pointer": "",
                "line": error.line,
                "column": error.column,
                "message": error.message,
                "hint": error.hint,
                "data": {} if error.detail is None else {"parser": error.detail},
            },
        )
    return {
        "path": report.path,
        "kind": report.kind,
        "valid": report.valid,
        "readable": error is None,
        "findings": findings,
        "break_even": None
        if report.break_even is None
        else [point.as_dict() for point in report.break_even],
        "scheme_hash": report.scheme_hash,
        "policy": None if report.policy is None else report.policy.as_dict(),
    }


def json_report(reports: Sequence[FileReport]) -> str:
    document = {
        "files": [_report_json(r) for r in reports],
        "summary": {
            "files": len(reports),
            "errors": sum(r.errors for r in reports),
            "warnings": sum(r.warnings for r in reports),
            "unreadable": sum(r.load_error is not None for r in reports),
            "exit_code": exit_code(reports),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- break-even ------------------------------------------------------------------------

BREAK_EVEN_COLUMNS = (
    Column("Sales role"),
    Column("Client role"),
    Column("Attainment", "right"),
    Column("Client pay", "right"),
    Column("Sales pay", "right"),
    Column("Break-even attainment", "right"),
    Column("Break-even revenue", "right"),
)


def break_even_rows(points: Sequence[BreakEven], digits: int) -> list[list[str]]:
    return [
        [
            p.sales,
            p.client,
            format_percent(p.client_attainment),
            format_amount(p.client_pay, digits),
            format_amount(p.sales_pay_at_same, digits),
            "never" if p.attainment is None else format_percent(p.attainment),
            "-" if p.revenue is None else format_amount(p.revenue, digits),
        ]
        for p in points
    ]


def break_even_text(points: Sequence[BreakEven], digits: int, currency: str) -> str:
    if not points:
        return "no comparable sales/client role pairs in this scheme\n"
    heading = (
        "Pay of each sales role against the client role it is compared with, both at the "
        f"policy attainment ({currency});\nthe break-even is the sales attainment (and "
        "credited revenue) at which the sales role's pay reaches the client role's.\n\n"
    )
    return heading + plain_table(BREAK_EVEN_COLUMNS, break_even_rows(points, digits))


def break_even_json(points: Sequence[BreakEven], currency: str) -> str:
    document = {"currency": currency, "break_even": [p.as_dict() for p in points]}
    return json.dumps(document, indent=2) + "\n"
