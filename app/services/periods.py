"""Pay groups and their periods: what is approved, what a correction changes, what carries.

A run belongs to a pay group (scheme, ``group``, period). Of a period's runs, the approved
regular run and its approved corrections form a chain, each correction naming the run it
corrects; the last of the chain (the *head*) holds the period's effective payslips, because a
correction stores the whole corrected payroll besides its differences. So the effective
payroll of a period is the head's, and equals the original plus every approved correction.

The next period starts from it: an employee's opening balances (recoverable draw, unrecovered
clawback) and the commission paid on a deal that a later refund takes back are read from the
effective payslips of the pay group's earlier periods, unless the request sends them.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.db.models import KIND_CORRECTION, RUN_APPROVED, RUN_DRAFT, PayrollRun
from app.db.repository import Repository
from app.engine import Credit, Deal, Period

from .inputs import PayrollInputs

__all__ = [
    "Carried",
    "carry",
    "differences",
    "head",
    "previous_period",
]


def previous_period(period: Period) -> Period:
    return (
        Period(period.year - 1, 12) if period.month == 1 else Period(period.year, period.month - 1)
    )


def head(repo: Repository, scheme_id: int, group: str, period: str) -> PayrollRun | None:
    """The last approved run of a pay group and period (its effective payslips); None when
    nothing is approved."""
    approved = [
        row.run
        for row in repo.period_runs(scheme_id, group, period)
        if row.run.status == RUN_APPROVED
    ]
    corrected = {run.corrects for run in approved if run.kind == KIND_CORRECTION}
    heads = [run for run in approved if run.id not in corrected]
    assert len(heads) <= 1, "the unique indexes allow one chain per pay group and period"
    return heads[0] if heads else None


@dataclass(slots=True)
class Carried:
    """The inputs with what the service carried in, and where each part came from."""

    inputs: PayrollInputs
    openings: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def notes(self) -> str:
        data = {"openings": self.openings, "warnings": self.warnings}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _refunds_to_fill(deals: Iterable[Deal], period: Period) -> dict[str, set[str]]:
    """Per refunded deal of an earlier period (sent as history), the employees whose credit
    on it says no commission: what they were paid on it is looked up in earlier periods."""
    deals = list(deals)
    refunded = {deal.refund_of for deal in deals if deal.refund_of is not None}
    wanted: dict[str, set[str]] = {}
    for deal in deals:
        if deal.id in refunded and deal.refund_of is None and deal.date < period.first_day:
            for credit in deal.credit:
                if credit.commission is None:
                    wanted.setdefault(deal.id, set()).add(credit.employee_id)
    return wanted


def _paid_on(document: Mapping[str, Any], deal_id: str) -> Decimal | None:
    """The commission a payslip paid on ``deal_id`` (its commission lines), or None."""
    amounts = [
        Decimal(credited["commission"])
        for line in document["lines"]
        if line["code"] == "commission"
        for credited in line.get("deals") or ()
        if credited["deal_id"] == deal_id
    ]
    return sum(amounts, Decimal(0)) if amounts else None


def carry(repo: Repository, scheme_id: int, group: str, inputs: PayrollInputs) -> Carried:
    """``inputs`` with the opening balances and paid commissions the request left out, taken
    from the effective payslips of the pay group's earlier periods (latest first)."""
    period = str(inputs.period)
    result = Carried(inputs)
    previous = str(previous_period(inputs.period))
    runs = repo.period_runs(scheme_id, group, previous)
    if any(r.run.status == RUN_DRAFT for r in runs) and not any(
        r.run.status == RUN_APPROVED for r in runs
    ):
        result.warnings.append(
            {
                "code": "PREVIOUS_PERIOD_NOT_APPROVED",
                "message": f"{previous} of pay group {group!r} has drafts but no approved run: "
                "its balances and paid commissions are not carried into this run",
            }
        )
    roster_ids = {e.id for e in inputs.roster}
    balances_wanted = roster_ids - inputs.balances_sent
    refunds = _refunds_to_fill(inputs.deals, inputs.period)
    found_balances: dict[str, tuple[uuid.UUID, dict[str, str]]] = {}
    found_paid: dict[tuple[str, str], tuple[uuid.UUID, Decimal]] = {}
    for earlier in repo.approved_periods(scheme_id, group, period):
        need = balances_wanted - found_balances.keys()
        need |= {
            e for deal, people in refunds.items() for e in people if (deal, e) not in found_paid
        }
        if not need:
            break
        chain_head = head(repo, scheme_id, group, earlier)
        if chain_head is None:  # pragma: no cover - approved_periods lists approved periods
            continue
        for who, text in repo.payslips_of(chain_head.id, need).items():
            document = json.loads(text)
            if who in balances_wanted and who not in found_balances:
                found_balances[who] = (chain_head.id, document.get("balances") or {})
            for deal_id, people in refunds.items():
                if who in people and (deal_id, who) not in found_paid:
                    paid = _paid_on(document, deal_id)
                    if paid is not None:
                        found_paid[deal_id, who] = (chain_head.id, paid)
    roster = []
    for employee in inputs.roster:
        if employee.id in inputs.balances_sent:
            if employee.balances:
                result.openings.append(
                    {
                        "employee_id": employee.id,
                        "source": "request",
                        "carried_from": None,
                        "balances": {k: f"{v:f}" for k, v in employee.balances.items()},
                    }
                )
            roster.append(employee)
            continue
        run_id, balances = found_balances.get(employee.id, (None, {}))
        if balances:
            result.openings.append(
                {
                    "employee_id": employee.id,
                    "source": "carried",
                    "carried_from": str(run_id),
                    "balances": dict(balances),
                }
            )
            opening = {kind: Decimal(amount) for kind, amount in balances.items()}
            employee = dataclasses.replace(employee, balances=opening)
        roster.append(employee)
    deals = [_with_paid(deal, found_paid, result.openings) for deal in inputs.deals]
    result.inputs = dataclasses.replace(inputs, roster=roster, deals=deals)
    return result


