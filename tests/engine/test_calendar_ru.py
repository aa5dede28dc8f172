"""The named working calendar ``calendar: {country: RU}``: the Russian production calendar
(five-day week) from the ``holidays`` library, with the days the scheme lists added to it.

2026 — the published production calendar (Постановление Правительства РФ от 24.09.2025
«О переносе выходных дней в 2026 году»: Saturday 3 January → Friday 9 January, Sunday
4 January → Thursday 31 December; holidays falling on a weekend move to the next weekday by
Art. 112 of the Labour Code: 8 March (Sunday) → Monday 9 March, 9 May (Saturday) → Monday
11 May): 15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22 = 247 working days.

2027 — counted by hand from the weekdays of each month, Art. 112 and the 2027 transfers as
the holidays library (0.109) records the decree (consultant.ru cons_doc_LAW_544706):
Saturday 20 February → Monday 22 February (Saturday 20 February worked), Saturday 2 January
→ Friday 5 November, Sunday 3 January → Friday 31 December; 1 May (Saturday) → Monday 3 May,
9 May (Sunday) → Monday 10 May, 12 June (Saturday) → Monday 14 June. These transfers are the
library's transcription; the decree's own text was not checked here.
  Jan 21 weekdays − 1, 4-8 January = 15     Jul 22
  Feb 20 − 22, 23 February + 20 February = 19   Aug 22
  Mar 23 − 8 March = 22                     Sep 22
  Apr 22                                    Oct 21
  May 21 − 3, 10 May = 19                   Nov 22 − 4, 5 November = 20
  Jun 22 − 14 June = 21                     Dec 23 − 31 December = 22
  total 247
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.engine import Period, SchemeError, parse_scheme, scheme_hash, work_calendar
from app.engine.calendar import COUNTRIES, WorkCalendar, national_days
from app.engine.scheme import Country

Doc = dict[str, Any]

RU_2026 = (15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22)
RU_2027 = (15, 19, 22, 22, 19, 21, 22, 22, 22, 21, 20, 22)
RU = WorkCalendar(country="RU")
ACME = Path(__file__).parents[2] / "examples" / "acme.yaml"
#: scheme_hash of examples/acme.yaml before calendar.country existed.
ACME_HASH = "sha256:77d7548b880e3f0e8a7c0fe74c696cd682dd8160677a0be9ad9d083887c85199"


def _acme() -> Doc:
    doc: Doc = yaml.safe_load(ACME.read_text(encoding="utf-8"))
    return doc


@pytest.mark.parametrize(("year", "months"), [(2026, RU_2026), (2027, RU_2027)])
def test_working_days_per_month_are_the_production_calendars(
    year: int, months: tuple[int, ...]
) -> None:
    counted = tuple(RU.working_days(Period(year, month)) for month in range(1, 13))
    assert counted == months
    assert sum(counted) == 247


def test_transfers_make_a_weekday_a_day_off_and_a_saturday_a_working_day() -> None:
    assert not RU.is_working_day(date(2026, 1, 9))  # Friday, day off from Saturday 3 January
    assert not RU.is_working_day(date(2026, 12, 31))  # Thursday, from Sunday 4 January
    assert not RU.is_working_day(date(2026, 3, 9))  # 8 March was a Sunday
    assert RU.is_working_day(date(2027, 2, 20))  # Saturday worked for Monday 22 February
    assert not RU.is_working_day(date(2027, 2, 22))
    assert not RU.is_working_day(date(2027, 2, 21))  # an ordinary Sunday
    assert RU.is_working_day(date(2027, 3, 9))  # an ordinary Tuesday
    days_off, working = national_days("RU", 2027)
    assert working == {date(2027, 2, 20)}
    assert date(2027, 11, 5) in days_off


def test_the_days_a_scheme_lists_add_to_the_countrys() -> None:
    listed = WorkCalendar(
        frozenset({date(2027, 3, 9)}),  # a company day off
        frozenset({date(2027, 3, 13)}),  # a Saturday the company works
        country="RU",
    )
    march = Period(2027, 3)
    assert listed.working_days(march) == 22 - 1 + 1
    assert not listed.is_working_day(date(2027, 3, 8))  # still the country's holiday
    assert not listed.is_working_day(date(2027, 3, 9))
    assert listed.is_working_day(date(2027, 3, 13))


def test_a_scheme_naming_ru_counts_as_the_listed_2027_calendar_of_acme() -> None:
    # examples/acme.yaml lists the 19 holidays and the working Saturday of 2027 by hand.
    listed = parse_scheme(_acme())
    doc = _acme()
    doc["calendar"] = {"country": "RU"}
    named = parse_scheme(doc)
    assert work_calendar(named) == WorkCalendar(country="RU")
    for month in range(1, 13):
        period = Period(2027, month)
        assert work_calendar(named).working_days(period) == RU_2027[month - 1]
        assert work_calendar(listed).working_days(period) == RU_2027[month - 1]


def test_the_hash_of_a_scheme_without_a_country_is_unchanged() -> None:
    # Leaving the key out or writing null keeps the hash the scheme had before the key existed.
    doc = _acme()
    assert scheme_hash(parse_scheme(doc)) == ACME_HASH
    doc["calendar"]["country"] = None
    assert scheme_hash(parse_scheme(doc)) == ACME_HASH
    doc["calendar"]["country"] = "RU"
    assert scheme_hash(parse_scheme(doc)) != ACME_HASH


def test_an_unknown_country_is_a_located_error(acme_doc: Callable[[], Doc]) -> None:
    doc = acme_doc()
    doc["calendar"] = {"country": "XX"}
    with pytest.raises(SchemeError) as raised:
        parse_scheme(doc)
    (finding,) = raised.value.findings
    assert (finding.code, finding.path) == ("INVALID_VALUE", ("calendar", "country"))
    assert "RU" in (finding.hint or "")


def test_the_schemes_countries_are_the_calendars() -> None:
    assert {c.value for c in Country} == set(COUNTRIES)
    with pytest.raises(ValueError, match="no production calendar"):
        national_days("XX", 2027)
