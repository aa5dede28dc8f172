"""Pay periods and working days."""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays as _holidays

__all__ = ["COUNTRIES", "Period", "WorkCalendar", "national_days"]

#: The countries whose production calendar a scheme may name (``calendar: {country: RU}``):
#: ISO 3166-1 alpha-2 codes whose holidays and day-off transfers the ``holidays`` library keeps.
COUNTRIES: tuple[str, ...] = ("RU",)

_PERIOD_RE = re.compile(r"([0-9]{4})-([0-9]{2})")  # ASCII digits only (not "٢٠٢٧-٠٣")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A calendar month, written ``YYYY-MM``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"period {text!r} is not of the form YYYY-MM (for example 2027-03)")
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"period {text!r} has month {month}; months are 01 to 12")
        if not 1900 <= year <= 2200:
            raise ValueError(f"period {text!r} has year {year}; years are 1900 to 2200")
        return cls(year, month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, _stdlib_calendar.monthrange(self.year, self.month)[1])

    def days(self) -> Iterable[date]:
        day, last = self.first_day, self.last_day
        while day <= last:
            yield day
            day += timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Working days are Monday to Friday, minus ``holidays``, plus ``working_weekends``.

    ``working_weekends`` are Saturdays or Sundays declared working days (the
    transferred days of a national production calendar). With a ``country`` its
    production calendar comes first (:func:`national_days`) and the listed days add to it:
    a listed holiday is a day off and a listed working weekend a working day whatever the
    country's calendar says.
    """

    holidays: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()
    country: str | None = None

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        if day in self.holidays:
            return False
        if self.country is not None:
            days_off, working = national_days(self.country, day.year)
            if day in working:
                return True
            if day in days_off:
                return False
        return day.weekday() < 5

    def working_days(
        self, period: Period, start: date | None = None, end: date | None = None
    ) -> int:
        """Working days of ``period`` inside ``[start, end]`` (either end open when None)."""
        first, last = period.first_day, period.last_day
        if (start is not None and start > last) or (end is not None and end < first):
            return 0
        low = 0 if start is None or start < first else start.day - 1
        high = last.day if end is None or end > last else end.day
        if low >= high:
            return 0
        counts = _running_counts(self, period)  # one pass over the month, then O(1)
        return counts[high] - counts[low]


@lru_cache(maxsize=256)
def national_days(country: str, year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The days off and the working weekend days of ``country``'s production calendar in ``year``.

    Days off are the public holidays with the days off transferred to weekdays ("Day off
    (substituted from ...)", a holiday falling on a weekend moved to the next weekday); the
    working weekend days are the Saturdays a government decree made working days. Both come
    from the ``holidays`` library, which keeps the decrees (Russia: Art. 112 of the Labour
    Code and the yearly decree on the transfer of days off). The neighbouring years are
    built too: a decree may move a day across the new year.
    """
    if country not in COUNTRIES:
        raise ValueError(f"no production calendar for country {country!r}; known: {COUNTRIES}")
    table = _holidays.country_holidays(country, years=range(year - 1, year + 2))
    days_off = frozenset(day for day in table if day.year == year)
    working = frozenset(day for day in table.weekend_workdays if day.year == year)
    return days_off, working


@lru_cache(maxsize=64)
def _running_counts(cal: WorkCalendar, period: Period) -> tuple[int, ...]:
    """``counts[d]``: working days among the period's first ``d`` days."""
    counts = [0]
    for day in period.days():
        counts.append(counts[-1] + cal.is_working_day(day))
    return tuple(counts)
