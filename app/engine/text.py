"""Text of the input: identifiers, names and labels never hold a control character.

One rule for every text value read (ids, names, department and role names, labels, keys, client
ids, query and path parameters): no character of Unicode category Cc, that is C0 controls
U+0000–U+001F (tab, line feed and carriage return included), DEL U+007F and the C1 controls
U+0080–U+009F.  Such a character is invisible on a payslip, breaks a CSV row or a terminal,
and a NUL cannot even be stored in PostgreSQL; so it is refused where the text comes in, the
same way on every database.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["CONTROL_CHARACTERS", "check_text", "control_character", "control_message"]

#: The characters no text value may contain.
CONTROL_CHARACTERS: Final = re.compile("[\x00-\x1f\x7f-\x9f]")


def control_character(text: str) -> int | None:
    """The index of the first control character of ``text``, or None when it has none."""
    found = CONTROL_CHARACTERS.search(text)
    return None if found is None else found.start()


def control_message(text: str, index: int) -> str:
    """Why ``text`` (with a control character at ``index``) is refused; never echoes it."""
    return (
        f"contains the control character U+{ord(text[index]):04X} at position {index + 1}; "
        "text may not contain control characters (U+0000-U+001F, U+007F-U+009F)"
    )


def check_text(text: str) -> str:
    """``text`` unchanged, or ValueError when it contains a control character."""
    index = control_character(text)
    if index is not None:
        raise ValueError(control_message(text, index))
    return text
