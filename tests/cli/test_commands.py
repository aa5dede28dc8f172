"""``explain``, ``break-even``, ``schema`` and ``openapi``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cli.conftest import Invoke

INPUT = (
    "--scheme", "examples/acme.yaml", "--roster", "examples/acme-roster.csv",
    "--period", "2027-03",
)  # fmt: skip


def test_explain_shows_every_line_with_its_formula(compcalc: Invoke) -> None:
    run = compcalc("explain", *INPUT, "--employee", "E-17")

    assert run.exit_code == 0
    assert run.stdout.splitlines()[:-1] == [
        "E-17 Анна Петрова — sales.rep, 2027-03 (RUB)",
        "Proration: 1; 2027-03 has 22 working days",
        "",
        " 1. Base salary                 45 000.00",
        "    45 000.00 (full period)",
        " 2. Commission on new clients  134 000.00",
        "    new_revenue 820 000.00: 600 000.00 × 15% + 220 000.00 × 20% = 134 000.00",
        " 3. Bonus for 120% of quota     15 000.00",
        "    new_revenue attainment 136.67% ≥ 120%: 15 000.00",
        "",
        "Gross = 45 000.00 + 134 000.00 + 15 000.00 = 194 000.00",
    ]
    assert run.stdout.splitlines()[-1].startswith("scheme sha256:")


def test_explain_a_prorated_employee_below_the_threshold(compcalc: Invoke) -> None:
    run = compcalc("explain", *INPUT, "--employee", "E-15")

    assert run.exit_code == 0
    assert (
        "    new_revenue 250 000.00 is below the threshold 300 000.00 (50% of target "
        "600 000.00): no commission = 0.00"
    ) in run.stdout.splitlines()


def test_explain_unknown_employee_exits_2(compcalc: Invoke) -> None:
    run = compcalc("explain", *INPUT, "--employee", "E-99")

    assert run.exit_code == 2
    assert run.stderr == "--employee: 'E-99' is not in the roster examples/acme-roster.csv\n"


def test_break_even_text(compcalc: Invoke) -> None:
    run = compcalc("break-even", "--scheme", "examples/acme.yaml")

    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    # Figures as hand-checked in tests/cli/test_validate.py.
    assert lines[-2].split() == [
        "sales.rep", "clients.rep", "100%", "122", "500.00", "135", "000.00", "86.11%",
        "516", "666.67",
    ]  # fmt: skip
    assert lines[-1].split() == [
        "sales.head", "clients.head", "100%", "150", "000.00", "156", "000.00", "93.33%",
        "2", "800", "000.00",
    ]  # fmt: skip


def test_break_even_json(compcalc: Invoke) -> None:
    run = compcalc("break-even", "--scheme", "examples/acme.yaml", "--format", "json")

    document = json.loads(run.stdout)
    assert document["currency"] == "RUB"
    assert [
        (p["sales_role"], p["break_even_attainment"], p["break_even_revenue"])
        for p in document["break_even"]
    ] == [("sales.rep", "0.8611", "516666.67"), ("sales.head", "0.9333", "2800000.00")]


def test_break_even_when_sales_never_catches_up(compcalc: Invoke) -> None:
    run = compcalc("break-even", "--scheme", "examples/invalid/EARNINGS_ORDER.yaml")

    # The rule violation is printed as a warning; the figures are what the user needs.
    assert run.exit_code == 0
    assert "warning EARNINGS_ORDER" in run.stderr
    rep = run.stdout.splitlines()[-2].split()
    # A sales rep earns 45 000 + 5% x 600 000 a up to 100% (75 000 at target), then 20%
    # above 600 000: 75 000 + 120 000 (a - 1).  At 120% that is 99 000, and the 15 000
    # bonus lifts it to 114 000; 114 000 + 120 000 (a - 1.2) = 122 500 (the client rep's
    # pay) at a = 1.2 + 8 500 / 120 000 = 1.27083 -> 127.08%, revenue 762 500.
    assert rep[-3:] == ["127.08%", "762", "500.00"]


def test_break_even_refuses_a_scheme_that_cannot_be_applied(compcalc: Invoke) -> None:
    run = compcalc("break-even", "--scheme", "examples/invalid/TIER_ORDER.yaml")

    assert run.exit_code == 2
    assert "error TIER_ORDER" in run.stderr


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_schema_is_json_schema_of_the_scheme_file(compcalc: Invoke) -> None:
    run = compcalc("schema")

    assert run.exit_code == 0
    schema = json.loads(run.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert "departments" in schema["properties"]
    assert set(schema["required"]) >= {"key", "name", "currency", "effective_from"}
    for ref in _refs(schema):
        assert ref.startswith("#/$defs/")
        assert ref.removeprefix("#/$defs/") in schema["$defs"]
    # Amounts and rates accept a number or a numeric string, so YAML editors accept both.
    base = schema["$defs"]["Role"]["properties"]["base"]
    assert [option["type"] for option in base["anyOf"]] == ["number", "string"]
    tier = schema["$defs"]["Tier"]
    assert "from" in tier["properties"]  # the alias, as written in files


def test_openapi_prints_the_committed_document(compcalc: Invoke) -> None:
    from app.main import openapi_document

    run = compcalc("openapi")

    assert run.exit_code == 0
    assert run.stdout == openapi_document()


def test_help_lists_every_command(compcalc: Invoke) -> None:
    run = compcalc("--help")

    assert run.exit_code == 0
    for command in ("validate", "schema", "calculate", "explain", "break-even", "test", "openapi"):
        assert command in run.stdout


def test_a_terminal_gets_rich_tables(compcalc: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.cli.payroll._is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")

    payroll = compcalc("calculate", *INPUT)
    points = compcalc("break-even", "--scheme", "examples/acme.yaml")

    assert payroll.exit_code == 0 and points.exit_code == 0
    assert "Payroll 2027-03 of acme-sales (RUB)" in payroll.stdout
    assert "─" in payroll.stdout  # drawn by rich, not the plain text renderer
    row = next(line for line in payroll.stdout.splitlines() if "E-17" in line)
    assert row.split()[-1] == "000.00" and "194 000.00" in row
    assert "Did sales staff out-earn client staff this period?" in payroll.stdout
    assert "compared on full-time-equivalent pay" in payroll.stdout
    assert "86.11%" in points.stdout and "516 666.67" in points.stdout


def test_version_prints_the_release_and_engine_versions_healthz_reports(compcalc: Invoke) -> None:
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    run = compcalc("--version")
    with TestClient(create_app(Settings(database_url="sqlite://"))) as client:
        health = client.get("/healthz").json()

    assert run.exit_code == 0
    assert run.stdout == f"compcalc {health['version']} (engine {health['engine_version']})\n"
    assert health["version"] == "0.1.0" and health["engine_version"] == "1.0.0"
