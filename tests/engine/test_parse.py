"""parse_scheme: field-level error codes with their paths, exact numbers, the content hash."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from app.engine import Measure, Scheme, SchemeError, parse_scheme, scheme_hash
from app.engine.parse import canonical_json

Doc = dict[str, Any]
Edit = Callable[[Doc, str, object], Doc]
D = Decimal
REP = "departments.sales.roles.rep"
REP_PATH: tuple[str, ...] = ("departments", "sales", "roles", "rep")
TIER0: tuple[str | int, ...] = (*REP_PATH, "commission", 0, "tiers", 0)


def _errors(document: object) -> list[tuple[str, tuple[str | int, ...]]]:
    with pytest.raises(SchemeError) as caught:
        parse_scheme(document)
    return [(f.code, f.path) for f in caught.value.findings]


@pytest.mark.parametrize(
    ("path", "value", "code", "where"),
    [
        ("surprise", 1, "UNKNOWN_KEY", ("surprise",)),
        (f"{REP}.bonus", [], "UNKNOWN_KEY", (*REP_PATH, "bonus")),
        (f"{REP}.base", -1, "NEGATIVE_MONEY", (*REP_PATH, "base")),
        (f"{REP}.commission.0.cap", -5, "NEGATIVE_MONEY", (*REP_PATH, "commission", 0, "cap")),
        (f"{REP}.commission.0.tiers.0.rate", "1.5", "RATE_RANGE", (*TIER0, "rate")),
        (f"{REP}.commission.0.tiers.0.rate", -0.01, "RATE_RANGE", (*TIER0, "rate")),
        (
            f"{REP}.commission.0.threshold",
            "1.2",
            "THRESHOLD_RANGE",
            (*REP_PATH, "commission", 0, "threshold"),
        ),
        (f"{REP}.base", "45000.001", "PRECISION", (*REP_PATH, "base")),
        # a float with more precision than RUB allows is an error, not silently rounded
        (f"{REP}.base", 0.1 + 0.2, "PRECISION", (*REP_PATH, "base")),
        # 31 significant digits: the extra decimal must not vanish in a 28-digit context; more
        # than 20 decimals is refused as for every decimal input
        (f"{REP}.base", "45000.0000000000000000000000001", "INVALID_NUMBER", (*REP_PATH, "base")),
        (f"{REP}.base", 10**13 + 1, "AMOUNT_TOO_LARGE", (*REP_PATH, "base")),
        (f"{REP}.base", "1e400", "AMOUNT_TOO_LARGE", (*REP_PATH, "base")),
        ("currency", "XYZ", "UNKNOWN_CURRENCY", ("currency",)),
        (f"{REP}.commission.0.tiers.0", {"rate": "0.1"}, "TIER_BOUND", TIER0),
        (
            f"{REP}.commission.0.tiers.0",
            {"from": 0, "from_attainment": 0, "rate": "0.1"},
            "TIER_BOUND",
            TIER0,
        ),
        (f"{REP}.base", "NaN", "INVALID_NUMBER", (*REP_PATH, "base")),
        (f"{REP}.base", "Infinity", "INVALID_NUMBER", (*REP_PATH, "base")),
        (f"{REP}.base", float("nan"), "INVALID_NUMBER", (*REP_PATH, "base")),
        (f"{REP}.base", float("inf"), "INVALID_NUMBER", (*REP_PATH, "base")),
        (f"{REP}.commission.0.tiers.0.rate", "NaN", "INVALID_NUMBER", (*TIER0, "rate")),
        (f"{REP}.commission.0.tiers.0.rate", float("-inf"), "INVALID_NUMBER", (*TIER0, "rate")),
        (f"{REP}.base", True, "INVALID_NUMBER", (*REP_PATH, "base")),
    ],
)
def test_field_error_code_and_path(
    acme_doc: Callable[[], Doc],
    edit: Edit,
    path: str,
    value: object,
    code: str,
    where: tuple[str | int, ...],
) -> None:
    assert _errors(edit(acme_doc(), path, value)) == [(code, where)]


def test_missing_key(acme_doc: Callable[[], Doc]) -> None:
    doc = acme_doc()
    del doc["key"]
    del doc["departments"]["sales"]["roles"]["rep"]["base"]
    assert sorted(_errors(doc)) == [
        ("MISSING_KEY", (*REP_PATH, "base")),
        ("MISSING_KEY", ("key",)),
    ]


def test_all_errors_are_reported_at_once(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = acme_doc()
    edit(doc, f"{REP}.base", -1)
    edit(doc, f"{REP}.commission.0.tiers.1.rate", 2)
    edit(doc, f"{REP}.commission.0.threshold", 3)
    edit(doc, "departments.clients.roles.head.override.rate", "NaN")
    edit(doc, "departments.clients.roles.rep.colour", "red")
    assert sorted(_errors(doc)) == sorted(
        [
            ("NEGATIVE_MONEY", (*REP_PATH, "base")),
            ("RATE_RANGE", (*REP_PATH, "commission", 0, "tiers", 1, "rate")),
            ("THRESHOLD_RANGE", (*REP_PATH, "commission", 0, "threshold")),
            ("INVALID_NUMBER", ("departments", "clients", "roles", "head", "override", "rate")),
            ("UNKNOWN_KEY", ("departments", "clients", "roles", "rep", "colour")),
        ]
    )


def test_precision_follows_the_currency(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # 45 000.5 has 1 decimal: fine in RUB (2), an error in JPY (0)
    rub = parse_scheme(edit(acme_doc(), f"{REP}.base", "45000.5"))
    assert rub.departments["sales"].roles["rep"].base == D("45000.5")
    doc = edit(acme_doc(), "currency", "JPY")
    assert _errors(edit(doc, f"{REP}.base", "45000.5")) == [("PRECISION", (*REP_PATH, "base"))]
    # 1.234 has 3 decimals: fine in KWD (3); trailing zeros do not count (45 000.00 in JPY)
    kwd = parse_scheme(edit(edit(acme_doc(), "currency", "KWD"), f"{REP}.base", "1.234"))
    assert kwd.departments["sales"].roles["rep"].base == D("1.234")
    jpy = parse_scheme(edit(edit(acme_doc(), "currency", "JPY"), f"{REP}.base", "45000.00"))
    assert jpy.departments["sales"].roles["rep"].base == 45000


def test_not_a_mapping() -> None:
    assert _errors([1, 2]) == [("NOT_A_MAPPING", ())]
    assert _errors("scheme") == [("NOT_A_MAPPING", ())]


def test_a_float_becomes_its_decimal_string(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    doc = edit(acme_doc(), f"{REP}.commission.0.tiers.0.rate", 0.1)
    edit(doc, f"{REP}.base", 45000.5)
    parsed = parse_scheme(doc)
    rep = parsed.departments["sales"].roles["rep"]
    rate = rep.commission[0].tiers[0].rate
    assert isinstance(rate, Decimal)
    assert rate == D("0.1")  # not 0.1000000000000000055511151231257827021181583404541015625
    assert str(rate) == "0.1"
    assert rep.base == D("45000.5")


def test_parsed_values(acme_doc: Callable[[], Doc]) -> None:
    parsed = parse_scheme(acme_doc())
    rep = parsed.departments["sales"].roles["rep"]
    assert parsed.minor_units == 2
    assert rep.target == {Measure.NEW_REVENUE: D(600000)}
    assert [t.from_ for t in rep.commission[0].tiers] == [D(0), D(600000)]
    assert rep.commission[0].cap == D(250000)


# --- the content hash ----------------------------------------------------------------


def _hash(doc: Doc) -> str:
    return scheme_hash(parse_scheme(doc))


def _reordered(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


def test_hash_format(acme_doc: Callable[[], Doc]) -> None:
    digest = _hash(acme_doc())
    assert digest.startswith("sha256:")
    assert len(digest) == len("sha256:") + 64


def test_hash_ignores_how_a_scheme_is_written(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    reference = _hash(acme_doc())
    # 45000 vs "45000.00" vs 45000.0 vs "4.5E+4"
    for written in ("45000.00", 45000.0, "4.5E+4", D("45000.0")):
        assert _hash(edit(acme_doc(), f"{REP}.base", written)) == reference
    # keys in another order at every level
    assert _hash(_reordered(acme_doc())) == reference
    # defaults spelled out
    spelled = acme_doc()
    spelled["policy"] = {
        "base_gap": {"enabled": True, "min": "0.40", "max": "0.5"},
        "commission_order": "strict",
        "earnings_order": {"enabled": True, "attainment": 1, "statistic": "median"},
        "structure": {"enabled": True, "reps": [4, 5], "heads": [1, 2]},
    }
    spelled["calendar"]["working_weekends"] = []
    clients_rep = spelled["departments"]["clients"]["roles"]["rep"]
    clients_rep["commission"][0]["mode"] = "marginal"
    clients_rep["bonuses"] = []
    clients_rep["compare"] = True
    spelled["departments"]["sales"]["roles"]["head"]["override"]["label"] = None
    assert _hash(spelled) == reference


def test_hash_changes_with_the_rules(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    reference = _hash(acme_doc())
    assert _hash(edit(acme_doc(), f"{REP}.commission.0.tiers.1.rate", "0.21")) != reference
    assert _hash(edit(acme_doc(), f"{REP}.base", 45001)) != reference
    assert _hash(edit(acme_doc(), "rounding", "half_even")) != reference


def test_hash_sees_every_digit(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    # 0.15 and 0.15 + 10^-20 are different rates (20 decimals: the most an input decimal has,
    # docs/rules.md "Numbers"); a rate with 31 decimals is refused rather than rounded
    reference = _hash(acme_doc())
    longer = "0.15000000000000000001"
    assert _hash(edit(acme_doc(), f"{REP}.commission.0.tiers.0.rate", longer)) != reference
    too_long = "0.1500000000000000000000000000001"
    with pytest.raises(SchemeError) as caught:
        parse_scheme(edit(acme_doc(), f"{REP}.commission.0.tiers.0.rate", too_long))
    assert [f.code for f in caught.value.findings] == ["INVALID_NUMBER"]


def test_canonical_json_is_sorted_and_normalised(acme_doc: Callable[[], Doc], edit: Edit) -> None:
    text = canonical_json(parse_scheme(edit(acme_doc(), f"{REP}.base", "45000.00")))
    assert '"base":"45000"' in text
    assert '"rate":"0.15"' in text
    assert text.index('"currency"') < text.index('"departments"') < text.index('"key"')


def test_hash_is_carried_by_an_equal_scheme_object(scheme: Callable[[Doc], Scheme]) -> None:
    doc = {
        "key": "k",
        "name": "n",
        "currency": "RUB",
        "effective_from": "2027-01-01",
        "departments": {"sales": {"kind": "acquisition", "roles": {"rep": {"base": 1}}}},
    }
    assert scheme_hash(scheme(doc)) == scheme_hash(scheme(dict(doc)))
