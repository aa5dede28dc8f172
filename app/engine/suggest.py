"""What a mistyped key or value was probably meant to be: the close matches among those allowed."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

__all__ = ["allowed_keys", "close_match"]


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, …]`` and ``X | None`` as ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            kept = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(kept) != 1:
                return annotation
            annotation = kept[0]
        else:
            return annotation


def _child(annotation: Any, part: str | int) -> Any:
    """The type of the value at ``part`` inside a value of type ``annotation``."""
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    if origin is dict:
        return typing.get_args(annotation)[1]
    if origin in (list, tuple) and isinstance(part, int):
        return typing.get_args(annotation)[0]
    return None


def allowed_keys(model: type[BaseModel], location: Sequence[str | int]) -> list[str]:
    """The keys a mapping at ``location`` (a path from the top of ``model``) may have, as they
    are written (``from``, not ``from_``); none when the place is not a model."""
    annotation: Any = model
    for part in location:
        annotation = _child(annotation, part)
        if annotation is None:
            return []
    annotation = _unwrap(annotation)
    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return []
    return [info.alias or name for name, info in annotation.model_fields.items()]


def close_match(word: str, allowed: Sequence[str]) -> str | None:
    """The one of ``allowed`` that ``word`` most probably misspells, if any is close."""
    found = difflib.get_close_matches(word, allowed, n=1, cutoff=0.7)
    return found[0] if found else None
