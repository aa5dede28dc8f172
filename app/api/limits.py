"""Every limit of the service, from the one place each is defined, as the docs show them.

The values come from the settings' defaults and from the constants the code enforces, so
the table in docs/reliability.md ("Limits") is rendered from here, never typed:

    .venv/bin/python -m app.api.limits            # print the table
    .venv/bin/python -m app.api.limits --write    # rewrite it in docs/reliability.md

``tests/test_limits_doc.py`` fails when the docs and the code differ.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from app.engine.money import MAX_AMOUNT, MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS
from app.io.read.documents import LOCATED_CHARS, MAX_ARRAYS, MAX_RUN
from app.io.read.yamlnodes import MAX_DEPTH, MAX_MEMBERS, MAX_NODES
from app.settings import Settings

from .body import MAX_SCHEME_VALUES, MAX_YAML_VALUES
from .deps import MAX_OFFSET, MAX_PAGE
from .errors import MAX_DETAIL, MAX_ERRORS, MAX_ITEM_TEXT, MAX_PROBLEM_BYTES
from .inputs import MAX_CREDITS, MAX_NAME, MAX_TEXT, MAX_VERSION

__all__ = ["BEGIN", "DOC", "END", "Limit", "limits", "render", "rewrite"]

DOC: Final = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
BEGIN: Final = "<!-- limits: rendered by `python -m app.api.limits --write` -->"
END: Final = "<!-- end of limits -->"


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit: what it bounds, its value, the setting that changes it, the answer."""

    what: str
    value: str
    setting: str
    answer: str
    test: str


