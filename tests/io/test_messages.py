"""Messages for people: each usual YAML or number mistake gets its code, the line and column of
the mistake itself, a plain message and a hint of the fix; the parser's words are a detail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.engine import SchemeError, parse_scheme
from app.io.read.documents import parse_document
from app.io.schemes.validation import FileReport, validate_file

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme.yaml"


class Case(NamedTuple):
    text: str
    code: str
    line: int
    column: int
    hint: str


def _report(tmp_path: Path, text: str) -> FileReport:
    path = tmp_path / "scheme.yaml"
    path.write_text(text, encoding="utf-8")
    return validate_file(str(path), max_bytes=1 << 20)


# --- documents that cannot be read: small snippets, every line and column counted by hand ----

UNREADABLE = {
    # PyYAML: "found character that cannot start any token", at the tab.
    "tab at the start of a line": Case(
        "key: a\ndepartments:\n  sales:\n\tkind: acquisition\n", "TAB_INDENT", 4, 1,
        "replace the tab with spaces, as many as the lines around it have",
    ),
    "tab after spaces": Case(
        "a:\n  b:\n  \tc: 1\n", "TAB_INDENT", 3, 3,
        "replace the tab with spaces, as many as the lines around it have",
    ),
    # "did not find expected key" at line 4: here it is the misplaced key itself.
    "key out-dented by one space": Case(
        "a:\n  b:\n    c: 1\n   d: 2\n", "BAD_INDENT", 4, 4,
        "indent it by 4 spaces, like the lines it belongs with",
    ),
    # PyYAML reports line 3 ("mapping values are not allowed"): the misplaced key is line 2,
    # which made 'base' look like the rest of the label's text.
    "first key out-dented, noticed on the next line": Case(
        "rep:\n   label: Sales\n    base: 1\n    headcount: 5\n", "BAD_INDENT", 2, 4,
        "indent it by 4 spaces, like the lines it belongs with",
    ),
    # PyYAML reports working_weekends (line 5); the key out of step is holidays (line 2).
    "a key out of step, noticed many lines later": Case(
        "calendar:\n holidays:\n    - 2027-01-01\n    - 2027-01-07\n  working_weekends: []\n"
        "policy:\n  commission_order: strict\n",
        "BAD_INDENT", 2, 2, "indent it by 2 spaces, like the lines it belongs with",
    ),
    "key indented too far": Case(
        "a:\n  b: 1\n   c: 2\n", "BAD_INDENT", 3, 4,
        "indent it by 2 spaces, like the lines it belongs with",
    ),
    "duplicated key": Case(
        "a: 1\nb: 2\na: 3\n", "DUPLICATE_KEY", 3, 1,
        "keep one of the two, or rename one if they are different things",
    ),
    "braces never closed": Case(
        "a: {b: 1\n", "SYNTAX", 2, 1,
        "close the braces with '}' and separate the entries with ', '",
    ),
    "quote never closed": Case(
        'a: "x\n', "SYNTAX", 1, 4, "end the text with the same quote mark it starts with"
    ),
    "a second ': ' in a value": Case(
        "name: Acme: sales\n", "SYNTAX", 1, 11, 'put the value in quotes: "Acme: sales"'
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", UNREADABLE.values(), ids=list(UNREADABLE))
def test_an_unreadable_document_is_reported_at_its_mistake(tmp_path: Path, case: Case) -> None:
    error = _report(tmp_path, case.text).load_error

    assert error is not None
    assert (error.code, error.line, error.column, error.hint) == case[1:]
    assert error.detail  # the parser's own words, kept as a detail
    assert error.detail not in error.message


def test_the_parser_words_are_a_detail_not_the_message(tmp_path: Path) -> None:
    error = _report(tmp_path, "a:\n\tb: 1\n").load_error

    assert error is not None
    assert error.message == "line 2 is indented with a tab; YAML indents with spaces only"
    assert error.detail == (
        "found character that cannot start any token "
        "(while scanning for the next token started at line 2, column 1)"
    )


# --- values of a whole scheme: acme.yaml with one value changed ------------------------------


def _acme(old: str, new: str) -> tuple[str, int, int]:
    """acme.yaml with ``old`` (written once) replaced, and the line and column of ``new``."""
    text = ACME.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    changed = text.replace(old, new)
    before = changed[: changed.index(new)]
    return changed, before.count("\n") + 1, len(before) - before.rfind("\n")


VALUES = {
    # Read as {rate: 0, 15: null} by YAML ("Keys should be strings" before): one value.
    "decimal comma in braces": (
        "rate: 0.15}", "rate: 0,15}", "0,15", "DECIMAL_COMMA", "write 0.15",
    ),
    "decimal comma on its own line": (
        "threshold: 0.5 ", "threshold: 0,5 ", "0,5", "DECIMAL_COMMA", "write 0.5",
    ),
    "rate above 1": (
        "rate: 0.15}", "rate: 15}", "15", "RATE_RANGE", "rates are fractions: 15% is written 0.15",
    ),
    "percent string": (
        "rate: 0.15}", "rate: 15%}", "15%", "PERCENT_STRING",
        "rates are fractions: 15% is written 0.15",
    ),
    "quoted percent string": (
        "rate: 0.15}", 'rate: "15%"}', '"15%"', "PERCENT_STRING",
        "rates are fractions: 15% is written 0.15",
    ),
    "attainment above 10": (
        "attainment: 1.2,", "attainment: 120,", "120", "ATTAINMENT_RANGE",
        "attainment is a fraction: 120% is written 1.2",
    ),
    "threshold as a percentage": (
        "threshold: 0.5 ", "threshold: 50 ", "50", "THRESHOLD_RANGE",
        "a threshold is a fraction of the target: 50% is written 0.5",
    ),
    "thousands separator and currency": (
        "base: 45000 ", '"base": "45 000 RUB" ', '"45 000 RUB"', "INVALID_NUMBER",
        "write 45000; the currency is given once, as the scheme's `currency`",
    ),
    "thousands separator": (
        "base: 45000 ", "base: 45 000 ", "45 000", "INVALID_NUMBER", "write 45000",
    ),
    "thousands comma": (
        "base: 45000 ", 'base: "45,000" ', '"45,000"', "INVALID_NUMBER", "write 45000",
    ),
    "date with dots": (
        "effective_from: 2027-01-01", "effective_from: 01.03.2027", "01.03.2027", "DATE_FORMAT",
        "write it as YYYY-MM-DD: 2027-03-01",
    ),
    "misspelt key": (
        "threshold: 0.5 ", "treshold: 0.5 ", "treshold", "UNKNOWN_KEY",
        "did you mean `threshold`?",
    ),
    "misspelt alias": (
        "{from: 600000,", "{form: 600000,", "form", "UNKNOWN_KEY", "did you mean `from`?",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", VALUES.values(), ids=list(VALUES))
def test_a_mistaken_value_is_reported_at_the_value_with_a_hint(
    tmp_path: Path, case: tuple[str, str, str, str, str]
) -> None:
    old, new, value, code, hint = case
    text, line, column = _acme(old, new)
    column += new.index(value)

    report = _report(tmp_path, text)

    assert report.load_error is None
    assert [(f.code, f.line, f.column, f.hint) for f in report.findings] == [
        (code, line, column, hint)
    ]


def test_messages_name_the_mistake_in_words() -> None:
    cases = {
        ("rate: 0.15}", "rate: 0,15}"): "the rate '0,15' is written with a decimal comma",
        ("rate: 0.15}", "rate: 15}"): "the rate 15 is above the largest allowed, 1",
        ("rate: 0.15}", "rate: 15%}"): "the rate '15%' is written as a percentage",
        ("attainment: 1.2,", "attainment: 120,"): (
            "the attainment 120 is above the largest allowed, 10"
        ),
        ("base: 45000 ", "base: 45 000 RUB "): (
            "the amount '45 000 RUB' has a currency in it; a number is digits only"
        ),
        ("effective_from: 2027-01-01", "effective_from: 01.03.2027"): (
            "the date '01.03.2027' is not written YYYY-MM-DD"
        ),
        ("threshold: 0.5 ", "treshold: 0.5 "): "unknown key 'treshold'",
    }
    for (old, new), message in cases.items():
        text, _, _ = _acme(old, new)
        with pytest.raises(SchemeError) as raised:
            parse_scheme(parse_document(text, "yaml").data)
        assert [f.message for f in raised.value.findings] == [message]


def test_an_attainment_of_ten_is_allowed(tmp_path: Path) -> None:
    text, _, _ = _acme("attainment: 1.2,", "attainment: 10,")  # 1000%: the most there is

    assert _report(tmp_path, text).findings == []


def test_an_unknown_key_with_no_close_match_lists_the_keys_allowed(tmp_path: Path) -> None:
    text, line, column = _acme("{from: 600000,", "{start: 600000,")
    column += 1

    (finding,) = _report(tmp_path, text).findings

    assert (finding.code, finding.line, finding.column) == ("UNKNOWN_KEY", line, column)
    assert finding.hint == "the keys allowed here are: from, from_attainment, rate"


def test_a_us_date_that_could_be_either_says_both(tmp_path: Path) -> None:
    text, _, _ = _acme("effective_from: 2027-01-01", "effective_from: 03/01/2027")

    (finding,) = _report(tmp_path, text).findings

    assert finding.code == "DATE_FORMAT"
    assert finding.hint == (
        "write it as YYYY-MM-DD: 2027-01-03 if it is day 3 of month 1, 2027-03-01 if it is month 3"
    )


# --- the same through `compcalc validate` ------------------------------------------------------


def _validate(tmp_path: Path, text: str, *options: str) -> tuple[int, str]:
    path = tmp_path / "scheme.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", *options, str(path)])
    return result.exit_code, result.stdout


def test_validate_prints_the_hint_under_the_finding(tmp_path: Path) -> None:
    text, line, _ = _acme("rate: 0.15}", "rate: 15}")

    code, out = _validate(tmp_path, text)

    assert code == 1
    assert out.splitlines()[:2] == [
        f"{tmp_path}/scheme.yaml:{line}:33: error RATE_RANGE: the rate 15 is above the largest "
        "allowed, 1 (at departments.sales.roles.rep.commission[0].tiers[0].rate)",
        "    hint: rates are fractions: 15% is written 0.15",
    ]


def test_validate_reports_a_tab_at_the_tab(tmp_path: Path) -> None:
    text, line, _ = _acme("        base: 45000 ", "\tbase: 45000 ")

    code, out = _validate(tmp_path, text)

    assert code == 2
    assert out.splitlines()[:2] == [
        f"{tmp_path}/scheme.yaml:{line}:1: error TAB_INDENT: line {line} is indented with a tab; "
        "YAML indents with spaces only",
        "    hint: replace the tab with spaces, as many as the lines around it have",
    ]


def test_validate_json_github_and_sarif_carry_the_hint(tmp_path: Path) -> None:
    text, line, _ = _acme("rate: 0.15}", "rate: 0,15}")
    hint = "write 0.15"

    _, out = _validate(tmp_path, text, "--format", "json")
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert (finding["code"], finding["line"], finding["hint"]) == ("DECIMAL_COMMA", line, hint)

    _, out = _validate(tmp_path, text, "--format", "github")
    assert out.splitlines()[0].endswith(f"rate)%0Ahint: {hint}")

    _, out = _validate(tmp_path, text, "--format", "sarif")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["message"]["text"].endswith(f"\nhint: {hint}")


def test_validate_json_keeps_the_parser_words_in_data(tmp_path: Path) -> None:
    code, out = _validate(tmp_path, "a:\n  b:\n    c: 1\n   d: 2\n", "--format", "json")

    assert code == 2
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert (finding["code"], finding["line"], finding["column"]) == ("BAD_INDENT", 4, 4)
    assert finding["message"] == "the key `d` is not in line with the keys it belongs with"
    assert finding["hint"] == "indent it by 4 spaces, like the lines it belongs with"
    assert finding["data"] == {
        "parser": "did not find expected key (while parsing a block mapping started at line 2, "
        "column 3)"
    }


@pytest.mark.parametrize(
    ("old", "new", "code", "message"),
    [
        (
            "tiers: [{from: 0, rate: 0.015}]", "tiers: {from: 0, rate: 0.015}", "INVALID_TYPE",
            "a list is expected here: items each on a line starting '- ', or in [ ]",
        ),
        (
            "tiers: [{from: 0, rate: 0.015}]", "tiers: []", "INVALID_LENGTH",
            "the list is empty; it needs at least one item",
        ),
        (
            "tiers: [{from: 0, rate: 0.015}]", "tiers: [0.015]", "INVALID_TYPE",
            "keys with their values are expected here, not a single value or a list",
        ),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_kind_says_what_is_expected(
    tmp_path: Path, old: str, new: str, code: str, message: str
) -> None:
    text, line, _ = _acme(old, new)

    (finding,) = _report(tmp_path, text).findings

    assert (finding.code, finding.message) == (code, message)
    assert finding.line == line
