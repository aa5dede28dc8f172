"""Response bodies, as Pydantic models: the OpenAPI schemas, and the shape tests check.

Amounts are strings with exactly the currency's minor digits (``"134000.00"``).  Payroll
results are written by :mod:`app.io.output.payrolljson` (the CLI's JSON document), runs and
versions by :mod:`app.services.documents` (whose models are shown here too); these models
describe them, read the services' views directly, and the API tests validate real responses
against them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.services.documents import FindingOut, RunOut, SchemeVersionOut, VersionSummaryOut

__all__ = [
    "BreakEvenOut",
    "ChangeOut",
    "DiffOut",
    "FindingOut",
    "PayrollResult",
    "PayslipOut",
    "PeriodOut",
    "RunDetail",
    "RunOut",
    "RunPage",
    "RunPayslip",
    "SchemeOut",
    "SchemePage",
    "SchemeSummary",
    "SchemeVersionOut",
    "ValidationReport",
    "VersionSummaryOut",
]

Money = str


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)


class BreakEvenOut(_Out):
    sales_role: str
    client_role: str
    client_attainment: str
    client_pay: Money
    sales_pay_at_same_attainment: Money
    break_even_attainment: str | None = Field(description="None: the sales role never gets there.")
    break_even_revenue: Money | None


class PolicyUsedOut(_Out):
    source: str | None = Field(
        description="Which policy: `policy version 3` in the service; null while none is stored "
        "and the article's defaults apply (`GET /v1/policy`)."
    )
    hash: str = Field(description="`sha256:` of the policy's rules, every default filled in.")
    default: bool = Field(description="True for the article's defaults.")


class FileReportOut(_Out):
    path: str
    kind: Literal["scheme"] = Field(
        description="What the document is: always `scheme` here (`compcalc validate` also "
        "checks scheme tests, rosters and deals files)."
    )
    valid: bool
    readable: bool
    findings: list[FindingOut]
    break_even: list[BreakEvenOut] | None
    scheme_hash: str | None
    policy: PolicyUsedOut | None = Field(
        description="The organisation policy the scheme was checked against (null when it "
        "could not be parsed)."
    )


class ReportSummary(_Out):
    files: int
    errors: int
    warnings: int
    unreadable: int
    exit_code: int = Field(description="What `compcalc validate` would exit with.")


class ValidationReport(_Out):
    """The report of `compcalc validate --format json`, for one document."""

    files: list[FileReportOut]
    summary: ReportSummary


# --- payroll ---------------------------------------------------------------------------------


class CreditedDealOut(_Out):
    deal_id: str
    date: date
    client_id: str
    measure: str
    share: str
    amount: Money = Field(description="The part of the deal credited to this employee.")
    commission: Money = Field(
        description="On a commission line: the commission this deal earned (the line's "
        "amount shared by credited amount; send it back on the deal's credit when a later "
        "period refunds it). On a commission_clawback line: what the refund takes back."
    )
    note: str


class LineOut(_Out):
    code: str = Field(
        description="base, commission, commission_clawback, override, bonus, clawback, draw, "
        "draw_recovery, minimum_wage_topup"
    )
    label: str
    measure: str | None
    basis: Money | None = Field(description="The amount a rate applies to.")
    rate: str | None = Field(description="The rate, when a single one applies.")
    amount: Money
    explanation: str = Field(description="The formula with its numbers.")
    deals: list[CreditedDealOut] | None = Field(default=None, description="Deals behind it.")


class PayslipOut(_Out):
    employee_id: str
    name: str
    department: str
    role: str
    proration: str = Field(description='"1", "0.5 fte" or "16/22 working days".')
    credited: dict[str, Money]
    lines: list[LineOut]
    gross: Money = Field(description="Exactly the sum of the lines.")
    fte_gross: Money | None = Field(description="Gross at full time over the whole period.")
    balances: dict[str, Money] = Field(description="Balances carried to the next period.")


class DepartmentOut(_Out):
    department: str
    kind: str
    employees: int
    revenue: Money
    payroll: Money
    payroll_share: str | None = Field(description="Payroll ÷ revenue credited.")
    mean: Money
    median: Money
    min: Money
    max: Money


class ShortfallOut(_Out):
    employee_id: str
    fte_gross: Money
    difference: Money


class ComparisonOut(_Out):
    sales_role: str
    client_role: str
    statistic: str
    sales: Money
    client: Money
    difference: Money
    holds: bool = Field(description="Whether sales out-earned client staff this period.")
    prorated: int = Field(description="Employees compared on full-time-equivalent pay.")
    below: list[ShortfallOut] = Field(description="Salespeople below the client figure.")


class DepartmentReport(_Out):
    departments: list[DepartmentOut]
    comparisons: list[ComparisonOut]


class PayrollResult(_Out):
    """A computed payroll: payslips with explained lines, the department report, findings."""

    scheme_key: str
    scheme_hash: str = Field(description="`sha256:` of the scheme's canonical JSON.")
    engine_version: str
    period: str
    currency: str
    minor_units: int
    payslips: list[PayslipOut]
    total: Money = Field(description="Sum of every gross.")
    report: DepartmentReport
    findings: list[FindingOut]


# --- schemes ---------------------------------------------------------------------------------


class SchemeSummary(_Out):
    key: str
    created_at: datetime
    versions: int
    latest_version: int
    latest_published_version: int | None


class SchemeOut(SchemeSummary):
    history: list[VersionSummaryOut]


class SchemePage(_Out):
    items: list[SchemeSummary]
    total: int
    limit: int
    offset: int


class ChangeOut(_Out):
    path: str
    pointer: str
    change: Literal["added", "removed", "changed"]
    old: Any
    new: Any


class DiffOut(_Out):
    key: str
    from_version: int
    to_version: int
    changes: list[ChangeOut]


# --- runs ------------------------------------------------------------------------------------


class OpeningOut(_Out):
    """Where an employee's opening balances, or the commission paid on a refunded deal, came
    from: the request, or the effective payroll of an earlier period (``carried_from``)."""

    employee_id: str
    source: Literal["request", "carried"]
    carried_from: uuid.UUID | None = Field(description="The approved run it was carried from.")
    balances: dict[str, Money] | None = Field(default=None, description="Opening balances.")
    commission: dict[str, str] | None = Field(
        default=None, description="`{deal_id, paid}`: commission paid on a deal refunded now."
    )


class RunWarning(_Out):
    code: str = Field(description="e.g. `PREVIOUS_PERIOD_NOT_APPROVED`.")
    message: str


class AmountChange(_Out):
    code: str = Field(description="A line code, or `gross`.")
    original: Money = Field(description="What the approved payroll of the period pays.")
    corrected: Money = Field(description="What the corrected inputs give.")
    difference: Money = Field(description="To pay extra (positive) or to recover (negative).")


class EmployeeChange(_Out):
    employee_id: str
    name: str
    department: str
    role: str
    lines: list[AmountChange] = Field(description="Per line code, the changed amounts.")
    gross: AmountChange


class RunDetail(RunOut):
    openings: list[OpeningOut] = Field(
        description="Opening balances and paid commissions, and where each came from."
    )
    warnings: list[RunWarning]
    differences: list[EmployeeChange] | None = Field(
        description="A correction: per employee whose pay changes, the amounts before and "
        "after (employees without a change are left out)."
    )
    result: PayrollResult


class PeriodOut(_Out):
    """A pay group's period: its runs, what is approved, and the effective payslips."""

    scheme_key: str
    group: str
    period: str
    status: Literal["open", "approved"] = Field(
        description="`approved` once a regular run of the period is approved."
    )
    runs: list[RunOut] = Field(description="Every run of the period, oldest first.")
    approved: list[RunOut] = Field(description="The original, then each approved correction.")
    total: Money | None = Field(
        description="The effective total: the original plus every approved correction."
    )
    payslips: list[PayslipOut] = Field(
        description="The effective payslip of each employee (the latest approved run's)."
    )


class RunPage(_Out):
    items: list[RunOut]
    total: int
    limit: int
    offset: int


class RunPayslip(_Out):
    run: RunOut
    payslip: PayslipOut
