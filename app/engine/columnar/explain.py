"""Explanations on demand: a columnar payroll's payslips written as JSON from the arrays.

:func:`payslip_texts` writes each payslip's JSON (the bytes
:func:`app.io.output.payrolljson.slip_json` and ``json.dumps`` make of the Decimal engine's
payslip, lines, labels and explanation strings included) from a :class:`ColumnarRun`: the
integers of :func:`.compute.compute_columns`, formatted as the Decimal engine formats its
amounts.  No payslip object is made.

How the bytes stay the Decimal engine's:

* the layout is ``json.dumps``'s own: each role's payslip is dumped once with marked
  placeholders (a *skeleton*), which become ``%s`` slots filled per employee; labels, codes
  and other constants are written by ``json`` itself;
* amounts written plainly are ``money`` (exact minor digits); amounts in the explanations are
  ``format_amount`` (grouped with spaces); a value the Decimal engine shows unrounded
  (a tier's slice ``part / den``, the uncapped commission, a prorated threshold) is shown by
  its format spec rounded half-even to the minor digits (under :data:`~app.engine.money.EXACT`),
  which here is :func:`.rounding.round_div` of the same exact fraction, half-even;
* every text fragment goes through ``json``'s string encoder (escaping is per character,
  so escaped pieces join into the escaped whole).

What is not templated comes back as ``None`` for that payslip, and the caller writes it from
the Decimal engine's payslip: the settlement lines (a draw rule, a balance in, or variable pay
below zero), a minimum-wage top-up, a commission on a negative credit (taken back), and any
payslip that deals touch (its lines list the deals).  Those payslips are rare in a batch and
their text has more branches (:func:`app.engine.ledger.settle`) than is worth a second copy
today.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from ..calendar import Period
from ..commission import bonus_measure
from ..money import Rounding, format_amount, format_fixed, format_percent, format_plain
from ..results import Line, Payslip
from ..roster import Employee, work_calendar
from ..scheme import CommissionRule, Measure, Role, Scheme, TierMode
from .columns import MEASURES, RosterColumns, role_keys, roster_columns
from .compute import Columns, _int, _mul, compute_columns, exact_total, scales
from .rounding import Int64s, round_div

__all__ = ["ColumnarRun", "Layout", "columnar_run", "payslip", "payslip_texts"]

_ONE: Final = Decimal(1)
_ESCAPE: Final[Callable[[str], str]] = json.encoder.encode_basestring
# Placeholders in a skeleton: inside a JSON string (_IN … _END) or a whole value (_VALUE … _END).
_IN: Final = "\ue000"
_VALUE: Final = "\ue002"
_END: Final = "\ue001"


def _text(value: str) -> str:
    """``value`` as it is written inside a JSON string (without the quotes)."""
    escaped: str = _ESCAPE(value)
    return escaped[1:-1]


@dataclass(frozen=True, slots=True)
class Layout:
    """How ``json.dumps`` lays a document out: ``indent`` spaces a level (``None``: compact)
    and the level of a payslip object in the document (2: the ``payslips`` list's items)."""

    indent: int | None = 2
    level: int = 2

    def dump(self, value: Any, level: int) -> str:
        """``value`` as ``json.dumps`` writes it when nested ``level`` levels deep."""
        if self.indent is None:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        text = json.dumps(value, ensure_ascii=False, indent=self.indent)
        return text.replace("\n", "\n" + " " * (self.indent * level))

    def newline(self, level: int) -> str:
        return "" if self.indent is None else "\n" + " " * (self.indent * level)

    @property
    def colon(self) -> str:
        return ":" if self.indent is None else ": "


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


# --- amounts as text -------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _fractions(digits: int) -> NDArray[np.object_]:
    """``'.00'`` … ``'.99'`` (for 2 digits): the text after the whole units, by value."""
    return np.array([f".{f:0{digits}d}" for f in range(10**digits)], dtype=object)


def _join(whole: list[str], units: Int64s, frac: Int64s, digits: int) -> list[str]:
    """The whole part's text, the fraction's and the sign, joined (C loops, no f-string)."""
    texts = whole if digits == 0 else list(map(operator.add, whole, _fractions(digits)[frac]))
    for j in np.flatnonzero(units < 0).tolist():
        texts[j] = "-" + texts[j]
    return texts


def _fixed(units: Int64s, digits: int) -> list[str]:
    """``money``: exactly ``digits`` decimals, no grouping, never ``-0``."""
    whole, frac = np.divmod(np.abs(units), 10**digits)
    return _join(list(map(str, whole.tolist())), units, frac, digits)


def _grouped(units: Int64s, digits: int) -> list[str]:
    """``format_amount``: thousands grouped with spaces, exactly ``digits`` decimals."""
    whole, frac = np.divmod(np.abs(units), 10**digits)
    commas = "\n".join(map("{:,}".format, whole.tolist()))
    grouped = commas.replace(",", " ").split("\n") if units.size else []
    return _join(grouped, units, frac, digits)


def _shown(value: Int64s, divisor: Int64s | int) -> Int64s:
    """A fraction of minor units as the Decimal engine's format spec shows it: half-even."""
    return round_div(value, divisor, Rounding.HALF_EVEN)


def _percent_of_basis_points(q: int) -> str:
    """``format_percent`` of ``q / 10 000`` (q ≥ 0): 13015 → '130.15%', 12000 → '120%'."""
    whole, frac = divmod(q, 100)
    if not frac:
        return f"{whole}%"
    if frac % 10 == 0:
        return f"{whole}.{frac // 10}%"
    return f"{whole}.{frac:02d}%"


def _attainment(credited: list[int], den: list[int], num: list[int], target: int) -> list[str]:
    """``format_percent((credited × D / (target × N)).quantize(0.0001))``, half-even, exact in
    Python integers (the product may leave int64)."""
    shown = []
    for c, d, n in zip(credited, den, num, strict=True):
        q, r = divmod(c * d * 10_000, target * n)
        twice = 2 * r
        if twice > target * n or (twice == target * n and q % 2 == 1):
            q += 1
        shown.append(_percent_of_basis_points(q))
    return shown


# --- one commission rule ---------------------------------------------------------------------


@dataclass(slots=True)
class _Commission:
    """One rule's explanation columns for a role's members (see :func:`_commission`)."""

    text: list[str]
    rate: list[str]  # a JSON value: the single slice's rate, or null
    taken_back: NDArray[np.bool_]


def _commission(
    rule: CommissionRule,
    role: Role,
    credited: Int64s,
    num: Int64s,
    den: Int64s,
    amount: Int64s,
    digits: int,
    places: tuple[int, int],
    full: NDArray[np.bool_],
    described: list[str],
) -> _Commission:
    """The explanation of :meth:`app.engine.calculate._Calculator.commission_line`, from the
    same integers as :func:`.compute._commission` (values × D × A, commission × D × A × R)."""
    a, r = places
    A, R = 10**a, 10**r
    space = _mul(den, A)
    x = _mul(np.abs(credited), space)
    target = role.target.get(rule.measure)
    prorated = None if target is None else _mul(num, _int(target, digits))
    edges: list[Int64s] = []
    for tier in rule.tiers:
        if tier.from_ is not None:
            edges.append(_mul(space, _int(tier.from_, digits)))
        else:
            assert tier.from_attainment is not None and prorated is not None
            edges.append(_mul(prorated, _int(tier.from_attainment, a)))
    rates = [_int(t.rate, r) for t in rule.tiers]
    size = x.size
    # slices[i]: the part of the amount in tier i (0: no slice), as Decimal slices are.
    slices: list[Int64s] = []
    if rule.mode is TierMode.RETROACTIVE:
        reached = np.full(size, -1, dtype=np.int64)
        for index in range(len(rates) - 1, -1, -1):
            reached = np.where((reached < 0) & (x >= edges[index]), index, reached)
        for index in range(len(rates)):
            slices.append(np.where(reached == index, x, 0))
    else:
        last = len(rates) - 1
        for index in range(len(rates)):
            low = edges[index]
            high = x if index == last else np.minimum(x, edges[index + 1])
            slices.append(np.where(x > low, np.maximum(high - low, 0), 0))
    total = np.zeros(size, dtype=np.int64)
    for part, rate in zip(slices, rates, strict=True):
        total = total + _mul(part, rate)
    unit = _mul(space, R)
    capped = np.zeros(size, dtype=np.bool_)
    if rule.cap is not None:
        capped = total > _mul(unit, _int(rule.cap, digits))
    elif rule.cap_multiple is not None and prorated is not None:
        at_target = np.zeros(size, dtype=np.int64)
        y = _mul(prorated, A)
        if rule.mode is TierMode.RETROACTIVE:
            done = np.zeros(size, dtype=np.bool_)
            for index in range(len(rates) - 1, -1, -1):
                hit = ~done & (y >= edges[index])
                at_target = np.where(hit, _mul(y, rates[index]), at_target)
                done |= hit
        else:
            last = len(rates) - 1
            for index in range(len(rates)):
                high = y if index == last else np.minimum(y, edges[index + 1])
                part = np.where(y > edges[index], np.maximum(high - edges[index], 0), 0)
                at_target = at_target + _mul(part, rates[index])
        capped = _mul(total, A) > _mul(at_target, _int(rule.cap_multiple, a))
    below = np.zeros(size, dtype=np.bool_)
    needed: Int64s | None = None
    if rule.threshold is not None and prorated is not None:
        needed = _mul(prorated, _int(rule.threshold, a))
        below = x < needed
    measure = _text(f"{rule.measure}")
    heads = [f"{measure} {c}" for c in _grouped(credited, digits)]
    amounts = _grouped(amount, digits)
    parts = [_grouped(_shown(part, space), digits) for part in slices]
    percents = [_text(format_percent(t.rate)) for t in rule.tiers]
    rate_values = [_ESCAPE(format_plain(t.rate)) for t in rule.tiers]
    uncapped = _grouped(_shown(total, unit), digits)
    retro = rule.mode is TierMode.RETROACTIVE
    present = np.stack(slices, axis=1) != 0 if slices else np.zeros((size, 0), dtype=np.bool_)
    present_rows = present.tolist()
    below_rows = below.tolist()
    capped_rows = capped.tolist()
    if needed is not None:
        assert target is not None and rule.threshold is not None
        threshold = _grouped(_shown(needed, space), digits)
        of_target = (
            f" ({_text(format_percent(rule.threshold))} of target "
            f"{_text(format_amount(target, digits))}"
        )
        full_rows = full.tolist()
    texts: list[str] = []
    rate_json: list[str] = []
    for j in range(size):
        if below_rows[j]:
            prorated_text = "" if full_rows[j] else f", prorated {described[j]}"
            texts.append(
                f"{heads[j]} is below the threshold {threshold[j]}{of_target}"
                f"{prorated_text}): no commission = {amounts[j]}"
            )
            rate_json.append("null")
            continue
        row = present_rows[j]
        paid = [i for i, there in enumerate(row) if there]
        if len(paid) == 1:
            formula = f"{parts[paid[0]][j]} × {percents[paid[0]]}"
            if retro:
                formula += " (whole amount at the reached tier's rate)"
        elif paid:
            formula = " + ".join([f"{parts[i][j]} × {percents[i]}" for i in paid])
            if retro:
                formula += " (whole amount at the reached tier's rate)"
        else:
            formula = "nothing in any tier"
        if capped_rows[j]:
            formula += f" = {uncapped[j]}, capped at {amounts[j]}"
        texts.append(f"{heads[j]}: {formula} = {amounts[j]}")
        rate_json.append(rate_values[paid[0]] if len(paid) == 1 else "null")
    return _Commission(texts, rate_json, credited < 0)


# --- a role's payslips -----------------------------------------------------------------------


class _Skeleton:
    """A payslip dumped with placeholders: ``slot(kind)`` adds one; ``template(layout)`` is
    the dump as a ``%``-template (None when a constant of the scheme holds a marker)."""

    def __init__(self) -> None:
        self.count = 0
        self.tails: dict[int, str] = {}

    def slot(self, whole: bool = False, tail: str | None = None) -> str:
        """A placeholder for a string's content, or (``whole``) for a whole JSON value, or
        (``tail``: the list's item separator) for the last items of a list, filled with
        their separators, or with nothing."""
        marker = f"{_VALUE if whole or tail is not None else _IN}{self.count}{_END}"
        if tail is not None:
            self.tails[self.count] = tail
        self.count += 1
        return marker

    def template(self, document: Any, layout: Layout, level: int) -> str | None:
        text = layout.dump(document, level).replace("%", "%%")
        found = -1
        for k in range(self.count):
            marks = [f"{_IN}{k}{_END}", f'{self.tails.get(k, "")}"{_VALUE}{k}{_END}"']
            if sum(text.count(mark) for mark in marks) != 1:
                return None
            at = max(text.find(mark) for mark in marks)
            if at < found:  # the slots must come in the order they are filled
                return None
            found = at
            text = text.replace(marks[0], "%s").replace(marks[1], "%s")
        if _IN in text or _VALUE in text or _END in text:
            return None
        return text


def _described(emps: list[Employee], full: list[bool], paid: list[int], working: int) -> list[str]:
    """The proration text of :meth:`app.engine.calculate._Calculator.scale`."""
    texts = ["1"] * len(emps)
    for j in [j for j, whole in enumerate(full) if not whole]:
        emp, days = emps[j], paid[j]
        if emp.start_date is None and emp.end_date is None and not emp.unpaid_days:
            texts[j] = f"{emp.fte:f} fte"
        else:
            fte = "" if emp.fte == _ONE else f"{emp.fte:f} fte × "
            texts[j] = f"{fte}{days}/{working} working days"
    return texts


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
    described = _described(emps, full.tolist(), paid, working)
    credited = {m: cols.credited[m][members] for m in MEASURES}
    fallback = np.zeros(size, dtype=np.bool_)
    if role.draw is not None:
        fallback[:] = True
    fallback |= np.array([bool(e.balances) for e in emps], dtype=np.bool_)
    top_up = out.lines.get((-1, "minimum_wage_topup", 0))
    if top_up is not None:
        fallback |= top_up[members] != 0
    if run.dealt is not None:
        fallback |= run.dealt[members]
    variable = np.zeros(size, dtype=np.int64)

    skeleton = _Skeleton()
    row: list[list[str]] = []  # the fill of each slot, one list per slot, in slot order

    def fill(values: list[str], whole: bool = False, tail: str | None = None) -> str:
        row.append(values)
        return skeleton.slot(whole, tail)

    lines: list[Any] = []
    document: dict[str, Any] = {
        "employee_id": fill(list(map(_ESCAPE, [e.id for e in emps])), whole=True),
        "name": fill(list(map(_ESCAPE, [e.name for e in emps])), whole=True),
        "department": dept_name,
        "role": role_name,
        "proration": fill([_text(d) for d in described]),
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
    credited_text = {m: _fixed(credited[m], digits) for m in named}
    objects = ["{}"] * size
    for keys, rows in shapes.items():
        if not keys:
            continue
        entries = [""] * len(rows)
        for k, measure in enumerate(keys):
            key = f'{"{" if k == 0 else ","}{nl4}{_ESCAPE(measure.value)}{colon}"'
            values = [credited_text[measure][j] for j in rows]
            entries = [f'{e}{key}{v}"' for e, v in zip(entries, values, strict=True)]
        for j, entry in zip(rows, entries, strict=True):
            objects[j] = f"{entry}{nl3}}}"
    document["credited"] = fill(objects, whole=True)

    base = out.lines[index, "base", 0][at]
    base_text = _text(format_amount(role.base, digits))
    base_amounts = _grouped(base, digits)
    lines.append(
        {
            "code": "base",
            "label": "Base salary",
            "measure": None,
            "basis": format_fixed(role.base, digits),
            "rate": None,
            "amount": fill(_fixed(base, digits)),
            "explanation": fill(
                [
                    f"{base_text} (full period)" if whole else f"{base_text} × {_text(d)} = {a}"
                    for whole, d, a in zip(full.tolist(), described, base_amounts, strict=True)
                ]
            ),
        }
    )
    for k, rule in enumerate(role.commission):
        amount = out.lines[index, "commission", k][at]
        variable += amount
        line = _commission(
            rule,
            role,
            credited[rule.measure],
            num,
            den,
            amount,
            digits,
            places,
            full,
            [_text(d) for d in described],
        )
        fallback |= line.taken_back
        lines.append(
            {
                "code": "commission",
                "label": rule.label or f"Commission on {rule.measure}",
                "measure": rule.measure.value,
                "basis": fill(credited_text[rule.measure]),
                "rate": fill(line.rate, whole=True),
                "amount": fill(_fixed(amount, digits)),
                "explanation": fill(line.text),
            }
        )
    if role.override is not None:
        override = role.override
        amount = out.lines[index, "override", 0][at]
        variable += amount
        totals, headcount = _team(run)[dept_name]
        sums = np.array([totals[override.measure]], dtype=np.int64)
        shown = _grouped(np.unique(amount), digits) if size else ["0"]
        if len(shown) != 1:  # one team, one amount: anything else is not this template's
            return [None] * size
        lines.append(
            {
                "code": "override",
                "label": override.label or f"Override on team {override.measure}",
                "measure": override.measure.value,
                "basis": _fixed(sums, digits)[0],
                "rate": format_plain(override.rate),
                "amount": _fixed(amount[:1], digits)[0],
                "explanation": (
                    f"{format_percent(override.rate)} × team {override.measure} "
                    f"{_grouped(sums, digits)[0]} ({dept_name}, {headcount} employees) = {shown[0]}"
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
            "explanation": _IN,
        }
        before, _, after = layout.dump(bonus_line, layout.level + 2).partition(_IN)
        if _IN in after or _VALUE in before or _END in before + after:
            return [None] * size
        before = "," + nl4 + before
        tail = _text(
            f" ≥ {format_percent(bonus.attainment)}: {format_amount(bonus.amount, digits)}"
        )
        head = _text(f"{measure} attainment ")
        where = np.flatnonzero(reached)
        attained = _attainment(
            credited[measure][where].tolist(), den[where].tolist(), num[where].tolist(), target
        )
        fragments = [""] * size
        for j, shown_percent in zip(where.tolist(), attained, strict=True):
            fragments[j] = f"{before}{head}{shown_percent}{tail}{after}"
        bonuses.append(fragments)
    fallback |= variable < 0
    if len(bonuses) == 1:
        joined = bonuses[0]
    else:
        joined = (
            ["".join(parts) for parts in zip(*bonuses, strict=True)] if bonuses else [""] * size
        )
    lines.append(fill(joined, tail="," + nl4))  # the bonus lines reached, if any
    document["lines"] = lines
    document["gross"] = fill(_fixed(out.gross[members], digits))
    fte = _fixed(out.fte_gross[members], digits)
    has = out.has_fte_gross[members].tolist()
    document["fte_gross"] = fill(
        [f'"{v}"' if there else "null" for v, there in zip(fte, has, strict=True)], whole=True
    )
    document["balances"] = {}
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


def payslip_texts(run: ColumnarRun, layout: Layout = Layout()) -> list[str | None]:
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
        {},
        dict(emp.credited),
    )
