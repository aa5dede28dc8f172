"""A plan change's impact (:mod:`app.engine.plan.impact`) as text, Markdown or JSON.

Text and Markdown group thousands for people (``-4 500.00``), as the payroll table does;
JSON writes every amount as a plain string with the currency's minor digits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from app.engine import format_amount
from app.engine.plan.impact import PAY_CUT, EmployeeImpact, GroupImpact, Impact

from .tables import Column, plain_table

__all__ = ["impact_json", "impact_markdown", "impact_text"]

_COLUMNS: Final = (
    Column("Employee"),
    Column("Role"),
    Column("Old", "right"),
    Column("New", "right"),
    Column("Difference", "right"),
    Column("Pay cut"),
)


def _signed(value: Decimal, digits: int) -> str:
    """``+4 500.00``, ``-4 500.00``, ``0.00``: a difference always shows its sign."""
    text = format_amount(value, digits)
    return f"+{text}" if value > 0 else text


def _summary(impact: Impact, extra: Sequence[str] = ()) -> str:
    digits, cuts = impact.minor_units, len(impact.cuts)
    people = len(impact.employees)
    return (
        f"{people} employee{'s' if people != 1 else ''}, total change "
        f"{_signed(impact.difference, digits)} {impact.currency} "
        f"({format_amount(impact.old_total, digits)} → {format_amount(impact.new_total, digits)}), "
        f"{cuts} pay cut{'s' if cuts != 1 else ''}" + "".join(f"; {item}" for item in extra)
    )


def _row(person: EmployeeImpact, digits: int) -> list[str]:
    who = f"{person.employee_id} {person.name}".strip()
    return [
        who,
        person.role,
        format_amount(person.old, digits),
        format_amount(person.new, digits),
        _signed(person.difference, digits),
        PAY_CUT if person.cut else "",
    ]


def _footer(group: GroupImpact, digits: int) -> list[str]:
    return [
        f"Total {group.employees}",
        "",
        format_amount(group.old, digits),
        format_amount(group.new, digits),
        _signed(group.difference, digits),
        f"{group.cuts} cut{'s' if group.cuts != 1 else ''}" if group.cuts else "",
    ]


def _members(impact: Impact, department: str) -> list[EmployeeImpact]:
    return [e for e in impact.employees if e.department == department]


def _roles_rows(impact: Impact) -> list[list[str]]:
    digits = impact.minor_units
    return [
        [
            f"{g.department}.{g.role}",
            str(g.employees),
            format_amount(g.old, digits),
            format_amount(g.new, digits),
            _signed(g.difference, digits),
            str(g.cuts),
        ]
        for g in impact.roles
    ]


_ROLE_COLUMNS: Final = (
    Column("Role"),
    Column("Employees", "right"),
    Column("Old", "right"),
    Column("New", "right"),
    Column("Difference", "right"),
    Column("Cuts", "right"),
)


def impact_text(impact: Impact, title: str, extra: Sequence[str] = ()) -> str:
    """A plain table per department, then the roles' totals."""
    digits = impact.minor_units
    parts = [f"{title}\n{_summary(impact, extra)}\n"]
    for group in impact.departments:
        rows = [_row(person, digits) for person in _members(impact, group.department)]
        table = plain_table(_COLUMNS, rows, _footer(group, digits))
        parts.append(f"{group.department}\n\n{table}")
    parts.append("Roles\n\n" + plain_table(_ROLE_COLUMNS, _roles_rows(impact)))
    return "\n".join(parts)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _markdown_table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> list[str]:
    header = "| " + " | ".join(c.header for c in columns) + " |"
    rule = "|" + "|".join("---:" if c.align == "right" else "---" for c in columns) + "|"
    return [header, rule, *("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)]


def impact_markdown(impact: Impact, title: str, extra: Sequence[str] = ()) -> str:
    """A pull-request comment: a summary line and a table per department."""
    digits = impact.minor_units
    columns = _COLUMNS
    lines = [f"### {_cell(title)}", "", f"**{_summary(impact, extra)}**"]
    for group in impact.departments:
        rows = [_row(person, digits) for person in _members(impact, group.department)]
        footer = _footer(group, digits)
        rows.append([f"**{footer[0]}**", *footer[1:]])
        lines += ["", f"#### {_cell(group.department)}", "", *_markdown_table(columns, rows)]
    return "\n".join(lines) + "\n"


def impact_json(impact: Impact, extra: dict[str, Any] | None = None) -> str:
    document = impact.as_dict() | (extra or {})
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
