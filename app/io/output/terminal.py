"""Rich tables for an interactive terminal (the same content as the plain text)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from app.engine import BreakEven, Payroll
from app.io.schemes.formats import BREAK_EVEN_COLUMNS, break_even_rows

from .tables import rich_table
from .text import (
    COMPARISON_COLUMNS,
    COMPARISON_TITLE,
    SUMMARY_COLUMNS,
    SUMMARY_TITLE,
    balance_kinds,
    comparison_notes,
    comparison_rows,
    line_codes,
    payroll_columns,
    payroll_heading,
    payroll_rows,
    payroll_stamp,
    summary_rows,
)

__all__ = ["print_break_even", "print_payroll"]


def print_payroll(payroll: Payroll, console: Console | None = None) -> None:
    out = console or Console()
    codes = line_codes(payroll)
    kinds = balance_kinds(payroll)
    rows, footer = payroll_rows(payroll, codes, kinds)
    title = payroll_heading(payroll)
    out.print(rich_table(payroll_columns(codes, kinds), rows, footer, title=title))
    out.print(rich_table(SUMMARY_COLUMNS, summary_rows(payroll), title=SUMMARY_TITLE))
    comparisons = comparison_rows(payroll)
    if comparisons:
        out.print(rich_table(COMPARISON_COLUMNS, comparisons, title=COMPARISON_TITLE))
        for note in comparison_notes(payroll):
            out.print(note, highlight=False)
    out.print(payroll_stamp(payroll), style="dim", highlight=False)


def print_break_even(
    points: Sequence[BreakEven], digits: int, currency: str, console: Console | None = None
) -> None:
    out = console or Console()
    title = f"Break-even of sales roles against client roles ({currency})"
    out.print(rich_table(BREAK_EVEN_COLUMNS, break_even_rows(points, digits), title=title))
