"""The JSON Schema of a scheme file (``compcalc schema``, committed as schemas/scheme.schema.json)
checked with a real validator: every example scheme passes, the invalid examples it can express
fail at the element the rule language names, and it never refuses a scheme the rule language
accepts.

Files are read with the project's own loader, which gives what an editor's YAML language
server validates: dates as the text ``2027-01-01`` (YAML 1.2 has no date type), numbers as
numbers, quoted values as strings.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from typer.testing import CliRunner

from app.cli import cli
from app.engine import Scheme, SchemeError, parse_scheme
from app.engine.money import CURRENCY_MINOR_UNITS, NumberRefused, to_decimal
from app.engine.valueschemas import UNSIGNED_NUMBER_TEXT
from app.io.read.documents import load_document

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "schemas" / "scheme.schema.json"
EXAMPLES = REPO / "examples"
MODELINE = "# yaml-language-server: $schema=../schemas/scheme.schema.json"


def _is_scheme(path: Path) -> bool:
    data = load_document(path, max_bytes=10_000_000).data
    return isinstance(data, dict) and "departments" in data


#: Every scheme file directly in examples/ (not the rosters, deals or the policy file).
VALID = sorted(
    p
    for p in [*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.yml"), *EXAMPLES.glob("*.json")]
    if _is_scheme(p)
)
INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))

Path_ = tuple[str | int, ...]
_ROLES = ("departments", "sales", "roles")
_SALES_RULE = (*_ROLES, "rep", "commission", 0)
_CLIENT_TIER = ("departments", "clients", "roles", "rep", "commission", 0, "tiers", 0)

#: The invalid examples whose defect the schema expresses: the element its error is at and the
#: keyword that refuses it. The rule language names the same element, or (for a key that is
#: unknown, missing or not a name) the key inside it.
EXPRESSED: dict[str, tuple[Path_, str]] = {
    "AMOUNT_TOO_LARGE": ((*_SALES_RULE, "cap"), "anyOf"),  # 1e400 > 10^13
    "ATTAINMENT_RANGE": ((*_ROLES, "rep", "bonuses", 0, "attainment"), "anyOf"),  # 120 > 10
    "CAP_RANGE": (
        ("departments", "development", "roles", "key_account", "commission", 0, "cap_multiple"),
        "anyOf",  # 200 > 100
    ),
    "DATE_FORMAT": (("effective_from",), "pattern"),  # 01.01.2027 is not YYYY-MM-DD
    "DECIMAL_COMMA": ((*_SALES_RULE, "tiers", 0, "rate"), "anyOf"),  # the text "0,15"
    "INVALID_LENGTH": (
        ("departments", "clients", "roles", "rep", "commission", 0, "tiers"),
        "minItems",
    ),
    "INVALID_NAME": (_ROLES, "pattern"),  # propertyNames: the role "Rep"
    "INVALID_NUMBER": ((*_ROLES, "rep", "base"), "anyOf"),  # "45 000 RUB"
    "INVALID_TYPE": (("departments", "clients", "roles", "rep", "commission", 0, "tiers"), "type"),
    "INVALID_VALUE": (("departments", "sales", "kind"), "enum"),  # kind: sales
    "MISSING_KEY": (("departments", "clients", "roles", "rep"), "required"),  # no base
    "NEGATIVE_MONEY": ((*_ROLES, "assistant_head", "base"), "anyOf"),  # -55000
    "NOT_A_MAPPING": ((), "type"),  # a list
    "PERCENT_STRING": ((*_CLIENT_TIER, "rate"), "anyOf"),  # the text "1.5%"
    "RATE_RANGE": ((*_CLIENT_TIER, "rate"), "anyOf"),  # 1.5 > 1
    "THRESHOLD_RANGE": ((*_SALES_RULE, "threshold"), "anyOf"),  # 50 > 1
    "TIER_BOUND": ((*_SALES_RULE, "tiers", 1), "oneOf"),  # both from and from_attainment
    "UNKNOWN_CURRENCY": (("currency",), "enum"),  # RUR
    "UNKNOWN_KEY": ((*_ROLES, "rep"), "additionalProperties"),  # comission
}

#: The rule language names the key that is unknown, missing or not a name; the schema, the
#: object that has (or lacks) it.
_KEY_INSIDE = frozenset({"UNKNOWN_KEY", "MISSING_KEY", "INVALID_NAME"})

#: The invalid examples the schema cannot refuse, and why: compcalc validate alone finds them.
NOT_EXPRESSED: dict[str, str] = {
    "BASE_GAP": "compares the bases of two roles",
    "CAP_CONFLICT": "cap and cap_multiple together: a structural check of the whole scheme, "
    "which a stored draft may fail (the API's schema of a draft allows it)",
    "COMMISSION_ORDER": "compares the rates of two roles",
    "COMPARE_WITH_MISSING": "names a role of another department",
    "EARNINGS_ORDER": "computes the pay of two roles",
    "EFFECTIVE_DATES": "compares two dates",
    "MISSING_TARGET": "relates a rule to the role's targets",
    "OVERRIDE_MEASURE": "relates an override to the measures its department is credited with",
    "POLICY_INVALID": "compares a band's minimum with its maximum",
    "POLICY_WEAKENED": "compares the scheme's policy with the organisation's policy file",
    "PRECISION": "the decimals an amount may have depend on the scheme's currency",
    "TIER_ORDER": "compares the starts of consecutive tiers",
}


def _load(path: Path) -> Any:
    return load_document(path, max_bytes=10_000_000).data


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _errors(validator: Any, data: object) -> list[tuple[Path_, str]]:
    return [(tuple(e.absolute_path), e.validator) for e in validator.iter_errors(data)]


def _acme() -> dict[str, Any]:
    data: dict[str, Any] = _load(EXAMPLES / "acme.yaml")
    return data


# --- the committed file --------------------------------------------------------------------


def test_committed_schema_is_what_compcalc_schema_prints() -> None:
    run = CliRunner().invoke(cli, ["schema"])

    assert run.exit_code == 0, run.output
    assert SCHEMA_FILE.is_file(), "schemas/scheme.schema.json is missing: run `make openapi`"
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    if committed != run.stdout:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                run.stdout.splitlines(keepends=True),
                "schemas/scheme.schema.json (committed)",
                "compcalc schema",
                n=2,
            )
        )
        raise AssertionError(f"the schema is out of date: run `make openapi`.\n{diff[:4000]}")


def test_the_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_example_scheme_points_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]

    assert first == MODELINE
    # The modeline's path is relative to the file itself, as yaml-language-server reads it.
    assert (path.parent / "../schemas/scheme.schema.json").resolve() == SCHEMA_FILE


def test_the_examples_are_the_schemes_of_examples() -> None:
    assert {p.name for p in VALID} >= {"acme-draws.yaml", "acme.yaml"}


# --- examples --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_example_scheme_passes(validator: Any, path: Path) -> None:
    data = _load(path)

    # a date is the text an editor sees
    assert re.fullmatch(r"20[0-9]{2}-01-01", data["effective_from"]), data["effective_from"]
    assert _errors(validator, data) == []
    parse_scheme(data)  # and the rule language accepts it too


def _present(codes: dict[str, Any]) -> list[str]:
    return sorted(code for code in codes if (EXAMPLES / "invalid" / f"{code}.yaml").is_file())


def test_every_invalid_example_is_classified() -> None:
    names = {p.stem for p in INVALID}

    assert names - set(EXPRESSED) - set(NOT_EXPRESSED) == set()
    assert not set(EXPRESSED) & set(NOT_EXPRESSED)
    assert len(_present(EXPRESSED)) >= 16
    assert len(_present(NOT_EXPRESSED)) >= 11


@pytest.mark.parametrize("code", _present(EXPRESSED))
def test_invalid_example_fails_at_the_element_the_rule_language_names(
    validator: Any, code: str
) -> None:
    data = _load(EXAMPLES / "invalid" / f"{code}.yaml")
    where, keyword = EXPRESSED[code]

    assert (where, keyword) in _errors(validator, data)
    with pytest.raises(SchemeError) as refused:
        parse_scheme(data)
    (finding,) = refused.value.findings
    assert finding.code == code
    if code in _KEY_INSIDE:
        assert finding.path[:-1] == where
    else:
        assert finding.path == where


@pytest.mark.parametrize("code", _present(NOT_EXPRESSED))
def test_invalid_example_the_schema_cannot_express_passes_it(validator: Any, code: str) -> None:
    data = _load(EXAMPLES / "invalid" / f"{code}.yaml")

    assert _errors(validator, data) == []


# --- values ----------------------------------------------------------------------------------


def _set(data: dict[str, Any], path: Path_, value: object) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    node: Any = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


_BASE = (*_ROLES, "rep", "base")
_RATE = (*_SALES_RULE, "tiers", 0, "rate")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (_RATE, Decimal("1.5")),  # 150%: a rate is a fraction
        (_RATE, 1.5),
        (_RATE, "15%"),
        (_BASE, "45 000 RUB"),
        (_BASE, "45 000"),
        (_BASE, "45000,50"),
        (_BASE, "-45000"),
        (_BASE, -1),
        (_BASE, 10**13 + 1),
        (_BASE, True),
        (_BASE, "NaN"),
        (_BASE, "1_000"),
        (("currency",), "RUR"),
        (("currency",), "rub"),
        (("effective_from",), "2027-3-1"),
        (("effective_from",), "0"),
        (("effective_from",), "2027-01-01T00:00:00"),
        (("effective_from",), 20270101),
        (("rounding",), "down"),
        (("period",), "week"),
        (("key",), "Acme Sales"),
        ((*_SALES_RULE, "mode"), "stepped"),
        ((*_SALES_RULE, "measure"), "revenue"),
        ((*_ROLES, "rep", "bonuses", 0, "attainment"), Decimal("10.5")),
        ((*_SALES_RULE, "threshold"), Decimal("1.01")),
    ],
)
def test_a_value_the_rule_language_refuses_the_schema_refuses_at_its_element(
    validator: Any, path: Path_, value: object
) -> None:
    data = _set(_acme(), path, value)

    assert path in [where for where, _ in _errors(validator, data)]
    with pytest.raises(SchemeError) as refused:
        parse_scheme(data)
    assert [f.path for f in refused.value.findings] == [path]


@pytest.mark.parametrize(
    ("path", "value", "read"),
    [
        (_BASE, "45000.50", Decimal("45000.50")),
        (_BASE, 45000, Decimal(45000)),
        (_BASE, Decimal("45000.5"), Decimal("45000.5")),
        (_BASE, " 4.5E+4\t", Decimal(45000)),
        (_BASE, "+45000", Decimal(45000)),
        (_BASE, "-0", Decimal(0)),
        (_BASE, 10**13, Decimal(10**13)),
        (_RATE, "0.15", Decimal("0.15")),
        (_RATE, ".15", Decimal("0.15")),
        (_RATE, 1, Decimal(1)),
        ((*_ROLES, "rep", "bonuses", 0, "attainment"), 10, Decimal(10)),
    ],
)
def test_a_number_or_its_text_is_accepted_by_both(
    validator: Any, path: Path_, value: object, read: Decimal
) -> None:
    data = _set(_acme(), path, value)

    assert _errors(validator, data) == []
    scheme = parse_scheme(data)
    node: Any = scheme.model_dump(by_alias=True)
    for step in path:
        node = node[step]
    assert node == read


@pytest.mark.parametrize("text", ["0", "86400", "2027-03-08T00:00:00", "2027-3-8", " 2027-03-08"])
def test_a_date_is_only_ever_text_written_yyyy_mm_dd(text: str) -> None:
    # pydantic on its own reads "0" as 1970-01-01 and a midnight timestamp as its day.
    with pytest.raises(SchemeError) as refused:
        parse_scheme(_set(_acme(), ("effective_from",), text))

    (finding,) = refused.value.findings
    assert (finding.code, finding.path) == ("INVALID_VALUE", ("effective_from",))
    assert finding.message == (
        f"{text!r} is not a date: a date is written YYYY-MM-DD, e.g. 2027-03-08"
    )


def _reads_as_a_number_of_zero_or_more(text: str) -> bool:
    try:
        value = to_decimal(text)
    except NumberRefused as exc:  # a number, but beyond what any input may be
        if exc.value is not None:
            return exc.value >= 0
        mantissa = text.strip(" \t").split("e")[0].split("E")[0]
        return not mantissa.startswith("-") or not mantissa.strip("-+0.")
    except ValueError:
        return False
    return value >= 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.+-eE \t,%_x", max_size=12))
def test_the_number_text_pattern_is_exactly_what_the_engine_reads(text: str) -> None:
    number_text = Draft202012Validator({"type": "string", "pattern": UNSIGNED_NUMBER_TEXT})

    assert number_text.is_valid(text) == _reads_as_a_number_of_zero_or_more(text)


# --- the rule language's schemes all pass -------------------------------------------------------

_AMOUNT_KEYS = frozenset({"base", "from", "cap", "amount", "recover_limit"})
_RATE_KEYS = frozenset({"rate", "threshold", "min", "max"})
_ATTAINMENT_KEYS = frozenset({"attainment", "from_attainment"})


def _numbers(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Decimal, Decimal]]:
    """(path, low, high) of every amount, rate and attainment of a scheme."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = (*path, key)
            if isinstance(value, (dict, list)):
                yield from _numbers(value, here)
            elif key in _AMOUNT_KEYS or (path and path[-1] in ("target", "baseline")):
                yield here, Decimal(0), Decimal(10) ** 13
            elif key in _RATE_KEYS:
                yield here, Decimal(0), Decimal(1)
            elif key in _ATTAINMENT_KEYS:
                yield here, Decimal(0), Decimal(10)
            elif key == "cap_multiple":
                yield here, Decimal(0), Decimal(100)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _numbers(value, (*path, index))


