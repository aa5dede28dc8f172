"""The OpenAPI document in the reader's language: its summaries and descriptions from the
message catalogs.

The document is built once, in English (the language of the code and of the committed
``openapi.json``); :func:`translated` gives a copy whose app description, tag descriptions
and operation summaries and descriptions are looked up in the catalog of ``lang``
(``app/locale/<lang>/LC_MESSAGES/compcalc.po``), a paragraph at a time. A text the catalog
lacks stays English. The English texts are listed here as messages (``N_``) so that
``make messages`` extracts them; tests/api/test_openapi_ru.py checks that every summary of
the document and every paragraph of the app description has a Russian translation.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from app.i18n import LANGUAGES, negotiate, translation

__all__ = ["MESSAGES", "document_language", "translated"]


def N_(message: str) -> str:
    """A message to extract, translated where it is used."""
    return message


#: The texts of the document to translate: the app description (by paragraph), the tags'
#: descriptions and the operations' summaries.
MESSAGES: Final = (
    # The app description (app.main.DESCRIPTION), a paragraph each.
    N_(
        "compcalc computes the pay of two commercial departments whose plans are deliberately "
        "unequal. The sales department (acquisition) wins new clients: its base salary is set "
        "40–50%% lower than that of the client department (retention), its commission "
        "percentages are higher, and the plan must leave a performing salesperson earning more "
        "than a client manager. The client department keeps and grows existing accounts on a "
        "larger, steadier base with smaller commissions."
    ),
    N_(
        "compcalc keeps these rules as versioned configuration rather than code, so a change "
        "of plan is a new dated version that can be reviewed and tested against known cases "
        "before it applies. It computes payroll exactly, in decimal money rounded once at "
        "documented points, and explains every number: each amount in a result can be traced "
        "back to the rule, rate and input that produced it."
    ),
    # The tags.
    N_(
        "Pay schemes as versioned documents: check, store drafts, publish (then immutable), "
        "find the version in effect on a date, compare versions."
    ),
    N_("Compute a payroll without storing it: what-if and preview."),
    N_(
        "Stored payroll runs: computed from a published version, approved (then immutable), "
        "exported as CSV, one payslip at a time."
    ),
    N_(
        "The organisation policy every scheme is checked against, and the exceptions it "
        "grants (read: `schemes:read`; replace: `admin`)."
    ),
    N_("API keys and the audit trail (scope `admin`)."),
    N_("Probes for load balancers, containers and monitoring."),
    # The operations' summaries.
    N_("Metrics (Prometheus)"),
    N_("Calculate a payroll (what-if, nothing stored)"),
    N_("Check a scheme document"),
    N_("Store a new scheme (version 1, draft)"),
    N_("List schemes"),
    N_("A scheme and its versions"),
    N_("Add a draft version"),
    N_("A version, as JSON or as its original text"),
    N_("Replace a draft version's document"),
    N_("Publish a draft version"),
    N_("The published version in effect on a date"),
    N_("What changed between two versions"),
    N_("What a plan change does to people"),
    N_("Pay curves of a version"),
    N_("Pay curves of a scheme document"),
    N_("Simulate many periods of a population (Monte Carlo, nothing stored)"),
    N_("Compute and store a payroll run (draft)"),
    N_("List payroll runs"),
    N_("A payroll run with its result"),
    N_("Approve a payroll run"),
    N_("Discard a draft payroll run"),
    N_("The run as CSV"),
    N_("The run as an Excel workbook"),
    N_("One employee's payslip, every line explained"),
    N_("Every payslip of a run as one PDF"),
    N_("The department report of a run"),
    N_("A period of a pay group: its runs and the effective payroll"),
    N_("The organisation policy in force"),
    N_("Replace the organisation policy (admin)"),
    N_("List API keys"),
    N_("Create an API key"),
    N_("Revoke an API key"),
    N_("The audit trail"),
    N_("Liveness check"),
    N_("Readiness check"),
)

_TEXT_KEYS: Final = ("summary", "description")


def _look_up(value: str, gettext: Any) -> str:
    # A message with a "%" is a python-format message to Babel, so its "%" is written "%%".
    key = value.replace("%", "%%")
    found = str(gettext(key))
    return value if found == key else found.replace("%%", "%")


def _text(value: str, gettext: Any) -> str:
    """``value`` translated a paragraph at a time (a paragraph the catalog lacks as it is)."""
    whole = _look_up(value, gettext)
    if whole != value:
        return whole
    # gettext("") is the catalog's header: an empty text stays empty.
    return "\n\n".join(_look_up(p, gettext) if p.strip() else p for p in value.split("\n\n"))


def _translate(holder: dict[str, Any], gettext: Any) -> None:
    for key in _TEXT_KEYS:
        if isinstance(holder.get(key), str):
            holder[key] = _text(holder[key].strip("\n"), gettext) + (
                "\n" if holder[key].endswith("\n") else ""
            )


def document_language(query: str | None, accept_language: str | None) -> str:
    """The language of the document: ``?lang=`` if it names one compcalc speaks, else the
    ``Accept-Language`` header's, else English."""
    if query is not None and query.strip().lower() in LANGUAGES:
        return query.strip().lower()
    return negotiate(accept_language)


def translated(document: dict[str, Any], lang: str) -> dict[str, Any]:
    """A copy of the English ``document`` whose texts for people are in ``lang``."""
    if lang == "en":
        return document
    gettext = translation(lang).gettext
    result = copy.deepcopy(document)
    _translate(result["info"], gettext)
    for tag in result.get("tags", ()):
        _translate(tag, gettext)
    for item in result["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                _translate(operation, gettext)
    return result
