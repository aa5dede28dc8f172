"""The limits the docs state are the limits the code enforces.

docs/reliability.md holds the table rendered by ``app.api.limits``; the settings tables of
the README, docs/api.md and docs/cli.md give defaults by hand, each checked against
:class:`~app.settings.Settings`; every test the table names exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.api import limits
from app.api.errors import MAX_ERRORS, MAX_PROBLEM_BYTES
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = Settings.model_construct()
UNITS = {"KiB": 1024, "MiB": 1024 * 1024}


def test_the_limits_table_is_the_one_the_code_renders() -> None:
    text = (ROOT / "docs" / "reliability.md").read_text("utf-8")

    assert limits.render() in text, "run: .venv/bin/python -m app.api.limits --write"


def test_a_limit_follows_its_setting() -> None:
    small = Settings.model_construct(max_yaml_bytes=1024, max_employees=7)
    rows = {row.what: row for row in limits.limits(small)}

    assert rows["YAML body (any operation)"].value == "1 KiB"
    assert rows["employees per request over HTTP"].value == "7"


def test_every_test_the_table_names_exists() -> None:
    sources = "\n".join(p.read_text("utf-8") for p in (ROOT / "tests").rglob("*.py"))
    for row in limits.limits():
        for name in re.findall(r"`([^`]+)`", row.test):
            path, _, function = name.partition("::")
            if path.startswith("tests"):
                assert (ROOT / path).exists(), name
                if function:
                    assert f"def {function}(" in (ROOT / path).read_text("utf-8"), name
            else:
                assert f"def {name}(" in sources, name


def _value(cell: str) -> int | None:
    """The number a defaults cell gives: ``262144``, ``256 KiB`` or ``100 000``."""
    cell = cell.strip().strip("`")
    if found := re.fullmatch(r"`?([0-9]+)`? \(([0-9]+) ([KM]iB)\)", cell):
        raw, size, unit = found.groups()
        assert int(raw) == int(size) * UNITS[unit], cell
        return int(raw)
    if found := re.fullmatch(r"([0-9]+) ([KM]iB)", cell):
        return int(found.group(1)) * UNITS[found.group(2)]
    if re.fullmatch(r"[0-9][0-9 ]*", cell):
        return int(cell.replace(" ", ""))
    return None


@pytest.mark.parametrize("doc", ["README.md", "docs/api.md", "docs/cli.md"])
def test_the_settings_tables_give_the_defaults_of_the_code(doc: str) -> None:
    checked = 0
    for line in (ROOT / doc).read_text("utf-8").splitlines():
        found = re.match(r"\|\s*`COMPCALC_([A-Z_]+)`\s*\|([^|]+)\|", line)
        if found is None:
            continue
        field = found.group(1).lower()
        value = _value(found.group(2))
        if value is None or not isinstance(getattr(DEFAULTS, field, None), int):
            continue
        assert value == getattr(DEFAULTS, field), (doc, line)
        checked += 1
    assert checked >= 2, doc  # the tables were found


def test_the_api_guide_quotes_the_limits_of_the_code() -> None:
    text = " ".join((ROOT / "docs" / "api.md").read_text("utf-8").split())

    assert f"(`COMPCALC_MAX_YAML_BYTES`, {DEFAULTS.max_yaml_bytes // 1024} KiB)" in text
    assert f"at most {MAX_ERRORS} `errors`" in text
    assert f"at most {MAX_PROBLEM_BYTES // 1024} KiB in all" in text
