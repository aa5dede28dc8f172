"""Ready request bodies and real answers for Swagger UI, from examples/acme.yaml and its roster.

The files are shipped inside the package (``app/api/examples/``, byte-identical copies of the
repository's ``examples/``, which a test checks), so the container's /docs has them too.  An
accountant presses "Try it out" → "Execute" on ``POST /v1/payroll/calculate`` and gets the
Acme payroll of March 2027 with every line explained.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from app.io.read.documents import parse_document

__all__ = [
    "ACME_KEY",
    "PERIOD",
    "acme_scheme",
    "acme_yaml",
    "approve_examples",
    "calculate_examples",
    "correction_example",
    "discard_examples",
    "policy_examples",
    "response_examples",
    "roster",
    "run_examples",
    "scheme_examples",
    "short_scheme",
]

ACME_KEY = "acme-sales"
PERIOD = "2027-03"


def _text(name: str) -> str:
    return resources.files("app.api").joinpath("examples", name).read_text(encoding="utf-8")


def _plain(value: Any) -> Any:
    """Decimals as JSON numbers for the OpenAPI document (an example is only shown)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@cache
def acme_yaml() -> str:
    return _text("acme.yaml")


@cache
def acme_scheme() -> dict[str, Any]:
    data = _plain(parse_document(acme_yaml(), "yaml", positions=False).data)
    assert isinstance(data, dict)
    return data


@cache
def response_examples() -> dict[str, Any]:
    """Per operation id, the JSON body of its 2xx answer in the Acme walk-through: what the
    service answers today (generated, and checked, by tests/api/test_examples.py)."""
    answers = json.loads(_text("responses.json"))
    assert isinstance(answers, dict)
    return answers


@cache
def roster() -> list[dict[str, Any]]:
    employees = json.loads(_text("acme-roster.json"))["employees"]
    assert isinstance(employees, list)
    return employees


def _deals() -> dict[str, Any]:
    """A few deals: a new client's deal split between two reps, repeat sales, a refund."""
    return {
        "roster": [
            {"id": "E-13", "name": "Борис Волков", "department": "sales", "role": "rep"},
            {"id": "E-17", "name": "Анна Петрова", "department": "sales", "role": "rep"},
            {"id": "E-22", "name": "Сергей Фёдоров", "department": "clients", "role": "rep"},
        ],
        "deals": [
            {"id": "D-0", "date": "2027-02-12", "client_id": "C-99",
             "client_since": "2027-01-20", "amount": "300000.00",
             "credit": [{"employee_id": "E-17", "share": 1}]},
            {"id": "D-1", "date": "2027-03-03", "client_id": "C-100",
             "client_since": "2027-02-10", "amount": "750000.00",
             "credit": [{"employee_id": "E-17", "share": "0.6"},
                        {"employee_id": "E-13", "share": "0.4"}]},
            {"id": "D-2", "date": "2027-03-15", "client_id": "C-7",
             "client_since": "2025-06-01", "amount": "2600000.00",
             "credit": [{"employee_id": "E-22", "share": 1}]},
            {"id": "D-3", "date": "2027-03-20", "client_id": "C-99",
             "client_since": "2027-01-20", "amount": "-50000.00", "refund_of": "D-0",
             "credit": [{"employee_id": "E-17", "share": 1}]},
        ],
    }  # fmt: skip


def short_scheme() -> dict[str, Any]:
    """The Acme scheme with the Russian production calendar named instead of its dates."""
    return {**acme_scheme(), "calendar": {"country": "RU"}}


def calculate_examples() -> dict[str, dict[str, Any]]:
    return {
        "acme": {
            "summary": "Acme, March 2027: the whole roster, the Russian production calendar",
            "description": "examples/acme.yaml with `calendar: {country: RU}` (the holidays "
            "and transfers of the production calendar) and examples/acme-roster.json.",
            "value": {"scheme": short_scheme(), "period": PERIOD, "roster": roster()},
        },
        "acme-roster": {
            "summary": "Acme, March 2027: the whole roster (inline scheme)",
            "description": "examples/acme.yaml with examples/acme-roster.json: a mid-month "
            "hire, a part-timer, unpaid days, a leaver and a key-account manager.",
            "value": {"scheme": acme_scheme(), "period": PERIOD, "roster": roster()},
        },
        "acme-deals": {
            "summary": "Acme, March 2027: credited from deals",
            "description": "A new client's deal split 60/40, repeat sales, and a refund of a "
            "February deal taken back from the rep who sold it.",
            "value": {"scheme": acme_scheme(), "period": PERIOD, **_deals()},
        },
        "stored-scheme": {
            "summary": "A stored scheme: the version in effect on a date",
            "description": "Needs a published version of acme-sales (see Schemes).",
            "value": {
                "scheme": {"key": ACME_KEY, "on": "2027-03-15"},
                "period": PERIOD,
                "roster": roster(),
            },
        },
    }


def run_examples() -> dict[str, dict[str, Any]]:
    return {
        "acme-version-1": {
            "summary": "Acme, March 2027, with published version 1",
            "value": {
                "scheme": {"key": ACME_KEY, "version": 1},
                "period": PERIOD,
                "roster": roster(),
            },
        },
        "acme-on-date": {
            "summary": "Acme, March 2027, with the version in effect on 15 March",
            "value": {
                "scheme": {"key": ACME_KEY, "on": "2027-03-15"},
                "period": PERIOD,
                "roster": roster(),
            },
        },
        "acme-correction": correction_example(),
    }


def correction_example() -> dict[str, Any]:
    """A correction of March 2027: E-17 was credited 50 000 more than the approved run knew."""
    fixed = []
    for employee in roster():
        if employee["id"] == "E-17":
            credited = dict(employee["credited"])
            credited["new_revenue"] = str(Decimal(str(credited["new_revenue"])) + 50000)
            employee = {**employee, "credited": credited}
        fixed.append(employee)
    return {
        "summary": "A correction of the approved March 2027 run (put its id in `corrects`)",
        "value": {
            "scheme": {"key": ACME_KEY, "version": 1},
            "period": PERIOD,
            "group": "main",
            "kind": "correction",
            "corrects": "00000000-0000-4000-8000-000000000000",
            "roster": fixed,
        },
    }


def approve_examples() -> dict[str, dict[str, Any]]:
    return {
        "with-comment": {
            "summary": "Approve, with a comment kept on the run",
            "value": {"comment": "checked against the sales ledger"},
        },
        "plain": {"summary": "Approve, without a comment", "value": {}},
    }


def discard_examples() -> dict[str, dict[str, Any]]:
    return {
        "wrong-roster": {
            "summary": "Discard a draft computed from the wrong roster",
            "value": {"reason": "computed from February's roster"},
        }
    }


def policy_examples() -> dict[str, dict[str, dict[str, Any]]]:
    """Per media type: examples/compcalc-policy.yaml as JSON and as the YAML file itself."""
    text = _text("compcalc-policy.yaml")
    data = _plain(parse_document(text, "yaml", positions=False).data)
    summary = "examples/compcalc-policy.yaml (the article's rules)"
    return {
        "application/json": {"article": {"summary": summary + " as JSON", "value": data}},
        "application/yaml": {"article": {"summary": summary, "value": text}},
    }


def scheme_examples() -> dict[str, dict[str, dict[str, Any]]]:
    """Per media type: the Acme scheme as JSON and as the YAML file itself."""
    return {
        "application/json": {
            "acme": {"summary": "examples/acme.yaml as JSON", "value": acme_scheme()}
        },
        "application/yaml": {"acme": {"summary": "examples/acme.yaml", "value": acme_yaml()}},
    }
