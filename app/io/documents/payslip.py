"""The payslip (расчётный листок) as a printable HTML document, one page per employee.

It is written from the payroll's JSON documents (the envelope and each payslip, as compcalc
computes, stores and serves them), so a stored run and a what-if calculation print the same.
The content is what Art. 136 of the Russian Labour Code asks of a payslip for the part compcalc
computes: the components of the pay for the period and their total. Deductions, withholdings
and the amount to be paid out are outside compcalc, and the slip says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.i18n import translation

from .amounts import format_amount, format_day, format_period
from .labels import SchemeLabels
from .render import render_template

__all__ = ["DocumentTexts", "payslips_html"]


@dataclass(frozen=True, slots=True)
class DocumentTexts:
    """Every heading and column title of the payslip, in one language."""

    title: str
    period: str
    employee: str
    personnel_number: str
    name: str
    department: str
    role: str
    proration: str
    number: str
    accruals: str
    accrual: str
    explanation: str
    amount: str
    total: str
    balances: str
    balance_kinds: Mapping[str, str]
    no_lines: str
    article: str
    outside: str
    scheme: str
    generated: str

    @classmethod
    def of(cls, lang: str) -> DocumentTexts:
        _ = translation(lang).gettext
        return cls(
            title=_("Payslip"),
            period=_("Period"),
            employee=_("Employee"),
            personnel_number=_("Personnel number"),
            name=_("Full name"),
            department=_("Department"),
            role=_("Role"),
            proration=_("Share of the period worked"),
            number=_("No."),
            accruals=_("Accruals for the period"),
            accrual=_("Accrual"),
            explanation=_("How it was computed"),
            amount=_("Amount"),
            total=_("Total accrued"),
            balances=_("Balances carried to the next period"),
            balance_kinds={
                "clawback": _("Clawback not yet recovered"),
                "draw": _("Draw not yet recovered"),
            },
            no_lines=_("No accruals for the period."),
            article=_(
                "Per Art. 136 of the Labour Code of the Russian Federation, this payslip states "
                "the components of the pay due for the period and their total, as computed by "
                "compcalc."
            ),
            outside=_(
                "Not computed by compcalc and therefore not shown: other amounts accrued to the "
                "employee (including compensation for late payment), deductions and "
                "withholdings with their grounds (personal income tax and others), and the "
                "total amount to be paid out. The payroll accounting system adds them."
            ),
            scheme=_("Pay scheme"),
            generated=_("Computed by compcalc {version}; scheme hash {hash}"),
        )


def _slip(
    slip: Mapping[str, Any], envelope: Mapping[str, Any], labels: SchemeLabels, lang: str
) -> dict[str, Any]:
    currency, digits = envelope["currency"], int(envelope["minor_units"])

    def amount(value: str) -> str:
        return format_amount(value, currency, digits, lang)

    return {
        "employee_id": slip["employee_id"],
        "name": slip["name"],
        "department": labels.department(slip["department"]),
        "role": labels.role(slip["department"], slip["role"]),
        "proration": None if slip.get("proration", "1") == "1" else slip["proration"],
        "lines": [
            {
                "label": line["label"],
                "explanation": line["explanation"],
                "amount": amount(line["amount"]),
            }
            for line in slip["lines"]
        ],
        "gross": amount(slip["gross"]),
        "balances": [(kind, amount(value)) for kind, value in slip.get("balances", {}).items()],
    }


def payslips_html(
    envelope: Mapping[str, Any],
    slips: Iterable[Mapping[str, Any]],
    labels: SchemeLabels,
    lang: str,
) -> str:
    """One HTML document with the payslip of each of ``slips`` on a page of its own.

    ``envelope`` is the payroll's document (``period``, ``currency``, ``minor_units``,
    ``scheme_key``, ``scheme_hash``, ``engine_version``); each slip is a payslip's document.
    """
    period, texts = envelope["period"], DocumentTexts.of(lang)
    footer = f"{texts.scheme}: {envelope['scheme_key']} · " + texts.generated.format(
        version=envelope["engine_version"], hash=envelope["scheme_hash"]
    )
    return render_template(
        "payslip.html",
        lang=lang,
        t=texts,
        company=labels.name,
        footer=footer,
        period=format_period(period, lang),
        period_days=f"{format_day(period, False, lang)} – {format_day(period, True, lang)}",
        slips=[_slip(slip, envelope, labels, lang) for slip in slips],
    )
