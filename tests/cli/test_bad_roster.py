"""Bad calculation input: each refused with exit 2 and a message naming file and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, write_file

SCHEME = ("--scheme", "examples/acme.yaml")
HEADER = "id,name,department,role,start_date,end_date,fte,unpaid_days,new_revenue,repeat_revenue"


def roster(tmp_path: Path, text: str | bytes, name: str = "roster.csv") -> str:
    return write_file(tmp_path, name, text)


def calculate(compcalc: Invoke, path: str, period: str = "2027-03") -> tuple[int, str, str]:
    run = compcalc("calculate", *SCHEME, "--roster", path, "--period", period)
    return run.exit_code, run.stdout, run.stderr


def test_duplicate_employee_ids_name_both_rows(tmp_path: Path, compcalc: Invoke) -> None:
    path = roster(
        tmp_path,
        f"{HEADER}\nE-1,A,sales,rep,,,,,600000,\nE-2,B,sales,rep,,,,,1,\nE-1,C,sales,rep,,,,,2,\n",
    )

    code, out, err = calculate(compcalc, path)

    assert (code, out) == (2, "")
    assert err == (
        f"{path}:4: error DUPLICATE_EMPLOYEE: employee 'E-1' appears twice in the roster "
        "(first at line 2) (column id)\n"
    )


def test_every_unknown_department_role_and_missing_measure_at_once(
    tmp_path: Path, compcalc: Invoke
) -> None:
    path = roster(
        tmp_path,
        f"{HEADER}\nE-1,A,marketing,rep,,,,,1,\nE-2,B,sales,intern,,,,,1,\nE-3,C,clients,rep,,,,,5,\n",
    )

    code, _, err = calculate(compcalc, path)

    assert code == 2
    assert err.splitlines() == [
        f"{path}:2: error UNKNOWN_DEPARTMENT: employee 'E-1': department 'marketing' is not "
        "in the scheme (sales, clients, development) (column department)",
        f"{path}:3: error UNKNOWN_ROLE: employee 'E-2': role 'intern' is not a role of sales "
        "(rep, head, assistant_head) (column role)",
        f"{path}:4: error MISSING_MEASURE: employee 'E-3': repeat_revenue is required for "
        "clients.rep (column repeat_revenue)",
    ]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2027-3", "--period: period '2027-3' is not of the form YYYY-MM (for example 2027-03)"),
        ("2027-13", "--period: period '2027-13' has month 13; months are 01 to 12"),
        ("March", "--period: period 'March' is not of the form YYYY-MM (for example 2027-03)"),
        (
            "2026-12",
            "--period: error PERIOD_NOT_EFFECTIVE: 2026-12 is not wholly inside the scheme's "
            "effective dates (2027-01-01); a scheme applies from its effective date, never "
            "backwards (scheme acme-sales, examples/acme.yaml)",
        ),
    ],
)
def test_bad_period(compcalc: Invoke, period: str, message: str) -> None:
    code, out, err = calculate(compcalc, "examples/acme-roster.csv", period)

    assert (code, out, err) == (2, "", message + "\n")


def test_roster_with_a_header_only_is_empty(tmp_path: Path, compcalc: Invoke) -> None:
    path = roster(tmp_path, HEADER + "\n")

    code, _, err = calculate(compcalc, path)

    assert code == 2
    assert err == f"{path}: error EMPTY_ROSTER: the roster has no employees\n"


def test_empty_roster_file(tmp_path: Path, compcalc: Invoke) -> None:
    path = roster(tmp_path, "")

    code, _, err = calculate(compcalc, path)

    assert (code, err) == (2, f"{path}: error EMPTY_FILE: the file is empty\n")


def test_wrong_locale_number_is_refused_with_row_and_column(
    tmp_path: Path, compcalc: Invoke
) -> None:
    path = roster(
        tmp_path,
        "id;department;role;new_revenue\nE-1;sales;rep;600 000,00\nE-2;sales;rep;1,234.56\n",
    )

    code, _, err = calculate(compcalc, path)

    assert code == 2
    assert err == (
        f"{path}:3: error INVALID_NUMBER: new_revenue '1,234.56' mixes ',' and '.', so one of "
        "them is a thousands separator; write the number without it (1234.56, or 1234,56 in a "
        "';'-separated file) (column new_revenue)\n"
    )


def test_ragged_row_and_bad_values_are_all_reported(tmp_path: Path, compcalc: Invoke) -> None:
    path = roster(
        tmp_path,
        f"{HEADER}\nE-1,A,sales,rep\nE-2,B,sales,rep,2027-02-30,,,,1,\nE-3,C,sales,rep,,,half,,1,\n",
    )

    code, _, err = calculate(compcalc, path)

    assert code == 2
    assert err.splitlines() == [
        f"{path}:2: error RAGGED_ROW: the row has 4 fields but the header has 10: "
        "'start_date' and the columns after it have no value (column start_date)",
        f"{path}:3: error INVALID_DATE: start_date '2027-02-30' is not a valid date "
        "(column start_date)",
        f"{path}:4: error INVALID_NUMBER: fte 'half' is not a number (column fte)",
    ]


def test_missing_and_unknown_columns(tmp_path: Path, compcalc: Invoke) -> None:
    path = roster(tmp_path, "id,name,dept,role\nE-1,A,sales,rep\n")

    code, _, err = calculate(compcalc, path)

    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith(f"{path}:1: error UNKNOWN_COLUMN: unknown column 'dept'; ")
    assert lines[1] == (
        f"{path}:1: error MISSING_COLUMN: required column 'department' is missing "
        "(column department)"
    )


def test_semicolons_decimal_commas_and_bom_give_the_same_payroll(
    tmp_path: Path, compcalc: Invoke, repo_root: Path
) -> None:
    text = (repo_root / "examples" / "acme-roster.csv").read_text(encoding="utf-8")
    lines = [line.split(",") for line in text.splitlines()]
    # As a spreadsheet in a Russian locale saves it: ';', decimal comma, no-break-space
    # groups, and a byte-order mark.
    converted = []
    for cells in lines:
        for index, cell in enumerate(cells):
            if cell.endswith(".00") or cell.endswith(".50"):
                whole, cents = cell.split(".")
                grouped = f"{int(whole):,}".replace(",", "\u00a0")
                cells[index] = f"{grouped},{cents}"
            elif cell == "0.5":
                cells[index] = "0,5"
        converted.append(";".join(cells))
    path = roster(tmp_path, ("\ufeff" + "\r\n".join(converted) + "\r\n").encode("utf-8"))
    assert "540\u00a0000,50" in Path(path).read_text(encoding="utf-8-sig")

    run = compcalc(
        "calculate", *SCHEME, "--roster", path, "--period", "2027-03", "--format", "json"
    )
    expected = compcalc(
        "calculate", *SCHEME, "--roster", "examples/acme-roster.csv", "--period", "2027-03",
        "--format", "json",
    )  # fmt: skip

    assert run.exit_code == 0, run.stderr
    assert run.stdout == expected.stdout


def test_roster_over_the_size_limit(
    tmp_path: Path, compcalc: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(5000)
    monkeypatch.setenv("COMPCALC_MAX_ROSTER_BYTES", "4096")

    code, _, err = calculate(compcalc, str(path))

    assert (code, err) == (
        2,
        f"{path}: error TOO_LARGE: the file is 5,000 bytes; the limit is 4,096 bytes "
        "(raise it with COMPCALC_MAX_ROSTER_BYTES)\n",
    )


def test_non_utf8_roster(tmp_path: Path, compcalc: Invoke) -> None:
    path = roster(tmp_path, f"{HEADER}\nE-1,J\xf6rg,sales,rep,,,,,1,\n".encode("latin-1"))

    code, _, err = calculate(compcalc, path)

    assert code == 2
    assert err == (
        f"{path}:2: error ENCODING: byte 0xF6 at offset {len(HEADER) + 6} is not valid UTF-8; "
        "save the file as UTF-8\n"
    )


def test_json_roster_problems_point_at_the_employee_line(tmp_path: Path, compcalc: Invoke) -> None:
    path = roster(
        tmp_path,
        '{"employees": [\n  {"id": "E-1", "department": "sales", "role": "rep",\n'
        '   "credited": {"new_revenue": 1}},\n'
        '  {"id": "E-1", "department": "sales", "role": "rep",\n'
        '   "credited": {"new_revenu": 1}}\n]}\n',
        "roster.json",
    )

    code, _, err = calculate(compcalc, path)

    assert code == 2
    assert err == (
        f"{path}:4: error UNKNOWN_MEASURE: 'new_revenu' is not a measure (new_revenue, "
        "repeat_revenue, growth_revenue) (column credited.new_revenu)\n"
    )


def test_unsupported_roster_format(tmp_path: Path, compcalc: Invoke) -> None:
    path = roster(tmp_path, "x", "roster.xlsx")

    code, _, err = calculate(compcalc, path)

    assert (code, err) == (
        2,
        f"{path}: error UNSUPPORTED_FORMAT: expected a .csv or .json roster\n",
    )
