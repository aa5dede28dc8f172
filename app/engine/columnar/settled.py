"""The settlement and minimum-wage lines of columnar payslips, as JSON fragments.

:func:`app.engine.ledger.settle` (clawback, then the draw) and
:func:`app.engine.minwage.topup_line` worded from integers, one employee at a time (only the
employees they concern), with the amounts of :func:`.compute.compute_columns`: each line's
amount is computed again here and compared with the column, and an employee whose amounts
differ is left to the Decimal engine's payslip (``ok`` false), never written with a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..minwage import TOPUP_CODE, minimum_in_force
from ..money import format_amount
from ..roster import Employee
from ..scheme import Draw, MinimumWage, Role
from .compute import _int, _mul
from .layout import Layout, Skeleton, inside
from .rounding import round_div

if TYPE_CHECKING:
    from .explain import ColumnarRun

_Text = Callable[[int], str]

__all__ = ["Settled", "settled"]


@dataclass(slots=True)
class Settled:
    """Per member: the lines' JSON (each after its list separator), the balances object,
    and whether the amounts agree with the columns."""

    lines: list[str]
    balances: list[str]
    ok: NDArray[np.bool_]


class _Lines:
    """JSON templates of the lines (code, label, basis slot, amount slot, explanation slot)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.made: dict[tuple[str, str], str | None] = {}

    def line(self, code: str, label: str, basis: str | None, amount: str, text: str) -> str:
        template = self.made.get((code, label), "")
        if template == "":
            skeleton = Skeleton()
            document: dict[str, Any] = {
                "code": code,
                "label": label,
                "measure": None,
                "basis": skeleton.slot(whole=True),
                "rate": None,
                "amount": skeleton.slot(),
                "explanation": skeleton.slot(),
            }
            level = self.layout.level + 2
            found = skeleton.template(document, self.layout, level)
            template = self.made[code, label] = (
                None if found is None else "," + self.layout.newline(level) + found
            )
        if template is None:
            raise ValueError("a label holds the writer's markers")
        shown = "null" if basis is None else f'"{basis}"'
        return template % (shown, amount, inside(text))


def settled(
    run: ColumnarRun,
    role: Role,
    members: NDArray[np.intp],
    variable: NDArray[np.int64],
    proration: Sequence[str],
    layout: Layout,
) -> Settled:
    """The settlement and top-up lines and the balances of a role's ``members``
    (``variable``: their commission, override and bonus lines summed; ``proration``: the
    proration texts)."""
    scheme, out = run.scheme, run.out
    digits, mode = scheme.minor_units, scheme.rounding
    size = members.size
    lines = [""] * size
    balances = ["{}"] * size
    ok = np.ones(size, dtype=np.bool_)
    emps = [run.roster[i] for i in members.tolist()]
    # Only these have a settlement or a top-up: a draw rule, a balance in, pay below zero.
    concerned = variable < 0
    if role.draw is not None:
        concerned[:] = True
    concerned |= np.fromiter((bool(e.balances) for e in emps), dtype=np.bool_, count=size)
    top_ups = out.lines.get((-1, TOPUP_CODE, 0))
    if top_ups is not None:
        concerned |= top_ups[members] != 0
    if not concerned.any():
        return Settled(lines, balances, ok)
    none = [0] * size  # a line the columns do not hold is nowhere on the payroll

    def column(kind: str) -> list[int]:
        found = out.lines.get((-1, kind, 0))
        return none if found is None else found[members].tolist()

    clawback_line, draw_line = column("clawback"), column("draw")
    recovery_line, top_up_line = column("draw_recovery"), column(TOPUP_CODE)
    gross = out.gross[members].tolist()
    draw = role.draw
    draw_amount = [0] * size
    if draw is not None:
        assert out.num is not None and out.den is not None
        num, den = out.num[members], out.den[members]
        draw_amount = round_div(_mul(num, _int(draw.amount, digits)), den, mode).tolist()
    limit = None if draw is None or draw.recover_limit is None else draw.recover_limit
    limit_units = None if limit is None else _int(limit, digits)
    q = 10**digits
    made = _Lines(layout)
    nl3, nl4, colon = (
        layout.newline(layout.level + 1),
        layout.newline(layout.level + 2),
        layout.colon,
    )

    def fmt(units: int) -> str:
        whole, frac = divmod(abs(units), q)
        text = f"{whole:,}".replace(",", " ")
        if digits:
            text = f"{text}.{frac:0{digits}d}"
        return f"-{text}" if units < 0 else text

    def plain(units: int) -> str:
        whole, frac = divmod(abs(units), q)
        text = f"{whole}.{frac:0{digits}d}" if digits else str(whole)
        return f"-{text}" if units < 0 else text

    floors: dict[str | None, MinimumWage | None] = {}
    for j in np.flatnonzero(concerned).tolist():
        emp = emps[j]
        v = int(variable[j])
        parts: list[str] = []
        if draw is not None or emp.balances or v < 0:
            parts, balance, amounts = _settle(
                emp, v, draw, draw_amount[j], limit_units, (fmt, plain), made, digits
            )
            ok[j] = amounts == (clawback_line[j], draw_line[j], recovery_line[j])
            if balance:
                entries = ",".join(
                    f'{nl4}"{kind}"{colon}"{plain(units)}"' for kind, units in balance.items()
                )
                balances[j] = f"{{{entries}{nl3}}}"
        if top_up_line[j]:
            if emp.jurisdiction not in floors:
                floors[emp.jurisdiction] = minimum_in_force(
                    run.rules, run.period.last_day, emp.jurisdiction
                )
            entry = floors[emp.jurisdiction]
            wage, top = gross[j], top_up_line[j]
            if entry is None:
                ok[j] = False
            else:
                where = "" if entry.jurisdiction is None else f" ({entry.jurisdiction})"
                text = (
                    f"minimum wage{where} {format_amount(entry.amount, digits)} × proration "
                    f"{proration[j]} = {fmt(wage)}; pay {fmt(wage - top)} before → "
                    f"top-up {fmt(top)}"
                )
                parts.append(
                    made.line(TOPUP_CODE, "Minimum wage top-up", plain(wage), plain(top), text)
                )
        lines[j] = "".join(parts)
    return Settled(lines, balances, ok)


