"""A roster as columns: one array per field, employees in roster order.

Money is ``int64`` minor units; fte is an integer numerator over one power of ten for the
whole batch (``fte_num / fte_scale``); a part period is its paid working days (``paid``,
meaningful where ``prorated``).  Roles are positions in :func:`role_keys` (the scheme's
departments and roles in the scheme's order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

import numpy as np
from numpy.typing import NDArray

from ..calendar import Period
from ..minwage import minimum_in_force
from ..money import EXACT, decimal_places
from ..roster import Employee, work_calendar
from ..scheme import Measure, Scheme
from .rounding import LIMIT, Overflow

__all__ = ["MEASURES", "RosterColumns", "role_keys", "roster_columns"]

#: The measures in column order.
MEASURES: Final = tuple(Measure)
_ONE: Final = Decimal(1)


def role_keys(scheme: Scheme) -> list[tuple[str, str]]:
    """(department, role) of every role of the scheme, in the scheme's order."""
    return [(dept, role) for dept, d in scheme.departments.items() for role in d.roles]


def _zeros(size: int) -> NDArray[np.int64]:
    return np.zeros(size, dtype=np.int64)


@dataclass(slots=True)
class RosterColumns:
    """The numbers of a roster, one array per field (see the module's docstring).

    ``floor`` is the minimum wage in force for each employee in minor units, -1 where none
    applies; :func:`roster_columns` fills it from the scheme (under its policy).  With deals,
    ``credited`` includes what they credit, and ``excluded``/``recovered`` hold their refunds
    (:func:`app.engine.columnar.engine.calculate` fills them from the columnar crediting).
    """

    role: NDArray[np.int32]  # position in role_keys(scheme)
    credited: Mapping[Measure, NDArray[np.int64]]  # minor units, 0 where not credited
    fte_num: NDArray[np.int64] | None = None  # None: everyone full time
    fte_scale: int = 1
    prorated: NDArray[np.bool_] | None = None  # None: nobody has dates or unpaid days
    paid: NDArray[np.int64] | None = None  # paid working days where prorated
    clawback: NDArray[np.int64] | None = None  # balance in; None: nobody has one
    has_clawback: NDArray[np.bool_] | None = None
    draw: NDArray[np.int64] | None = None
    has_draw: NDArray[np.bool_] | None = None
    floor: NDArray[np.int64] | None = None  # None: no minimum wage
    extra: dict[str, object] = field(default_factory=dict)
    #: what deals' refunds leave out of the commission base (<= 0, minor units): the
    #: commission rules are paid on ``credited - excluded``; None: nothing left out
    excluded: Mapping[Measure, NDArray[np.int64]] | None = None
    #: the commission refunds take back (<= 0, minor units), a line of its own; None: none
    recovered: NDArray[np.int64] | None = None

    def __len__(self) -> int:
        return len(self.role)


def _units(value: Decimal, digits: int) -> int:
    units = int(value.scaleb(digits, EXACT))
    if abs(units) >= LIMIT:  # int64 cannot hold it: the Decimal engine computes the batch
        raise Overflow(f"{value} in units of 10^-{digits} leaves int64")
    return units


def roster_columns(
    scheme: Scheme, period: Period, roster: Sequence[Employee], floors: Scheme | None = None
) -> RosterColumns:
    """The columns of a validated roster (``floors``: whose minimum wage applies).

    Raises :class:`.rounding.Overflow` when a value (or the fte's power of ten) does not fit
    in ``int64``."""
    digits = scheme.minor_units
    size = len(roster)
    index = {key: i for i, key in enumerate(role_keys(scheme))}
    role = np.empty(size, dtype=np.int32)
    credited = {m: _zeros(size) for m in MEASURES}
    columns = [credited[m] for m in MEASURES]
    fte_places = max((decimal_places(e.fte) for e in roster if e.fte != _ONE), default=0)
    fte_scale = 10**fte_places
    if fte_scale >= LIMIT:
        raise Overflow(f"an fte with {fte_places} decimals leaves int64")
    fte = np.full(size, fte_scale, dtype=np.int64) if fte_places else None
    prorated = np.zeros(size, dtype=np.bool_)
    paid = _zeros(size)
    balances = [_zeros(size), _zeros(size)]
    has = [np.zeros(size, dtype=np.bool_), np.zeros(size, dtype=np.bool_)]
    cal = work_calendar(scheme)
    days: dict[tuple[date | None, date | None], int] = {}
    fte_units: dict[Decimal, int] = {}
    any_balance = False
    for i, emp in enumerate(roster):
        role[i] = index[emp.department, emp.role]
        for measure, amount in emp.credited.items():
            columns[MEASURES.index(measure)][i] = _units(amount, digits)
        if fte is not None and emp.fte != _ONE:
            units = fte_units.get(emp.fte)
            if units is None:
                units = fte_units[emp.fte] = _units(emp.fte, fte_places)
            fte[i] = units
        if emp.start_date is not None or emp.end_date is not None or emp.unpaid_days:
            prorated[i] = True
            key = (emp.start_date, emp.end_date)
            worked = days.get(key)
            if worked is None:
                worked = days[key] = cal.working_days(period, emp.start_date, emp.end_date)
            paid[i] = worked - emp.unpaid_days
        if emp.balances:
            any_balance = True
            for k, kind in enumerate(("clawback", "draw")):
                value = emp.balances.get(kind)
                if value is not None:
                    balances[k][i] = _units(value, digits)
                    has[k][i] = True
    floor = None
    rules = scheme if floors is None else floors
    if rules.minimum_wage:
        floor = np.full(size, -1, dtype=np.int64)
        found: dict[str | None, int] = {}
        for i, emp in enumerate(roster):
            units = found.get(emp.jurisdiction)
            if units is None:
                entry = minimum_in_force(rules, period.last_day, emp.jurisdiction)
                units = found[emp.jurisdiction] = (
                    -1 if entry is None else _units(entry.amount, digits)
                )
            floor[i] = units
    return RosterColumns(
        role,
        credited,
        fte,
        fte_scale,
        prorated if prorated.any() else None,
        paid,
        balances[0] if any_balance else None,
        has[0] if any_balance else None,
        balances[1] if any_balance else None,
        has[1] if any_balance else None,
        floor,
    )
