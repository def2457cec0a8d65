"""Counting periods: a calendar month ("2025-06") or an ISO week ("2025-W23"), never finer.

A period is the only notion of time the statistics keep, so everything that turns a date into a
key, parses a key typed by an ico, or orders keys lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodMode = Literal["month", "week"]
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MIN_YEAR, MAX_YEAR = 1900, 9000
WEEK_RE = re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")


class PeriodError(ValueError):
    """A period string an ico typed (or an import file holds) is not a month or ISO week."""


@dataclass(frozen=True, order=True)
class Period:
    """A month or ISO week; orders by start date, so mixed data still sorts sensibly."""

    start: date
    end: date  # last day, inclusive
    key: str

    @property
    def mode(self) -> PeriodMode:
        return "week" if "W" in self.key else "month"

    def next(self) -> Period:
        return period_of(self.end + timedelta(days=1), self.mode)


def period_of(day: date, mode: PeriodMode = "month") -> Period:
    """The period that contains `day`."""
    if mode == "week":
        iso = day.isocalendar()
        monday = day - timedelta(days=iso.weekday - 1)
        return Period(monday, monday + timedelta(days=6), f"{iso.year:04d}-W{iso.week:02d}")
    if mode != "month":
        raise PeriodError(f"unknown period mode {mode!r} (month or week)")
    first = day.replace(day=1)
    if day.month == 12:
        last = first.replace(day=31)
    else:
        last = first.replace(month=day.month + 1) - timedelta(days=1)
    return Period(first, last, f"{day.year:04d}-{day.month:02d}")


def parse_period(text: str) -> Period:
    """'2025-06' or '2025-W23' (case-insensitive W); anything else is a PeriodError."""
    value = text.strip().upper() if isinstance(text, str) else ""
    if value[:4].isdigit() and not MIN_YEAR <= int(value[:4]) <= MAX_YEAR:
        raise PeriodError(f"{text!r} is not a period: the year must be {MIN_YEAR}..{MAX_YEAR}")
    if match := MONTH_RE.match(value):
        return period_of(date(int(match[1]), int(match[2]), 1), "month")
    if match := WEEK_RE.match(value):
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise PeriodError(f"{text!r}: year {match[1]} has no week {match[2]}") from None
        return period_of(monday, "week")
    raise PeriodError(f"{text!r} is not a period: use a month like 2025-06 or a week like 2025-W23")


def is_period_key(text: object) -> bool:
    if not isinstance(text, str):
        return False
    try:
        return parse_period(text).key == text
    except PeriodError:
        return False


def period_range(first: Period, last: Period) -> list[Period]:
    """Every period from `first` to `last` inclusive, in `first`'s mode."""
    periods: list[Period] = []
    current = first
    while current.start <= last.start:
        periods.append(current)
        current = current.next()
    return periods


def in_window(period: Period, start: Period | None, stop: Period | None) -> bool:
    """Whether `period` starts inside [start of `start`, end of `stop`]; modes may differ."""
    if start is not None and period.start < start.start:
        return False
    return not (stop is not None and period.start > stop.end)
