"""Scheme documents: YAML 1.2 scalars, exact decimals, positions, and every refusal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Finding
from app.io.read.documents import (
    LOCATED_CHARS,
    MAX_ARRAYS,
    MAX_RUN,
    DocumentError,
    Format,
    load_document,
    parse_document,
)
from app.io.read.positions import locate
from app.io.read.yamlnodes import MAX_NODES


def data(text: str, fmt: str = "yaml") -> object:
    assert fmt in ("yaml", "json")
    return parse_document(text, "yaml" if fmt == "yaml" else "json").data


def refused(text: str, fmt: str = "yaml", max_nodes: int = MAX_NODES) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse_document(text, "yaml" if fmt == "yaml" else "json", name="f", max_nodes=max_nodes)
    return caught.value


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("45000", 45000),
        ("-3", -3),
        ("0x1F", 31),
        ("0o17", 15),
        ("0.15", Decimal("0.15")),
        ("1.50", Decimal("1.50")),
        ("1e400", Decimal("1E+400")),
        ("2.5E-3", Decimal("0.0025")),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("yes", "yes"),  # YAML 1.1 booleans are plain strings in YAML 1.2
        ("on", "on"),
        ("2027-01-01", "2027-01-01"),  # dates stay text: the rule models parse them
        ("1:20", "1:20"),  # no sexagesimal numbers
        ("45 000", "45 000"),
        ("'0.15'", "0.15"),  # quoted scalars are strings
        ('"true"', "true"),
        ("!!str 45000", "45000"),
        ("!!float 1", Decimal("1")),
        ("!!int 7", 7),
    ],
)
def test_plain_scalars_follow_yaml_1_2_and_numbers_are_exact(scalar: str, value: object) -> None:
    result = data(f"a: {scalar}\n")

    assert result == {"a": value}
    assert not isinstance(result, dict) or type(result["a"]) is type(value)


@pytest.mark.parametrize("scalar", [".nan", ".NaN", ".inf", "-.inf", "+.INF", "!!float .nan"])
def test_non_finite_numbers_are_refused(scalar: str) -> None:
    error = refused(f"a: 1\nb: {scalar}\n")

    assert (error.code, error.line, error.column) == ("INVALID_NUMBER", 2, 4)


@pytest.mark.parametrize("text", ["a: 1e99999", "a: !!int 1.5", "a: !!float abc"])
def test_numbers_out_of_range_or_not_matching_their_tag(text: str) -> None:
    assert refused(text).code == "INVALID_NUMBER"


def test_duplicate_keys_point_at_the_second_one() -> None:
    error = refused("a:\n  b: 1\n  c: 2\n  b: 3\n")

    assert (error.code, error.line, error.column) == ("DUPLICATE_KEY", 4, 3)
    assert error.message == "the key 'b' is written twice here; it is first on line 2"
    assert error.detail == "first at line 2, column 3"
    assert str(error) == f"f:4:3: DUPLICATE_KEY: {error.message}"


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("a: !foo x\n", "UNSUPPORTED_TAG", (1, 4)),
        ("a: !!binary aGk=\n", "UNSUPPORTED_TAG", (1, 4)),
        ("a: !!python/object:os.system x\n", "UNSUPPORTED_TAG", (1, 4)),
        ("? [a, b]\n: 1\n", "INVALID_KEY", (1, 3)),
        ("a: &x [1, *x]\n", "TOO_DEEP", (1, 4)),
        ("a: [1, 2\nb: 3\n", "SYNTAX", (2, 2)),
        ("a: 1\n---\nb: 2\n", "SYNTAX", (2, 1)),
        ("a:\n\tb: 1\n", "TAB_INDENT", (2, 1)),
    ],
)
def test_refusals_carry_code_and_position(text: str, code: str, position: tuple[int, int]) -> None:
    error = refused(text)

    assert (error.code, (error.line, error.column)) == (code, position)


def test_billion_laughs_is_stopped_by_the_value_cap() -> None:
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for name, previous in zip("bcdefgh", "abcdefg", strict=True):
        text += f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]\n"

    error = refused(text, max_nodes=10_000)

    assert error.code == "TOO_MANY_VALUES"
    assert "more than 10,000 values" in error.message


def test_deep_nesting_is_refused() -> None:
    assert refused("[" * 2000 + "]" * 2000).code == "SYNTAX"
    text = "".join(f"k{i}: &k{i} [*k{i - 1}]\n" for i in range(1, 150))
    assert refused("k0: &k0 [1]\n" + text).code == "TOO_DEEP"


def test_merge_keys_let_explicit_keys_win_and_keep_their_positions() -> None:
    document = parse_document(
        "defaults: &d {base: 1, headcount: 4}\nrep:\n  <<: *d\n  base: 2\n", "yaml"
    )

    assert document.data == {
        "defaults": {"base": 1, "headcount": 4},
        "rep": {"base": 2, "headcount": 4},
    }
    assert document.positions.values[("rep", "base")] == (4, 9)
    assert document.positions.values[("rep", "headcount")] == (1, 35)
    assert document.positions.values[("rep",)] == (2, 1)


def test_positions_of_values_keys_and_list_items() -> None:
    text = "departments:\n  sales:\n    roles:\n      rep: {base: 45000, tiers: [{rate: 0.1}]}\n"

    positions = parse_document(text, "yaml").positions

    assert positions.values[()] == (1, 1)
    assert positions.values[("departments", "sales")] == (2, 3)  # a mapping: its key
    assert positions.values[("departments", "sales", "roles", "rep", "base")] == (4, 19)
    assert positions.keys[("departments", "sales", "roles", "rep", "base")] == (4, 13)
    tier = ("departments", "sales", "roles", "rep", "tiers", 0)
    assert positions.values[tier] == (4, 34)
    assert positions.values[(*tier, "rate")] == (4, 41)


def test_locate_exact_ancestor_and_key() -> None:
    positions = parse_document("a:\n  b:\n    c: 1\n    typo: 2\n", "yaml").positions
    findings = [
        Finding("RATE_RANGE", "error", ("a", "b", "c"), "exact"),
        Finding("MISSING_KEY", "error", ("a", "b", "rate"), "missing: the mapping b"),
        Finding("UNKNOWN_KEY", "error", ("a", "b", "typo"), "the key itself"),
        Finding("NOT_A_MAPPING", "error", (), "the root"),
        Finding("X", "error", ("nowhere", 3), "unknown path: the root"),
    ]

    located = [(f.line, f.column) for f in locate(findings, positions)]

    assert located == [(3, 8), (2, 3), (4, 5), (1, 1), (1, 1)]


def test_json_numbers_are_decimals_and_positions_come_from_the_text() -> None:
    document = parse_document('{"a": 0.1,\n "b": [1, 2.50e2],\n "c": null}', "json")

    assert document.data == {"a": Decimal("0.1"), "b": [1, Decimal("250")], "c": None}
    assert isinstance(document.data, dict) and isinstance(document.data["a"], Decimal)
    assert document.positions.values[("b", 1)] == (2, 11)


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ('{"a": NaN}', "INVALID_NUMBER", (1, 7)),
        ('{"label": "NaN",\n "a": -Infinity}', "INVALID_NUMBER", (2, 7)),
        ('{"a": 1e99999}', "INVALID_NUMBER", (1, 7)),
        ('{"a": 1, "a": 2}', "DUPLICATE_KEY", (1, 10)),
        ('{"a": 1,}', "SYNTAX", (1, 9)),
        ('{"a": ' + "9" * 5000 + "}", "INVALID_NUMBER", (1, 7)),
    ],
)
def test_json_refusals(text: str, code: str, position: tuple[int, int]) -> None:
    error = refused(text, "json")

    assert (error.code, (error.line, error.column)) == (code, position)


def test_json_1e400_is_an_exact_decimal() -> None:
    assert data('{"a": 1e400}', "json") == {"a": Decimal("1E+400")}


def test_bom_is_accepted_and_other_encodings_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_document(path, max_bytes=100).data == {"a": 1}

    path.write_bytes("a: 1\n".encode("utf-16"))
    with pytest.raises(DocumentError) as caught:
        load_document(path, max_bytes=100)
    assert caught.value.code == "ENCODING"
    assert caught.value.message.endswith("the file looks like UTF-16: save it as UTF-8")


def test_size_limit_and_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("a: 12345\n", encoding="utf-8")
    assert load_document(path, max_bytes=9).data == {"a": 12345}

    with pytest.raises(DocumentError) as caught:
        load_document(path, max_bytes=8)
    assert (caught.value.code, caught.value.message) == (
        "TOO_LARGE",
        "the file is 9 bytes; the limit is 8 bytes",
    )

    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path, max_bytes=8)
    assert caught.value.code == "UNSUPPORTED_FORMAT"

    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    with pytest.raises(DocumentError) as caught:
        load_document(folder, max_bytes=8)
    assert (caught.value.code, caught.value.message) == (
        "UNREADABLE",
        "is a directory, not a file",
    )


def test_empty_document_is_none() -> None:
    assert data("") is None
    assert data("# just a comment\n") is None


def test_json_values_are_located_up_to_a_length_and_not_beyond() -> None:
    def located(padding: int) -> bool:
        text = '{"pad": "' + "x" * padding + '", "rate": 0.15}'
        return parse_document(text, "json").positions.values.get(("rate",)) is not None

    assert located(LOCATED_CHARS - 100)
    assert not located(LOCATED_CHARS)


def test_a_json_number_problem_in_a_long_text_has_no_line() -> None:
    short = '{"a": 1e99999}'
    long = '{"pad": "' + "x" * LOCATED_CHARS + '", "a": 1e99999}'

    with pytest.raises(DocumentError) as near:
        parse_document(short, "json")
    with pytest.raises(DocumentError) as far:
        parse_document(long, "json")
    assert (near.value.code, near.value.line, near.value.column) == ("INVALID_NUMBER", 1, 7)
    assert (far.value.code, far.value.line) == ("INVALID_NUMBER", None)


def test_json_values_are_counted_while_decoding() -> None:
    with pytest.raises(DocumentError) as objects:
        parse_document("[" + ",".join(["{}"] * 11) + "]", "json", max_nodes=10)
    with pytest.raises(DocumentError) as numbers:
        parse_document("[" + ",".join(["1.5", "2"] * 6) + "]", "json", max_nodes=10)
    with pytest.raises(DocumentError) as arrays:
        parse_document("[" * (MAX_ARRAYS + 1), "json")

    assert objects.value.code == numbers.value.code == arrays.value.code == "TOO_MANY_VALUES"
    assert "more than 10 objects and numbers" in objects.value.message
    assert f"more than {MAX_ARRAYS:,} arrays" in arrays.value.message
    assert parse_document("[" + ",".join(["{}"] * 10) + "]", "json", max_nodes=10).data == [{}] * 10


def test_a_mapping_of_too_many_members_is_refused_in_json_and_yaml() -> None:
    members = ", ".join(f'"k{n}": 1' for n in range(10_001))
    formats: tuple[Format, ...] = ("json", "yaml")
    for fmt in formats:
        with pytest.raises(DocumentError) as refused:
            parse_document("{" + members + "}", fmt)
        assert refused.value.code == "TOO_MANY_VALUES"
        assert "more than 10,000 members" in refused.value.message
    kept = parse_document("{" + members.rpartition(",")[0] + "}", "json").data
    assert isinstance(kept, dict) and len(kept) == 10_000


def test_an_array_of_too_many_scalars_is_refused_before_it_is_decoded() -> None:
    pad = '"pad": "' + "y" * 1_100_000 + '"'  # past the size from which arrays are measured

    def body(count: int) -> str:
        return '{"ids": [' + ",".join(['"C-1"'] * count) + "], " + pad + "}"

    kept = parse_document(body(MAX_RUN), "json", positions=False).data
    assert isinstance(kept, dict) and len(kept["ids"]) == MAX_RUN
    with pytest.raises(DocumentError) as refused:
        parse_document(body(MAX_RUN + 1), "json", positions=False)
    assert refused.value.code == "TOO_MANY_VALUES"
    assert f"an array holds more than {MAX_RUN:,} values" in refused.value.message
