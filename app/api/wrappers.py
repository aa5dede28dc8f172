"""The roster and deals files as they are, in a JSON (or YAML) body of a payroll operation:
``"roster": {"employees": […]}`` and ``"deals": {"deals": […]}``, the wrappers of the files the
command line reads, are taken off before the body is validated, and every problem points into
them as sent (``/roster/employees/3/fte``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Final

from app import services
from app.engine import InputError
from app.services import ErrorItem, Invalid
from app.services.errors import MAX_ERRORS, input_error_items

__all__ = ["pointing_into", "rewrapped", "unwrapped"]

_WRAPPERS: Final = {"roster": "employees", "deals": "deals"}


def unwrapped(data: object) -> tuple[object, dict[str, str]]:
    """``data`` with a roster file's ``{"employees": […]}`` and a deals file's
    ``{"deals": […]}`` replaced by their lists, and the key of each unwrapped (to point at
    its problems in the body as sent)."""
    if not isinstance(data, dict):
        return data, {}
    found = {}
    for name, key in _WRAPPERS.items():
        value = data.get(name)
        if isinstance(value, dict) and set(value) == {key} and isinstance(value[key], list):
            found[name] = key
    if not found:
        return data, {}
    return {**data, **{name: data[name][key] for name, key in found.items()}}, found


def rewrapped(inputs: services.PayrollInputs, found: Mapping[str, str]) -> services.PayrollInputs:
    """``inputs`` whose engine problems point into the wrapped lists of the body as sent."""
    if not found:
        return inputs

    def report(exc: InputError) -> Invalid:
        items = [_pointing(item, found) for item in input_error_items(exc, MAX_ERRORS)]
        count = len(exc.problems)
        detail = f"the payroll input has {count} problem(s): {items[0].detail}"
        return Invalid("INVALID_INPUT", detail, items, {"error_count": count})

    return replace(inputs, report=report)


def _pointing(item: ErrorItem, found: Mapping[str, str]) -> ErrorItem:
    pointer = item.pointer or ""
    for name, key in found.items():
        if pointer == f"/{name}" or pointer.startswith(f"/{name}/"):
            pointer = f"/{name}/{key}" + pointer[len(name) + 1 :]
            break
    return ErrorItem(item.detail, pointer, item.parameter, item.code, item.line, item.column)


@contextmanager
def pointing_into(found: Mapping[str, str]) -> Iterator[None]:
    """Problems of the body's validation pointing into the wrapped lists as sent."""
    try:
        yield
    except Invalid as exc:
        if not found:
            raise
        items = [_pointing(item, found) for item in exc.errors]
        detail = exc.detail
        for name, key in found.items():
            detail = detail.replace(f"/{name}/", f"/{name}/{key}/")
        raise Invalid(exc.code, detail, items, exc.extra) from None
