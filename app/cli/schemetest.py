"""``compcalc test PATH...``: run scheme test cases (see :mod:`app.schemetest`)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from app.cli.inputs import fail, file_limits

__all__ = ["TestFormat", "test_command"]


class TestFormat(StrEnum):
    TEXT = "text"
    GITHUB = "github"


def test_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Test files (*.test.yaml), or directories to search for them.", metavar="PATH"
        ),
    ],
    fmt: Annotated[
        TestFormat,
        typer.Option("--format", help="text, or github (also ::error annotations)."),
    ] = TestFormat.TEXT,
    junit: Annotated[
        str | None,
        typer.Option(
            "--junit-xml",
            help="Also write the results as JUnit XML to this file (CI test reports).",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Run scheme test cases: each case's payroll against the amounts it expects.

    Exit status: 0 every case passed, 1 a case failed, 2 a test file (or the scheme it
    names) could not be read or is not a valid test file; then no case is run.
    """
    from app.schemetest import (
        CollectError,
        SchemeCache,
        TestFile,
        TestFileError,
        collect_test_files,
        github_lines,
        junit_xml,
        load_test_file,
        result_lines,
        run_file,
        summary,
    )

    try:
        files = collect_test_files(paths)
    except CollectError as exc:
        fail(str(exc))
    limit = file_limits()[1]
    schemes: SchemeCache = {}
    loaded: list[TestFile] = []
    problems: list[str] = []
    for path in files:
        try:
            loaded.append(load_test_file(path, max_bytes=limit, schemes=schemes))
        except TestFileError as exc:
            problems.extend(p.render() for p in exc.problems)
    if problems:
        if junit is not None:
            _write_junit(junit, junit_xml([], problems))
        files_text = f"{len(files)} test file{'' if len(files) == 1 else 's'}"
        count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
        fail(*problems, f"{files_text}, {count}: no case was run")
    results = [result for test_file in loaded for result in run_file(test_file)]
    if junit is not None:
        _write_junit(junit, junit_xml(results))
    lines = result_lines(results)
    if fmt is TestFormat.GITHUB:
        lines += github_lines(results)
    sys.stdout.write("".join(line + "\n" for line in lines) + summary(results) + "\n")
    raise typer.Exit(0 if all(result.passed for result in results) else 1)


def _write_junit(target: str, text: str) -> None:
    from app.io import atomic_write

    try:
        atomic_write(target, text)
    except OSError as exc:
        fail(f"--junit-xml {target}: cannot write the file: {exc.strerror or exc}")
