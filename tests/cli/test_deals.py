"""``calculate`` and ``explain`` with ``--deals``: the acme roster of March 2027 plus the deals
of examples/acme-deals.csv (mixed: typed-in totals and deals add up), hand-computed.

The deals: D-101 (February, history) 120 000 to E-15; D-102 200 000 of a new client split
E-15 0.5 / E-13 0.3 / E-16 0.2; D-103 250 000 of a client since June 2026 (repeat revenue)
to E-22; D-104 a refund of D-101, -20 000; D-105 100.00 split 0.33335 / 0.33335 / 0.3333
between E-13, E-14 and E-17 (33.34 / 33.33 / 33.33: the tie of the two .5 kopeck
remainders goes to the earlier credit).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tests.cli.conftest import ACME_INPUT, Invoke, payroll, slip

INPUT = ACME_INPUT
DEALS = ("--deals", "examples/acme-deals.csv")


def test_deals_add_to_the_rosters_totals(compcalc: Invoke) -> None:
    document = payroll(compcalc, *DEALS)

    # E-15: 250 000 typed in + 100 000 (half of D-102) - 20 000 (D-104) = 330 000, above the
    # threshold now: 330 000 x 15% = 49 500.
    e15 = slip(document, "E-15")
    assert e15["credited"] == {"new_revenue": "330000.00"}
    assert [(line["code"], line["amount"]) for line in e15["lines"]] == [
        ("base", "45000.00"),
        ("commission", "49500.00"),
    ]
    # E-13: 600 000 + 60 000 (0.3 of D-102) + 33.34 = 660 033.34:
    # 600 000 x 15% + 60 033.34 x 20% = 90 000 + 12 006.668 -> 102 006.67.
    assert slip(document, "E-13")["lines"][1]["amount"] == "102006.67"
    # E-14: 540 000.50 + 33.33 = 540 033.83 x 15% = 81 005.0745 -> 81 005.07.
    assert slip(document, "E-14")["lines"][1]["amount"] == "81005.07"
    # E-22: 2 600 000 + 250 000 of an old client (repeat revenue) = 2 850 000 x 1.5%.
    assert slip(document, "E-22")["lines"][1]["amount"] == "42750.00"
    # The head's override: the team's new revenue grew by 200 000 + 100 - 20 000 = 180 100,
    # to 2 800 100.50: 3% -> 84 003.015 -> 84 003.02.
    assert slip(document, "E-11")["lines"][1]["amount"] == "84003.02"


def test_every_commission_line_lists_its_deals(compcalc: Invoke) -> None:
    e15 = slip(payroll(compcalc, *DEALS), "E-15")

    # The line's 49 500.00 is shared by the positive credits: the roster's own 250 000.00 and
    # D-102's 100 000.00 (the refund earns nothing).  D-102: 49 500 × 100/350 = 14 142.857…,
    # the roster 35 357.142…; the leftover kopeck goes to the larger remainder, D-102's.
    assert e15["lines"][1]["deals"] == [
        {"deal_id": "D-102", "date": "2027-03-04", "client_id": "C-502",
         "measure": "new_revenue", "share": "0.5", "amount": "100000.00",
         "commission": "14142.86", "note": ""},
        {"deal_id": "D-104", "date": "2027-03-22", "client_id": "C-501",
         "measure": "new_revenue", "share": "1", "amount": "-20000.00", "commission": "0.00",
         "note": "refund of D-101"},
    ]  # fmt: skip
    assert "deals" not in e15["lines"][0]


def test_csv_and_json_deals_give_the_same_payroll(compcalc: Invoke) -> None:
    from_csv = compcalc("calculate", *INPUT, *DEALS, "--format", "json")
    from_json = compcalc(
        "calculate", *INPUT, "--deals", "examples/acme-deals.json", "--format", "json"
    )

    assert from_csv.exit_code == from_json.exit_code == 0
    assert from_csv.stdout == from_json.stdout
    assert from_csv.stderr == ""


def test_explain_lists_the_deals_behind_each_line(compcalc: Invoke) -> None:
    run = compcalc("explain", *INPUT, *DEALS, "--employee", "E-15")

    assert run.exit_code == 0
    assert run.stdout.splitlines()[3:12] == [
        " 1. Base salary                45 000.00",
        "    45 000.00 (full period)",
        " 2. Commission on new clients  49 500.00",
        "    new_revenue 330 000.00: 330 000.00 × 15% = 49 500.00",
        "    credited from 2 deals:",
        "      deal    date        client  measure      share    credited  commission  note",
        "      roster                      new_revenue         250 000.00              "
        "the roster's total",
        "      D-102   2027-03-04  C-502   new_revenue    0.5  100 000.00   14 142.86",
        "      D-104   2027-03-22  C-501   new_revenue      1  -20 000.00        0.00  "
        "refund of D-101",
    ]


def test_explain_of_a_split_shows_the_share(compcalc: Invoke) -> None:
    run = compcalc("explain", *INPUT, *DEALS, "--employee", "E-17")

    assert run.exit_code == 0
    assert "      D-105   2027-03-25  C-504   new_revenue  0.3333       33.33" in run.stdout


def test_deals_alone_credit_employees_without_totals(compcalc: Invoke, tmp_path: Any) -> None:
    # Without deals, a rep with no new_revenue column value is refused (MISSING_MEASURE);
    # with deals, a measure the roster leaves out counts as zero.
    roster = tmp_path / "roster.csv"
    roster.write_text("id,department,role\nE-1,sales,rep\nE-2,sales,rep\n", encoding="utf-8")
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "id,date,client_id,client_since,amount,credit\n"
        "D-1,2027-04-14,C-1,2027-01-15,400000,E-1\n"
        "D-2,2027-04-15,C-1,2027-01-15,300000,E-1\n",
        encoding="utf-8",
    )
    args = ("--scheme", "examples/acme.yaml", "--roster", str(roster), "--period", "2027-04")

    refused = compcalc("calculate", *args)
    run = compcalc("calculate", *args, "--deals", str(deals), "--format", "json")

    assert refused.exit_code == 2 and "MISSING_MEASURE" in refused.stderr
    assert run.exit_code == 0
    e1 = slip(json.loads(run.stdout), "E-1")
    # The hand-off edge: client since 2027-01-15, so new revenue until 2027-04-14.
    assert e1["credited"] == {"new_revenue": "400000.00", "repeat_revenue": "300000.00"}
    assert e1["gross"] == "105000.00"  # 45 000 + 400 000 x 15%
    explained = compcalc("explain", *args, "--deals", str(deals), "--employee", "E-1").stdout
    assert (
        "Credited on measures no commission rule of sales.rep pays on: repeat_revenue 300 000.00"
    ) in explained.splitlines()


def test_csv_output_has_payslip_rows_only(compcalc: Invoke) -> None:
    run = compcalc("calculate", *INPUT, *DEALS, "--format", "csv")

    assert run.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert {r["code"] for r in rows} == {"base", "commission", "override", "bonus", "gross"}
    assert "Departments" not in run.stdout


def test_a_refund_takes_back_the_commission_paid_on_the_deal(
    compcalc: Invoke, tmp_path: Any
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,department,role,new_revenue\nE-1,sales,rep,0\n", encoding="utf-8")
    deals = tmp_path / "deals.csv"
    # March paid E-1 49 500.00 on D-1 (330 000 × 15%): April refunds a third of it.
    deals.write_text(
        "id,date,client_id,client_since,amount,refund_of,credit,commission\n"
        "D-1,2027-03-10,C-1,2027-03-01,330000.00,,E-1,E-1:49500.00\n"
        "R-1,2027-04-10,C-1,2027-03-01,-110000.00,D-1,E-1,\n",
        encoding="utf-8",
    )
    args = ("--scheme", "examples/acme.yaml", "--roster", str(roster), "--period", "2027-04")

    run = compcalc("calculate", *args, "--deals", str(deals), "--format", "json")
    explained = compcalc("explain", *args, "--deals", str(deals), "--employee", "E-1")

    assert run.exit_code == explained.exit_code == 0, run.stderr
    lines = {line["code"]: line for line in slip(json.loads(run.stdout), "E-1")["lines"]}
    assert lines["commission"]["amount"] == "0.00"  # the refund is not in April's base
    taken = lines["commission_clawback"]
    assert taken["amount"] == "-16500.00"  # 49 500.00 × 110 000 / 330 000
    assert [(d["deal_id"], d["commission"]) for d in taken["deals"]] == [("R-1", "-16500.00")]
    assert "Commission taken back" in explained.stdout
    assert "110 000.00 of 330 000.00 refunded: -16 500.00 of the 49 500.00 commission paid" in (
        explained.stdout
    )
