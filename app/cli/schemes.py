"""``compcalc validate`` and ``compcalc schema``: check scheme files, describe their format."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from app.cli.inputs import fail, file_limits
from app.engine import Finding, Scheme
from app.io import validate_file
from app.io.schemes.formats import (
    github_report,
    json_report,
    summary_line,
    text_report,
)
from app.io.schemes.policyfile import PolicyFileError, PolicyResolver
from app.io.schemes.repository import FileKind
from app.io.schemes.sarif import sarif_report
from app.io.schemes.validation import (
    CollectError,
    FileReport,
    collect_files,
    exit_code,
    validate_policy_file,
)

__all__ = ["ReportFormat", "schema", "validate"]


class ReportFormat(StrEnum):
    TEXT = "text"
    GITHUB = "github"
    JSON = "json"
    SARIF = "sarif"


def validate(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, or directories of a rules repository to check.", metavar="PATH"
        ),
    ],
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", help="text, github (annotations), json or sarif (code scanning)."),
    ] = ReportFormat.TEXT,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            help="Leave out of directory walks the files matching this path or glob "
            "(repeatable); adds to the exclude of [tool.compcalc] or compcalc.toml.",
            metavar="GLOB",
        ),
    ] = None,
    skip_others: Annotated[
        bool,
        typer.Option(
            "--skip-others",
            help="List a named file that is none of the kinds as skipped, as a directory walk "
            "does, instead of checking it as a scheme (for hooks that name every changed file).",
        ),
    ] = False,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            help="The organisation policy to check every scheme against (default: the nearest "
            "compcalc-policy.yaml above each file, up to the repository root; else the "
            "article's defaults).",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Check the files of a rules repository, each as what it is: schemes against the rule
    language, the organisation policy and the article's rules, scheme test files, rosters,
    deals files and the policy file.

    Exit status: 0 no errors (warnings allowed), 1 rule violations, 2 a file could not
    be read or parsed as YAML/JSON.
    """
    from app.io.schemes.repository import ConfigError, find_config, repository_files

    try:
        config = find_config()
    except ConfigError as exc:
        fail(str(exc))
    files, excluded = repository_files(paths, config, exclude or ())
    empty = [p for p in paths if os.path.isdir(p) and not any(_under(f, p) for f in files)]
    if empty and not files:
        try:
            collect_files(empty)  # the message naming a directory without such files
        except CollectError as exc:
            fail(str(exc))
    named = set(paths)
    scheme_limit, _file_limit = file_limits()
    policies = PolicyResolver(policy, max_bytes=scheme_limit, today=date.today())
    if policy is not None and not os.path.isfile(policy):
        fail(f"{policy}: no such policy file (--policy)")
    reports = [_check(path, path in named and not skip_others, policies) for path in files]
    reports.extend(_broken_policies(reports, policies))
    if fmt is ReportFormat.JSON:
        sys.stdout.write(json_report(reports))
    elif fmt is ReportFormat.SARIF:
        sys.stdout.write(sarif_report(reports))
        typer.echo(summary_line(reports, len(excluded)), err=True)
    elif fmt is ReportFormat.GITHUB:
        sys.stdout.write(github_report(reports))
        typer.echo(summary_line(reports, len(excluded)), err=True)
    else:
        sys.stdout.write(text_report(reports, len(excluded)))
    raise typer.Exit(exit_code(reports))


def _under(path: str, directory: str) -> bool:
    return os.path.commonpath([os.path.abspath(path), os.path.abspath(directory)]) == (
        os.path.abspath(directory)
    )


def _check(path: str, named: bool, policies: PolicyResolver) -> FileReport:
    """The report of one file, checked as what it is (a file named on the command line that
    is none of the kinds is checked as a scheme, so that a broken scheme says why)."""
    from app.io.schemes.repository import FileKind, classify

    scheme_limit, file_limit = file_limits()
    kind = classify(path, max_bytes=scheme_limit)
    if kind is FileKind.SKIPPED and named:
        kind = FileKind.SCHEME
    if kind is FileKind.SCHEME:
        where = policies.path_for(path)
        context = policies.context(where)
        if isinstance(context, PolicyFileError):
            unusable = Finding(
                "POLICY_UNUSABLE",
                "error",
                (),
                f"not checked: the organisation policy {where} cannot be used (see its report)",
            )
            return FileReport(path, [unusable])
        return validate_file(
            path, max_bytes=scheme_limit, setting="COMPCALC_MAX_SCHEME_BYTES", policy=context
        )
    if kind is FileKind.POLICY:
        return validate_policy_file(path, max_bytes=scheme_limit)
    if kind is FileKind.TEST:
        return _test_file(path, file_limit)
    if kind is FileKind.SKIPPED:
        return FileReport(path, kind=kind.value)
    return _input_file(path, kind, file_limit)


def _broken_policies(reports: list[FileReport], policies: PolicyResolver) -> list[FileReport]:
    """The reports of the policy files that could not be used and are not reported yet."""
    shown = {os.path.abspath(r.path) for r in reports}
    extra = []
    for where in policies.failed():
        if os.path.abspath(where) not in shown:
            shown.add(os.path.abspath(where))
            extra.append(validate_policy_file(where, max_bytes=file_limits()[0]))
    return extra


#: Codes of a file that cannot be read at all (exit 2), as load errors of documents.
_UNREADABLE = frozenset({"UNREADABLE", "TOO_LARGE", "ENCODING", "UNSUPPORTED_FORMAT", "SYNTAX"})


def _test_file(path: str, max_bytes: int) -> FileReport:
    from app.io.read.documents import DocumentError, load_document
    from app.schemetest import TestFileError, load_test_file

    try:
        load_document(path, max_bytes=max_bytes)
    except DocumentError as exc:
        return FileReport(path, load_error=exc, kind="scheme test")
    try:
        load_test_file(path, max_bytes=max_bytes)
    except TestFileError as exc:
        findings = [
            Finding(p.code, p.severity, (), p.message if p.path == path else
                    f"{p.path}:{p.line or ''}: {p.message}").at(
                p.line if p.path == path else None, p.column if p.path == path else None)
            for p in exc.problems
        ]  # fmt: skip
        return FileReport(path, findings, kind="scheme test")
    return FileReport(path, kind="scheme test")


def _input_file(path: str, kind: FileKind, max_bytes: int) -> FileReport:
    from app.io.deals.load import load_deals
    from app.io.read.documents import DocumentError
    from app.io.read.problems import InputFileError
    from app.io.roster.load import load_roster

    load = load_deals if kind is FileKind.DEALS else load_roster
    try:
        load(path, max_bytes=max_bytes, setting="COMPCALC_MAX_ROSTER_BYTES")
    except InputFileError as exc:
        first = exc.problems[0] if exc.problems else None
        if first is not None and first.code in _UNREADABLE:
            error = DocumentError(path, first.row, None, first.code, first.message)
            return FileReport(path, load_error=error, kind=kind.value)
        findings = [
            Finding(
                p.code, "error", (), p.message + (f" (column {p.column})" if p.column else "")
            ).at(p.row, None)
            for p in exc.problems
        ]
        return FileReport(path, findings, kind=kind.value)
    return FileReport(path, kind=kind.value)


def schema() -> None:
    """Print the JSON Schema of a scheme file (for editors and other tools)."""
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **Scheme.model_json_schema(by_alias=True),
    }
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
