"""The printable payslip and department report: a payroll written by hand, rendered in Russian
and in English, as HTML and as PDF (its text read back with ``pdftotext``)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.io.documents import (
    ExternalResource,
    SchemeLabels,
    html_to_pdf,
    payslips_html,
    report_html,
)
from app.io.documents.amounts import format_amount, format_share

NBSP, NNBSP = "\u00a0", "\u202f"

LABELS = SchemeLabels(
    "ООО «Ромашка»",
    {"sales": "Отдел продаж", "client": "Клиентский отдел"},
    {("sales", "rep"): "Менеджер по продажам", ("client", "manager"): "Аккаунт-менеджер"},
)


def _envelope(**changes: Any) -> dict[str, Any]:
    envelope = {
        "scheme_key": "romashka",
        "scheme_hash": "sha256:" + "ab" * 32,
        "engine_version": "1.0.0",
        "period": "2027-03",
        "currency": "RUB",
        "minor_units": 2,
        "payslips": [],
        # 135 000.00 + 80 000.00 + 0.00
        "total": "215000.00",
        "report": {
            "departments": [
                # 135 000 / 1 350 000 = 0.1; 80 000 / 2 000 000 = 0.04
                {"department": "sales", "kind": "acquisition", "employees": 2,
                 "revenue": "1350000.00", "payroll": "135000.00", "payroll_share": "0.1",
                 "mean": "67500.00", "median": "67500.00", "min": "0.00", "max": "135000.00"},
                {"department": "client", "kind": "retention", "employees": 1,
                 "revenue": "2000000.00", "payroll": "80000.00", "payroll_share": "0.04",
                 "mean": "80000.00", "median": "80000.00", "min": "80000.00", "max": "80000.00"},
            ],
            "comparisons": [
                # median of sales (0, 135 000) = 67 500; 67 500 − 80 000 = −12 500
                {"sales_role": "sales.rep", "client_role": "client.manager",
                 "statistic": "median", "sales": "67500.00", "client": "80000.00",
                 "difference": "-12500.00", "holds": False, "prorated": 0,
                 "below": [{"employee_id": "E-2", "fte_gross": "0.00",
                            "difference": "80000.00"}]},
            ],
        },
        "findings": [],
    }  # fmt: skip
    return {**envelope, **changes}


def _slips() -> list[dict[str, Any]]:
    return [
        {
            "employee_id": "E-1",
            "name": "Анна Петрова",
            "department": "sales",
            "role": "rep",
            "proration": "1",
            "credited": {"new_revenue": "600000.00"},
            "lines": [
                {
                    "code": "base",
                    "label": "Base salary",
                    "amount": "45000.00",
                    "explanation": "45 000.00 (full period)",
                },
                {
                    "code": "commission",
                    "label": "Commission",
                    "amount": "90000.00",
                    "explanation": "new_revenue 600 000.00: 600 000.00 × 15% = 90 000.00",
                },
            ],
            "gross": "135000.00",  # 45 000.00 + 90 000.00
            "fte_gross": "135000.00",
            "balances": {"draw": "1500.50"},
        },
        {
            "employee_id": "E-2",
            "name": "<script>alert(1)</script>",
            "department": "sales",
            "role": "rep",
            "proration": "0 × 0/22",
            "credited": {},
            "lines": [],
            "gross": "0.00",
            "fte_gross": None,
            "balances": {},
        },
        {
            "employee_id": "E-3",
            "name": "Мария Соколова",
            "department": "client",
            "role": "manager",
            "proration": "1",
            "credited": {},
            "lines": [
                {
                    "code": "base",
                    "label": "Base salary",
                    "amount": "80000.00",
                    "explanation": "80 000.00 (full period)",
                },
            ],
            "gross": "80000.00",
            "fte_gross": "80000.00",
            "balances": {},
        },
    ]


def _plain(text: str) -> str:
    return text.replace(NBSP, " ").replace(NNBSP, " ")


def _outside_data(html: str) -> str:
    return re.sub(r"data:[^\"']+", "", html)


def test_amounts_follow_the_language_and_the_minor_units() -> None:
    assert _plain(format_amount("45000.00", "RUB", 2, "ru")) == "45 000,00 ₽"
    assert _plain(format_amount("45000.00", "RUB", 2, "en")) == "45,000.00 RUB"
    assert _plain(format_amount("1234567.5", "RUB", 2, "ru")) == "1 234 567,50 ₽"
    assert _plain(format_amount("45000", "JPY", 0, "en")) == "45,000 JPY"
    assert _plain(format_amount("1.250", "KWD", 3, "en")) == "1.250 KWD"
    assert _plain(format_amount("-0.00", "RUB", 2, "en")) == "0.00 RUB"
    assert _plain(format_share("0.1", "ru")) == "10,0 %"
    assert _plain(format_share("0.04", "en")) == "4.0%"


def test_the_russian_payslip() -> None:
    html = payslips_html(_envelope(), _slips(), LABELS, "ru")
    text = _plain(html)

    assert '<html lang="ru">' in html
    assert text.count('class="page payslip"') == 3
    for expected in (
        "ООО «Ромашка»", "Расчётный листок", "март 2027", "01.03.2027 – 31.03.2027",
        "Табельный номер", "E-1", "ФИО", "Анна Петрова", "Отдел продаж",
        "Менеджер по продажам", "Вид начисления", "Сумма", "Итого начислено",
        "45 000,00 ₽", "90 000,00 ₽", "135 000,00 ₽", "0,00 ₽", "80 000,00 ₽",
        "Остатки, переносимые на следующий период", "Непогашенный аванс в счёт комиссии",
        "1 500,50 ₽", "ст. 136 Трудового кодекса РФ", "НДФЛ", "общую сумму к выплате",
        "Доля отработанного периода", "0 × 0/22", "За период начислений нет.",
    ):  # fmt: skip
        assert expected in text, expected
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_english_payslip() -> None:
    text = _plain(payslips_html(_envelope(), _slips(), LABELS, "en"))

    for expected in (
        "Payslip", "March 2027", "Personnel number", "Full name", "Total accrued",
        "45,000.00 RUB", "90,000.00 RUB", "135,000.00 RUB", "1,500.50 RUB",
        "Art. 136 of the Labour Code", "personal income tax",
    ):  # fmt: skip
        assert expected in text, expected
    assert "₽" not in text


def test_a_role_without_a_label_is_shown_by_its_name() -> None:
    text = payslips_html(_envelope(), _slips()[:1], SchemeLabels("Acme"), "en")

    assert "<td>sales</td>" in text and "<td>rep</td>" in text


def test_the_documents_are_self_contained() -> None:
    for html in (
        payslips_html(_envelope(), _slips(), LABELS, "ru"),
        report_html(_envelope(), _slips(), LABELS, "ru"),
    ):
        outside = _outside_data(html)
        assert "http:" not in outside and "https:" not in outside
        assert "<link" not in outside and "@import" not in outside and "@font-face" not in outside
        assert "<style>" in html and "@page { size: A4" in html


def test_the_russian_department_report() -> None:
    html = report_html(_envelope(), _slips(), LABELS, "ru")
    text = _plain(html)

    for expected in (
        "Отчёт по подразделениям", "ООО «Ромашка»", "Отдел продаж", "Клиентский отдел",
        "1 350 000,00 ₽", "135 000,00 ₽", "10,0 %", "2 000 000,00 ₽", "4,0 %",
        "215 000,00 ₽", "Заработал ли отдел продаж больше клиентского отдела?",
        "Отдел продаж: Менеджер по продажам", "Клиентский отдел: Аккаунт-менеджер",
        "медиана оплаты: 67 500,00 ₽", "медиана оплаты: 80 000,00 ₽", "-12 500,00 ₽", "нет",
        "Ниже черты", "E-2", "&lt;script&gt;",
    ):  # fmt: skip
        assert expected in text, expected
    (chart,) = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    svg = base64.b64decode(chart).decode("utf-8")
    assert "Оплата по подразделениям и должностям" in svg
    assert "Отдел продаж: Менеджер по продажам" in svg


def test_a_report_without_revenue_or_comparisons() -> None:
    envelope = _envelope(report={"departments": [], "comparisons": []})
    text = report_html(envelope, [], LABELS, "en")

    assert "The scheme compares no sales role with a client role." in text
    assert "data:image/svg" not in text


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing (apt-get install poppler-utils)")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return _plain(done.stdout.decode("utf-8"))


def test_the_pdf_has_a_page_per_payslip_with_every_amount(tmp_path: Path) -> None:
    pdf = html_to_pdf(payslips_html(_envelope(), _slips(), LABELS, "ru"))
    pages = _pdf_text(pdf, tmp_path).split("\f")

    assert pdf.startswith(b"%PDF-")
    assert len([page for page in pages if page.strip()]) == 3
    first, _, third = pages[:3]
    for expected in ("Анна Петрова", "E-1", "45 000,00 ₽", "90 000,00 ₽", "135 000,00 ₽"):
        assert expected in first, expected
    assert "Мария Соколова" in third and "80 000,00 ₽" in third


def test_the_english_pdf(tmp_path: Path) -> None:
    text = _pdf_text(html_to_pdf(payslips_html(_envelope(), _slips()[:1], LABELS, "en")), tmp_path)

    for expected in ("Анна Петрова", "45,000.00 RUB", "90,000.00 RUB", "135,000.00 RUB"):
        assert expected in text, expected


def test_the_report_pdf_carries_its_chart(tmp_path: Path) -> None:
    text = _pdf_text(html_to_pdf(report_html(_envelope(), _slips(), LABELS, "en")), tmp_path)

    assert "Department report" in text and "10.0%" in text
    assert "Pay per department and role" in text


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="http://127.0.0.1:9/x.png">',
        '<link rel="stylesheet" href="https://example.invalid/a.css">',
        '<img src="file:///etc/hostname">',
        '<style>@import url("http://127.0.0.1:9/a.css");</style>',
    ],
)
def test_the_pdf_renderer_fetches_nothing(markup: str) -> None:
    with pytest.raises(ExternalResource):
        html_to_pdf(f"<html><head></head><body>{markup}<p>x</p></body></html>")
