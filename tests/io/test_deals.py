"""Deals files from CSV and JSON: exact amounts, the credit encoding, locales, and every
problem (the file's and the engine's) at its row and column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Credit, Deal, Employee, InputError, Measure, Period, calculate
from app.io.deals.load import (
    deal_finding_line,
    deals_error,
    load_deals,
    parse_csv_deals,
    parse_json_deals,
)
from app.io.deals.model import DealsError, parse_credit
from app.io.schemes.validation import load_scheme

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = "id,date,client_id,client_since,amount,refund_of,kind,credit"


def problems(text: str, json_format: bool = False) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(DealsError) as caught:
        (parse_json_deals if json_format else parse_csv_deals)(text, "d")
    return [(p.row, p.column, p.code) for p in caught.value.problems]


def test_example_csv_is_read_exactly() -> None:
    deals = load_deals(EXAMPLES / "acme-deals.csv", max_bytes=10_000)

    assert len(deals.deals) == 5
    assert deals.deals[1] == Deal(
        id="D-102",
        date=date(2027, 3, 4),
        client_id="C-502",
        client_since=date(2027, 3, 1),
        amount=Decimal("200000.00"),
        credit=(
            Credit("E-15", Decimal("0.5")),
            Credit("E-13", Decimal("0.3")),
            Credit("E-16", Decimal("0.2")),
        ),
    )
    assert deals.deals[3].refund_of == "D-101"
    assert deals.deals[3].amount == Decimal("-20000.00")
    assert [deals.row(i) for i in range(5)] == [2, 3, 4, 5, 6]


def test_json_example_holds_the_same_deals() -> None:
    from_csv = load_deals(EXAMPLES / "acme-deals.csv", max_bytes=10_000)
    from_json = load_deals(EXAMPLES / "acme-deals.json", max_bytes=100_000)

    assert from_json.deals == from_csv.deals
    assert from_json.row(0) == 3  # the line where the first deal's object starts


@pytest.mark.parametrize(
    ("text", "comma", "credits"),
    [
        ("E-1", False, [("E-1", "1")]),
        ("E-1:0.5|E-2:0.5", False, [("E-1", "0.5"), ("E-2", "0.5")]),
        (" E-1 : 0.25 | E-2:0.75 ", False, [("E-1", "0.25"), ("E-2", "0.75")]),
        ("E-1:0,5|E-2:0,5", True, [("E-1", "0.5"), ("E-2", "0.5")]),
        ("team:7:1", False, [("team:7", "1")]),  # the share follows the last ':'
    ],
)
def test_credit_encoding(text: str, comma: bool, credits: list[tuple[str, str]]) -> None:
    assert parse_credit(text, decimal_comma=comma) == tuple(
        Credit(who, Decimal(share)) for who, share in credits
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("E-1:0.5|", "has an empty entry"),
        (":0.5", "has no employee id"),
        ("E-1:half", "the share of 'E-1': 'half' is not a number"),
        ("E-1:0,5", "the share of 'E-1': '0,5' has a ','"),
    ],
)
def test_bad_credit(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_credit(text)


def test_semicolons_decimal_commas_bom_and_any_column_order() -> None:
    deals = parse_csv_deals(
        "\ufeffCredit;Amount;ID;Date;Client_ID;Client_Since\r\n"
        "E-1:0,5|E-2:0,5;1\u00a0234\u00a0567,89;D-1;2027-03-05;C-1;2027-01-15\r\n"
    )

    (deal,) = deals.deals
    assert deal.amount == Decimal("1234567.89")
    assert deal.credit[0] == Credit("E-1", Decimal("0.5"))
    assert (deal.refund_of, deal.kind) == (None, None)


def test_kind_and_refund_of() -> None:
    deals = parse_csv_deals(
        f"{HEADER}\nD-1,2027-03-05,C-1,2027-01-15,100,,growth_revenue,E-1\n"
        "R-1,2027-03-06,C-1,2027-01-15,-40,D-1,,E-1\n"
    )

    assert deals.deals[0].kind is Measure.GROWTH_REVENUE
    assert deals.deals[1].refund_of == "D-1"


def test_header_problems_missing_and_extra_columns() -> None:
    assert problems("id,date,client_id,amount,credit,region,id\n") == [
        (1, "region", "UNKNOWN_COLUMN"),
        (1, "id", "DUPLICATE_COLUMN"),
        (1, "client_since", "MISSING_COLUMN"),
    ]


def test_every_row_problem_with_its_column() -> None:
    text = (
        f"{HEADER}\n"
        ",2027-03-05,C-1,2027-01-15,100,,,E-1\n"  # 2: no id
        "D-2,05.03.2027,C-1,2027-01-15,100,,,E-1\n"  # 3: date spelled the German way
        'D-3,2027-03-05,C-1,2027-01-15,"1 234,56",,,E-1\n'  # 4: decimal comma in a , file
        "D-4,2027-03-05,C-1,2027-01-15,1,,new_revenu,E-1:x\n"  # 5: kind and share
        "D-5,2027-03-05,C-1,2027-01-15,1\n"  # 6: ragged, short
        "D-6,2027-03-05,C-1,2027-01-15,1,,,E-1,extra\n"  # 7: ragged, long
        "D-7,2027-03-05,C-1,2027-01-15,1,,,\n"  # 8: credits nobody
    )

    assert problems(text) == [
        (2, "id", "MISSING_VALUE"),
        (3, "date", "INVALID_DATE"),
        (4, "amount", "INVALID_NUMBER"),
        (5, "kind", "UNKNOWN_MEASURE"),
        (5, "credit", "INVALID_CREDIT"),
        (6, "refund_of", "RAGGED_ROW"),
        (7, "#9", "RAGGED_ROW"),
        (8, "credit", "MISSING_VALUE"),
    ]


def test_wrong_locale_numbers_say_why() -> None:
    with pytest.raises(DealsError) as caught:
        parse_csv_deals(
            "id;date;client_id;client_since;amount;credit\nD-1;2027-03-05;C-1;2027-01-15;"
            "1,234.56;E-1\n",
            "d.csv",
        )

    assert str(caught.value) == (
        "d.csv:2: error INVALID_NUMBER: amount '1,234.56' mixes ',' and '.', so one of them "
        "is a thousands separator; write the number without it (1234.56, or 1234,56 in a "
        "';'-separated file) (column amount)"
    )


def test_json_problems_point_at_the_deal_and_key() -> None:
    text = (
        '{"deals": [\n'
        '  {"id": "D-1", "date": "2027-03-05", "client_id": "C-1", "client_since": "2027-01-15",'
        ' "amount": 100, "credit": [{"employee_id": "E-1", "share": 1}]},\n'
        '  {"id": "D-2", "date": "2027-02-30", "client_id": "C-1", "client_since": "2027-01-15",'
        ' "amount": "abc", "kind": 3, "region": "x",\n'
        '   "credit": [{"employee_id": "E-1"}, {"share": 1}, "E-2"]},\n'
        '  {"id": "D-3", "date": "2027-03-05", "client_id": "C-1", "client_since": "2027-01-15",'
        ' "amount": 1, "credit": {"E-1": 1}},\n'
        "  7\n"
        "]}"
    )

    assert problems(text, json_format=True) == [
        (3, "region", "UNKNOWN_KEY"),
        (3, "date", "INVALID_DATE"),
        (3, "amount", "INVALID_NUMBER"),
        (3, "kind", "INVALID_TYPE"),
        (3, "credit[0].share", "MISSING_VALUE"),
        (3, "credit[1].employee_id", "MISSING_VALUE"),
        (3, "credit[2]", "INVALID_TYPE"),
        (5, "credit", "INVALID_TYPE"),
        (6, None, "INVALID_TYPE"),
    ]
    assert problems('{"sales": []}', json_format=True) == [(1, None, "NOT_A_DEALS_FILE")]
    assert problems("[", json_format=True) == [(1, None, "SYNTAX")]


def test_json_credit_may_be_written_as_in_csv() -> None:
    deals = parse_json_deals(
        '[{"id": 7, "date": "2027-03-05", "client_id": 42, "client_since": "2027-01-15",'
        ' "amount": 100.50, "credit": "E-1:0.5|E-2:0.5"}]'
    )

    (deal,) = deals.deals
    assert (deal.id, deal.client_id, deal.amount) == ("7", "42", Decimal("100.50"))
    assert len(deal.credit) == 2


def test_equal_shares_and_dates_of_different_deals_are_one_object() -> None:
    # The engine looks each split up by its shares, and a decimal computes its hash once per
    # object: the loaders give equal shares (and dates) of different deals as one object.
    csv = parse_csv_deals(
        f"{HEADER}\n"
        "D1,2027-03-05,C1,2027-01-15,100.00,,,E-1:0.25|E-2:0.75\n"
        "D2,2027-03-05,C2,2027-01-15,50.00,,,E-3:0.75|E-1:0.25\n"
        "D3,2027-03-06,C3,2027-01-15,10.00,,,E-2\n"
        "D4,2027-03-06,C4,2027-01-15,20.00,,,E-3\n"
    ).deals
    json = parse_json_deals(
        '[{"id": "J1", "date": "2027-03-05", "client_id": "C1", "client_since": "2027-01-15",'
        ' "amount": 1.00, "credit": [{"employee_id": "E-1", "share": 0.25},'
        ' {"employee_id": "E-2", "share": 0.75}]},'
        ' {"id": "J2", "date": "2027-03-05", "client_id": "C2", "client_since": "2027-01-15",'
        ' "amount": 2.00, "credit": [{"employee_id": "E-3", "share": 0.75},'
        ' {"employee_id": "E-1", "share": 0.25}]}]'
    ).deals
    for first, second in ((csv[0], csv[1]), (json[0], json[1])):
        assert [c.share for c in first.credit] == [Decimal("0.25"), Decimal("0.75")]
        assert first.credit[0].share is second.credit[1].share
        assert first.credit[1].share is second.credit[0].share
        assert first.date is second.date and first.client_since is second.client_since
    assert csv[2].credit[0].share == 1 and csv[2].credit[0].share is csv[3].credit[0].share
    # a decimal comma is the same share
    (semi,) = parse_csv_deals(
        "id;date;client_id;client_since;amount;credit\nD5;2027-03-05;C1;2027-01-15;1,00;E-1:0,25|E-2:0,75\n"
    ).deals
    assert [c.share for c in semi.credit] == [Decimal("0.25"), Decimal("0.75")]


def test_engine_problems_map_back_to_rows_and_columns() -> None:
    scheme = load_scheme(str(EXAMPLES / "acme.yaml"), max_bytes=100_000).scheme
    deals = parse_csv_deals(
        f"{HEADER}\n"
        "D-1,2027-03-05,C-1,2027-01-15,100,,,E-1:0.5|E-2:0.4\n"
        "D-1,2027-03-06,C-1,2027-01-15,100,,,E-9\n"
        "D-3,2301-01-01,C-1,2027-01-15,100,,,E-1\n"
        "D-4,2027-03-06,C-1,2027-01-15,-200,D-3,,E-1\n",
        "d.csv",
    )
    roster = [Employee("E-1", "sales", "rep"), Employee("E-2", "sales", "rep")]

    with pytest.raises(InputError) as caught:
        calculate(scheme, Period(2027, 3), roster, deals.deals)
    error = deals_error(deals, caught.value)

    assert error is not None
    assert [(p.row, p.column, p.code) for p in error.problems] == [
        (2, "credit", "SHARES_SUM"),
        (3, "id", "DUPLICATE_DEAL"),
        (3, "credit", "UNKNOWN_EMPLOYEE"),
        (4, "date", "DATE_RANGE"),
        (5, "date", "DATE_RANGE"),  # D-4 refunds D-3 before D-3 happened
        (4, "amount", "REFUND_EXCEEDS"),
    ]
    assert error.problems[1].message.endswith("(first at line 2)")


def test_deal_findings_are_located() -> None:
    scheme = load_scheme(str(EXAMPLES / "acme.yaml"), max_bytes=100_000).scheme
    deals = parse_csv_deals(f"{HEADER}\nR-1,2027-03-05,C-1,2027-01-15,-100,D-404,,E-1\n", "d.csv")

    payroll = calculate(scheme, Period(2027, 3), [Employee("E-1", "sales", "rep")], deals.deals)
    lines = [deal_finding_line(deals, f) for f in payroll.findings]

    assert (
        "d.csv:2: warning REFUND_UNKNOWN_ORIGINAL: deal 'R-1': refunds unknown deal 'D-404': "
        "credited by its own credit list and classified by its own date (column refund_of)"
    ) in lines
    assert None in lines  # STRUCTURE is about the scheme, not a deal


def test_size_limit_encoding_and_format(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    with pytest.raises(DealsError) as caught:
        load_deals(path, max_bytes=5)
    assert caught.value.problems[0].code == "TOO_LARGE"

    path.write_bytes(HEADER.encode() + b"\nD-\xff,2027-03-05,C-1,2027-01-15,1,,,E-1\n")
    with pytest.raises(DealsError) as caught:
        load_deals(path, max_bytes=1000)
    assert [(p.row, p.code) for p in caught.value.problems] == [(2, "ENCODING")]

    with pytest.raises(DealsError) as caught:
        load_deals(tmp_path / "d.xlsx", max_bytes=100)
    assert caught.value.problems[0].code == "UNSUPPORTED_FORMAT"

    path.write_text("", encoding="utf-8")
    with pytest.raises(DealsError) as caught:
        load_deals(path, max_bytes=100)
    assert caught.value.problems[0].code == "EMPTY_FILE"
