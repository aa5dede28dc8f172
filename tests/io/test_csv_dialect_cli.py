"""``compcalc calculate --dialect``, ``--format xlsx`` and ``--layout 1c``."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from tests.cli.conftest import ACME_INPUT, Invoke, compcalc, payroll

__all__ = ["compcalc"]  # the fixture


def test_excel_ru_to_stdout_has_the_json_amounts(compcalc: Invoke) -> None:
    document = payroll(compcalc)
    run = compcalc("calculate", *ACME_INPUT, "--format", "csv", "--dialect", "excel-ru")

    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("\ufeffemployee_id;name;")
    rows = list(csv.DictReader(io.StringIO(run.stdout[1:], newline=""), delimiter=";"))
    gross = {r["employee_id"]: r["amount"] for r in rows if r["code"] == "gross"}
    assert gross == {s["employee_id"]: s["gross"].replace(".", ",") for s in document["payslips"]}


def test_a_workbook_in_the_language_of_lang(compcalc: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "march.xlsx"
    document = payroll(compcalc)
    run = compcalc("calculate", *ACME_INPUT, "--format", "xlsx", "--output", str(target),
                   "--lang", "ru")  # fmt: skip

    assert run.exit_code == 0, run.stderr
    book = load_workbook(target)
    assert book.sheetnames[:3] == ["Начисления", "Сотрудники", "Подразделения"]
    *_, total = book["Сотрудники"].iter_rows(min_row=2)
    assert Decimal(str(total[5].value)) == Decimal(document["total"])


def test_lang_comes_from_the_environment(
    compcalc: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    run = compcalc("calculate", *ACME_INPUT, "--format", "csv", "--layout", "1c")

    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("Табельный номер,ФИО,Вид начисления,Сумма,")
    assert "E-17,Анна Петрова,bonus,15000.00,2027-03-01,2027-03-31" in run.stdout.splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "csv", "--dialect", "excel"), "'excel' is not one of 'rfc4180', 'excel-ru'"),
        (("--format", "csv", "--layout", "sap"), "'sap' is not one of 'lines', '1c'"),
        (("--format", "xlsx"), "--format xlsx: a workbook is written to a file"),
        (("--format", "json", "--dialect", "excel-ru"), "--dialect: applies to --format csv"),
        (("--format", "table", "--layout", "1c"), "--layout: applies to --format csv or xlsx"),
        (("--format", "csv", "--lang", "de"), "--lang: 'de' is not one of ru, en"),
    ],
)
def test_bad_options_exit_2_naming_the_option(
    compcalc: Invoke, args: tuple[str, ...], message: str
) -> None:
    run = compcalc("calculate", *ACME_INPUT, *args)

    assert run.exit_code == 2
    assert message in run.stderr
