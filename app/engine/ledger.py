"""Carried balances: clawbacks not yet recovered and recoverable draws.

The engine keeps no state: balances come in with each employee and go out with the
payslip.  Order on a payslip: variable pay (commission, override, bonuses), then the
clawback settlement, then the draw.  Pay never goes below the base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from .results import Line
from .scheme import Draw

__all__ = ["Settlement", "settle"]

_ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class Settlement:
    lines: tuple[Line, ...]
    balances: dict[str, Decimal]


def settle(
    variable: Decimal,
    balances: Mapping[str, Decimal],
    draw: Draw | None,
    draw_amount: Decimal,
    fmt: Callable[[Decimal], str],
) -> Settlement:
    """Settle ``variable`` pay (sum of the rounded variable lines) against balances.

    Clawback: what is owed (balance in, plus any negative variable pay) is recovered
    from positive variable pay; the rest is carried.  Draw: variable pay below the
    (prorated) draw is topped up to it; a recoverable top-up is carried and recovered
    later from variable pay above the draw, at most ``recover_limit`` a period.
    """
    lines: list[Line] = []
    owed = balances.get("clawback", _ZERO)
    if owed or variable < 0:
        line_amount = max(-variable, -owed)
        carried = max(_ZERO, owed - variable)
        if line_amount:
            if variable < 0:
                text = (
                    f"variable pay {fmt(variable)} would take pay below the base: "
                    f"{fmt(line_amount)} moved to the clawback balance "
                    f"(balance {fmt(owed)} → {fmt(carried)})"
                )
            else:
                text = (
                    f"recovered {fmt(-line_amount)} of the clawback balance {fmt(owed)} "
                    f"from variable pay {fmt(variable)}; {fmt(carried)} carried"
                )
            lines.append(Line("clawback", "Clawback settlement", line_amount, text))
        variable += line_amount
        owed = carried
    out: dict[str, Decimal] = {"clawback": owed} if owed or "clawback" in balances else {}
    advanced = balances.get("draw", _ZERO)
    if draw is not None and variable < draw_amount:
        top_up = draw_amount - variable
        kind = "recoverable" if draw.recoverable else "non-recoverable"
        if draw.recoverable:
            text = (
                f"{kind} draw {fmt(draw_amount)} − variable pay {fmt(variable)} = {fmt(top_up)}"
                f" advanced; draw balance {fmt(advanced)} → {fmt(advanced + top_up)}"
            )
            advanced += top_up
        else:
            text = f"{kind} draw {fmt(draw_amount)} − variable pay {fmt(variable)} = {fmt(top_up)}"
        lines.append(Line("draw", draw.label or "Draw", top_up, text, basis=draw_amount))
    elif advanced:
        room = variable - (draw_amount if draw is not None else _ZERO)
        limit = draw.recover_limit if draw is not None else None
        recovered = min(advanced, room) if limit is None else min(advanced, room, limit)
        if recovered > 0:
            limit_text = "" if limit is None else f", at most {fmt(limit)} a period"
            text = (
                f"recovered {fmt(recovered)} of the draw balance {fmt(advanced)} from variable "
                f"pay above the draw{limit_text}; {fmt(advanced - recovered)} carried"
            )
            lines.append(Line("draw_recovery", "Draw recovery", -recovered, text))
            advanced -= recovered
    if advanced or "draw" in balances:
        out["draw"] = advanced
    return Settlement(tuple(lines), out)
