"""Pay periods and working days."""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Period", "WorkCalendar"]

_PERIOD_RE = re.compile(r"(\d{4})-(\d{2})")


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
    transferred days of a national production calendar).
    """

    holidays: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_days(
        self, period: Period, start: date | None = None, end: date | None = None
    ) -> int:
        """Working days of ``period`` inside ``[start, end]`` (either end open when None)."""
        low = period.first_day if start is None or start < period.first_day else start
        high = period.last_day if end is None or end > period.last_day else end
        count = 0
        day = low
        while day <= high:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count
