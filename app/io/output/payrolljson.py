"""A payroll as JSON: every amount a string with exactly the currency's minor digits.

:func:`payroll_json` is the CLI's indented document; :func:`render` writes the same document
compactly, as the HTTP service stores and serves it: the *envelope* (the document with an
empty ``payslips`` list) and each payslip's JSON apart, which :func:`assemble` joins, so what
was computed, what is stored and what is served are the same bytes.  A columnar payroll
whose columns come with it (``LazyPayslips.source``) is written from the columns
(:mod:`app.engine.columnar.explain`), to the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from app.engine import Line, Payroll, PayrollReport, Payslip, commission_by_deal
from app.engine.collector import collector_paused
from app.engine.columnar.explain import ColumnarRun, Layout, payslip_texts
from app.engine.columnar.layout import END, ESCAPE, VALUE, Skeleton
from app.engine.results import LazyPayslips

from .text import money, rate_text

__all__ = [
    "RenderedPayroll",
    "assemble",
    "payroll_document",
    "payroll_json",
    "render",
    "report_json",
    "slip_json",
]

_DUMP: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _line_json(line: Line, digits: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "code": line.code,
        "label": line.label,
        "measure": None if line.measure is None else line.measure.value,
        "basis": None if line.basis is None else money(line.basis, digits),
        "rate": None if line.rate is None else rate_text(line.rate),
        "amount": money(line.amount, digits),
        "explanation": line.explanation,
    }
    if line.deals:
        result["deals"] = [
            {
                "deal_id": deal.deal_id,
                "date": deal.date.isoformat(),
                "client_id": deal.client_id,
                "measure": deal.measure.value,
                "share": rate_text(deal.share),
                "amount": money(deal.amount, digits),
                "commission": money(paid, digits),
                "note": deal.note,
            }
            for deal, paid in zip(line.deals, commission_by_deal(line, digits), strict=True)
        ]
    return result


def slip_json(slip: Payslip, digits: int) -> dict[str, Any]:
    return {
        "employee_id": slip.employee_id,
        "name": slip.name,
        "department": slip.department,
        "role": slip.role,
        "proration": slip.proration,
        "credited": {m.value: money(v, digits) for m, v in slip.credited.items()},
        "lines": [_line_json(line, digits) for line in slip.lines],
        "gross": money(slip.gross, digits),
        "fte_gross": None if slip.fte_gross is None else money(slip.fte_gross, digits),
        "balances": {kind: money(v, digits) for kind, v in slip.balances.items()},
    }


def report_json(report: PayrollReport | None, digits: int) -> dict[str, Any]:
    if report is None:
        return {"departments": [], "comparisons": []}
    return {
        "departments": [
            {
                "department": f.department,
                "kind": f.kind,
                "employees": f.headcount,
                "revenue": money(f.revenue, digits),
                "payroll": money(f.gross_total, digits),
                "payroll_share": None if f.payroll_share is None else format(f.payroll_share, "f"),
                "mean": money(f.mean, digits),
                "median": money(f.median, digits),
                "min": money(f.min, digits),
                "max": money(f.max, digits),
            }
            for f in report.departments
        ],
        "comparisons": [
            {
                "sales_role": c.sales_role,
                "client_role": c.client_role,
                "statistic": c.statistic,
                "sales": money(c.sales_value, digits),
                "client": money(c.client_value, digits),
                "difference": money(c.difference, digits),
                "holds": c.holds,
                "prorated": c.prorated,
                "below": [
                    {
                        "employee_id": b.employee_id,
                        "fte_gross": money(b.fte_gross, digits),
                        "difference": money(b.difference, digits),
                    }
                    for b in c.below
                ],
            }
            for c in report.comparisons
        ],
    }


def payroll_document(payroll: Payroll, payslips: list[Any]) -> dict[str, Any]:
    """The payroll's document with ``payslips`` as its list of payslips (the API stores the
    document with an empty list, and each payslip apart)."""
    digits = payroll.minor_units
    return {
        "scheme_key": payroll.scheme_key,
        "scheme_hash": payroll.scheme_hash,
        "engine_version": payroll.engine_version,
        "period": str(payroll.period),
        "currency": payroll.currency,
        "minor_units": digits,
        "payslips": payslips,
        "total": money(payroll.total, digits),
        "report": report_json(payroll.report, digits),
        "findings": [f.as_dict() for f in payroll.findings],
    }


_INDENTED: Final = Layout(indent=2, level=2)
_COMPACT: Final = Layout(indent=None, level=2)


def _has_columns(payroll: Payroll) -> bool:
    slips = payroll.payslips
    return isinstance(slips, LazyPayslips) and isinstance(slips.source, ColumnarRun)


def _columnar_slips(payroll: Payroll, layout: Layout) -> list[str]:
    """Each payslip's JSON written from the columns of a columnar payroll (``_has_columns``).

    :func:`app.engine.columnar.explain.payslip_texts` writes the payslips it templates (the
    same bytes as :func:`slip_json`; tests/engine/columnar/test_explain.py compares them)
    without making payslip objects, which is what makes a large columnar payroll cheap to
    write.  A payslip it does not template yet (one with deals: its lines list each deal and
    what it is paid, see its module) comes back as None and is written here the slow way,
    from the Decimal engine's payslip made on read, so that its text keeps a single author.
    """
    slips = payroll.payslips
    assert isinstance(slips, LazyPayslips) and isinstance(slips.source, ColumnarRun)
    texts = payslip_texts(slips.source, layout)
    digits = payroll.minor_units
    return [
        layout.dump(slip_json(slips[i], digits), layout.level) if text is None else text
        for i, text in enumerate(texts)
    ]


def _indented(document: dict[str, Any]) -> str:
    """``json.dumps(document, indent=2, ensure_ascii=False)``, the report's lists of the
    employees below a comparison's statistic written by a template of their first row: they
    can hold tens of thousands of rows, which json's indenting encoder (a Python loop) took
    a third of a columnar render to write.  Any list it cannot template (rows of other keys
    or of values that are not strings, a marker met in the document) goes through json."""
    comparisons = document["report"]["comparisons"]
    lists = [comparison["below"] for comparison in comparisons]
    try:
        for k, comparison in enumerate(comparisons):
            comparison["below"] = f"{VALUE}{k}{END}"
        text = _INDENTED.dump(document, 0)
    finally:
        for comparison, rows in zip(comparisons, lists, strict=True):
            comparison["below"] = rows
    for k, rows in enumerate(lists):
        written = _rows(rows, level=4)
        marker = f'"{VALUE}{k}{END}"'
        if written is None or text.count(marker) != 1:
            return json.dumps(document, indent=2, ensure_ascii=False)
        text = text.replace(marker, written)
    return text


def _rows(rows: list[dict[str, Any]], level: int) -> str | None:
    """A list of flat rows of strings as ``json.dumps`` indents it ``level`` levels deep."""
    if not rows:
        return "[]"
    keys = list(rows[0])
    skeleton = Skeleton()
    template = skeleton.template(
        {key: skeleton.slot(whole=True) for key in keys}, _INDENTED, level + 1
    )
    if template is None:
        return None
    items: list[str] = []
    separator = _INDENTED.newline(level + 1)
    for row in rows:
        values = list(row.values())
        if list(row) != keys or not all(isinstance(value, str) for value in values):
            return None
        items.append(separator + template % tuple(map(ESCAPE, values)))
    return "[" + ",".join(items) + _INDENTED.newline(level) + "]"


def payroll_json(payroll: Payroll) -> str:
    """The whole payroll; amounts are strings with exactly the currency's minor digits."""
    if _has_columns(payroll):
        with collector_paused():  # many strings, no cycles (see collector_paused)
            slips = _columnar_slips(payroll, _INDENTED)
            text = _indented(payroll_document(payroll, []))
            if not slips:
                return text + "\n"
            # The members before payslips cannot hold the slot's text (see assemble).
            head, tail = text.split('"payslips": []', 1)
            parts = [head, '"payslips": [\n    ']
            for slip in slips:
                parts.append(slip)
                parts.append(",\n    ")
            parts[-1] = "\n  ]"
            parts.append(tail)
            parts.append("\n")
            return "".join(parts)
    payslips = [slip_json(slip, payroll.minor_units) for slip in payroll.payslips]
    document = payroll_document(payroll, payslips)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True)
class RenderedPayroll:
    """The envelope and each payslip, as compact JSON texts."""

    envelope: str
    payslips: list[str]

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
    """The payroll's document, compact, with each payslip apart."""
    if _has_columns(payroll):
        with collector_paused():
            return RenderedPayroll(
                _DUMP(payroll_document(payroll, [])), _columnar_slips(payroll, _COMPACT)
            )
    slips = [_DUMP(slip_json(slip, payroll.minor_units)) for slip in payroll.payslips]
    return RenderedPayroll(_DUMP(payroll_document(payroll, [])), slips)
