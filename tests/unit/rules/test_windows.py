"""R09–R11 counting exactly as the law counts: > 3 in the rolling 12 months, > 10 % of the fleet."""

from __future__ import annotations

from datetime import date, timedelta

from models.windows import (
    count_in_window,
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
