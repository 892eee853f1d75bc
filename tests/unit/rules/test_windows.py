"""R09–R11 counting exactly as the law counts: > 3 in the rolling 12 months, > 10 % of the fleet;
the configurable licence-anniversary cycle (boundaries, leap day, fallback)."""

from __future__ import annotations

from datetime import date, timedelta

from models.windows import (
    anniversary,
    anniversary_cycle,
    count_in_counting_window,
    count_in_window,
    counting_window,
    fleet_ratio_exceeded,
    in_window,
    is_repeat_offender,
    window_start,
)

AS_OF = date(2026, 10, 31)


def test_window_bounds():
    assert window_start(AS_OF) == date(2025, 10, 31)
    assert in_window(date(2025, 11, 1), AS_OF)
    assert not in_window(date(2025, 10, 31), AS_OF)  # exactly 12 months old: outside
    assert in_window(AS_OF, AS_OF)
    assert not in_window(AS_OF + timedelta(days=1), AS_OF)


def test_exactly_three_is_not_a_repeat_offender_four_is():
    days = [AS_OF - timedelta(days=d) for d in (1, 50, 100)]
    assert count_in_window(days, AS_OF) == 3
    assert not is_repeat_offender(days, AS_OF)
    assert is_repeat_offender([*days, AS_OF - timedelta(days=200)], AS_OF)


def test_a_fourth_violation_366_days_old_does_not_count():
    days = [AS_OF - timedelta(days=d) for d in (1, 50, 100, 366)]
    assert count_in_window(days, AS_OF) == 3
    assert not is_repeat_offender(days, AS_OF)


def test_fleet_exactly_ten_percent_vs_just_over():
    assert not fleet_ratio_exceeded(1, 10)
    assert fleet_ratio_exceeded(2, 19)  # 10.5 %
    assert not fleet_ratio_exceeded(3, 30)  # float 30 * 0.1 = 3.0000000000000004 must not matter
    assert fleet_ratio_exceeded(4, 30)
    assert not fleet_ratio_exceeded(7, 70)
    assert fleet_ratio_exceeded(1, 9)


# Licence-anniversary anchor (R09/R10 `window_anchor: licence_anniversary`, a [U] option)


def test_anniversary_cycle_contains_as_of_and_starts_on_the_anniversary():
    assert anniversary_cycle(date(2019, 3, 15), AS_OF) == (date(2026, 3, 15), date(2027, 3, 14))
    # as_of before this year's anniversary: the cycle started last year
    assert anniversary_cycle(date(2019, 12, 1), AS_OF) == (date(2025, 12, 1), date(2026, 11, 30))
    # as_of on the anniversary: a new cycle starts that day
    assert anniversary_cycle(date(2019, 10, 31), AS_OF) == (date(2026, 10, 31), date(2027, 10, 30))
    # first cycle: starts on the first issue itself
    assert anniversary_cycle(date(2026, 6, 1), AS_OF) == (date(2026, 6, 1), date(2027, 5, 31))


def test_event_on_cycle_start_counts_the_day_before_does_not():
    first = date(2018, 4, 10)
    days = [date(2026, 4, 10), date(2026, 5, 1), date(2026, 7, 1), date(2026, 9, 1)]
    kw = {"anchor": "licence_anniversary", "first_issued": first}
    assert count_in_counting_window(days, AS_OF, **kw) == 4
    moved = [date(2026, 4, 9), *days[1:]]
    assert count_in_counting_window(moved, AS_OF, **kw) == 3
    # rolling would count the 9 April event
    assert count_in_counting_window(moved, AS_OF) == 4


def test_event_on_cycle_end_counts_when_as_of_is_the_last_day():
    first = date(2018, 11, 1)
    as_of = date(2026, 10, 31)  # last day of the cycle 2025-11-01 … 2026-10-31
    assert counting_window(as_of, anchor="licence_anniversary", first_issued=first) == (
        date(2025, 11, 1),
        as_of,
        "licence_anniversary",
    )
    assert (
        count_in_counting_window(
            [as_of, date(2025, 11, 1), date(2025, 10, 31)],
            as_of,
            anchor="licence_anniversary",
            first_issued=first,
        )
        == 2
    )


def test_leap_day_first_issue():
    first = date(2020, 2, 29)
    # non-leap year: the cycle starts on 1 March (the previous one ended on 28 Feb, month end)
    assert anniversary(first, 2025) == date(2025, 3, 1)
    assert anniversary(first, 2025, "feb28") == date(2025, 2, 28)
    assert anniversary(first, 2028) == date(2028, 2, 29)
    assert anniversary_cycle(first, date(2026, 2, 28)) == (date(2025, 3, 1), date(2026, 2, 28))
    assert anniversary_cycle(first, date(2026, 3, 1)) == (date(2026, 3, 1), date(2027, 2, 28))
    assert anniversary_cycle(first, date(2028, 2, 29)) == (date(2028, 2, 29), date(2029, 2, 28))
    assert anniversary_cycle(first, date(2028, 2, 28)) == (date(2027, 3, 1), date(2028, 2, 28))
    # 'feb28': the cycle starts on 28 Feb, so 28 Feb 2026 already opens a new cycle
    assert anniversary_cycle(first, date(2026, 2, 28), "feb28") == (
        date(2026, 2, 28),
        date(2027, 2, 27),
    )
    assert anniversary_cycle(first, date(2026, 2, 27), "feb28") == (
        date(2025, 2, 28),
        date(2026, 2, 27),
    )


def test_unknown_or_future_first_issue_falls_back_to_rolling():
    start, end, used = counting_window(AS_OF, anchor="licence_anniversary", first_issued=None)
    assert (start, end, used) == (date(2025, 11, 1), AS_OF, "rolling_fallback")
    assert (
        counting_window(AS_OF, anchor="licence_anniversary", first_issued=date(2027, 1, 1))[2]
        == "rolling_fallback"
    )
    assert counting_window(AS_OF) == (date(2025, 11, 1), AS_OF, "rolling")
