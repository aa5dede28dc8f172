"""Bad deals (and balances): each refused with exit 2, a message naming the file, the row and
the column, and no output file left behind.  A refund of an unknown deal is allowed: a
warning on stderr, exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, write_file

SCHEME = ("--scheme", "examples/acme.yaml")
HEADER = "id,date,client_id,client_since,amount,refund_of,kind,credit"
ROSTER = "id,department,role,balance_draw\nE-1,sales,rep,\nE-2,sales,rep,\nC-1,clients,rep,\n"
SALE = "D-1,2027-04-05,C-1,2027-04-01,100000.00,,,E-1"


def run(
    compcalc: Invoke, tmp_path: Path, deals: str, roster: str = ROSTER, name: str = "deals.csv"
) -> tuple[int, str, str, Path]:
    """``calculate --output`` with the deals; returns the exit code, both streams and the
    output file's path (which must not exist after a failure)."""
    deals_path = write_file(tmp_path, name, deals)
    roster_path = write_file(tmp_path, "roster.csv", roster)
    output = tmp_path / "payroll.json"
    result = compcalc(
        "calculate", *SCHEME, "--roster", roster_path, "--deals", deals_path,
        "--period", "2027-04", "--format", "json", "--output", str(output),
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr, output


CASES = {
    "a deal credited to an unknown employee": (
        f"{HEADER}\n{SALE}\nD-2,2027-04-06,C-1,2027-04-01,5.00,,,E-1:0.5|E-404:0.5\n",
        ":3: error UNKNOWN_EMPLOYEE: deal 'D-2' is credited to 'E-404', who is not in the "
        "roster (column credit)",
    ),
    "shares not adding up to 1": (
        f"{HEADER}\nD-1,2027-04-05,C-1,2027-04-01,100000.00,,,E-1:0.5|E-2:0.4\n",
        ":2: error SHARES_SUM: deal 'D-1': shares add up to 0.9, not exactly 1 (column credit)",
    ),
    "a refund larger than the original": (
        f"{HEADER}\n{SALE}\nR-1,2027-04-20,C-1,2027-04-01,-100000.01,D-1,,E-1\n",
        ":2: error REFUND_EXCEEDS: deal 'D-1' of 100000.00 is refunded 100000.01 in total, "
        "more than was paid (column amount)",
    ),
    "a refund booked with a positive amount": (
        f"{HEADER}\n{SALE}\nR-1,2027-04-20,C-1,2027-04-01,500.00,D-1,,E-1\n",
        ":3: error REFUND_SIGN: deal 'R-1' refunds 'D-1' but its amount 500.00 is positive; a "
        "refund or credit note is a negative amount (column amount)",
    ),
    "a date outside any sane range": (
        f"{HEADER}\nD-1,2304-04-05,C-1,2027-04-01,100000.00,,,E-1\n",
        ":2: error DATE_RANGE: deal 'D-1': date 2304-04-05 is outside 1990-01-01..2100-12-31 "
        "(column date)",
    ),
    "a date that does not exist": (
        f"{HEADER}\nD-1,2027-02-29,C-1,2027-01-01,100000.00,,,E-1\n",
        ":2: error INVALID_DATE: date '2027-02-29' is not a valid date (column date)",
    ),
    "the same deal id twice": (
        f"{HEADER}\n{SALE}\n{SALE}\n",
        ":3: error DUPLICATE_DEAL: deal 'D-1' appears twice (first at line 2) (column id)",
    ),
    "a missing column": (
        "id,date,client_id,client_since,credit\nD-1,2027-04-05,C-1,2027-04-01,E-1\n",
        ":1: error MISSING_COLUMN: required column 'amount' is missing (column amount)",
    ),
    "an extra column": (
        f"{HEADER},region\n{SALE},north\n",
        ":1: error UNKNOWN_COLUMN: unknown column 'region'; the columns are id, date, "
        "client_id, client_since, amount, refund_of, kind, credit, commission (column region)",
    ),
    "a ragged row": (
        f"{HEADER}\n{SALE}\nD-2,2027-04-05,C-1,2027-04-01,100.00\n",
        ":3: error RAGGED_ROW: the row has 5 fields but the header has 8: 'refund_of' and the "
        "columns after it have no value (column refund_of)",
    ),
    "1 234,56 in a comma-separated file": (
        f'{HEADER}\nD-1,2027-04-05,C-1,2027-04-01,"1 234,56",,,E-1\n',
        ":2: error INVALID_NUMBER: amount '1 234,56' has a ',' which is ambiguous in a "
        "','-separated file; use '.' as the decimal mark (column amount)",
    ),
    "1,234.56 in a semicolon-separated file": (
        f"{HEADER.replace(',', ';')}\nD-1;2027-04-05;C-1;2027-04-01;1,234.56;;;E-1\n",
        ":2: error INVALID_NUMBER: amount '1,234.56' mixes ',' and '.', so one of them is a "
        "thousands separator; write the number without it (1234.56, or 1234,56 in a "
        "';'-separated file) (column amount)",
    ),
    "a share in the wrong locale": (
        f'{HEADER}\nD-1,2027-04-05,C-1,2027-04-01,100.00,,,"E-1:0,5|E-2:0,5"\n',
        ":2: error INVALID_CREDIT: credit: the share of 'E-1': '0,5' has a ',' which is "
        "ambiguous in a ','-separated file; use '.' as the decimal mark (column credit)",
    ),
    "a commission paid on a deal of this period": (
        f"{HEADER},commission\nD-1,2027-04-05,C-1,2027-04-01,100000.00,,,E-1,E-1:15000.00\n",
        ":2: error INVALID_COMMISSION: deal 'D-1': commission of 'E-1' on a deal dated in this "
        "period or later: its commission is computed here; a credit carries what an earlier "
        "period paid (column commission)",
    ),
    "a commission naming someone the deal does not credit": (
        f"{HEADER},commission\nD-1,2027-03-05,C-1,2027-03-01,100000.00,,,E-1,E-2:15000.00\n",
        ":2: error INVALID_CREDIT: commission: 'E-2' not in the deal's credit (column commission)",
    ),
}


@pytest.mark.parametrize(("deals", "message"), CASES.values(), ids=CASES.keys())
def test_bad_deals_name_file_row_and_column(
    compcalc: Invoke, tmp_path: Path, deals: str, message: str
) -> None:
    code, out, err, output = run(compcalc, tmp_path, deals)

    assert (code, out) == (2, "")
    assert err == f"{tmp_path / 'deals.csv'}{message}\n"
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deals.csv", "roster.csv"]


def test_negative_balance_in_the_roster(compcalc: Invoke, tmp_path: Path) -> None:
    roster = "id,department,role,balance_draw\nE-1,sales,rep,\nE-2,sales,rep,-1 500.00\n"

    code, _, err, output = run(compcalc, tmp_path, f"{HEADER}\n{SALE}\n", roster)

    assert code == 2
    assert err == (
        f"{tmp_path / 'roster.csv'}:3: error NEGATIVE_BALANCE: employee 'E-2': balance_draw "
        "-1500.00 is negative (column balance_draw)\n"
    )
    assert not output.exists()


def test_roster_and_deal_problems_are_reported_together(compcalc: Invoke, tmp_path: Path) -> None:
    roster = "id,department,role\nE-1,sales,rep\nE-1,sales,rep\n"

    code, _, err, _ = run(
        compcalc, tmp_path, f"{HEADER}\nD-1,2027-04-05,C-1,2027-04-01,1,,,X\n", roster
    )

    assert code == 2
    assert err.splitlines() == [
        f"{tmp_path / 'roster.csv'}:3: error DUPLICATE_EMPLOYEE: employee 'E-1' appears twice "
        "in the roster (first at line 2) (column id)",
        f"{tmp_path / 'deals.csv'}:2: error UNKNOWN_EMPLOYEE: deal 'D-1' is credited to 'X', "
        "who is not in the roster (column credit)",
    ]


def test_json_deals_problems_name_the_line_and_key(compcalc: Invoke, tmp_path: Path) -> None:
    deals = (
        '{"deals": [\n'
        '  {"id": "D-1", "date": "2027-04-05", "client_id": "C-1",\n'
        '   "client_since": "2027-04-01", "amount": "100000.00",\n'
        '   "credit": [{"employee_id": "E-1", "share": 0.5}, {"employee_id": "E-2", '
        '"share": 0.4}]}\n'
        "]}\n"
    )

    code, _, err, output = run(compcalc, tmp_path, deals, name="deals.json")

    assert code == 2
    assert err == (
        f"{tmp_path / 'deals.json'}:2: error SHARES_SUM: deal 'D-1': shares add up to 0.9, "
        "not exactly 1 (column credit)\n"
    )
    assert not output.exists()


def test_a_json_commission_problem_names_its_credit(compcalc: Invoke, tmp_path: Path) -> None:
    deals = (
        '{"deals": [\n'
        '  {"id": "D-1", "date": "2027-03-05", "client_id": "C-1",\n'
        '   "client_since": "2027-03-01", "amount": "100000.00",\n'
        '   "credit": [{"employee_id": "E-1", "share": 0.5, "commission": "1.005"},\n'
        '              {"employee_id": "E-2", "share": 0.5}]}\n'
        "]}\n"
    )

    code, _, err, output = run(compcalc, tmp_path, deals, name="deals.json")

    assert code == 2
    assert err == (
        f"{tmp_path / 'deals.json'}:2: error INVALID_COMMISSION: deal 'D-1': commission of "
        "'E-1' 1.005 has more than 2 decimals (column credit[0].commission)\n"
    )
    assert not output.exists()


def test_refund_of_an_unknown_deal_is_a_warning(compcalc: Invoke, tmp_path: Path) -> None:
    deals = f"{HEADER}\n{SALE}\nR-9,2027-04-20,C-1,2027-04-01,-20000.00,D-404,,E-1\n"

    code, out, err, output = run(compcalc, tmp_path, deals)

    assert (code, out) == (0, "")
    assert (
        f"{tmp_path / 'deals.csv'}:3: warning REFUND_UNKNOWN_ORIGINAL: deal 'R-9': refunds "
        "unknown deal 'D-404': credited by its own credit list and classified by its own date "
        "(column refund_of)"
    ) in err.splitlines()
    assert err.endswith(f"wrote 3 payslips to {output}\n")
    assert '"new_revenue": "80000.00"' in output.read_text(encoding="utf-8")


def test_unreadable_deals_file(compcalc: Invoke, tmp_path: Path) -> None:
    roster = write_file(tmp_path, "roster.csv", ROSTER)
    missing = tmp_path / "nowhere.csv"

    result = compcalc(
        "calculate", *SCHEME, "--roster", roster, "--deals", str(missing), "--period", "2027-04"
    )

    assert result.exit_code == 2
    assert result.stderr.startswith(f"{missing}: error UNREADABLE: cannot read the file: ")


def test_too_many_deals_in_one_file(
    compcalc: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the limit is a setting (1 000 000 by default); two deals against a limit of one
    monkeypatch.setenv("COMPCALC_MAX_FILE_DEALS", "1")
    second = "D-2,2027-04-06,C-1,2027-04-01,100.00,,,E-2"
    code, _, stderr, output = run(compcalc, tmp_path, f"{HEADER}\n{SALE}\n{second}\n")
    assert code == 2
    assert "error TOO_MANY_DEALS: 2 deals; at most 1 in one file (COMPCALC_MAX_FILE_DEALS)" in (
        stderr
    )
    assert not output.exists()
