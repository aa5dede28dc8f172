"""The CSV exports read back as written, and no cell of them runs in a spreadsheet.

For any employee ids, names, departments, roles, line labels and explanations, reading an
export with ``csv.reader`` gives exactly one row per payslip line, gross and balance, each text
cell the original text once the guard (one leading ``'``) is removed, each amount the amount
as written, and no text cell that a spreadsheet would evaluate as a formula.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.io.output.csvcells import GUARD, csv_text
from app.io.output.payrollcsv import (
    CSV_COLUMNS,
    DIFFERENCE_COLUMNS,
    differences_csv,
    payslips_csv,
)

#: Characters that start a formula in Excel, LibreOffice or Google Sheets.
FORMULA = set("=+-@\uff1d\uff0b\uff0d\uff20")
#: The columns whose cells are the exporter's own numbers.
PAYSLIP_NUMBERS = {CSV_COLUMNS.index(c) for c in ("line", "basis", "rate", "amount")}
DIFFERENCE_NUMBERS = {DIFFERENCE_COLUMNS.index(c) for c in ("original", "corrected", "difference")}

AMOUNT = st.integers(-(10**15), 10**15).map(lambda n: str(Decimal(n).scaleb(-2)))
# Text with everything an attacker or a careless import might put in a name: line breaks,
# separators, quotes, formula starts, tabs and other invisible characters (VT, FF, zero-width
# space, ideographic space, BOM, line separator), non-ASCII, and text that looks like an
# amount (NUL aside: the service refuses it on input, and a CSV cell cannot carry it).
TEXT = st.one_of(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(
                list("=+-@'\",;\t\r\n \u00a0\x0b\x0c\u200b\u3000\ufeff\u2028\uff1dАяé0123456789.|!")
            ),
            st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        ),
        max_size=20,
    ),
    AMOUNT,
)


def _read(text: str) -> list[list[str]]:
    # The exporter's dialect: ``,``, ``"`` doubled inside quotes (csv's default, "excel").
    return list(csv.reader(io.StringIO(text, newline=""), dialect="excel"))


def _first_visible(cell: str) -> str:
    for char in cell:
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")):
            return char
    return ""


def _runs(cell: str) -> bool:
    """Whether a spreadsheet could evaluate the text cell ``cell`` rather than show it."""
    if cell.startswith(GUARD):
        return False
    return cell[:1] in ("\t", "\r", "\n") or _first_visible(cell) in FORMULA


def _is_number(cell: str) -> bool:
    """Whether ``cell`` is empty or a plain decimal a spreadsheet reads as a number."""
    return cell == "" or (
        cell.strip() == cell and cell[:1] not in "+'" and Decimal(cell).is_finite()
    )


def _unguarded(cell: str) -> str:
    return cell[1:] if cell.startswith(GUARD) else cell


def _assert_safe(rows: list[list[str]], numbers: set[int]) -> None:
    for row in rows[1:]:
        assert all(_is_number(cell) for index, cell in enumerate(row) if index in numbers), row
        assert not [cell for index, cell in enumerate(row) if index not in numbers and _runs(cell)]


@st.composite
def payslips(draw: st.DrawFn) -> list[dict[str, Any]]:
    slips = []
    for _ in range(draw(st.integers(1, 3))):
        lines = [
            {
                "code": draw(st.sampled_from(["base", "commission", "bonus"])),
                "label": draw(TEXT),
                "measure": draw(st.sampled_from([None, "new_revenue"])),
                "basis": draw(st.one_of(st.none(), AMOUNT)),
                "rate": draw(st.sampled_from([None, "0.15"])),
                "amount": draw(AMOUNT),
                "explanation": draw(TEXT),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
        balances = draw(st.dictionaries(st.sampled_from(["draw", "clawback"]), AMOUNT))
        slips.append(
            {
                "employee_id": draw(TEXT),
                "name": draw(TEXT),
                "department": draw(TEXT),
                "role": draw(TEXT),
                "lines": lines,
                "gross": draw(AMOUNT),
                "balances": balances,
            }
        )
    return slips


@settings(max_examples=200, deadline=None)
@given(payslips())
def test_a_payslip_export_reads_back_row_for_row_and_runs_nothing(
    slips: list[dict[str, Any]],
) -> None:
    rows = _read(payslips_csv(slips))

    assert rows[0] == list(CSV_COLUMNS)
    expected = sum(len(s["lines"]) + 1 + len(s["balances"]) for s in slips)
    assert len(rows) == 1 + expected
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    at = 1
    for slip in slips:
        who = [slip["employee_id"], slip["name"], slip["department"], slip["role"]]
        for number, line in enumerate(slip["lines"], start=1):
            row = rows[at]
            assert [_unguarded(c) for c in row[:4]] == who
            assert row[4] == str(number)
            assert _unguarded(row[6]) == line["label"]
            assert _unguarded(row[11]) == line["explanation"]
            assert row[10] == line["amount"]  # an amount is written as it is, a number
            assert row[8] == (line["basis"] or "")
            at += 1
        assert [_unguarded(c) for c in rows[at][:4]] == who
        assert rows[at][5] == "gross" and rows[at][10] == slip["gross"]
        at += 1
        for kind in ("draw", "clawback"):
            if kind in slip["balances"]:
                assert [_unguarded(c) for c in rows[at][:4]] == who
                assert rows[at][5:6] + rows[at][10:11] == [
                    f"balance_{kind}",
                    slip["balances"][kind],
                ]
                at += 1
    _assert_safe(rows, PAYSLIP_NUMBERS)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, TEXT, TEXT, AMOUNT), min_size=1, max_size=4))
def test_a_differences_export_reads_back_row_for_row_and_runs_nothing(
    people: list[tuple[str, str, str, str, str]],
) -> None:
    changes = [
        {
            "employee_id": who,
            "name": name,
            "department": department,
            "role": role,
            "lines": [
                {"code": "base", "original": "1.00", "corrected": amount, "difference": amount}
            ],
            "gross": {
                "code": "gross",
                "original": "1.00",
                "corrected": amount,
                "difference": amount,
            },
        }
        for who, name, department, role, amount in people
    ]
    rows = _read(differences_csv(changes))

    assert rows[0] == list(DIFFERENCE_COLUMNS)
    assert len(rows) == 1 + 2 * len(people)
    for index, (who, name, department, role, amount) in enumerate(people):
        for row in rows[1 + 2 * index : 3 + 2 * index]:
            assert [_unguarded(c) for c in row[:4]] == [who, name, department, role]
            assert row[5:] == ["1.00", amount, amount]
    _assert_safe(rows, DIFFERENCE_NUMBERS)


def test_a_cr_in_a_name_cannot_start_a_row_of_its_own() -> None:
    slip = {
        "employee_id": "E-1",
        "name": "Иван\r=cmd|' /C calc'!A0",
        "department": "sales",
        "role": "rep",
        "lines": [],
        "gross": "0.00",
        "balances": {},
    }
    text = payslips_csv([slip])

    assert "\"Иван\r=cmd|' /C calc'!A0\"" in text  # quoted: the CR stays inside the cell
    rows = _read(text)
    assert len(rows) == 2
    assert rows[1][:2] == ["E-1", "Иван\r=cmd|' /C calc'!A0"]
    assert not [row for row in rows if row[0].startswith("=")]


def test_the_guard_applies_to_what_a_reader_sees_first() -> None:
    cells = [
        "=1+1", " =1+1", "\t=1+1", "\r\n@SUM(A1)", "-1+1", "+7", "＝1", "'quoted",
        "\x0b=1", "\u200b=1", "\u3000+1", "\ufeff-1", "\tplain", "-1234.50", "a=1",
    ]  # fmt: skip
    row = _read(csv_text([cells]))[0]

    assert row == [
        "'=1+1", "' =1+1", "'\t=1+1", "'\r\n@SUM(A1)", "'-1+1", "'+7", "'＝1", "''quoted",
        "'\x0b=1", "'\u200b=1", "'\u3000+1", "'\ufeff-1", "'\tplain", "'-1234.50", "a=1",
    ]  # fmt: skip


def test_amounts_stay_numbers_and_text_that_looks_like_one_is_guarded() -> None:
    slip = {
        "employee_id": "-7",
        "name": "-5",
        "department": "sales",
        "role": "rep",
        "lines": [
            {
                "code": "base",
                "label": "-1234.50",
                "measure": None,
                "basis": "-1234.50",
                "rate": "0.15",
                "amount": "-1234.50",
                "explanation": "-1234.50 (refund)",
            },
        ],
        "gross": "-1234.50",
        "balances": {"clawback": "1234.50"},
    }
    rows = _read(payslips_csv([slip]))

    assert rows[1] == [
        "'-7", "'-5", "sales", "rep", "1", "base", "'-1234.50", "", "-1234.50", "0.15",
        "-1234.50", "'-1234.50 (refund)",
    ]  # fmt: skip
    gross = ["'-7", "'-5", "sales", "rep", "-1234.50", "'-1234.50 = -1234.50"]
    assert rows[2][:4] + rows[2][10:] == gross
    assert rows[3][10] == "1234.50"


def test_rows_end_with_crlf_and_text_needing_quotes_is_quoted() -> None:
    assert csv_text([["a,b", 'say "hi"', "line\nbreak", "cr\ronly", "plain"]], guard=False) == (
        '"a,b","say ""hi""","line\nbreak","cr\ronly",plain\r\n'
    )
