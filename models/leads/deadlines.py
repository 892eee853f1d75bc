"""抄告 deadline: within 7 working days after the case is closed (超限规定第四十四条, R13).

Working days skip Saturdays, Sundays and the national public holidays, and count the make-up
working days (调休). The calendar is reference data (data_contracts/reference/
cn_public_holidays.yaml, one block per year from the State Council notice), not law and not code:
a year missing from it falls back to Monday–Friday (`HolidayCalendar.covers` tells which).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml

from models.leads.config import NOTICE_WORKING_DAYS

CALENDAR_FILE = (
    Path(__file__).resolve().parents[2] / "data_contracts" / "reference" / "cn_public_holidays.yaml"
)


@dataclass(frozen=True)
class HolidayCalendar:
    holidays: frozenset[date]
    workdays: frozenset[date]
    years: frozenset[int]

    def covers(self, day: date) -> bool:
        return day.year in self.years


def _days(entries: Iterable[object]) -> set[date]:
    """Expand YAML entries: a date, or a [first, last] inclusive range."""
    out: set[date] = set()
    for entry in entries:
        if isinstance(entry, list):
            first, last = (date.fromisoformat(str(d)) for d in entry)
            if last < first:
                raise ValueError(f"holiday range ends before it starts: {entry}")
            out.update(first + timedelta(days=i) for i in range((last - first).days + 1))
        else:
            out.add(date.fromisoformat(str(entry)))
    return out


def parse_calendar(doc: dict) -> HolidayCalendar:
    holidays: set[date] = set()
    workdays: set[date] = set()
    years = set()
    for year, block in (doc.get("years") or {}).items():
        hol, work = _days(block.get("holidays") or ()), _days(block.get("workdays") or ())
        stray = {d for d in hol | work if d.year != int(year)}
        if stray:
            raise ValueError(f"{year}: dates outside the year: {sorted(stray)}")
        if hol & work:
            raise ValueError(f"{year}: a day is both holiday and workday: {sorted(hol & work)}")
        if any(d.weekday() < 5 for d in work):
            raise ValueError(f"{year}: a make-up workday that is not a weekend day")
        holidays |= hol
        workdays |= work
        years.add(int(year))
    return HolidayCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))


@cache
def load_calendar(path: Path = CALENDAR_FILE) -> HolidayCalendar:
    return parse_calendar(yaml.safe_load(path.read_text(encoding="utf-8")))


def is_working_day(day: date, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> bool:
    if day in set(workdays):
        return True
    return day.weekday() < 5 and day not in set(holidays)


def add_working_days(
    start: date, n: int, holidays: Iterable[date] = (), workdays: Iterable[date] = ()
) -> date:
    """The date n working days after `start` (start itself not counted)."""
    holidays, workdays = set(holidays), set(workdays)
    day, left = start, n
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays, workdays):
            left -= 1
    return day


def notice_due(
    decided_on: date, holidays: Iterable[date] | None = None, workdays: Iterable[date] | None = None
) -> date:
    """抄告 due date; the calendar defaults to the national holiday reference data."""
    cal = load_calendar()
    return add_working_days(
        decided_on,
        NOTICE_WORKING_DAYS,
        cal.holidays if holidays is None else holidays,
        cal.workdays if workdays is None else workdays,
    )
