"""credit_deals pauses the cyclic garbage collector while it credits, and restores it."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.engine import Credit, Deal, Measure, Period, parse_scheme
from app.engine.deals import credit_deals

D = Decimal
MARCH = Period(2027, 3)


class _Watching(set[str]):
    """Employee ids that note whether the collector was enabled each time one is looked up."""

    def __init__(self, ids: set[str], fail: bool = False) -> None:
        super().__init__(ids)
        self.enabled: list[bool] = []
        self.fail = fail

    def __contains__(self, item: object) -> bool:
        self.enabled.append(gc.isenabled())
        if self.fail:
            raise RuntimeError("lookup failed")
        return super().__contains__(item)


def _deals() -> list[Deal]:
    since = date(2027, 1, 15)
    return [
        Deal("D1", date(2027, 3, 2), "CL", since, D("1000.00"), (Credit("A", D(1)),)),
        Deal(
            "D2",
            date(2027, 3, 3),
            "CL",
            since,
            D("100.01"),
            (Credit("A", D("0.5")), Credit("B", D("0.5"))),
        ),
    ]


@pytest.mark.usefixtures("collector_restored")
def test_collector_is_paused_while_crediting_and_enabled_again(
    minimal_doc: Callable[[], dict[str, Any]],
) -> None:
    gc.enable()
    employees = _Watching({"A", "B"})
    credits, problems = credit_deals(parse_scheme(minimal_doc()), MARCH, _deals(), employees)
    assert problems == []
    assert credits.totals == {
        "A": {Measure.NEW_REVENUE: D("1050.01")},
        "B": {Measure.NEW_REVENUE: D("50.00")},
    }
    assert employees.enabled and not any(employees.enabled)
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_restored")
def test_a_paused_collector_stays_paused(minimal_doc: Callable[[], dict[str, Any]]) -> None:
    gc.disable()
    credits, problems = credit_deals(parse_scheme(minimal_doc()), MARCH, _deals(), {"A", "B"})
    assert problems == []
    assert credits.credited_deals == 2
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_restored")
def test_collector_is_enabled_again_when_crediting_fails(
    minimal_doc: Callable[[], dict[str, Any]],
) -> None:
    gc.enable()
    employees = _Watching({"A", "B"}, fail=True)
    with pytest.raises(RuntimeError, match="lookup failed"):
        credit_deals(parse_scheme(minimal_doc()), MARCH, _deals(), employees)
    assert employees.enabled == [False]
    assert gc.isenabled()
