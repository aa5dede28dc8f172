"""A payroll as JSON text (amounts as strings with the currency's digits), and as CSV.

The document is the CLI's (:func:`app.io.payrolljson.payroll_json`: built by the same
functions, same members in the same order, which a test checks), written compactly.  A
stored run keeps the *envelope* (the document with an empty ``payslips`` list) and each
payslip's JSON apart, and :func:`assemble` joins them, so what was computed, what is stored
and what is served are the same bytes.  The CSV export is rendered from those stored
payslips in the CLI's CSV format (:func:`app.io.output.payroll_csv`, also checked by a
test), so an export always shows what was stored, whatever engine version runs now.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

from app.engine import Payroll
from app.io.output import CSV_COLUMNS

# The CLI's own builders of the payroll's document and a payslip's JSON (private there for
# now: see docs/api.md), so the two documents cannot drift apart.
from app.io.payrolljson import payroll_document, slip_json

__all__ = ["RenderedPayroll", "assemble", "csv_rows", "dump_document", "render"]

_DUMP: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# A spreadsheet runs a cell that starts with one of these as a formula (as app.io.output).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


class RenderedPayroll:
    """The envelope and each payslip, as JSON texts."""

    def __init__(self, envelope: str, payslips: list[str]) -> None:
        self.envelope = envelope
        self.payslips = payslips

    def text(self) -> str:
        return assemble(self.envelope, self.payslips)


_SLOT: Final = '"payslips":[]'


def assemble(envelope: str, payslips: Iterable[str]) -> str:
    """The full result: ``envelope`` with its empty ``payslips`` list filled in.

    The members before ``payslips`` are a key, a hash, a version, a period, a currency code
    and a number, none of which can contain the slot's text, so the first match is the slot.
    """
    return envelope.replace(_SLOT, '"payslips":[' + ",".join(payslips) + "]", 1)


def render(payroll: Payroll) -> RenderedPayroll:
    slips = [_DUMP(slip_json(slip, payroll.minor_units)) for slip in payroll.payslips]
    return RenderedPayroll(_DUMP(payroll_document(payroll, [])), slips)


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(payslips: Iterable[Mapping[str, Any]]) -> str:
    """The CLI's CSV (one row per line, a ``gross`` row per employee) from payslip documents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for slip in payslips:
        who = [_cell(slip["employee_id"]), _cell(slip["name"]), slip["department"], slip["role"]]
        amounts = []
        for number, line in enumerate(slip["lines"], start=1):
            amounts.append(line["amount"])
            writer.writerow(
                [*who, number, line["code"], _cell(line["label"]), line["measure"] or "",
                 line["basis"] or "", line["rate"] or "", line["amount"],
                 _cell(line["explanation"])]
            )  # fmt: skip
        gross = slip["gross"]
        writer.writerow(
            [*who, "", "gross", "Gross pay", "", "", "", gross, f"{' + '.join(amounts)} = {gross}"]
        )
    return buffer.getvalue()


def dump_document(value: object) -> str:
    """A decoded scheme document as JSON, its decimals written as exact JSON numbers."""
    if isinstance(value, Decimal):
        return format(value, "f")  # plain notation, every digit as written
    if isinstance(value, Mapping):
        items = (f"{_DUMP(str(k))}:{dump_document(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dump_document(v) for v in value) + "]"
    return _DUMP(value)
