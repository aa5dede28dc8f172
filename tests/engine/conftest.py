"""Builders for engine tests: scheme documents written in code, tweaked per test.

The helpers are handed out as session-scoped fixtures (plain functions, no state), so that
Hypothesis tests may use them too and test modules never import this file: under pytest's
importlib mode a conftest is not an importable module.

* ``acme_doc()`` is the issue's sketch: a sales department (rep + head) and a client department
  (rep + head), 2027 holidays, RUB.  It passes every check.
* ``minimal_doc()`` is the smallest valid scheme: one sales department with one ``rep`` and a
  client department with one ``rep``, no commission; tests add what they exercise.
* ``edit(doc, "departments.sales.roles.rep.base", 55250)`` sets a value at a dotted path
  (digits index lists) and returns the document, creating intermediate mappings as needed.
* ``scheme(doc)`` parses a document with :func:`app.engine.parse_scheme`.
* ``both_engines``: a module that marks itself ``pytestmark = pytest.mark.usefixtures(
  "both_engines")`` runs each of its tests twice, its ``calculate`` being the Decimal
  engine's (:func:`app.engine.calculate.calculate_decimal`) and then the columnar engine's
  (:func:`app.engine.columnar.calculate`), which must compute every batch its ``supports()``
  accepts itself (``payroll.engine == "columnar"``): the hand-computed tables hold for both.
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from app.engine import Deal, Employee, Payroll, Period, Scheme, parse_scheme
from app.engine import columnar as columnar_engine
from app.engine.calculate import calculate_decimal

Doc = dict[str, Any]

_ACME: Doc = {
    "key": "acme-sales",
    "name": "Acme sales organisation",
    "currency": "RUB",
    "effective_from": "2027-01-01",
    "period": "month",
    "rounding": "half_up",
    "calendar": {"holidays": ["2027-01-01", "2027-01-07", "2027-02-23", "2027-03-08"]},
    "departments": {
        "sales": {
            "kind": "acquisition",
            "roles": {
                "rep": {
                    "headcount": 5,
                    "base": 45000,
                    "target": {"new_revenue": 600000},
                    "commission": [
                        {
                            "measure": "new_revenue",
                            "mode": "marginal",
                            "threshold": "0.5",
                            "tiers": [
                                {"from": 0, "rate": "0.15"},
                                {"from": 600000, "rate": "0.20"},
                            ],
                            "cap": 250000,
                        }
                    ],
                    "bonuses": [{"attainment": "1.2", "amount": 15000}],
                },
                "head": {
                    "headcount": 1,
                    "base": 66000,
                    "override": {"measure": "new_revenue", "of": "team", "rate": "0.03"},
                },
            },
        },
        "clients": {
            "kind": "retention",
            "roles": {
                "rep": {
                    "headcount": 4,
                    "base": 85000,
                    "target": {"repeat_revenue": 2500000},
                    "commission": [
                        {"measure": "repeat_revenue", "tiers": [{"from": 0, "rate": "0.015"}]}
                    ],
                },
                "head": {
                    "headcount": 1,
                    "base": 120000,
                    "override": {"measure": "repeat_revenue", "of": "team", "rate": "0.003"},
                },
            },
        },
    },
}

_MINIMAL: Doc = {
    "key": "minimal",
    "name": "Minimal scheme",
    "currency": "RUB",
    "effective_from": "2027-01-01",
    "calendar": {"holidays": ["2027-03-08"]},
    "departments": {
        "sales": {"kind": "acquisition", "roles": {"rep": {"base": 45000}}},
        "clients": {"kind": "retention", "roles": {"rep": {"base": 85000}}},
    },
}


def _acme_doc() -> Doc:
    return copy.deepcopy(_ACME)


def _minimal_doc() -> Doc:
    return copy.deepcopy(_MINIMAL)


def _edit(doc: Doc, path: str, value: object) -> Doc:
    node: Any = doc
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


@pytest.fixture(scope="session")
def acme_doc() -> Callable[[], Doc]:
    """A fresh copy of the issue's sketch scheme on every call."""
    return _acme_doc


@pytest.fixture(scope="session")
def minimal_doc() -> Callable[[], Doc]:
    """A fresh copy of the smallest valid scheme on every call."""
    return _minimal_doc


@pytest.fixture(scope="session")
def edit() -> Callable[[Doc, str, object], Doc]:
    """Set a value at a dotted path of a document (``commission.0.cap``); returns the document."""
    return _edit


@pytest.fixture(scope="session")
def scheme() -> Callable[[Doc], Scheme]:
    """Parse a document into a :class:`Scheme` (raises SchemeError like the real loaders)."""
    return parse_scheme


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """The cyclic collector as the test found it, whatever the test did (enabled, disabled,
    objects frozen)."""
    was_enabled = gc.isenabled()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def _columnar(
    scheme: Scheme,
    period: Period,
    roster: Sequence[Employee],
    deals: Sequence[Deal] = (),
    *,
    check: bool = True,
    checked: Scheme | None = None,
) -> Payroll:
    """The columnar engine's calculate; it computes whatever its supports() accepts."""
    payroll = columnar_engine.calculate(scheme, period, roster, deals, check=check, checked=checked)
    refused = columnar_engine.supports(scheme, roster, deals) or (
        checked is not None and columnar_engine.supports(checked, roster, deals)
    )
    if not refused:
        assert payroll.engine == "columnar"
    return payroll


ENGINES: dict[str, Callable[..., Payroll]] = {"decimal": calculate_decimal, "columnar": _columnar}


@pytest.fixture(params=sorted(ENGINES))
def both_engines(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test module's ``calculate`` is each engine in turn (see the module's docstring)."""
    name: str = request.param
    monkeypatch.setattr(request.module, "calculate", ENGINES[name])
    return name
