"""The results of a payroll calculation: lines, payslips, the payroll and its report."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import overload

from .calendar import Period
from .dealtypes import CreditedDeal
from .findings import Finding
from .scheme import Measure

__all__ = [
    "BALANCE_KINDS",
    "LINE_CODES",
    "Comparison",
    "DepartmentFigures",
    "LazyPayslips",
    "Line",
    "Payroll",
    "PayrollReport",
    "Payslip",
    "Shortfall",
]

#: Balances carried between periods: an unrecovered clawback, an unrecovered draw.
BALANCE_KINDS = frozenset({"clawback", "draw"})
#: The codes of the lines a payslip may have (``Line.code``).
LINE_CODES = frozenset(
    {"base", "commission", "commission_clawback", "override", "bonus", "clawback", "draw",
     "draw_recovery", "minimum_wage_topup"}
)  # fmt: skip


# Results are plain (not frozen) slotted dataclasses: a frozen dataclass assigns every
# field through object.__setattr__, which makes construction ~7× slower, and a payroll
# builds hundreds of thousands of them.  Treat them as read-only.
@dataclass(slots=True)
class Line:
    """One payslip line: rounded once, with the numbers that produced it."""

    code: str  # one of LINE_CODES
    label: str
    amount: Decimal
    explanation: str
    measure: Measure | None = None
    basis: Decimal | None = None  # the amount the rate applies to, where one does
    rate: Decimal | None = None  # the rate, where a single one applies
    deals: tuple[CreditedDeal, ...] = ()  # the deals behind a commission line
    # On a commission_clawback line: what each of ``deals`` takes back (see attribution).
    paid: tuple[Decimal, ...] = ()


@dataclass(slots=True)
class Payslip:
    employee_id: str
    name: str
    department: str
    role: str
    lines: tuple[Line, ...]
    gross: Decimal  # exactly the sum of the lines' amounts
    proration: str  # "1" or e.g. "0.5 × 17/22"
    fte_gross: Decimal | None = None  # gross scaled to a full period and full time
    balances: Mapping[str, Decimal] = field(default_factory=dict)  # carried to next period
    credited: Mapping[Measure, Decimal] = field(default_factory=dict)  # roster + deals


@dataclass(frozen=True, slots=True)
class DepartmentFigures:
    department: str
    kind: str
    headcount: int
    gross_total: Decimal
    mean: Decimal
    median: Decimal
    min: Decimal
    max: Decimal
    revenue: Decimal  # every measure credited to the department's employees
    payroll_share: Decimal | None  # gross_total / revenue, None without revenue


@dataclass(slots=True)  # not frozen: cheap to build in bulk (see Line)
class Shortfall:
    employee_id: str
    fte_gross: Decimal
    difference: Decimal  # how much less than the client statistic


@dataclass(frozen=True, slots=True)
class Comparison:
    sales_role: str
    client_role: str
    statistic: str  # median | mean
    sales_value: Decimal
    client_value: Decimal
    difference: Decimal  # sales − client
    holds: bool
    below: tuple[Shortfall, ...]
    prorated: int  # employees compared on full-time-equivalent pay


@dataclass(frozen=True, slots=True)
class PayrollReport:
    departments: tuple[DepartmentFigures, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    findings: tuple[Finding, ...] = ()


class LazyPayslips(Sequence[Payslip]):
    """Payslips built when they are read: ``build(i)`` makes payslip ``i`` on first access.

    A columnar payroll holds its numbers in arrays; the payslips, with their lines and
    explanations, are made one by one when someone reads them (and kept).  ``ids`` are the
    employees' ids in roster order, ``total`` the payroll's total, known without a payslip.
    ``source``: what the payslips are made from, for a writer that reads the numbers
    without making payslips (:class:`app.engine.columnar.explain.ColumnarRun`), or None.
    """

    __slots__ = ("_build", "_ids", "_index", "_made", "source", "total")

    def __init__(
        self,
        ids: Sequence[str],
        build: Callable[[int], Payslip],
        total: Decimal,
        source: object | None = None,
    ):
        self._ids = ids
        self._build = build
        self._made: list[Payslip | None] = [None] * len(ids)
        self._index: dict[str, int] | None = None
        self.total = total
        self.source = source

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> Payslip: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Payslip, ...]: ...
    def __getitem__(self, index: int | slice) -> Payslip | tuple[Payslip, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self._ids)
        if not 0 <= index < len(self._ids):
            raise IndexError(index)
        slip = self._made[index]
        if slip is None:
            slip = self._made[index] = self._build(index)
        return slip

    def __iter__(self) -> Iterator[Payslip]:
        for index in range(len(self._ids)):
            yield self[index]

    def index_of(self, employee_id: str) -> int:
        """The position of an employee's payslip; KeyError when not in the payroll."""
        if self._index is None:
            self._index = {who: i for i, who in enumerate(self._ids)}
        return self._index[employee_id]


@dataclass(slots=True)
class Payroll:
    scheme_key: str
    scheme_hash: str
    engine_version: str
    period: Period
    currency: str
    minor_units: int
    payslips: Sequence[Payslip]  # a tuple (Decimal engine) or LazyPayslips (columnar)
    findings: tuple[Finding, ...] = ()
    report: PayrollReport | None = None
    credited_deals: int = 0
    #: Which engine computed it, "decimal" or "columnar"; the outputs never write it (the
    #: bytes are the same whichever did).
    engine: str = "decimal"

    @property
    def total(self) -> Decimal:
        if isinstance(self.payslips, LazyPayslips):
            return self.payslips.total
        return sum((p.gross for p in self.payslips), Decimal(0))

    def payslip(self, employee_id: str) -> Payslip:
        if isinstance(self.payslips, LazyPayslips):
            return self.payslips[self.payslips.index_of(employee_id)]
        for slip in self.payslips:
            if slip.employee_id == employee_id:
                return slip
        raise KeyError(employee_id)
