"""Deal files read straight into columns: the same columns as the Deal loader's deals."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.columnar.deals_columns import DealColumns
from app.io.deals.columns import load_deal_columns
from app.io.deals.load import load_deals
from app.io.deals.model import DealsError

CSV = """id,date,client_id,client_since,amount,refund_of,kind,credit,commission
D1,2027-03-02,CL,2027-01-10,1000.50,,,A:0.5|B:0.5,A:25.00|B:25
D2,2027-04-03,KEY,2026-01-01,700,,growth_revenue,A,
R1,2027-04-05,CL,2027-01-10,-100.01,D1,,A,
"""
FIELDS = (
    "ids", "clients", "refund_of", "names", "groups", "unsupported",
)  # fmt: skip
ARRAYS = (
    "date", "since", "client", "amount", "kind", "original", "start", "who", "paid",
    "has_paid", "group", "credit_deal",
)  # fmt: skip


def _same(one: DealColumns, other: DealColumns) -> None:
    for name in FIELDS:
        assert getattr(one, name) == getattr(other, name), name
    for name in ARRAYS:
        assert getattr(one, name).tolist() == getattr(other, name).tolist(), name


def test_a_csv_file_reads_into_the_columns_of_its_deals(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(CSV, encoding="utf-8")
    columns = load_deal_columns(path, digits=2, max_bytes=10**6)
    assert columns.deals is None  # read without a Deal per row
    assert columns.amount.tolist() == [100050, 70000, -10001]  # kopecks, read from the text
    assert columns.paid.tolist() == [2500, 2500, 0, 0]
    assert columns.original.tolist() == [-1, -1, 0]
    expected = DealColumns.from_deals(load_deals(path, max_bytes=10**6).deals, 2)
    _same(columns, expected)
    assert columns.to_deals() == list(expected.to_deals())


def test_a_file_the_columns_cannot_hold_keeps_its_deals(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(CSV.replace("700,", "700.001,"), encoding="utf-8")  # 3 decimals in RUB
    columns = load_deal_columns(path, digits=2, max_bytes=10**6)
    assert columns.unsupported == "amount 700.001 is not a whole number of minor units up to 10^13"
    assert columns.deals is not None and columns.deals[1].amount.as_tuple().exponent == -3


def test_a_file_with_problems_is_refused_as_the_deal_loader_refuses_it(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(CSV.replace("2027-04-03", "2027-04-31"), encoding="utf-8")
    with pytest.raises(DealsError) as columns_error:
        load_deal_columns(path, digits=2, max_bytes=10**6)
    with pytest.raises(DealsError) as deals_error:
        load_deals(path, max_bytes=10**6)
    assert str(columns_error.value) == str(deals_error.value)


def test_a_json_file_reads_into_the_same_columns(tmp_path: Path) -> None:
    csv_path, json_path = tmp_path / "deals.csv", tmp_path / "deals.json"
    csv_path.write_text(CSV, encoding="utf-8")
    json_path.write_text(
        '{"deals": [{"id": "D1", "date": "2027-03-02", "client_id": "CL", '
        '"client_since": "2027-01-10", "amount": "1000.50", "credit": ['
        '{"employee_id": "A", "share": "0.5", "commission": "25.00"}, '
        '{"employee_id": "B", "share": "0.5", "commission": "25"}]}, '
        '{"id": "D2", "date": "2027-04-03", "client_id": "KEY", "client_since": "2026-01-01", '
        '"amount": 700, "kind": "growth_revenue", "credit": "A"}, '
        '{"id": "R1", "date": "2027-04-05", "client_id": "CL", "client_since": "2027-01-10", '
        '"amount": "-100.01", "refund_of": "D1", "credit": "A"}]}',
        encoding="utf-8",
    )
    _same(
        load_deal_columns(json_path, digits=2, max_bytes=10**6),
        load_deal_columns(csv_path, digits=2, max_bytes=10**6),
    )
