"""YAML node trees to plain Python data, with YAML 1.2 core scalars and exact decimals."""

from __future__ import annotations

import decimal
import re
from decimal import Decimal
from typing import Any, Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.engine import Path

from .positions import Position, Positions
from .yamlerrors import NodeProblem, explain

__all__ = [
    "MAX_DEPTH",
    "MAX_MEMBERS",
    "MAX_NODES",
    "NodeBuilder",
    "NodeProblem",
    "compose",
    "shorten",
]

#: Values a document may expand to through aliases ("billion laughs" guard).
MAX_NODES: Final = 1_000_000
#: Members of one mapping (JSON object); a scheme's largest, a client baseline, has 10 000.
MAX_MEMBERS: Final = 10_000
#: Nesting levels; a scheme needs about ten.
MAX_DEPTH: Final = 100

_PLAIN: Final = "tag:compcalc,2027:plain"  # an untagged plain scalar, resolved below
_STD: Final = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ, _MERGE = f"{_STD}map", f"{_STD}seq", f"{_STD}merge"

_NULL_RE: Final = re.compile(r"~|null|Null|NULL|")
_TRUE_RE: Final = re.compile(r"true|True|TRUE")
_FALSE_RE: Final = re.compile(r"false|False|FALSE")
_INT_RE: Final = re.compile(r"[-+]?[0-9]+")
_OCT_RE: Final = re.compile(r"0o[0-7]+")
_HEX_RE: Final = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT_RE: Final = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_RE: Final = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")

try:  # libyaml's composer is much faster and caps nesting itself
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class _Composer(_Loader):
    """The safe loader, except that untagged scalars keep a marker instead of a
    YAML 1.1 guess, so that :class:`NodeBuilder` resolves them by YAML 1.2 rules."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP


def _position(node: Node) -> Position:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def compose(text: str) -> Node | None:
    """The single document of ``text`` as a node tree; None when it is empty."""
    loader = _Composer(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise explain(exc, text) from None
    except yaml.YAMLError as exc:
        raise NodeProblem("SYNTAX", str(exc), None, None) from None
    except RecursionError:
        raise NodeProblem("TOO_DEEP", "the document is nested too deeply", None, None) from None
    finally:
        loader.dispose()


def shorten(text: str, limit: int = 30) -> str:
    """``text`` cut to ``limit`` characters for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(text: str, node: Node, *, integer: bool) -> int | Decimal:
    try:
        if integer:
            return int(text)
        value = Decimal(text)
    except (ValueError, decimal.InvalidOperation):
        message = f"{shorten(text)} is out of range"
        raise NodeProblem("INVALID_NUMBER", message, *_position(node)) from None
    if not -1000 <= value.adjusted() <= 1000:
        raise NodeProblem("INVALID_NUMBER", f"{shorten(text)} is out of range", *_position(node))
    return value