def _with_paid(
    deal: Deal,
    found: Mapping[tuple[str, str], tuple[uuid.UUID, Decimal]],
    openings: list[dict[str, Any]],
) -> Deal:
    """``deal`` with the commission each credit was paid on it, where it was found."""
    if not any((deal.id, c.employee_id) in found for c in deal.credit):
        return deal
    credits = []
    for credit in deal.credit:
        carried = found.get((deal.id, credit.employee_id))
        if credit.commission is None and carried is not None:
            run_id, paid = carried
            credit = Credit(credit.employee_id, credit.share, paid)
            openings.append(
                {
                    "employee_id": credit.employee_id,
                    "source": "carried",
                    "carried_from": str(run_id),
                    "commission": {"deal_id": deal.id, "paid": f"{paid:f}"},
                }
            )
        credits.append(credit)
    return dataclasses.replace(deal, credit=tuple(credits))


def _by_code(document: Mapping[str, Any]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for line in document["lines"]:
        sums[line["code"]] = sums.get(line["code"], Decimal(0)) + Decimal(line["amount"])
    return sums


def differences(
    before: Iterable[str], after: Iterable[str], digits: int
) -> tuple[list[dict[str, Any]], Decimal]:
    """Per employee and line code, the effective amount ``before``, the corrected one
    ``after`` and the difference (payslip documents); and the total difference.

    An employee on one side only counts as zero on the other; employees whose every amount
    is unchanged are left out.
    """
    old = {d["employee_id"]: d for d in map(json.loads, before)}
    new = {d["employee_id"]: d for d in map(json.loads, after)}
    rows: list[dict[str, Any]] = []
    total = Decimal(0)
    for employee in [*new, *(e for e in old if e not in new)]:
        was, now = old.get(employee), new.get(employee)
        sums_before = {} if was is None else _by_code(was)
        sums_after = {} if now is None else _by_code(now)
        codes = [*sums_after, *(c for c in sums_before if c not in sums_after)]
        lines = []
        for code in codes:
            a, b = sums_before.get(code, Decimal(0)), sums_after.get(code, Decimal(0))
            if a != b:
                lines.append(_change(code, a, b, digits))
        gross_before = Decimal(0) if was is None else Decimal(was["gross"])
        gross_after = Decimal(0) if now is None else Decimal(now["gross"])
        if not lines and gross_before == gross_after:
            continue
        who = now or was
        assert who is not None
        total += gross_after - gross_before
        rows.append(
            {
                "employee_id": employee,
                "name": who["name"],
                "department": who["department"],
                "role": who["role"],
                "lines": lines,
                "gross": _change("gross", gross_before, gross_after, digits),
            }
        )
    return rows, total


def _change(code: str, before: Decimal, after: Decimal, digits: int) -> dict[str, str]:
    return {
        "code": code,
        "original": f"{before:.{digits}f}",
        "corrected": f"{after:.{digits}f}",
        "difference": f"{after - before:.{digits}f}",
    }
