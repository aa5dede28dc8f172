"""The minimum-wage floor: the value in force, the top-up line and the scheme's checks.

A scheme's ``minimum_wage`` lists dated amounts for a full month at full time, for everyone
or for one jurisdiction.  A payslip whose total, after every other line, is below the
amount in force prorated exactly like the base gets a ``minimum_wage_topup`` line
(docs/calculation.md "The minimum-wage floor").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Final

from .findings import Finding, Path
from .money import format_amount, format_decimal
from .results import Line
from .scheme import MinimumWage, Scheme

__all__ = [
    "TOPUP_CODE",
    "below_minimum_findings",
    "higher_floors",
    "minimum_in_force",
    "order_findings",
    "topup_line",
]

#: The code of the top-up line (a member of LINE_CODES).
TOPUP_CODE: Final = "minimum_wage_topup"

_KIND: Final = {"kind": "structure"}


def order_findings(scheme: Scheme) -> Iterator[Finding]:
    """MINIMUM_WAGE_ORDER: within each jurisdiction the dates must be strictly ascending."""
    last: dict[str | None, date] = {}
    for index, entry in enumerate(scheme.minimum_wage):
        before = last.get(entry.jurisdiction)
        if before is not None and entry.from_ <= before:
            whose = (
                "the general values"
                if entry.jurisdiction is None
                else f"jurisdiction {entry.jurisdiction}"
            )
            how = "repeats" if entry.from_ == before else "is before"
            yield Finding(
                "MINIMUM_WAGE_ORDER",
                "error",
                ("minimum_wage", index, "from"),
                f"minimum_wage from {entry.from_} {how} the previous date {before} of "
                f"{whose}; each jurisdiction's dates must be strictly ascending",
                _KIND,
            )
        last[entry.jurisdiction] = entry.from_


def minimum_in_force(scheme: Scheme, day: date, jurisdiction: str | None) -> MinimumWage | None:
    """The value in force on ``day`` for ``jurisdiction``: the latest one dated on or before
    it of that jurisdiction, else the latest general one (no jurisdiction), else None."""
    return minimum_in_force_of(scheme.minimum_wage, day, jurisdiction)


def minimum_in_force_of(
    entries: list[MinimumWage], day: date, jurisdiction: str | None
) -> MinimumWage | None:
    """:func:`minimum_in_force` of a list of values."""
    own: MinimumWage | None = None
    general: MinimumWage | None = None
    for entry in entries:
        if entry.from_ > day:
            continue
        if entry.jurisdiction is None:
            if general is None or entry.from_ > general.from_:
                general = entry
        elif entry.jurisdiction == jurisdiction and (own is None or entry.from_ > own.from_):
            own = entry
    return own if own is not None else general


def _in_force(entries: list[MinimumWage], day: date, jurisdiction: str | None) -> Decimal:
    found = minimum_in_force_of(entries, day, jurisdiction)
    return Decimal(0) if found is None else found.amount


def _entry(day: date, amount: Decimal, jurisdiction: str | None) -> MinimumWage:
    return MinimumWage.model_validate({"from": day, "amount": amount, "jurisdiction": jurisdiction})


def higher_floors(own: list[MinimumWage], other: list[MinimumWage]) -> list[MinimumWage]:
    """One list whose value in force, on every day and for every jurisdiction, is the higher
    of the two lists' values in force (no value counts as 0): the scheme's floor and the
    organisation policy's, of which the higher applies.

    Each list must be in order (:func:`order_findings`).  The result has an entry at every
    date of either list: the general values at the general dates, and for a jurisdiction
    that either list names, from its first own date on, at every date of both lists.
    """
    if not other:
        return own
    if not own:
        return other
    both = [*own, *other]
    general = sorted({e.from_ for e in both if e.jurisdiction is None})
    merged: list[MinimumWage] = []
    for day in general:
        amount = max(_in_force(own, day, None), _in_force(other, day, None))
        merged.append(_entry(day, amount, None))
    codes = sorted({e.jurisdiction for e in both if e.jurisdiction is not None})
    for code in codes:
        first = min(e.from_ for e in both if e.jurisdiction == code)
        for day in sorted({e.from_ for e in both if e.from_ >= first} | {first}):
            amount = max(_in_force(own, day, code), _in_force(other, day, code))
            merged.append(_entry(day, amount, code))
    return merged


def topup_line(
    entry: MinimumWage,
    floor: Decimal,
    gross: Decimal,
    described: str,
    fmt: Callable[[Decimal], str],
) -> Line | None:
    """The top-up from ``gross`` (every other line) to the prorated, rounded ``floor``, or
    None when the pay is not below it."""
    top_up = floor - gross
    if top_up <= 0:
        return None
    where = "" if entry.jurisdiction is None else f" ({entry.jurisdiction})"
    text = (
        f"minimum wage{where} {fmt(entry.amount)} × proration {described} = {fmt(floor)}; "
        f"pay {fmt(gross)} before → top-up {fmt(top_up)}"
    )
    return Line(TOPUP_CODE, "Minimum wage top-up", top_up, text, basis=floor)


def _dates(scheme: Scheme, jurisdiction: str | None) -> list[date]:
    """effective_from and every later date in the effective range at which the value in
    force for ``jurisdiction`` may change."""
    end = scheme.effective_to
    days = {scheme.effective_from}
    for entry in scheme.minimum_wage:
        if entry.jurisdiction not in (None, jurisdiction):
            continue
        if entry.from_ > scheme.effective_from and (end is None or entry.from_ <= end):
            days.add(entry.from_)
    return sorted(days)


def below_minimum_findings(scheme: Scheme) -> Iterator[Finding]:
    """BELOW_MINIMUM_WAGE (a warning): a role's base alone, for a full month at full time,
    is below the minimum wage in force at effective_from or at a later date of the scheme's
    effective range; one finding per role and jurisdiction, at the first such date."""
    if not scheme.minimum_wage:
        return
    digits = scheme.minor_units
    jurisdictions: list[str | None] = [None]
    for entry in scheme.minimum_wage:
        if entry.jurisdiction is not None and entry.jurisdiction not in jurisdictions:
            jurisdictions.append(entry.jurisdiction)
    for dept_name, dept in scheme.departments.items():
        for role_name, role in dept.roles.items():
            path: Path = ("departments", dept_name, "roles", role_name, "base")
            for jurisdiction in jurisdictions:
                for day in _dates(scheme, jurisdiction):
                    found = minimum_in_force(scheme, day, jurisdiction)
                    if found is None or role.base >= found.amount:
                        continue
                    if jurisdiction is not None and found.jurisdiction is None:
                        continue  # the general value: reported once, without a jurisdiction
                    where = "" if jurisdiction is None else f" in {jurisdiction}"
                    yield Finding(
                        "BELOW_MINIMUM_WAGE",
                        "warning",
                        path,
                        f"the {dept_name}.{role_name} base {format_amount(role.base, digits)} "
                        f"is below the minimum wage{where} "
                        f"{format_amount(found.amount, digits)} in force on {day.isoformat()}; "
                        "a month with little variable pay is topped up to it "
                        "(minimum_wage_topup)",
                        {
                            "base": format_decimal(role.base),
                            "minimum_wage": format_decimal(found.amount),
                            "date": day.isoformat(),
                            **({"jurisdiction": jurisdiction} if jurisdiction else {}),
                        },
                    )
                    break
