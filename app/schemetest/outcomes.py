"""Scheme test results, pytest-like: a line per case, the differences of each failure, and
``N passed, M failed`` alone on the last line; GitHub annotations on request."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from app.io.schemes.formats import github_annotation

from .run import CaseResult

__all__ = ["github_lines", "junit_xml", "result_lines", "summary"]


def result_lines(results: Sequence[CaseResult]) -> list[str]:
    """``path::name PASSED``, or ``FAILED`` followed by ``path:line: difference`` lines."""
    lines = []
    for result in results:
        lines.append(f"{result.nodeid} {'PASSED' if result.passed else 'FAILED'}")
        for difference in result.differences:
            line = difference.line if difference.line is not None else result.case.line
            where = result.path if line is None else f"{result.path}:{line}"
            lines.append(f"    {where}: {difference.message}")
    return lines


def github_lines(results: Sequence[CaseResult]) -> list[str]:
    """One ``::error`` annotation per failed case, at the case's line."""
    return [
        github_annotation(
            "error",
            result.path,
            result.case.line,
            None,
            f"compcalc test: {result.case.name}",
            "\n".join(d.message for d in result.differences),
        )
        for result in results
        if not result.passed
    ]


def summary(results: Sequence[CaseResult]) -> str:
    passed = sum(result.passed for result in results)
    return f"{passed} passed, {len(results) - passed} failed"


def junit_xml(results: Sequence[CaseResult], problems: Sequence[str] = ()) -> str:
    """The results as JUnit XML, which GitHub, GitLab and Jenkins show as test reports: a
    ``testsuite`` per test file, a ``testcase`` per case, its differences in ``failure``;
    ``problems`` (test files that could not be loaded, so no case ran) as ``error`` cases."""
    files: dict[str, list[CaseResult]] = {}
    for result in results:
        files.setdefault(result.path, []).append(result)
    failures = sum(not r.passed for r in results)
    root = ET.Element(
        "testsuites", name="compcalc test", tests=str(len(results) + len(problems)),
        failures=str(failures), errors=str(len(problems)),
    )  # fmt: skip
    for path, cases in files.items():
        suite = ET.SubElement(
            root, "testsuite", name=path, tests=str(len(cases)),
            failures=str(sum(not c.passed for c in cases)), errors="0",
        )  # fmt: skip
        for result in cases:
            case = ET.SubElement(suite, "testcase", classname=path, name=result.case.name)
            case.set("file", path)
            if result.case.line is not None:
                case.set("line", str(result.case.line))
            if not result.passed:
                count = len(result.differences)
                failure = ET.SubElement(
                    case, "failure", message=f"{count} difference{'' if count == 1 else 's'}"
                )
                failure.text = "\n".join(result_lines([result])[1:])
    if problems:
        suite = ET.SubElement(
            root, "testsuite", name="test files", tests=str(len(problems)), failures="0",
            errors=str(len(problems)),
        )  # fmt: skip
        for problem in problems:
            case = ET.SubElement(suite, "testcase", classname="test files", name=problem[:200])
            ET.SubElement(case, "error", message="the test file cannot be run").text = problem
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
