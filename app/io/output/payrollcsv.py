"""A payroll as CSV: one row per payslip line, a ``gross`` row per employee, then a
``balance_<kind>`` row per balance carried to the next period.

There is one writer, and it reads payslip *documents* (the JSON of
:func:`app.io.output.payrolljson.slip_json`, amounts already written with the currency's digits):
the CLI renders its payroll to those documents and writes them here, and the HTTP export
writes the documents a run stored, so both are the same bytes for the same payroll.

The dialect and the formula guard are those of :mod:`app.io.output.csvcells`: rows end with
CRLF, a cell holding a CR, an LF, a ``,`` or a ``"`` is quoted, and a text cell a spreadsheet
would run gets a leading ``'``. Numbers are told by column, not by the look of a cell: the
cells of ``line``, ``basis``, ``rate`` and ``amount`` (and of ``original``, ``corrected`` and
``difference`` in the differences) are the exporter's numbers and stay as written
(``-1234.50``), so a spreadsheet sums them; every other cell is text and is guarded, a name
``-5`` or a label ``-1234.50`` included (``'-5``). Each writer takes a ``dialect``: the
default (RFC 4180) or ``excel-ru`` (byte order mark, ``;``, decimal comma), see
:data:`app.io.output.csvcells.DIALECTS`; the columns and their order are the same in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

from app.engine import Payroll

from .csvcells import DEFAULT, CsvDialect, csv_text
from .payrolljson import slip_json
from .text import balance_order

__all__ = ["CSV_COLUMNS", "DIFFERENCE_COLUMNS", "differences_csv", "payroll_csv", "payslips_csv"]

CSV_COLUMNS: Final = (
    "employee_id", "name", "department", "role", "line", "code", "label", "measure",
    "basis", "rate", "amount", "explanation",
)  # fmt: skip
_NUMBERS: Final = frozenset(CSV_COLUMNS.index(c) for c in ("line", "basis", "rate", "amount"))


def payslips_csv(payslips: Iterable[Mapping[str, Any]], dialect: CsvDialect = DEFAULT) -> str:
    """The CSV of payslip documents, in their order (every text cell guarded, see
    :mod:`app.io.output.csvcells`)."""
    rows = [CSV_COLUMNS, *_payslip_rows(payslips)]
    return csv_text(rows, numbers=_NUMBERS, dialect=dialect)


def _payslip_rows(payslips: Iterable[Mapping[str, Any]]) -> Iterator[list[object]]:
    for slip in payslips:
        who = [slip["employee_id"], slip["name"], slip["department"], slip["role"]]
        amounts = []
        for number, line in enumerate(slip["lines"], start=1):
            amounts.append(line["amount"])
            yield [*who, number, line["code"], line["label"], line["measure"], line["basis"],
                   line["rate"], line["amount"], line["explanation"]]  # fmt: skip
        gross = slip["gross"]
        total = f"{' + '.join(amounts)} = {gross}"
        yield [*who, "", "gross", "Gross pay", "", "", "", gross, total]
        yield from _balance_rows(who, slip.get("balances") or {})


def _balance_rows(who: Sequence[object], balances: Mapping[str, str]) -> list[list[object]]:
    return [
        [*who, "", f"balance_{kind}", f"{kind.capitalize()} balance carried", "", "", "",
         balances[kind],
         f"owed to the employer after this period: balance_{kind} of the next roster"]
        for kind in sorted(balances, key=balance_order)
    ]  # fmt: skip


def payroll_csv(payroll: Payroll, dialect: CsvDialect = DEFAULT) -> str:
    """The CSV of a computed payroll (its payslips rendered as documents first)."""
    documents = (slip_json(slip, payroll.minor_units) for slip in payroll.payslips)
    return payslips_csv(documents, dialect)


DIFFERENCE_COLUMNS: Final = (
    "employee_id", "name", "department", "role", "code", "original", "corrected", "difference",
)  # fmt: skip
_DIFFERENCE_NUMBERS: Final = frozenset(
    DIFFERENCE_COLUMNS.index(c) for c in ("original", "corrected", "difference")
)


def differences_csv(changes: Iterable[Mapping[str, Any]], dialect: CsvDialect = DEFAULT) -> str:
    """A correction's differences: per employee one row per changed line code, then ``gross``,
    the original (approved) and corrected amounts beside the difference to pay or recover."""
    rows: list[Sequence[object]] = [DIFFERENCE_COLUMNS]
    for change in changes:
        who = [change["employee_id"], change["name"], change["department"], change["role"]]
        rows += [
            [*who, line["code"], line["original"], line["corrected"], line["difference"]]
            for line in [*change["lines"], change["gross"]]
        ]
    return csv_text(rows, numbers=_DIFFERENCE_NUMBERS, dialect=dialect)
