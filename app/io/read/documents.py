"""Scheme documents: YAML or JSON text to plain data, with the position of every value.

YAML is composed with PyYAML (the safe loader) and the Python data is built here from
the node tree, so every rule is ours: YAML 1.2 core scalars (``yes`` stays a string),
decimals as :class:`~decimal.Decimal` from the source text (never a float), duplicate
keys refused, only standard tags, and a cap on the values that aliases can expand to.
JSON goes through :func:`json.loads` with the same rules; its positions come from
composing the same text as YAML (JSON is YAML), when that works.
"""

from __future__ import annotations

import decimal
import json
import os
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Final, Literal, NamedTuple

import yaml

from .docerror import DocumentError
from .files import FileProblem, decode_utf8, read_limited
from .positions import Positions
from .yamlnodes import MAX_MEMBERS, MAX_NODES, NodeBuilder, NodeProblem, compose, shorten

__all__ = [
    "LOCATED_CHARS",
    "MAX_ARRAYS",
    "MAX_RUN",
    "Document",
    "DocumentError",
    "Format",
    "document_format",
    "dump_document",
    "load_document",
    "parse_document",
]

Format = Literal["yaml", "json"]

#: Arrays a JSON document may open: a request's deals each have one (their credit).
MAX_ARRAYS: Final = 500_000

#: JSON texts up to this length have their values located (composed as YAML, which costs
#: about 1 s a megabyte); problems in longer ones name a pointer without a line.
LOCATED_CHARS: Final = 256 * 1024

_SUFFIXES: Final[dict[str, Format]] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


class Document(NamedTuple):
    """Decoded data (``None`` for an empty document) and where each value was written."""

    data: object
    positions: Positions


def document_format(path: str | os.PathLike[str]) -> Format | None:
    """``yaml`` or ``json`` from the file name, None for any other suffix."""
    return _SUFFIXES.get(PurePath(path).suffix.lower())


def load_document(path: str | os.PathLike[str], *, max_bytes: int, setting: str = "") -> Document:
    """Read and decode a ``.yaml``/``.yml``/``.json`` file of at most ``max_bytes`` bytes."""
    name = os.fspath(path)
    fmt = document_format(path)
    if fmt is None:
        raise DocumentError(
            name, None, None, "UNSUPPORTED_FORMAT", "expected a .yaml, .yml or .json file"
        )
    try:
        raw = read_limited(path, max_bytes, setting)
    except FileProblem as exc:
        raise DocumentError(name, exc.line, exc.column, exc.code, exc.message) from None
    return parse_document(raw, fmt, name=name)


def parse_document(
    raw: bytes | str,
    fmt: Format,
    *,
    name: str = "<document>",
    positions: bool = True,
    max_nodes: int = MAX_NODES,
) -> Document:
    """Decode ``raw`` (UTF-8 bytes or text) as YAML or JSON.

    ``positions=False`` skips locating values in JSON (used for large rosters, which
    locate values only when a problem must be reported).
    """
    if isinstance(raw, bytes):
        try:
            text = decode_utf8(raw)
        except FileProblem as exc:
            raise DocumentError(name, exc.line, exc.column, exc.code, exc.message) from None
    else:
        text = raw.removeprefix("\ufeff")
    if fmt == "yaml":
        return _parse_yaml(text, name, max_nodes)
    data = _parse_json(text, name, max_nodes, raw if isinstance(raw, bytes) else None)
    return Document(data, json_positions(text, max_nodes) if positions else Positions())


def _parse_yaml(text: str, name: str, max_nodes: int) -> Document:
    try:
        node = compose(text)
        builder = NodeBuilder(max_nodes)
        data = None if node is None else builder.build(node)
    except NodeProblem as exc:
        raise DocumentError(
            name, exc.line, exc.column, exc.code, exc.message, hint=exc.hint, detail=exc.detail
        ) from None
    return Document(data, builder.positions if node is not None else Positions())


def json_positions(text: str, max_nodes: int = MAX_NODES) -> Positions:
    """Positions of a JSON text's values, or none when the YAML composer cannot read it (or
    the text is longer than :data:`LOCATED_CHARS`)."""
    if len(text) > LOCATED_CHARS:
        return Positions()
    try:
        node = compose(text)
        if node is None:
            return Positions()
        builder = NodeBuilder(max_nodes)
        builder.build(node)
    except (NodeProblem, yaml.YAMLError, RecursionError):
        return Positions()
    return builder.positions