def _written(value: Decimal, form: int) -> object:
    """``value`` as a YAML file may hold it: a number, or text the rule language reads."""
    forms: list[object] = [
        value,
        int(value) if value == value.to_integral_value() else value,
        f"{value}",
        f"+{value}",
        f" {value}\t",
        f"{value:E}",
        f"{value:f}".lstrip("0") or "0",
    ]
    return forms[form % len(forms)]


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_every_scheme_the_rule_language_accepts_passes_the_schema(data: st.DataObject) -> None:
    acme = _acme()
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    mutated = acme
    for path, low, high in _numbers(acme):
        value = data.draw(st.decimals(min_value=low, max_value=high, places=2), label=str(path))
        mutated = _set(mutated, path, _written(value, data.draw(st.integers(0, 6))))

    parse_scheme(mutated)  # the rule language accepts it (its cross-field checks aside) ...
    assert _errors(validator, mutated) == []  # ... and so does the schema


# --- what an editor shows ---------------------------------------------------------------------


def _objects(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "object" and isinstance(node.get("properties"), dict):
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{where}/{index}")


def test_every_property_has_a_description_and_an_example(schema: dict[str, Any]) -> None:
    properties = [
        (f"{where}/{name}", prop)
        for where, node in _objects(schema)
        for name, prop in node["properties"].items()
    ]

    assert len(properties) > 60
    undescribed = [where for where, prop in properties if not prop.get("description")]
    assert undescribed == []
    without_example = [where for where, prop in properties if not prop.get("examples")]
    assert without_example == []


def test_amounts_name_their_unit_and_fractions_say_what_1_means(schema: dict[str, Any]) -> None:
    role = schema["$defs"]["Role"]["properties"]
    tier = schema["$defs"]["Tier"]["properties"]

    unit = "in the scheme's currency, in major units (roubles for RUB)"
    assert unit in role["base"]["description"]
    assert role["base"]["examples"] == [45000, "45000.50"]
    assert "a fraction in [0, 1], 0.15 = 15%" in tier["rate"]["description"]
    assert "1.0 = 100%" in tier["from_attainment"]["description"]


def _value(schema: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        found: dict[str, Any] = schema["$defs"][prop["$ref"].removeprefix("#/$defs/")]
        return found
    return prop


def test_enums_bounds_and_patterns(schema: dict[str, Any]) -> None:
    top = schema["properties"]
    defs = schema["$defs"]

    assert top["currency"]["enum"] == sorted(CURRENCY_MINOR_UNITS)
    assert _value(schema, top["rounding"])["enum"] == ["half_up", "half_even"]
    assert top["period"]["const"] == "month"
    assert top["effective_from"]["pattern"] == r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    assert top["effective_from"]["format"] == "date"
    assert re.fullmatch(top["key"]["pattern"], "acme-sales")
    assert top["departments"]["propertyNames"] == {"pattern": "^[a-z][a-z0-9_]{0,39}$"}
    assert defs["DepartmentKind"]["enum"] == ["acquisition", "retention", "development"]
    assert defs["TierMode"]["enum"] == ["marginal", "retroactive"]
    assert defs["Measure"]["enum"] == ["new_revenue", "repeat_revenue", "growth_revenue"]
    number = {"type": "number", "minimum": 0}
    rate = defs["Tier"]["properties"]["rate"]["anyOf"]
    assert {**number, "maximum": 1} in rate
    assert {"type": "string", "pattern": UNSIGNED_NUMBER_TEXT} in [
        {k: v for k, v in option.items() if k != "description"} for option in rate
    ]
    assert {**number, "maximum": 10**13} in defs["Role"]["properties"]["base"]["anyOf"]
    assert {**number, "maximum": 10} in defs["Bonus"]["properties"]["attainment"]["anyOf"]
    rule = defs["CommissionRule"]["properties"]
    assert {**number, "maximum": 100} in rule["cap_multiple"]["anyOf"]


def test_the_schema_of_the_openapi_document_is_the_same(schema: dict[str, Any]) -> None:
    from app.main import openapi_document

    components = json.loads(openapi_document())["components"]["schemas"]
    as_openapi = json.loads(
        json.dumps(schema["$defs"]["Role"]).replace("#/$defs/", "#/components/schemas/")
    )

    assert components["Role"] == as_openapi
    assert Scheme.model_json_schema(by_alias=True)["$defs"]["Role"] == schema["$defs"]["Role"]
