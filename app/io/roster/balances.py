"""Balances carried out of a payroll, as a roster the next period's run can start from.

The engine keeps no state: what an employee still owes (an unrecovered clawback, an
advanced draw) goes out on the payslip and must come back in the next period's roster.
This file is that roster's skeleton: every employee of the payroll with their department,
role and the balances carried (an empty cell when none is carried).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Final

from app.engine import Payroll
from app.io.output.text import BALANCE_KINDS, money

__all__ = ["BALANCE_COLUMNS", "balances_csv", "balances_json"]

BALANCE_COLUMNS: Final = (
    "id", "department", "role", *(f"balance_{kind}" for kind in BALANCE_KINDS),
)  # fmt: skip


def balances_csv(payroll: Payroll) -> str:
    """``id,department,role,balance_draw,balance_clawback``: a valid roster CSV."""
    digits = payroll.minor_units
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(BALANCE_COLUMNS)
    for slip in payroll.payslips:
        owed = slip.balances
        writer.writerow(
            [slip.employee_id, slip.department, slip.role,
             *("" if kind not in owed else money(owed[kind], digits) for kind in BALANCE_KINDS)]
        )  # fmt: skip
    return buffer.getvalue()


def balances_json(payroll: Payroll) -> str:
    """``{"employees": [{"id", "department", "role", "balances"}]}``: a valid JSON roster."""
    digits = payroll.minor_units
    employees: list[dict[str, Any]] = []
    for slip in payroll.payslips:
        entry: dict[str, Any] = {
            "id": slip.employee_id,
            "department": slip.department,
            "role": slip.role,
        }
        if slip.balances:
            entry["balances"] = {k: money(v, digits) for k, v in sorted(slip.balances.items())}
        employees.append(entry)
    return json.dumps({"employees": employees}, indent=2, ensure_ascii=False) + "\n"
