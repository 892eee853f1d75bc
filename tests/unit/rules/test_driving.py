"""R20 fatigue at 4 h 00 vs 4 h 01 and a 19- vs 20-minute rest; R22 night ban edges; R24 bands."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from models.driving import (
    Fix,
    driving_periods,
    fatigue_periods,
    handling_rate_below,
    in_night_ban,
    speeding_band,
)

T0 = datetime(2026, 5, 1, 8, 0)


def drive(start: datetime, minutes: int, speed: float = 70.0) -> list[Fix]:
    """One fix per minute, from start to start + minutes inclusive."""
    return [Fix(start + timedelta(minutes=m), speed) for m in range(minutes + 1)]


def stop(start: datetime, minutes: int) -> list[Fix]:
    """Standing fixes strictly between two moving fixes `minutes` apart."""
    return [Fix(start + timedelta(minutes=m), 0.0) for m in range(1, minutes)]


def test_four_hours_exactly_is_not_fatigue():
    assert driving_periods(drive(T0, 240)) == [(T0, T0 + timedelta(minutes=240))]
    assert fatigue_periods(drive(T0, 240)) == []


def test_four_hours_one_minute_is_fatigue():
    assert len(fatigue_periods(drive(T0, 241))) == 1


def _with_rest(rest_min: int) -> list[Fix]:
    first = drive(T0, 150)
    resume = T0 + timedelta(minutes=150 + rest_min)
    return first + stop(T0 + timedelta(minutes=150), rest_min) + drive(resume, 150)


def test_a_19_minute_rest_does_not_break_continuous_driving():
    assert len(driving_periods(_with_rest(19))) == 1
    assert len(fatigue_periods(_with_rest(19))) == 1


def test_a_20_minute_rest_breaks_it():
    assert len(driving_periods(_with_rest(20))) == 2
    assert fatigue_periods(_with_rest(20)) == []


def test_a_silent_gap_of_20_minutes_is_not_proof_of_driving():
    fixes = drive(T0, 150) + drive(T0 + timedelta(minutes=170), 150)
    assert fatigue_periods(fixes) == []


@pytest.mark.parametrize(
    ("hhmm", "banned"),
    [("01:59", False), ("02:00", True), ("03:30", True), ("04:59", True), ("05:00", False)],
)
def test_night_ban_edges(hhmm, banned):
    h, m = map(int, hhmm.split(":"))
    assert in_night_ban(datetime(2026, 5, 1, h, m)) is banned


def test_night_ban_only_for_route_coaches():
    assert not in_night_ban(datetime(2026, 5, 1, 3, 0), "coach_charter")
    assert not in_night_ban(datetime(2026, 5, 1, 3, 0), "hazmat")


@pytest.mark.parametrize(
    ("speed", "limit", "band"),
    [
        (80, 80, None),
        (80.1, 80, "超速20%以下"),
        (96, 80, "超速20%至50%"),
        (120, 80, "超速50%以上"),
    ],
)
def test_speeding_bands(speed, limit, band):
    assert speeding_band(speed, limit) == band


def test_alarm_handling_rate_below_90_percent():
    assert handling_rate_below(8, 9)  # 88.9 %
    assert not handling_rate_below(9, 10)  # exactly 90 %
    assert not handling_rate_below(3, 4)  # too few alarms to judge
