"""Languages of the text people read: the request's or the command's language, and its
message catalog (gettext, domain ``compcalc``).

Messages are written in English in the code (``_("Attainment")``) and translated in
``app/locale/<lang>/LC_MESSAGES/compcalc.po``; ``make messages`` extracts them with Babel
into ``app/locale/compcalc.pot``, updates the catalogs and compiles the ``.mo`` files that
:func:`translation` loads (both committed).
"""

from __future__ import annotations

import functools
import gettext
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

__all__ = ["DOMAIN", "LANGUAGES", "LOCALE_DIR", "from_environment", "negotiate", "translation"]

#: The languages compcalc speaks, the first the default.
LANGUAGES: Final = ("ru", "en")
DOMAIN: Final = "compcalc"
LOCALE_DIR: Final = Path(__file__).resolve().parent.parent / "locale"
_MAX_RANGES: Final = 32  # a longer Accept-Language is read only this far


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def negotiate(accept_language: str | None, default: str = "en") -> str:
    """The language of :data:`LANGUAGES` an ``Accept-Language`` header prefers (RFC 9110:
    ``ru-RU;q=0.9, en;q=0.8``): the highest quality, the earlier range on a tie; a range
    matches by its primary subtag; ``*`` matches ``default``; none known → ``default``."""
    best: tuple[float, int] | None = None
    chosen = default
    for order, part in enumerate((accept_language or "").split(",")[:_MAX_RANGES]):
        tag, *params = part.split(";")
        primary = tag.strip().lower().split("-")[0]
        language = default if primary == "*" else primary
        if language not in LANGUAGES:
            continue
        q = _quality(params)
        if q > 0 and (best is None or (q, -order) > best):
            best, chosen = (q, -order), language
    return chosen


def from_environment(environ: Mapping[str, str] | None = None, default: str = "en") -> str:
    """The language of the POSIX locale variables (``LC_ALL``, then ``LC_MESSAGES``, then
    ``LANG``: ``ru_RU.UTF-8`` → ``ru``), else ``default``."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            primary = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return primary if primary in LANGUAGES else default
    return default


@functools.cache
def translation(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (English, the language of the code: no translation)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGUAGES)}")
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=lang == "en")
