"""Explanations on demand: a columnar payroll's payslips written as JSON from the arrays.

:func:`payslip_texts` writes each payslip's JSON (the bytes
:func:`app.io.output.payrolljson.slip_json` and ``json.dumps`` make of the Decimal engine's
payslip, lines, labels and explanation strings included) from a :class:`ColumnarRun`: the
integers of :func:`.compute.compute_columns`, formatted as the Decimal engine formats its
amounts.  No payslip object is made.  :func:`payslip` makes one payslip from the same text.

How the bytes stay the Decimal engine's:

* the layout is ``json.dumps``'s own (:mod:`.layout`): each role's payslip is dumped once
  with marked placeholders, which become ``%s`` slots filled per employee; labels, codes and
  other constants are written by ``json`` itself;
* the numbers and words are the Decimal engine's formats applied to the same exact
  fractions (:mod:`.wording`);
* every text fragment goes through ``json``'s string encoder.

What is not templated comes back as ``None`` for that payslip, and the caller writes it from
the Decimal engine's payslip: any payslip that deals touch (its lines list the deals and
what each is paid), a commission on a negative credit (refunds above the period's sales,
which only deals bring), and a role whose labels hold the writer's placeholder characters.  The
settlement's lines (clawback, draw, draw recovery), the balances carried and the
minimum-wage top-up are templated (:mod:`.settled`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from ..calendar import Period
from ..commission import bonus_measure
from ..money import format_amount, format_fixed, format_percent, format_plain
from ..results import Line, Payslip
from ..roster import Employee, work_calendar
from ..scheme import Measure, Scheme
from .columns import MEASURES, RosterColumns, role_keys, roster_columns
from .compute import Columns, _int, _mul, compute_columns, exact_total, scales
from .layout import END, ESCAPE, IN, VALUE, Layout, Skeleton, inside
from .settled import settled
from .wording import attainment, commission, described, fixed, grouped

__all__ = ["ColumnarRun", "Layout", "columnar_run", "payslip", "payslip_texts"]


@dataclass(frozen=True, slots=True)
class ColumnarRun:
    """What a columnar payroll was computed from, and its numbers: enough to write it."""

    scheme: Scheme
    rules: Scheme  # the checked scheme (the minimum wage in force comes from it)
    period: Period
    roster: Sequence[Employee]
    columns: RosterColumns
    out: Columns
    #: the employees whose payslips deals touch (credited, left out or taken back), whose
    #: lines list the deals; None: no deals
    dealt: NDArray[np.bool_] | None = None
    #: what the writer computes once per run (each department's totals)
    made: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def columnar_run(
    scheme: Scheme, period: Period, roster: Sequence[Employee], rules: Scheme | None = None
) -> ColumnarRun:
    """The columns of a validated roster without deals and their numbers (raises
    :class:`.compute.Overflow`), ready to be written; ``rules``: the checked scheme."""
    checked = scheme if rules is None else rules
    columns = roster_columns(scheme, period, roster, checked)
    return ColumnarRun(
        scheme, checked, period, roster, columns, compute_columns(scheme, period, columns)
    )


# --- a role's payslips -----------------------------------------------------------------------


def _role_texts(
    run: ColumnarRun,
    index: int,
    members: NDArray[np.intp],
    at: NDArray[np.intp] | slice,
    layout: Layout,
) -> list[str | None]:
    """The JSON of each payslip of one role (None: written from the Decimal engine's):
    ``members`` in the roster, at positions ``at`` of the role's line columns."""
    scheme, cols, out = run.scheme, run.columns, run.out
    digits = scheme.minor_units
    dept_name, role_name = role_keys(scheme)[index]
    role = scheme.departments[dept_name].roles[role_name]
    places = scales(scheme)
    size = members.size
    picks = members.tolist()
    emps = [run.roster[i] for i in picks]
    assert out.num is not None and out.den is not None
    num, den = out.num[members], out.den[members]
    prorated = np.zeros(size, dtype=np.bool_) if cols.prorated is None else cols.prorated[members]
    fte_full = (
        np.ones(size, dtype=np.bool_)
        if cols.fte_num is None
        else cols.fte_num[members] == cols.fte_scale
    )
    full = ~prorated & fte_full
    paid = [0] * size if cols.paid is None else cols.paid[members].tolist()
    working = work_calendar(scheme).working_days(run.period)
    proration = described(emps, full.tolist(), paid, working)
    escaped = {text: inside(text) for text in set(proration)}  # most are "1"
    proration_json = [escaped[text] for text in proration]
    credited = {m: cols.credited[m][members] for m in MEASURES}
    fallback = np.zeros(size, dtype=np.bool_)
    if run.dealt is not None:
        fallback |= run.dealt[members]
    variable = np.zeros(size, dtype=np.int64)

    skeleton = Skeleton()
    row: list[list[str]] = []  # the fill of each slot, one list per slot, in slot order

    def fill(values: list[str], whole: bool = False, tail: str | None = None) -> str:
        row.append(values)
        return skeleton.slot(whole, tail)

    lines: list[Any] = []
    document: dict[str, Any] = {
        "employee_id": fill(list(map(ESCAPE, [e.id for e in emps])), whole=True),
        "name": fill(list(map(ESCAPE, [e.name for e in emps])), whole=True),
        "department": dept_name,
        "role": role_name,
        "proration": fill(proration_json),
    }
    nl3, nl4, colon = (
        layout.newline(layout.level + 1),
        layout.newline(layout.level + 2),
        layout.colon,
    )
    # The credited object: the employee's own measures in the roster's order (no deals).
    shapes: dict[tuple[Any, ...], list[int]] = {}
    for j, emp in enumerate(emps):
        shapes.setdefault(tuple(emp.credited), []).append(j)
    named = {m for keys in shapes for m in keys} | {rule.measure for rule in role.commission}
    credited_text = {m: fixed(credited[m], digits) for m in named}
    objects = ["{}"] * size
    for keys, rows in shapes.items():
        if not keys:
            continue
        entries = [""] * len(rows)
        for k, measure in enumerate(keys):
            key = f'{"{" if k == 0 else ","}{nl4}{ESCAPE(measure.value)}{colon}"'
            values = [credited_text[measure][j] for j in rows]
            entries = [f'{e}{key}{v}"' for e, v in zip(entries, values, strict=True)]
        for j, entry in zip(rows, entries, strict=True):
            objects[j] = f"{entry}{nl3}}}"
    document["credited"] = fill(objects, whole=True)

    base = out.lines[index, "base", 0][at]
    base_text = inside(format_amount(role.base, digits))
    base_amounts = grouped(base, digits)
    lines.append(
        {
            "code": "base",
            "label": "Base salary",
            "measure": None,
            "basis": format_fixed(role.base, digits),
            "rate": None,
            "amount": fill(fixed(base, digits)),
            "explanation": fill(
                [
                    f"{base_text} (full period)" if whole else f"{base_text} × {inside(d)} = {a}"
                    for whole, d, a in zip(full.tolist(), proration, base_amounts, strict=True)
                ]
            ),
        }
    )
    for k, rule in enumerate(role.commission):
        amount = out.lines[index, "commission", k][at]
        variable += amount
        line = commission(
            rule,
            role,
            credited[rule.measure],
            num,
            den,
            amount,
            digits,
            places,
            full,
            proration_json,
        )
        fallback |= line.taken_back
        lines.append(
            {
                "code": "commission",
                "label": rule.label or f"Commission on {rule.measure}",
                "measure": rule.measure.value,
                "basis": fill(credited_text[rule.measure]),
                "rate": fill(line.rate, whole=True),
                "amount": fill(fixed(amount, digits)),
                "explanation": fill(line.text),
            }
        )
    if role.override is not None:
        override = role.override
        amount = out.lines[index, "override", 0][at]
        variable += amount
        totals, headcount = _team(run)[dept_name]
        sums = np.array([totals[override.measure]], dtype=np.int64)
        shown = grouped(np.unique(amount), digits) if size else ["0"]
        if len(shown) != 1:  # one team, one amount: anything else is not this template's
            return [None] * size
        lines.append(
            {
                "code": "override",
                "label": override.label or f"Override on team {override.measure}",
                "measure": override.measure.value,
                "basis": fixed(sums, digits)[0],
                "rate": format_plain(override.rate),
                "amount": fixed(amount[:1], digits)[0],
                "explanation": (
                    f"{format_percent(override.rate)} × team {override.measure} "
                    f"{grouped(sums, digits)[0]} ({dept_name}, {headcount} employees) = {shown[0]}"
                ),
            }
        )
    bonuses: list[list[str]] = []
    for k, bonus in enumerate(role.bonuses):
        amount = out.lines[index, "bonus", k][at]
        variable += amount
        measure = bonus_measure(role, bonus)
        if measure is None or measure not in role.target:
            continue
        target = _int(role.target[measure], digits)
        aim = _mul(num, target)
        reached = (
            _mul(credited[measure], den, 10 ** places[0])
            >= _mul(aim, _int(bonus.attainment, places[0]))
        ) & (aim != 0)
        label = bonus.label or f"Bonus at {format_percent(bonus.attainment)} of {measure}"
        bonus_line = {
            "code": "bonus",
            "label": label,
            "measure": measure.value,
            "basis": None,
            "rate": None,
            "amount": format_fixed(bonus.amount, digits),
            "explanation": IN,
        }
        before, _, after = layout.dump(bonus_line, layout.level + 2).partition(IN)
        if IN in after or VALUE in before or END in before + after:
            return [None] * size
        before = "," + nl4 + before
        tail = inside(
            f" ≥ {format_percent(bonus.attainment)}: {format_amount(bonus.amount, digits)}"
        )
        head = inside(f"{measure} attainment ")
        where = np.flatnonzero(reached)
        attained = attainment(
            credited[measure][where].tolist(), den[where].tolist(), num[where].tolist(), target
        )
        fragments = [""] * size
        for j, shown_percent in zip(where.tolist(), attained, strict=True):
            fragments[j] = f"{before}{head}{shown_percent}{tail}{after}"
        bonuses.append(fragments)
    settlement = settled(run, role, members, variable, proration, layout)
    fallback |= ~settlement.ok
    if any(settlement.lines):
        bonuses.append(settlement.lines)
    if len(bonuses) == 1:
        joined = bonuses[0]
    elif bonuses:
        joined = ["".join(parts) for parts in zip(*bonuses, strict=True)]
    else:
        joined = [""] * size
    # the bonus lines reached, the settlement's and the top-up, if any
    lines.append(fill(joined, tail="," + nl4))
    document["lines"] = lines
    document["gross"] = fill(fixed(out.gross[members], digits))
    fte = fixed(out.fte_gross[members], digits)
    has = out.has_fte_gross[members].tolist()
    document["fte_gross"] = fill(
        [f'"{v}"' if there else "null" for v, there in zip(fte, has, strict=True)], whole=True
    )
    document["balances"] = fill(settlement.balances, whole=True)
    template = skeleton.template(document, layout, layout.level)
    if template is None:
        return [None] * size
    made: list[str | None] = [template % values for values in zip(*row, strict=True)]
    for j in np.flatnonzero(fallback).tolist():
        made[j] = None
    return made


def _team(run: ColumnarRun) -> dict[str, tuple[dict[Any, int], int]]:
    """Each department's credited total per measure (minor units) and its headcount."""
    found: dict[str, tuple[dict[Any, int], int]] | None = run.made.get("team")
    if found is not None:
        return found
    names = list(run.scheme.departments)
    keys = role_keys(run.scheme)
    role_dept = np.array([names.index(d) for d, _ in keys], dtype=np.intp)
    emp_dept = role_dept[run.columns.role]
    team: dict[str, tuple[dict[Any, int], int]] = {}
    for k, name in enumerate(names):
        mask = emp_dept == k
        sums = {m: exact_total(v[mask]) for m, v in run.columns.credited.items()}
        team[name] = (sums, int(mask.sum()))
    run.made["team"] = team
    return team


_INDENTED: Final = Layout()


def payslip_texts(run: ColumnarRun, layout: Layout = _INDENTED) -> list[str | None]:
    """Each payslip's JSON as ``layout`` writes it, in roster order; ``None`` for a payslip
    this module does not template (the module's docstring says which), to be written from
    the Decimal engine's payslip."""
    size = len(run.roster)
    texts: list[str | None] = [None] * size
    if _untold(run):
        return texts
    for index, members in run.out.members.items():
        try:
            made = _role_texts(run, index, members, slice(None), layout)
        except ArithmeticError:  # a product of the explanation only could leave int64
            continue
        for j, text in zip(members.tolist(), made, strict=True):
            texts[j] = text
    return texts


def _untold(run: ColumnarRun) -> bool:
    """Deals' refunds in the columns, but not said whose payslips they touch."""
    carried = [getattr(run.columns, name, None) for name in ("excluded", "recovered")]
    return run.dealt is None and any(column is not None for column in carried)


_COMPACT: Final = Layout(indent=None)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def payslip(run: ColumnarRun, index: int) -> Payslip | None:
    """Payslip ``index`` (roster order) from the columns, equal field by field to the
    Decimal engine's, or None where :func:`payslip_texts` writes None.

    Its lines are read back from the payslip's JSON (one writer for both): amounts, bases
    and rates are the same values as the Decimal engine's (``==``), written with the
    currency's minor digits (a base of ``45000`` is ``45000.00``)."""
    if _untold(run):
        return None
    role = int(run.columns.role[index])
    members = run.out.members[role]
    at = np.flatnonzero(members == index)
    try:
        (text,) = _role_texts(run, role, members[at], at, _COMPACT)
    except ArithmeticError:
        return None
    if text is None:
        return None
    document = json.loads(text)
    lines = tuple(
        Line(
            line["code"],
            line["label"],
            Decimal(line["amount"]),
            line["explanation"],
            None if line["measure"] is None else Measure(line["measure"]),
            _decimal(line["basis"]),
            _decimal(line["rate"]),
        )
        for line in document["lines"]
    )
    emp = run.roster[index]
    return Payslip(
        emp.id,
        emp.name,
        emp.department,
        emp.role,
        lines,
        Decimal(document["gross"]),
        document["proration"],
        _decimal(document["fte_gross"]),
        {kind: Decimal(value) for kind, value in document["balances"].items()},
        dict(emp.credited),
    )