class _JSONRefused(Exception):
    def __init__(self, code: str, message: str, *, constant: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.constant = constant  # NaN or Infinity, which the YAML composer reads as text


#: Short fractions below 1 (shares, rates) and their values: written the same way, they are
#: one object.  The engine looks every split up by its shares, and a decimal computes its
#: hash once per object (see ``app.io.deals.model._share``).
_FRACTIONS: dict[str, Decimal] = {}


def _json_number(text: str) -> Decimal:
    known = _FRACTIONS.get(text)
    if known is not None:
        return known
    try:
        value = Decimal(text)
    except decimal.InvalidOperation:
        raise _JSONRefused("INVALID_NUMBER", f"{shorten(text)} is out of range") from None
    if not -1000 <= value.adjusted() <= 1000:
        raise _JSONRefused("INVALID_NUMBER", f"{shorten(text)} is out of range")
    if len(text) <= 10 and text.startswith("0.") and len(_FRACTIONS) < 10_000:
        _FRACTIONS[text] = value
    return value


class _JSONCounter:
    """The decoder's hooks, counting objects and numbers as they are decoded.

    A body of millions of tiny values is refused when the count passes ``max_values``, long
    before its values would be validated one by one; an object with more than
    :data:`~app.io.read.yamlnodes.MAX_MEMBERS` members is refused as it is built.
    """

    def __init__(self, max_values: int) -> None:
        self.left = max_values
        self.max_values = max_values

    def _count(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _JSONRefused(
                "TOO_MANY_VALUES",
                f"the document holds more than {self.max_values:,} objects and numbers",
            )

    def number(self, text: str) -> Decimal:
        self._count()
        return _json_number(text)

    def integer(self, text: str) -> int:
        self._count()
        return int(text)

    def object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        self._count()
        if len(pairs) > MAX_MEMBERS:
            raise _JSONRefused(
                "TOO_MANY_VALUES", f"an object has more than {MAX_MEMBERS:,} members"
            )
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _JSONRefused(
                    "DUPLICATE_KEY", f"the key {shorten(key)!r} is written twice in one object"
                )
            result[key] = value
        return result


def _json_constant(text: str) -> object:
    raise _JSONRefused(
        "INVALID_NUMBER",
        f"{text} is not a finite number; amounts and rates must be decimals",
        constant=True,
    )


def _parse_json(
    text: str, name: str, max_values: int = MAX_NODES, raw: bytes | None = None
) -> object:
    # Arrays have no decoder hook, and building millions of them holds the interpreter for
    # seconds: their opening brackets are counted first (those inside strings too, so the
    # count is an upper bound).
    brackets = text.count("[")
    if brackets > MAX_ARRAYS:
        message = f"the document opens more than {MAX_ARRAYS:,} arrays"
        raise DocumentError(name, None, None, "TOO_MANY_VALUES", message)
    brackets += text.count("{")
    if len(text) > _RUN_CHECKED and brackets <= max_values:
        run = _longest_run(text.encode("utf-8") if raw is None else raw)
        if run > MAX_RUN:
            message = f"an array holds more than {MAX_RUN:,} values"
            raise DocumentError(name, None, None, "TOO_MANY_VALUES", message)
    hooks = _JSONCounter(max_values)
    try:
        return json.loads(
            text,
            parse_float=hooks.number,
            parse_int=hooks.integer,
            parse_constant=_json_constant,
            object_pairs_hook=hooks.object,
        )
    except json.JSONDecodeError as exc:
        raise DocumentError(name, exc.lineno, exc.colno, "SYNTAX", exc.msg) from None
    except _JSONRefused as exc:
        line, column = _json_problem_position(text, exc.code, constant=exc.constant)
        raise DocumentError(name, line, column, exc.code, exc.message) from None
    except ValueError:  # int() refuses numbers of more than 4300 digits
        line, column = _json_problem_position(text, "INVALID_NUMBER")
        message = "a number has too many digits to be an amount"
        raise DocumentError(name, line, column, "INVALID_NUMBER", message) from None
    except RecursionError:
        raise DocumentError(name, None, None, "TOO_DEEP", "nested too deeply") from None


#: Values of one array of strings, numbers or literals (which the decoder builds in one step
#: that lets no other thread run); a scheme's longest, its client ids, has 10 000.
MAX_RUN: Final = 100_000
_RUN_CHECKED: Final = 1024 * 1024  # below, no array holds enough values to matter
_BRACKETS: Final = bytes.maketrans(b"]{}", b"[[[")


def _longest_run(data: bytes) -> int:
    """An upper bound of the values of the longest array of scalars: the most commas between
    two brackets (commas in strings counted too). A run of a hundred thousand values takes
    at least 200 000 bytes, so only segments that long are counted."""
    segments = data.translate(_BRACKETS).split(b"[")
    return max((s.count(b",") + 1 for s in segments if len(s) > 2 * MAX_RUN), default=0)


def _json_problem_position(
    text: str, code: str, *, constant: bool = False
) -> tuple[int | None, int | None]:
    """Where the YAML composer finds the same problem (it reports positions).

    Not for a refused count (the composer would spend seconds on what was refused in
    milliseconds) nor for a text above :data:`LOCATED_CHARS`.
    """
    if code == "TOO_MANY_VALUES" or len(text) > LOCATED_CHARS:
        return None, None
    found = _CONSTANT_RE.search(_blank_strings(text)) if constant else None
    if found is not None:
        offset = found.start()
        return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1
    try:
        node = compose(text)
        if node is not None:
            NodeBuilder(MAX_NODES).build(node)
    except NodeProblem as exc:
        if exc.code == code:
            return exc.line, exc.column
    except (yaml.YAMLError, RecursionError):
        pass
    return None, None


_CONSTANT_RE: Final = re.compile(r"-?\b(?:NaN|Infinity)\b")
_STRING_RE: Final = re.compile(r'"(?:[^"\\]|\\.)*"')


def _blank_strings(text: str) -> str:
    """``text`` with the inside of every JSON string blanked, offsets unchanged."""
    return _STRING_RE.sub(lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)


_DUMP: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dump_document(value: object) -> str:
    """A decoded document as compact JSON, its decimals written as exact JSON numbers."""
    if isinstance(value, Decimal):
        return format(value, "f")  # plain notation, every digit as written
    if isinstance(value, Mapping):
        items = (f"{_DUMP(str(k))}:{dump_document(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dump_document(v) for v in value) + "]"
    return _DUMP(value)