def _settle(
    emp: Employee,
    variable: int,
    draw: Draw | None,
    draw_amount: int,
    limit: int | None,
    texts: tuple[_Text, _Text],
    made: _Lines,
    digits: int,
) -> tuple[list[str], dict[str, int], tuple[int, int, int]]:
    """:func:`app.engine.ledger.settle` in minor units: the lines' JSON, the balances out
    and the amounts of the clawback, draw and draw recovery lines (0: none)."""
    fmt, plain = texts
    balances = emp.balances
    parts: list[str] = []
    owed = _int(balances["clawback"], digits) if "clawback" in balances else 0
    clawback = draw_top = recovery = 0
    v = variable
    if owed or v < 0:
        line = max(-v, -owed)
        carried = max(0, owed - v)
        if line:
            if v < 0:
                text = (
                    f"variable pay {fmt(v)} would take pay below the base: {fmt(line)} moved "
                    f"to the clawback balance (balance {fmt(owed)} → {fmt(carried)})"
                )
            else:
                text = (
                    f"recovered {fmt(-line)} of the clawback balance {fmt(owed)} from "
                    f"variable pay {fmt(v)}; {fmt(carried)} carried"
                )
            parts.append(made.line("clawback", "Clawback settlement", None, plain(line), text))
            clawback = line
        v += line
        owed = carried
    out: dict[str, int] = {"clawback": owed} if owed or "clawback" in balances else {}
    advanced = _int(balances["draw"], digits) if "draw" in balances else 0
    if draw is not None and v < draw_amount:
        top = draw_amount - v
        kind = "recoverable" if draw.recoverable else "non-recoverable"
        text = f"{kind} draw {fmt(draw_amount)} − variable pay {fmt(v)} = {fmt(top)}"
        if draw.recoverable:
            text += f" advanced; draw balance {fmt(advanced)} → {fmt(advanced + top)}"
            advanced += top
        label = draw.label or "Draw"
        parts.append(made.line("draw", label, plain(draw_amount), plain(top), text))
        draw_top = top
    elif advanced:
        room = v - (draw_amount if draw is not None else 0)
        recovered = min(advanced, room) if limit is None else min(advanced, room, limit)
        if recovered > 0:
            limit_text = "" if limit is None else f", at most {fmt(limit)} a period"
            text = (
                f"recovered {fmt(recovered)} of the draw balance {fmt(advanced)} from variable "
                f"pay above the draw{limit_text}; {fmt(advanced - recovered)} carried"
            )
            parts.append(made.line("draw_recovery", "Draw recovery", None, plain(-recovered), text))
            recovery = -recovered
            advanced -= recovered
    if advanced or "draw" in balances:
        out["draw"] = advanced
    return parts, out, (clawback, draw_top, recovery)
