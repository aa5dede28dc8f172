"""YAML syntax errors told in plain words, at the place of the mistake.

PyYAML says what its scanner met ("found character that cannot start any token", "did not
find expected key"), where it noticed it, which is often a line after the mistake.  Here the
usual mistakes are recognised from that and from the text itself: a tab in the indentation
(at the tab), a key indented differently from the keys it belongs with (at that key, found by
re-reading the text with the line moved), a mapping or list in brackets left open, a quote
never closed, a second ``: `` in a value.  The parser's own words are kept as the detail.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Final

import yaml

__all__ = ["NodeProblem", "explain"]

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: Texts longer than this are not re-read to find a misplaced line (each try reads it all).
_RETRIED_CHARS: Final = 256 * 1024
#: Lines before the reported one that may be the misplaced one.
_LOOK_BACK: Final = 40

_INDENT_PROBLEMS: Final = (
    "did not find expected key",
    "did not find expected '-' indicator",
    "mapping values are not allowed",
    "found a tab character that violates indentation",
)


class NodeProblem(Exception):
    """A document that cannot be read: ``code``, a message for people, where, and how to fix it.

    ``detail`` is the parser's own description, when the problem was the parser's.
    """

    def __init__(
        self,
        code: str,
        message: str,
        line: int | None,
        column: int | None,
        *,
        hint: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        self.detail = detail


def _parses(text: str) -> bool:
    loader = _Loader(text)
    try:
        loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return False
    finally:
        loader.dispose()
    return True


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _neighbour(lines: list[str], index: int, step: int) -> int | None:
    index += step
    while 0 <= index < len(lines):
        if _is_content(lines[index]):
            return _indent(lines[index])
        index += step
    return None


def _candidates(lines: list[str], problem: int, start: int | None) -> Iterator[int]:
    """Lines that may be the misplaced one: the reported line, the lines before it, and the
    line that opened the block the parser was reading."""
    seen = set()
    first = max(0, problem - _LOOK_BACK)
    for index in [problem, *range(problem - 1, first - 1, -1), *([] if start is None else [start])]:
        if index not in seen and 0 <= index < len(lines):
            seen.add(index)
            if _is_content(lines[index]) and "\t" not in lines[index][: _indent(lines[index]) + 1]:
                yield index


def _misplaced(text: str, problem: int, start: int | None) -> tuple[int, int] | None:
    """``(line index, indentation that makes the text readable)`` of the line that is out of
    place, or None when moving no single line makes the text readable.

    A fix after which every line is indented by a multiple of the text's usual step (2 in
    most files) wins over one that leaves a line out of step, so that a key is moved in line
    with its siblings rather than its siblings found out of line with it.
    """
    lines = text.split("\n")
    if len(text) > _RETRIED_CHARS or problem >= len(lines):
        return None
    counts = Counter(_indent(line) for line in lines if _is_content(line))
    step = math.gcd(*(n for n, times in counts.items() if times > 1 and n)) or 1
    fallback = None
    for index in _candidates(lines, problem, start):
        here = _indent(lines[index])
        tries = [_neighbour(lines, index, -1), _neighbour(lines, index, 1)]
        tries += [here - 1, here + 1, here - 2, here + 2]
        for indent in dict.fromkeys(n for n in tries if n is not None and n >= 0 and n != here):
            moved = [*lines[:index], " " * indent + lines[index].lstrip(" "), *lines[index + 1 :]]
            if _parses("\n".join(moved)):
                if all(_indent(line) % step == 0 for line in moved if _is_content(line)):
                    return index, indent
                fallback = fallback or (index, indent)
    return fallback


def _tab(lines: list[str], line: int, column: int) -> int | None:
    """The column (0-based) of a tab in the indentation of ``line``, or at ``column``."""
    if line >= len(lines):
        return None
    text = lines[line]
    if column < len(text) and text[column] == "\t":
        return column
    lead = len(text) - len(text.lstrip(" \t"))
    return text.find("\t", 0, lead) if "\t" in text[:lead] else None


def _key_of(line: str) -> str:
    return line.split(":", 1)[0].strip()


def explain(exc: yaml.MarkedYAMLError, text: str) -> NodeProblem:
    """The syntax error ``exc`` of ``text`` as a problem for people."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    start = exc.context_mark
    detail = problem
    if exc.problem and exc.context and start is not None:
        detail += f" ({exc.context} started at line {start.line + 1}, column {start.column + 1})"
    if mark is None:
        return NodeProblem("SYNTAX", "the file cannot be read as YAML", None, None, detail=detail)
    lines = text.split("\n")
    line, column = mark.line, mark.column
    tab = _tab(lines, line, column) if ("tab" in problem or "token" in problem) else None
    if tab is not None:
        return NodeProblem(
            "TAB_INDENT",
            f"line {line + 1} is indented with a tab; YAML indents with spaces only",
            line + 1,
            tab + 1,
            hint="replace the tab with spaces, as many as the lines around it have",
            detail=detail,
        )
    if problem.startswith(_INDENT_PROBLEMS):
        found = _misplaced(text, line, None if start is None else start.line)
        if found is not None:
            index, indent = found
            what = lines[index].strip()
            message = (
                f"the list item on line {index + 1} is not in line with the items it belongs with"
                if what.startswith("-")
                else f"the key `{_key_of(what)}` is not in line with the keys it belongs with"
            )
            return NodeProblem(
                "BAD_INDENT",
                message,
                index + 1,
                _indent(lines[index]) + 1,
                hint=_indent_hint(indent),
                detail=detail,
            )
    if "end of stream" in problem and "quoted" in (exc.context or "") and start is not None:
        return NodeProblem(
            "SYNTAX",
            f"the quoted text that starts on line {start.line + 1} is never closed",
            start.line + 1,
            start.column + 1,
            hint="end the text with the same quote mark it starts with",
            detail=detail,
        )
    message, hint = _plain_words(problem, lines, line, start)
    return NodeProblem("SYNTAX", message, line + 1, column + 1, hint=hint, detail=detail)


def _indent_hint(indent: int) -> str:
    if indent == 0:
        return "start it at the beginning of the line, like the lines it belongs with"
    if indent == 1:
        return "indent it by 1 space, like the lines it belongs with"
    return f"indent it by {indent} spaces, like the lines it belongs with"


def _plain_words(
    problem: str, lines: list[str], line: int, start: yaml.Mark | None
) -> tuple[str, str]:
    opened = "" if start is None else f" opened on line {start.line + 1}"
    if problem.startswith("did not find expected ',' or '}'"):
        return (
            f"the braces '{{…}}'{opened} are not closed, or two entries have no ',' between them",
            "close the braces with '}' and separate the entries with ', '",
        )
    if problem.startswith("did not find expected ',' or ']'"):
        return (
            f"the brackets '[…]'{opened} are not closed, or two items have no ',' between them",
            "close the brackets with ']' and separate the items with ', '",
        )
    here = lines[line] if line < len(lines) else ""
    if problem.startswith("mapping values are not allowed") and here.count(": ") > 1:
        return (
            "a ': ' inside a value makes it look like a second key on the same line",
            'put the value in quotes: "Acme: sales"',
        )
    return (
        "this line cannot be read as YAML",
        "check the indentation, quotes and brackets of this line and the line before",
    )
