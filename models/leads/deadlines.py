"""抄告 deadline: within 7 working days after the case is closed (超限规定第四十四条, R13).

Working days skip Saturdays, Sundays and the configured public holidays, and count the
configured make-up working days (调休). The holiday calendar is configuration, not law.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from models.leads.config import HOLIDAYS, MAKEUP_WORKDAYS, NOTICE_WORKING_DAYS


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
    """抄告 due date; the calendar defaults to config.HOLIDAYS / config.MAKEUP_WORKDAYS."""
    if holidays is None:
        holidays = [date.fromisoformat(d) for d in HOLIDAYS]
    if workdays is None:
        workdays = [date.fromisoformat(d) for d in MAKEUP_WORKDAYS]
    return add_working_days(decided_on, NOTICE_WORKING_DAYS, holidays, workdays)
