"""How ``json.dumps`` lays a document out, and payslip *skeletons*: a document dumped once
with marked placeholders, made into a ``%``-template whose slots are filled per employee
(:mod:`.explain`).  Escaping is per character, so escaped pieces join into the escaped whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["END", "ESCAPE", "IN", "VALUE", "Layout", "Skeleton", "inside"]

ESCAPE: Final[Callable[[str], str]] = json.encoder.encode_basestring
# Placeholders in a skeleton: inside a JSON string (IN … END) or a whole value (VALUE … END).
IN: Final = "\ue000"
VALUE: Final = "\ue002"
END: Final = "\ue001"


def inside(value: str) -> str:
    """``value`` as it is written inside a JSON string (without the quotes)."""
    escaped: str = ESCAPE(value)
    return escaped[1:-1]


@dataclass(frozen=True, slots=True)
class Layout:
    """How ``json.dumps`` lays a document out: ``indent`` spaces a level (``None``: compact)
    and the level of a payslip object in the document (2: the ``payslips`` list's items)."""

    indent: int | None = 2
    level: int = 2

    def dump(self, value: Any, level: int) -> str:
        """``value`` as ``json.dumps`` writes it when nested ``level`` levels deep."""
        if self.indent is None:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        text = json.dumps(value, ensure_ascii=False, indent=self.indent)
        return text.replace("\n", "\n" + " " * (self.indent * level))

    def newline(self, level: int) -> str:
        return "" if self.indent is None else "\n" + " " * (self.indent * level)

    @property
    def colon(self) -> str:
        return ":" if self.indent is None else ": "


class Skeleton:
    """A payslip dumped with placeholders: ``slot(kind)`` adds one; ``template(layout)`` is
    the dump as a ``%``-template (None when a constant of the scheme holds a marker)."""

    def __init__(self) -> None:
        self.count = 0
        self.tails: dict[int, str] = {}

    def slot(self, whole: bool = False, tail: str | None = None) -> str:
        """A placeholder for a string's content, or (``whole``) for a whole JSON value, or
        (``tail``: the list's item separator) for the last items of a list, filled with
        their separators, or with nothing."""
        marker = f"{VALUE if whole or tail is not None else IN}{self.count}{END}"
        if tail is not None:
            self.tails[self.count] = tail
        self.count += 1
        return marker

    def template(self, document: Any, layout: Layout, level: int) -> str | None:
        text = layout.dump(document, level).replace("%", "%%")
        found = -1
        for k in range(self.count):
            marks = [f"{IN}{k}{END}", f'{self.tails.get(k, "")}"{VALUE}{k}{END}"']
            if sum(text.count(mark) for mark in marks) != 1:
                return None
            at = max(text.find(mark) for mark in marks)
            if at < found:  # the slots must come in the order they are filled
                return None
            found = at
            text = text.replace(marks[0], "%s").replace(marks[1], "%s")
        if IN in text or VALUE in text or END in text:
            return None
        return text