class NodeBuilder:
    """Builds data from a node tree and records the position of every value."""

    def __init__(self, max_nodes: int = MAX_NODES) -> None:
        self.max_nodes = max_nodes
        self.count = 0
        self.positions = Positions()
        self._active: set[int] = set()  # collections being built: an alias to one is a cycle

    def _fail(self, code: str, message: str, node: Node) -> NodeProblem:
        return NodeProblem(code, message, *_position(node))

    def build(self, node: Node, path: Path = (), at: Position | None = None) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            raise self._fail(
                "TOO_MANY_VALUES",
                f"the document expands to more than {self.max_nodes:,} values "
                "(through anchors and aliases)",
                node,
            )
        if len(path) > MAX_DEPTH:
            raise self._fail("TOO_DEEP", f"values are nested more than {MAX_DEPTH} deep", node)
        collection = isinstance(node, (MappingNode, SequenceNode))
        self.positions.values[path] = at if (collection and at) else _position(node)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if id(node) in self._active:
            raise self._fail("TOO_DEEP", "an alias refers to a value that contains it", node)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                self._check_tag(node, _SEQ)
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            self._check_tag(node, _MAP)
            return self.mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            raise self._fail("UNSUPPORTED_TAG", f"tag {node.tag} is not supported here", node)

    def mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        entries: list[tuple[Any, Position, Node]] = []
        seen: dict[Any, Position] = {}
        merges: list[Node] = []
        if len(node.value) > MAX_MEMBERS:
            raise self._fail(
                "TOO_MANY_VALUES", f"a mapping has more than {MAX_MEMBERS:,} members", node
            )
        for key_node, value_node in _decimal_commas(node.value):
            if _is_merge_key(key_node):
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                raise self._fail(
                    "INVALID_KEY", "a key must be a single value, not a list or mapping", key_node
                )
            key = self.scalar(key_node)
            if key in seen:
                line, column = seen[key]
                raise NodeProblem(
                    "DUPLICATE_KEY",
                    f"the key {key_node.value!r} is written twice here; it is first on line {line}",
                    *_position(key_node),
                    hint="keep one of the two, or rename one if they are different things",
                    detail=f"first at line {line}, column {column}",
                )
            seen[key] = _position(key_node)
            entries.append((key, seen[key], value_node))
        # Merged mappings are built first so that the positions of explicit keys win.
        merged = self._merged(merges, path) if merges else {}
        result: dict[Any, Any] = {}
        for key, here, value_node in entries:
            child = (*path, _path_part(key))
            self.positions.keys[child] = here
            result[key] = self.build(value_node, child, here)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def _merged(self, merges: list[Node], path: Path) -> dict[Any, Any]:
        """``<<: *defaults`` (or a list of them): the first mapping naming a key wins."""
        own = self.positions.values[path]
        merged: dict[Any, Any] = {}
        for source in merges:
            for mapping in source.value if isinstance(source, SequenceNode) else [source]:
                if not isinstance(mapping, MappingNode):
                    raise self._fail(
                        "SYNTAX", "'<<' must merge a mapping or a list of mappings", mapping
                    )
                for key, value in self.build(mapping, path, own).items():
                    merged.setdefault(key, value)
        self.positions.values[path] = own
        return merged

    def scalar(self, node: ScalarNode) -> Any:
        text: str = node.value
        tag = node.tag
        if tag == _STR:
            return text
        if _SPECIAL_RE.fullmatch(text) and tag in (_PLAIN, _FLOAT):
            raise self._fail(
                "INVALID_NUMBER",
                f"{text} is not a finite number; amounts and rates must be decimals",
                node,
            )
        if tag == _PLAIN:
            if _NULL_RE.fullmatch(text):
                return None
            if _TRUE_RE.fullmatch(text) or _FALSE_RE.fullmatch(text):
                return text[0] in "tT"
            if _INT_RE.fullmatch(text):
                return _number(text, node, integer=True)
            if _OCT_RE.fullmatch(text):
                return int(text[2:], 8)
            if _HEX_RE.fullmatch(text):
                return int(text[2:], 16)
            if _FLOAT_RE.fullmatch(text):
                return _number(text, node, integer=False)
            return text
        return self._tagged(node, tag, text)

    def _tagged(self, node: ScalarNode, tag: str, text: str) -> Any:
        if tag == _NULL and _NULL_RE.fullmatch(text):
            return None
        if tag == _BOOL and (_TRUE_RE.fullmatch(text) or _FALSE_RE.fullmatch(text)):
            return text[0] in "tT"
        if tag == _INT and _INT_RE.fullmatch(text):
            return _number(text, node, integer=True)
        if tag == _FLOAT and _FLOAT_RE.fullmatch(text):
            return _number(text, node, integer=False)
        if tag in (_NULL, _BOOL, _INT, _FLOAT):
            kind = tag.removeprefix(_STD)
            raise self._fail(
                "INVALID_NUMBER" if kind in ("int", "float") else "SYNTAX",
                f"{text!r} is not a valid !!{kind}",
                node,
            )
        raise self._fail("UNSUPPORTED_TAG", f"tag {tag} is not supported", node)


_DIGITS: Final = re.compile(r"[+-]?[0-9]+")


def _decimal_commas(pairs: list[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
    """``{rate: 0,15}`` as ``{rate: "0,15"}``: a number, a comma and digits written as a key
    without a value is a number with a decimal comma, reported as one by the rule language
    (it is never a valid key: a key ``15`` without a value means nothing in any document)."""
    merged: list[tuple[Node, Node]] = []
    for key, value in pairs:
        if merged and _continues(merged[-1][1], key, value):
            before_key, before = merged[-1]
            text = f"{before.value},{key.value}"
            joined = ScalarNode(_STR, text, before.start_mark, key.end_mark, style="'")
            merged[-1] = (before_key, joined)
            continue
        merged.append((key, value))
    return merged


def _continues(before: Node, key: Node, value: Node) -> bool:
    return (
        isinstance(before, ScalarNode)
        and isinstance(key, ScalarNode)
        and isinstance(value, ScalarNode)
        and before.tag == key.tag == value.tag == _PLAIN
        and bool(_DIGITS.fullmatch(before.value))
        and key.value.isascii()
        and key.value.isdigit()
        and value.value == ""
        and key.start_mark.index == before.end_mark.index + 1
        and value.start_mark.index == key.end_mark.index
    )


def _is_merge_key(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag in (_PLAIN, _MERGE) and node.value == "<<"


def _path_part(key: Any) -> str | int:
    if isinstance(key, str) or (isinstance(key, int) and not isinstance(key, bool)):
        return key
    return str(key)
