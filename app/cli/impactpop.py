"""``compcalc impact --population``: the change in P(sales out-earn client) and in the
expected payroll when a simulated population (``compcalc simulate``) is paid under the new
version instead of the old one, both simulated with the same runs and seed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.cli.inputs import checked_scheme, fail, file_limits
from app.engine import SchemeError, format_amount
from app.io import LoadedScheme
from app.io.output.tables import Column, plain_table
from app.io.schemes.formats import finding_line

__all__ = ["OddsChange", "PopulationImpact", "population_impact"]


@dataclass(frozen=True, slots=True)
class OddsChange:
    sales_role: str
    client_role: str
    old: float | None  # p_sales_out_earn under the old version (None: no such pair)
    new: float | None

    @property
    def change(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old


@dataclass(frozen=True, slots=True)
class PopulationImpact:
    runs: int
    seed: int
    currency: str
    minor_units: int
    odds: tuple[OddsChange, ...]
    old_payroll: Decimal  # expected payroll of a period, all departments
    new_payroll: Decimal

    def as_dict(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        digits = self.minor_units
        return {
            "runs": self.runs,
            "seed": self.seed,
            "comparisons": [
                {
                    "sales_role": o.sales_role,
                    "client_role": o.client_role,
                    "p_sales_out_earn_from": rounded(o.old),
                    "p_sales_out_earn_to": rounded(o.new),
                    "p_sales_out_earn_change": rounded(o.change),
                }
                for o in self.odds
            ],
            "expected_payroll": {
                "old": f"{self.old_payroll:.{digits}f}",
                "new": f"{self.new_payroll:.{digits}f}",
                "difference": f"{self.new_payroll - self.old_payroll:.{digits}f}",
            },
        }


def population_impact(
    before: LoadedScheme, after: LoadedScheme, path: str, runs: int, seed: int
) -> PopulationImpact:
    """Simulate the population of ``path`` under both versions (same runs, same seed)."""
    from app.engine.plan.simstats import summarise
    from app.engine.plan.simulate import simulate
    from app.io.population import PopulationFileError, load_population

    summaries = []
    for loaded in (before, after):
        try:
            people = load_population(path, loaded.scheme, max_bytes=file_limits()[0])
        except PopulationFileError as exc:
            fail(*exc.lines)
        checked = checked_scheme(loaded)[0]
        try:
            sim = simulate(loaded.scheme, people, runs=runs, seed=seed, checked=checked)
        except SchemeError as exc:
            fail(*(finding_line(loaded.path, f) for f in loaded.locate(exc.findings)))
        summaries.append(summarise(sim))
    old, new = summaries
    was = {(o.sales_role, o.client_role): o.p_sales_out_earn for o in old.odds}
    now = {(o.sales_role, o.client_role): o.p_sales_out_earn for o in new.odds}
    pairs = [*was, *(pair for pair in now if pair not in was)]
    odds = tuple(OddsChange(s, c, was.get((s, c)), now.get((s, c))) for s, c in pairs)
    scheme = before.scheme
    return PopulationImpact(
        runs,
        seed,
        scheme.currency,
        scheme.minor_units,
        odds,
        old.total.expected_payroll,
        new.total.expected_payroll,
    )


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.2f}%"


def _points(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:+.2f}"


_COLUMNS = (
    Column("Sales role"),
    Column("Client role"),
    Column("From", "right"),
    Column("To", "right"),
    Column("Change (points)", "right"),
)


def _rows(impact: PopulationImpact) -> list[list[str]]:
    return [
        [o.sales_role, o.client_role, _percent(o.old), _percent(o.new), _points(o.change)]
        for o in impact.odds
    ]


def _payroll_line(impact: PopulationImpact) -> str:
    digits = impact.minor_units
    change = impact.new_payroll - impact.old_payroll
    sign = "+" if change > 0 else ""
    return (
        f"expected payroll of a period {format_amount(impact.old_payroll, digits)} → "
        f"{format_amount(impact.new_payroll, digits)} {impact.currency} "
        f"({sign}{format_amount(change, digits)})"
    )


def population_text(impact: PopulationImpact, title: str) -> str:
    head = f"{title}\n{impact.runs} runs, seed {impact.seed}; {_payroll_line(impact)}\n\n"
    return head + "P(sales out-earn client)\n\n" + plain_table(_COLUMNS, _rows(impact))


def population_markdown(impact: PopulationImpact, title: str) -> str:
    lines = [
        f"### {title}",
        "",
        f"**{impact.runs} runs, seed {impact.seed}; {_payroll_line(impact)}**",
        "",
        "| " + " | ".join(c.header for c in _COLUMNS) + " |",
        "|---|---|---:|---:|---:|",
        *("| " + " | ".join(row) + " |" for row in _rows(impact)),
    ]
    return "\n".join(lines) + "\n"


def population_json(impact: PopulationImpact, extra: dict[str, Any]) -> str:
    return json.dumps(extra | impact.as_dict(), indent=2, ensure_ascii=False) + "\n"
