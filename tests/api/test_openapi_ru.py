"""The OpenAPI document and its pages in Russian: ``?lang=ru`` or ``Accept-Language: ru``.

English stays the default (and the committed openapi.json); the Russian document has the
same paths, schemas and examples, its summaries and descriptions from the ru catalog.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.openapitext import MESSAGES
from app.i18n import translation
from app.main import DESCRIPTION, create_app, openapi_document


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    app = create_app()
    with TestClient(app) as client:
        yield client
    app.state.database.dispose()


def _summaries(document: dict[str, Any]) -> dict[str, str]:
    return {
        operation["operationId"]: operation["summary"]
        for item in document["paths"].values()
        for operation in item.values()
    }


def test_english_is_the_default(api: TestClient) -> None:
    answer = api.get("/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-language"] == "en"
    assert "accept-language" in answer.headers["vary"].lower()
    assert answer.json()["info"]["description"] == DESCRIPTION
    assert _summaries(answer.json())["health"] == "Liveness check"


@pytest.mark.parametrize(
    ("params", "headers"),
    [({"lang": "ru"}, {}), ({}, {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})],
)
def test_russian_by_query_or_header(
    api: TestClient, params: dict[str, str], headers: dict[str, str]
) -> None:
    answer = api.get("/openapi.json", params=params, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-language"] == "ru"
    document = answer.json()
    summaries = _summaries(document)
    assert summaries["calculate_payroll"] == (
        "Рассчитать начисления («что если», ничего не сохраняется)"
    )
    assert summaries["get_payroll_run_payslip"] == (
        "Расчётный листок сотрудника с объяснением каждой строки"
    )
    assert document["info"]["description"].startswith("compcalc рассчитывает оплату труда")
    assert "40–50% ниже" in document["info"]["description"]  # the "%" comes back single
    tags = {tag["name"]: tag["description"] for tag in document["tags"]}
    assert tags["Admin"] == "Ключи API и журнал аудита (право `admin`)."


def test_the_russian_document_differs_only_in_its_texts(api: TestClient) -> None:
    english = api.get("/openapi.json").json()
    russian = api.get("/openapi.json", params={"lang": "ru"}).json()
    assert russian["components"] == english["components"]
    assert set(russian["paths"]) == set(english["paths"])
    for path, item in english["paths"].items():
        for method, operation in item.items():
            theirs = russian["paths"][path][method]
            assert {k: v for k, v in theirs.items() if k not in ("summary", "description")} == {
                k: v for k, v in operation.items() if k not in ("summary", "description")
            }
    # Every summary of the document is translated: none stays English.
    english_summaries, russian_summaries = _summaries(english), _summaries(russian)
    untranslated = {k for k, v in russian_summaries.items() if v == english_summaries[k]}
    assert not untranslated, "add the summaries to app/api/openapitext.py and the ru catalog"


def test_the_query_wins_and_an_unknown_language_is_english(api: TestClient) -> None:
    ru_header = {"Accept-Language": "ru"}
    assert api.get("/openapi.json?lang=en", headers=ru_header).headers["content-language"] == "en"
    unknown = api.get("/openapi.json?lang=de")
    assert unknown.headers["content-language"] == "en"
    assert _summaries(unknown.json())["health"] == "Liveness check"
    assert (
        api.get("/openapi.json", headers={"Accept-Language": "fr"}).headers["content-language"]
        == "en"
    )


def test_every_message_has_a_russian_translation() -> None:
    catalog = translation("ru")
    for message in MESSAGES:  # the catalog's keys: a "%" is written "%%"
        assert catalog.gettext(message) != message, message
    # The app description is translated a paragraph at a time: each is a message.
    assert set(DESCRIPTION.strip().split("\n\n")) <= {m.replace("%%", "%") for m in MESSAGES}


def test_the_pages_ask_for_the_document_in_their_language(api: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        russian = api.get(page, headers={"Accept-Language": "ru"})
        assert russian.headers["content-language"] == "ru"
        assert "/openapi.json?lang=ru" in russian.text
        english = api.get(page)
        assert english.headers["content-language"] == "en"
        assert "/openapi.json?lang" not in english.text
        assert "'/openapi.json'" in english.text or '"/openapi.json"' in english.text


def test_the_committed_document_stays_english() -> None:
    assert '"summary": "Liveness check"' in openapi_document()
