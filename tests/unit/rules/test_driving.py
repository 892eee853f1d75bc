"""R20 fatigue at 4 h 00 vs 4 h 01 and a 19- vs 20-minute rest; R22 night ban edges; R24 bands;
R21 scheduling limits (night 2 h, 8 h / 24 h, 44 h / 7 days) and R25 over-capacity at 20 %."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from models.driving import (
    Fix,
    capacity_band,
    driving_periods,
    fatigue_periods,
    handling_rate_below,
    in_night_ban,
    max_driving_in_window,
    night_continuous_minutes,
    night_continuous_over,
    scheduling_violations,
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


# R21 coach scheduling limits (企业安全管理规范38) and R25 over-capacity (道交法92)


def _p(start: datetime, minutes: int) -> tuple[datetime, datetime]:
    return (start, start + timedelta(minutes=minutes))


def test_night_continuous_2h00_vs_2h01():
    night = datetime(2026, 5, 1, 23, 0)
    assert scheduling_violations([_p(night, 120)]) == set()
    assert scheduling_violations([_p(night, 121)]) == {"night_continuous"}
    # only the part inside 22:00–06:00 counts: 20:00–00:00 is 2 h of night driving
    assert scheduling_violations([_p(datetime(2026, 5, 1, 20, 0), 240)]) == set()
    assert night_continuous_over([_p(datetime(2026, 5, 1, 19, 59), 241)]) == []
    # 04:59–07:00: 61 minutes at night
    assert night_continuous_minutes([_p(datetime(2026, 5, 2, 4, 59), 121)])[0][2] == 61.0


def test_24h_8h00_vs_8h01():
    d = datetime(2026, 5, 1, 6, 0)
    base = [_p(d, 180), _p(d + timedelta(hours=3, minutes=30), 180)]
    assert scheduling_violations([*base, _p(d + timedelta(hours=7), 120)]) == set()
    assert scheduling_violations([*base, _p(d + timedelta(hours=7), 121)]) == {"driving_24h"}
    # the same 8 h 01 spread over more than 24 h is no violation
    spread = [*base, _p(d + timedelta(hours=24, minutes=1), 121)]
    assert max_driving_in_window(spread, timedelta(hours=24)) == 360.0
    assert scheduling_violations(spread) == set()


def test_7_days_44h_vs_44h01():
    d = datetime(2026, 5, 4, 6, 0)
    days = [_p(d + timedelta(days=k), 390) for k in range(6)]  # 39 h, 6 h 30 a day
    assert scheduling_violations([*days, _p(d + timedelta(days=6), 300)]) == set()  # 44 h 00
    assert scheduling_violations([*days, _p(d + timedelta(days=6), 301)]) == {"driving_7d"}


@pytest.mark.parametrize(
    ("passengers", "seats", "band", "points"),
    [
        (50, 50, None, None),
        (51, 50, "超员20%以下", 6),
        (59, 50, "超员20%以下", 6),
        (60, 50, "超员20%以上", 12),  # exactly 20 %
        (54, 45, "超员20%以上", 12),  # exactly 20 %
        (53, 45, "超员20%以下", 6),  # 17.8 %
        (23, 19, "超员20%以上", 12),  # 21.1 %: 19 × 1.2 = 22.8
        (22, 19, "超员20%以下", 6),
    ],
)
def test_over_capacity_bands_at_20_percent(passengers, seats, band, points):
    got = capacity_band(passengers, seats)
    assert (got and got["band"], got and got["points"]) == (band, points) or (
        got is None and band is None
    )
