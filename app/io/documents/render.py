"""The Jinja2 environment of the documents: templates of this package, autoescaped."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["render_template"]


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("app.io.documents", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)
