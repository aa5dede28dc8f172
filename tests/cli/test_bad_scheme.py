"""Bad scheme files: each gets a clear message with its position and a non-zero exit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, write_file


def test_unparseable_yaml_reports_line_and_column(tmp_path: Path, compcalc: Invoke) -> None:
    path = write_file(tmp_path, "s.yaml", "key: a\ndepartments: {sales: [1, 2}\n")

    run = compcalc("validate", path)

    assert run.exit_code == 2
    assert run.stdout.splitlines()[:2] == [
        f"{path}:2:27: error SYNTAX: the brackets '[…]' opened on line 2 are not closed, or two "
        "items have no ',' between them",
        "    hint: close the brackets with ']' and separate the items with ', '",
    ]


def test_unparseable_json_reports_line_and_column(tmp_path: Path, compcalc: Invoke) -> None:
    path = write_file(tmp_path, "s.json", '{\n  "key": "a",\n  "name": }\n')

    run = compcalc("validate", path)

    assert run.exit_code == 2
    assert run.stdout.startswith(f"{path}:3:11: error SYNTAX: Expecting value\n")


@pytest.mark.parametrize("content", ["- key: a\n- key: b\n", "just text\n", "42\n"])
def test_document_that_is_not_a_mapping_is_a_rule_error(
    tmp_path: Path, compcalc: Invoke, content: str
) -> None:
    path = write_file(tmp_path, "s.yaml", content)

    run = compcalc("validate", path)

    assert run.exit_code == 1
    assert run.stdout.startswith(
        f"{path}:1:1: error NOT_A_MAPPING: a scheme must be a mapping of keys, not a"
    )
    assert run.stdout.endswith("\n1 file, 1 error, 0 warnings\n")


def test_empty_document_is_not_a_mapping(tmp_path: Path, compcalc: Invoke) -> None:
    path = write_file(tmp_path, "s.yaml", "# nothing but a comment\n")

    run = compcalc("validate", path)

    assert run.exit_code == 1
    assert "error NOT_A_MAPPING: the document is empty" in run.stdout


def test_duplicate_yaml_keys_name_both_positions(
    tmp_path: Path, compcalc: Invoke, acme_text: str
) -> None:
    path = write_file(tmp_path, "s.yaml", acme_text.replace("period: month", "currency: EUR", 1))

    run = compcalc("validate", path)

    assert run.exit_code == 2
    assert run.stdout.splitlines()[:2] == [
        f"{path}:11:1: error DUPLICATE_KEY: the key 'currency' is written twice here; it is "
        "first on line 9",
        "    hint: keep one of the two, or rename one if they are different things",
    ]


def test_duplicate_json_keys_are_refused(tmp_path: Path, compcalc: Invoke) -> None:
    path = write_file(tmp_path, "s.json", '{"key": "a",\n "key": "b"}')

    run = compcalc("validate", path)

    assert run.exit_code == 2
    assert run.stdout.startswith(
        f"{path}:2:2: error DUPLICATE_KEY: the key 'key' is written twice in one object\n"
    )


@pytest.mark.parametrize(
    ("name", "value", "where", "shown"),
    [
        ("s.yaml", ".nan", "55:15", ".nan"),
        ("s.yaml", ".inf", "55:15", ".inf"),
        ("s.yaml", "-.Inf", "55:15", "-.Inf"),
        ("s.json", "NaN", "", "NaN"),
        ("s.json", "Infinity", "", "Infinity"),
    ],
)
def test_non_finite_numbers_are_refused_with_their_position(
    tmp_path: Path, compcalc: Invoke, acme_text: str, name: str, value: str, where: str, shown: str
) -> None:
    if name.endswith(".yaml"):
        text = acme_text.replace("base: 45000 ", f"base: {value} ", 1)
    else:
        text = '{"key": "a",\n  "base": ' + value + "}"
        where = "2:11"
    path = write_file(tmp_path, name, text)

    run = compcalc("validate", path)

    assert run.exit_code == 2
    assert run.stdout.splitlines()[0] == (
        f"{path}:{where}: error INVALID_NUMBER: {shown} is not a finite number; amounts "
        "and rates must be decimals"
    )


@pytest.mark.parametrize("name", ["s.yaml", "s.json"])
def test_1e400_is_read_exactly_and_refused_as_too_large(
    tmp_path: Path, compcalc: Invoke, acme_text: str, name: str
) -> None:
    text = acme_text.replace("base: 45000 ", "base: 1e400 ", 1)
    if name.endswith(".json"):
        from app.io.read.documents import parse_document

        data = parse_document(text, "yaml").data
        text = json.dumps(data, default=str).replace('"1E+400"', "1e400")
    path = write_file(tmp_path, name, text)

    run = compcalc("validate", "--format", "json", path)

    assert run.exit_code == 1
    findings = json.loads(run.stdout)["files"][0]["findings"]
    assert [(f["code"], f["path"], f["message"]) for f in findings] == [
        (
            "AMOUNT_TOO_LARGE",
            "departments.sales.roles.rep.base",
            "amount 1E+400 is larger than 10^13",
        )
    ]


def test_more_decimals_than_the_currency_has_is_an_error_not_rounding(
    tmp_path: Path, compcalc: Invoke, acme_text: str
) -> None:
    path = write_file(tmp_path, "s.yaml", acme_text.replace("base: 45000 ", "base: 45000.001 ", 1))

    run = compcalc("validate", path)

    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == (
        f"{path}:55:15: error PRECISION: amount 45000.001 has more decimals than the currency "
        "allows (2) (at departments.sales.roles.rep.base)"
    )


def test_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, compcalc: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # a sparse 50 MB file: no disk, no memory
        handle.truncate(50 * 1024 * 1024)
    monkeypatch.setenv("COMPCALC_MAX_SCHEME_BYTES", "1000000")

    run = compcalc("validate", str(path))

    assert run.exit_code == 2
    assert run.stdout.splitlines()[0] == (
        f"{path}: error TOO_LARGE: the file is 52,428,800 bytes; the limit is 1,000,000 bytes "
        "(raise it with COMPCALC_MAX_SCHEME_BYTES)"
    )


def test_default_size_limit_applies_without_configuration(
    tmp_path: Path, compcalc: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPCALC_MAX_SCHEME_BYTES", raising=False)
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)

    run = compcalc("validate", str(path))

    assert run.exit_code == 2
    assert "the limit is 2,097,152 bytes" in run.stdout


def test_invalid_configuration_is_reported_without_traceback(
    compcalc: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPCALC_MAX_SCHEME_BYTES", "lots")

    run = compcalc("validate", "examples/acme.yaml")

    assert run.exit_code == 2
    assert "invalid configuration in the COMPCALC_* environment variables" in run.stderr


def test_non_utf8_bytes_are_reported_with_offset_and_line(tmp_path: Path, compcalc: Invoke) -> None:
    path = write_file(tmp_path, "s.yaml", "key: a\nname: Acme \xe9t\xe9\n".encode("latin-1"))

    run = compcalc("validate", path)

    assert run.exit_code == 2
    assert run.stdout.splitlines()[0] == (
        f"{path}:2:12: error ENCODING: byte 0xE9 at offset 18 is not valid UTF-8; save the "
        "file as UTF-8"
    )


def test_unsupported_file_type_is_unreadable(tmp_path: Path, compcalc: Invoke) -> None:
    path = write_file(tmp_path, "s.toml", "key = 'a'\n")

    run = compcalc("validate", path)

    assert run.exit_code == 2
    assert "error UNSUPPORTED_FORMAT: expected a .yaml, .yml or .json file" in run.stdout


def test_directory_skips_hidden_entries(tmp_path: Path, compcalc: Invoke, acme_text: str) -> None:
    write_file(tmp_path, "acme.yml", acme_text)
    (tmp_path / ".github").mkdir()
    write_file(tmp_path / ".github", "ci.yaml", "on: push\n")
    write_file(tmp_path, "notes.txt", "not a scheme")

    run = compcalc("validate", str(tmp_path))

    assert run.exit_code == 0
    assert run.stdout == "1 file, 0 errors, 0 warnings\n"


def test_unreadable_file_is_reported(tmp_path: Path, compcalc: Invoke) -> None:
    path = write_file(tmp_path, "s.yaml", "key: a\n")
    os.chmod(path, 0)
    if os.access(path, os.R_OK):  # root reads anything
        pytest.skip("running as a user who can read any file")

    run = compcalc("validate", path)

    assert run.exit_code == 2
    assert "error UNREADABLE: cannot read the file: Permission denied" in run.stdout
