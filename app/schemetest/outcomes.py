"""Scheme test results, pytest-like: a line per case, the differences of each failure, and
``N passed, M failed`` alone on the last line; GitHub annotations on request."""

from __future__ import annotations

from collections.abc import Sequence

from app.io.schemes.formats import github_annotation

from .run import CaseResult

__all__ = ["github_lines", "result_lines", "summary"]


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
