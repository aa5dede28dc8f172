"""From a decoded document (dict) to a :class:`Scheme`, and the scheme's content hash."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from .findings import Finding, Path, SchemeError
from .memo import memo
from .money import CURRENCY_MINOR_UNITS, format_plain
from .scheme import Exports, Scheme
from .suggest import allowed_keys, close_match

__all__ = ["canonical", "canonical_json", "parse_scheme", "scheme_hash", "validation_findings"]

# Pydantic's own error types mapped to our stable codes; custom validators already
# raise errors whose type is the code (PRECISION, RATE_RANGE, ...).
_BUILTIN_CODES = {
    "extra_forbidden": "UNKNOWN_KEY",
    "missing": "MISSING_KEY",
    "dict_type": "INVALID_TYPE",
    "list_type": "INVALID_TYPE",
    "model_type": "INVALID_TYPE",
    "model_attributes_type": "INVALID_TYPE",
    "string_type": "INVALID_TYPE",
    "bool_type": "INVALID_TYPE",
    "bool_parsing": "INVALID_TYPE",
    "int_type": "INVALID_TYPE",
    "int_parsing": "INVALID_TYPE",
    "int_from_float": "INVALID_TYPE",
    "tuple_type": "INVALID_TYPE",
    "date_type": "INVALID_TYPE",
    "too_short": "INVALID_LENGTH",
    "too_long": "INVALID_LENGTH",
    "string_pattern_mismatch": "INVALID_NAME",
    "string_too_short": "INVALID_LENGTH",
    "string_too_long": "INVALID_LENGTH",
}


_KIND_NAMES = {
    "list": "a list",
    "str": "a text value",
    "int": "a number",
    "Decimal": "a number",
    "float": "a number",
    "bool": "true/false",
    "NoneType": "an empty document",
}


def _message(error: Mapping[str, Any]) -> str:
    kind, loc = error["type"], error["loc"]
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r}"
    if kind == "missing":
        return f"required key {loc[-1]!r} is missing"
    if kind == "string_pattern_mismatch":
        return (
            f"{error.get('input')!r} is not a valid name: use lower-case letters, digits "
            "and underscores, starting with a letter"
        )
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{error.get('input')!r} is not one of {expected}"
    if kind == "list_type":
        return "a list is expected here: items each on a line starting '- ', or in [ ]"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "keys with their values are expected here, not a single value or a list"
    if kind == "too_short" and error.get("ctx", {}).get("min_length") == 1:
        return "the list is empty; it needs at least one item"
    return str(error["msg"])


_NAME_PART = re.compile(r"[^a-z0-9_]+")


def _hint(error: Mapping[str, Any], model: type[BaseModel] | None) -> str | None:
    """A fix that fits this error better than its code's usual hint, if there is one."""
    kind, loc, ctx = error["type"], error["loc"], error.get("ctx") or {}
    if isinstance(ctx.get("hint"), str):
        return str(ctx["hint"])
    if kind == "extra_forbidden" and model is not None and isinstance(loc[-1], str):
        allowed = allowed_keys(model, loc[:-1])
        meant = close_match(loc[-1], allowed)
        if meant is not None:
            return f"did you mean `{meant}`?"
        if allowed:
            return "the keys allowed here are: {keys}".format(keys=", ".join(sorted(allowed)))
    if kind == "missing":
        return f"add `{loc[-1]}:` with its value here"
    if kind == "string_pattern_mismatch" and isinstance(error.get("input"), str):
        name = _NAME_PART.sub("_", error["input"].lower()).strip("_")
        if re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name):
            return f"write it as `{name}`"
    if kind == "enum" and isinstance(error.get("input"), str):
        values = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        meant = close_match(error["input"], values)
        if meant is not None:
            return f"did you mean `{meant}`?"
        return "write one of: {values}".format(values=", ".join(values))
    return None


def validation_findings(
    exc: ValidationError, model: type[BaseModel] | None = None
) -> list[Finding]:
    """Every Pydantic error of a scheme as a finding with a code, a path and a hint.

    ``model`` is the model that was validated, whose keys an unknown key is compared with
    (the scheme's when the error is about a :class:`Scheme` and no model is given).
    """
    if model is None and exc.title == Scheme.__name__:
        model = Scheme
    findings = []
    for error in exc.errors(include_url=False):
        kind = error["type"]
        code = kind if kind.isupper() else _BUILTIN_CODES.get(kind, "INVALID_VALUE")
        # An error about a dict key carries "[key]" after the key itself: drop the marker.
        path: Path = tuple(p for p in error["loc"] if isinstance(p, (str, int)) and p != "[key]")
        findings.append(Finding(code, "error", path, _message(error), hint=_hint(error, model)))
    return findings


def parse_scheme(document: object) -> Scheme:
    """Validate a decoded scheme document; raise :class:`SchemeError` with all findings."""
    if not isinstance(document, Mapping):
        kind = _KIND_NAMES.get(type(document).__name__, "a single value")
        raise SchemeError(
            [
                Finding(
                    "NOT_A_MAPPING", "error", (), f"a scheme must be a mapping of keys, not {kind}"
                )
            ]
        )
    currency = document.get("currency")
    context = {}
    if isinstance(currency, str) and currency in CURRENCY_MINOR_UNITS:
        context["minor_units"] = CURRENCY_MINOR_UNITS[currency]
    try:
        return Scheme.model_validate(document, context=context)
    except ValidationError as exc:
        raise SchemeError(validation_findings(exc)) from None


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data: decimals in plain notation, enums by value, dates ISO."""
    if isinstance(value, Decimal):
        return format_plain(value)
    if isinstance(value, Enum):
        return canonical(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(canonical(k)): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


@functools.cache
def _default_exports() -> Any:
    return canonical(Exports().model_dump(mode="python", by_alias=True))


def canonical_json(scheme: Scheme) -> str:
    """The scheme with every default filled in, numbers normalised, keys sorted.

    An empty ``minimum_wage``, ``exports`` as its defaults and no calendar ``country`` are
    left out, so a scheme without them keeps the hash it had before the keys existed.
    """
    data = canonical(scheme.model_dump(mode="python", by_alias=True))
    if not data["minimum_wage"]:
        del data["minimum_wage"]
    if data["calendar"]["country"] is None:
        del data["calendar"]["country"]
    if data["exports"] == _default_exports():
        del data["exports"]
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def scheme_hash(scheme: Scheme) -> str:
    """``sha256:<hex>`` of :func:`canonical_json`: equal for equal rules however written.

    Computed once per scheme object (a scheme never changes).
    """

    def compute() -> str:
        return "sha256:" + hashlib.sha256(canonical_json(scheme).encode()).hexdigest()

    return memo(scheme, "hash", compute)
