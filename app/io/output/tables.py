"""Tables for people: rich on a terminal, plain aligned text everywhere else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich import box
from rich.table import Table

__all__ = ["Column", "plain_table", "rich_table"]


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    align: Literal["left", "right"] = "left"


def plain_table(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], footer: Sequence[str] | None = None
) -> str:
    """Columns separated by two spaces, a rule under the header (and above the footer)."""
    body = [list(row) for row in rows]
    every = [[c.header for c in columns], *body, *([list(footer)] if footer else [])]
    widths = [max(len(row[i]) for row in every) for i in range(len(columns))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(width) if column.align == "right" else cell.ljust(width)
            for cell, width, column in zip(cells, widths, columns, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    lines = [line(every[0]), rule, *(line(row) for row in body)]
    if footer:
        lines += [rule, line(footer)]
    return "\n".join(lines) + "\n"


def rich_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    footer: Sequence[str] | None = None,
    title: str | None = None,
) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, show_footer=footer is not None)
    for index, column in enumerate(columns):
        table.add_column(
            column.header,
            footer=footer[index] if footer else "",
            justify=column.align,
            no_wrap=column.align == "right",
        )
    for row in rows:
        table.add_row(*row)
    return table
