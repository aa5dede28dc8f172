"""Languages: Accept-Language and LANG, and the committed message catalogs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.i18n import LANGUAGES, LOCALE_DIR, from_environment, negotiate, translation

#: The modules whose messages people read in Russian.
TRANSLATED = ("app/io/plan/labels.py", "app/io/plan/curves.py", "app/io/plan/curvesout.py")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("ru", "ru"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-GB, ru;q=0.5", "en"),
        ("de, ru;q=0.3", "ru"),  # German is not spoken: the next known one
        ("de, fr", "en"),
        ("en;q=0.2, ru;q=0.8", "ru"),  # by quality, not by order
        ("ru;q=0, en;q=0.1", "en"),  # q=0: not acceptable
        ("ru;q=1, en;q=1", "ru"),  # a tie: the first
        ("*", "en"),
        ("ru;q=abc, en;q=0.5", "en"),  # a broken quality counts as 0
    ],
)
def test_negotiate_reads_accept_language_with_its_qualities(
    header: str | None, expected: str
) -> None:
    assert negotiate(header) == expected


def test_the_language_of_the_environment() -> None:
    assert from_environment({"LANG": "ru_RU.UTF-8"}) == "ru"
    assert from_environment({"LC_ALL": "en_US.UTF-8", "LANG": "ru_RU.UTF-8"}) == "en"
    assert from_environment({"LANG": "de_DE.UTF-8"}) == "en"
    assert from_environment({"LANG": "C.UTF-8"}) == "en"
    assert from_environment({}) == "en"


def test_translation_of_each_language() -> None:
    assert translation("ru").gettext("Attainment") == "Выполнение"
    assert translation("en").gettext("Attainment") == "Attainment"
    with pytest.raises(ValueError, match="unknown language 'de'"):
        translation("de")


def _catalog(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "compcalc.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {str(m.id): str(m.string) for m in catalog if m.id}


def test_every_message_of_the_curves_has_a_russian_translation(repo_root: Path) -> None:
    used = {
        message
        for module in TRANSLATED
        for _, message, _, _ in extract_from_file("python", repo_root / module)
        if isinstance(message, str)
    }
    russian = _catalog("ru")

    assert len(used) >= 10
    missing = sorted(m for m in used if not russian.get(m))
    assert not missing, "translate these in app/locale/ru/LC_MESSAGES/compcalc.po: " + str(missing)
    assert used <= set(_catalog("en")), "run make messages: the catalogs miss some messages"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_committed_mo_is_its_po_compiled(lang: str) -> None:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    with (folder / "compcalc.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)

    assert (folder / "compcalc.mo").read_bytes() == compiled.getvalue(), "run make messages"
