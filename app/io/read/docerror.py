"""The error of a file that is not a readable document: its code, place, message and hint."""

from __future__ import annotations

from typing import Final

__all__ = ["DocumentError"]

#: The usual fix of each code, for the problems that do not come with their own.
_HINTS: Final = {
    "TOO_LARGE": "split the file, or raise the limit named in the message",
    "ENCODING": "save the file as UTF-8 text",
    "UNSUPPORTED_FORMAT": "name the file .yaml, .yml or .json after its content",
    "SYNTAX": "check the indentation, quotes and brackets of this line and the line before",
    "DUPLICATE_KEY": "keep one of the two, or rename one if they are different things",
    "INVALID_NUMBER": "write the number with digits only and '.' for decimals: 45000 or 0.15",
    "INVALID_KEY": "write each key as one word followed by ':'",
    "UNSUPPORTED_TAG": "remove the '!' tag; write the value itself",
}


class DocumentError(Exception):
    """A file that is not a readable document; ``code`` says why.

    Codes: UNREADABLE, TOO_LARGE, ENCODING, UNSUPPORTED_FORMAT, SYNTAX, TAB_INDENT,
    BAD_INDENT, DUPLICATE_KEY, INVALID_NUMBER, INVALID_KEY, UNSUPPORTED_TAG, TOO_MANY_VALUES,
    TOO_DEEP.  ``hint`` is a fix in plain words, ``detail`` the parser's own description.
    """

    def __init__(
        self,
        path: str,
        line: int | None,
        column: int | None,
        code: str,
        message: str,
        *,
        hint: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.code = code
        self.message = message
        self.hint = hint if hint is not None else _HINTS.get(code)
        self.detail = detail
        super().__init__(str(self))

    @property
    def location(self) -> str:
        parts = [self.path, *(str(n) for n in (self.line, self.column) if n is not None)]
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.code}: {self.message}"
