"""Documents people read and print: the payslip (расчётный листок) and the department report,
as self-contained HTML (Jinja2 templates, autoescaped, inline CSS, ``@page`` A4) and as PDF
of the same HTML (WeasyPrint).

The documents are written from the payroll's JSON documents (the envelope and the payslips),
so a stored run and a what-if calculation print alike; every heading comes from the message
catalogs (:mod:`app.i18n`), every amount is written in the language (``45 000,00 ₽``,
``45,000.00 RUB``) from its exact Decimal.
"""

from __future__ import annotations

from .labels import SchemeLabels
from .payslip import payslips_html
from .pdf import ExternalResource, html_to_pdf
from .report import report_html

__all__ = ["ExternalResource", "SchemeLabels", "html_to_pdf", "payslips_html", "report_html"]
