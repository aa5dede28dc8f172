"""Balances carried out of a payroll, as a roster the next period's run can start from.

The engine keeps no state: what an employee still owes (an unrecovered clawback, an
advanced draw) goes out on the payslip and must come back in the next period's roster.
This file is that roster's skeleton: every employee of the payroll with their department,
role and the balances carried (an empty cell when none is carried).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from app.engine import Payroll
from app.io.output.csvcells import csv_text
from app.io.output.text import BALANCE_KINDS, money

__all__ = ["BALANCE_COLUMNS", "balances_csv", "balances_json"]

BALANCE_COLUMNS: Final = (
    "id", "department", "role", *(f"balance_{kind}" for kind in BALANCE_KINDS),
)  # fmt: skip


def balances_csv(payroll: Payroll) -> str:
    """``id,department,role,balance_draw,balance_clawback``: a valid roster CSV."""
    digits = payroll.minor_units
    rows: list[Sequence[object]] = [BALANCE_COLUMNS]
    rows += [
        [slip.employee_id, slip.department, slip.role,
         *("" if kind not in slip.balances else money(slip.balances[kind], digits)
           for kind in BALANCE_KINDS)]
        for slip in payroll.payslips
    ]  # fmt: skip
    return csv_text(rows, guard=False)  # a roster compcalc reads back: ids as they are


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