def _count(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _bytes(number: int) -> str:
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if number % size == 0:
            return f"{number // size} {unit}"
    return f"{_count(number)} bytes"


def _setting(name: str) -> str:
    return f"`COMPCALC_{name.upper()}`"


def limits(settings: Settings | None = None) -> list[Limit]:
    """The limits with the values of ``settings`` (default: the defaults)."""
    s = settings or Settings.model_construct()  # the defaults, whatever the environment
    corpus = "`tests/corpus/test_bad_input.py`"
    classes = "`tests/corpus/test_input_classes.py`"
    return [
        Limit("scheme body", _bytes(s.max_scheme_bytes), _setting("max_scheme_bytes"),
              "413 `BODY_TOO_LARGE`", "`tests/test_settings.py`"),
        Limit("calculation / run body", _bytes(s.max_body_bytes), _setting("max_body_bytes"),
              "413 `BODY_TOO_LARGE`",
              "`tests/api/test_payroll.py::test_a_body_over_the_limit_is_refused`"),
        Limit("YAML body (any operation)", _bytes(s.max_yaml_bytes),
              _setting("max_yaml_bytes"), "413 `BODY_TOO_LARGE`",
              "`test_a_yaml_body_over_its_limit_is_refused_before_it_is_composed`"),
        Limit("objects and numbers in a JSON body", _count(MAX_NODES), "",
              "422 `TOO_MANY_VALUES`, while decoding",
              "`test_millions_of_values_are_refused_while_decoding`"),
        Limit("values in a YAML body, aliases expanded", _count(MAX_YAML_VALUES), "",
              "422 `TOO_MANY_VALUES`, while building", "`test_a_yaml_alias_bomb_is_refused`"),
        Limit("values in a scheme document (JSON or YAML)", _count(MAX_SCHEME_VALUES), "",
              "422 `TOO_MANY_VALUES`, while decoding",
              "`test_a_scheme_document_of_too_many_values_is_refused`"),
        Limit("arrays in a JSON body (`[` counted before decoding)", _count(MAX_ARRAYS), "",
              "422 `TOO_MANY_VALUES`", corpus),
        Limit("values of one array of strings, numbers or literals (JSON body over 1 MiB)",
              _count(MAX_RUN), "", "422 `TOO_MANY_VALUES`, before decoding",
              "`test_an_array_of_too_many_scalars_is_refused_before_it_is_decoded`"),
        Limit("members of one object or mapping", _count(MAX_MEMBERS), "",
              "422 `TOO_MANY_VALUES`", "`test_an_object_of_too_many_members_is_refused`"),
        Limit("nesting depth", str(MAX_DEPTH), "", "422 `TOO_DEEP`", corpus),
        Limit("employees per request over HTTP", _count(s.max_employees),
              _setting("max_employees"), "422 `TOO_MANY_ITEMS`, counted before validation",
              "`test_a_roster_of_empty_items_is_counted_before_any_is_validated`"),
        Limit("deals per request over HTTP", _count(s.max_deals), _setting("max_deals"),
              "422 `TOO_MANY_ITEMS`", "`test_too_many_employees_are_refused`"),
        Limit("payslips (runs × employees) per simulation over HTTP",
              _count(s.max_simulated_payslips), _setting("max_simulated_payslips"),
              "422 `TOO_MANY_PAYSLIPS`", "`test_more_payslips_than_the_limit`"),
        Limit("credits of one deal", str(MAX_CREDITS), "", "422", corpus),
        Limit("identifiers / names", f"{MAX_TEXT} / {MAX_NAME} characters, no control "
              "characters", "", "422 `CONTROL_CHARACTER`", classes),
        Limit("decimals", f"≤ {MAX_INTEGER_DIGITS} digits before the point and "
              f"≤ {MAX_FRACTION_DIGITS} after, ASCII digits only; amounts ≤ 10^"
              f"{MAX_AMOUNT.adjusted()} with the currency's digits", "",
              "422 `INVALID_NUMBER`", classes),
        Limit("version numbers / offsets", f"≤ {_count(MAX_VERSION)} / ≤ {_count(MAX_OFFSET)}",
              "", "422", corpus),
        Limit("page size", f"≤ {MAX_PAGE}", "", "422",
              "`test_every_write_is_in_the_audit_trail`"),
        Limit("problem document", f"≤ {_bytes(MAX_PROBLEM_BYTES)}: `detail` ≤ {MAX_DETAIL} "
              f"characters, ≤ {MAX_ERRORS} `errors` (and `error_count`) of ≤ {MAX_ITEM_TEXT} "
              "characters each", "", "any problem",
              "`test_a_problem_is_bounded_however_much_the_request_is_wrong`"),
        Limit("JSON located by line and column", f"≤ {_bytes(LOCATED_CHARS)}", "",
              "(pointer only above)", "`tests/io/test_documents.py`"),
        Limit("rate per key", "off" if not s.rate_limit_per_minute
              else f"{s.rate_limit_per_minute} a minute", _setting("rate_limit_per_minute"),
              "429 + `Retry-After`",
              "`test_the_rate_limit_answers_429_with_retry_after`"),
        Limit("roster, deals or test file read by the command line", _bytes(s.max_roster_bytes),
              _setting("max_roster_bytes"), "exit 2 `TOO_LARGE`", "`tests/cli`"),
        Limit("deals in one file read by the command line", _count(s.max_file_deals),
              _setting("max_file_deals"), "exit 2", "`tests/cli`"),
    ]  # fmt: skip


def render(settings: Settings | None = None) -> str:
    """The limits as a Markdown table, between the markers the docs hold."""
    rows = ["| limit | default | setting | answer | test |", "|---|---|---|---|---|"]
    rows += [
        f"| {x.what} | {x.value} | {x.setting or '—'} | {x.answer} | {x.test} |"
        for x in limits(settings)
    ]
    return "\n".join([BEGIN, *rows, END])


_BLOCK: Final = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)


def rewrite(text: str) -> str:
    """``text`` with its rendered block replaced by the current one."""
    if _BLOCK.search(text) is None:
        raise ValueError(f"no block between {BEGIN!r} and {END!r}")
    return _BLOCK.sub(lambda _: render(), text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the service's limits as Markdown.")
    parser.add_argument("--write", action="store_true", help=f"rewrite the table in {DOC}")
    args = parser.parse_args(argv)
    if not args.write:
        print(render())
        return 0
    DOC.write_text(rewrite(DOC.read_text("utf-8")), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
