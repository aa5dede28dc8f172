"""``compcalc payslip``: a file per employee and the department report, HTML or PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import ACME_INPUT, Invoke

NBSP = "\u00a0"


def test_html_payslips_and_the_report_in_russian(compcalc: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    run = compcalc("payslip", *ACME_INPUT, "--format", "html", "--output", str(out), "--lang", "ru")

    assert run.exit_code == 0, run.stderr
    assert "wrote 13 payslips and the department report" in run.stderr
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 14 and "report.html" in files and "payslip-E-17.html" in files
    text = (out / "payslip-E-17.html").read_text("utf-8").replace(NBSP, " ")
    # 45 000 + 600 000 × 15 % + 220 000 × 20 % + 15 000 = 194 000
    for expected in ("Расчётный листок", "E-17", "45 000,00 ₽", "134 000,00 ₽", "194 000,00 ₽"):
        assert expected in text, expected
    assert "Отчёт по подразделениям" in (out / "report.html").read_text("utf-8")


def test_one_employee_as_pdf(compcalc: Invoke, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing (apt-get install poppler-utils)")
    run = compcalc(
        "payslip", *ACME_INPUT, "--employee", "E-17", "--format", "pdf", "--output",
        str(tmp_path), "--lang", "en",
    )  # fmt: skip

    assert run.exit_code == 0, run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["payslip-E-17.pdf"]
    done = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "payslip-E-17.pdf"), "-"],
        capture_output=True,
        check=True,
    )
    text = done.stdout.decode("utf-8").replace(NBSP, " ")
    for expected in ("E-17", "45,000.00 RUB", "134,000.00 RUB", "15,000.00 RUB", "194,000.00 RUB"):
        assert expected in text, expected


def test_an_unknown_employee_or_language_exits_2(compcalc: Invoke, tmp_path: Path) -> None:
    unknown = compcalc("payslip", *ACME_INPUT, "--employee", "E-99", "--output", str(tmp_path))
    language = compcalc("payslip", *ACME_INPUT, "--lang", "de", "--output", str(tmp_path))

    assert unknown.exit_code == language.exit_code == 2
    assert "E-99" in unknown.stderr and "--lang" in language.stderr
    assert list(tmp_path.iterdir()) == []
