"""两客一危 driving rules from tracks — fatigue (R20), night ban (R22), speeding bands (R23/R24).

Pure mirrors of assets/facts/monitoring_violations.sql, used by the boundary tests.

Fatigue (实施条例62(7)): continuous driving > 4 h without a stop of ≥ 20 min. With sampled
fixes we give the driver the benefit of the doubt: a rest is the time between the last moving fix
before it and the first moving fix after it (the longest the vehicle can have stood still), and
a silent gap of ≥ 20 min between moving fixes also ends a driving period. A driving period runs
from its first to its last moving fix; rests shorter than 20 min count inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from models.rules import load_rules


@dataclass(frozen=True)
class Fix:
    ts: datetime
    speed_kmh: float


def driving_periods(
    fixes: list[Fix], *, min_rest_min: float | None = None, moving_kmh: float | None = None
) -> list[tuple[datetime, datetime]]:
    """Continuous driving periods (first, last moving fix) separated by rests of ≥ 20 min."""
    p = load_rules().params("R20")
    rest = timedelta(minutes=min_rest_min if min_rest_min is not None else p["min_rest_min"])
    moving_kmh = moving_kmh if moving_kmh is not None else p["moving_speed_kmh"]
    moving = sorted(f.ts for f in fixes if f.speed_kmh > moving_kmh)
    periods: list[tuple[datetime, datetime]] = []
    for ts in moving:
        if periods and ts - periods[-1][1] < rest:
            periods[-1] = (periods[-1][0], ts)
        else:
            periods.append((ts, ts))
    return periods


def fatigue_periods(fixes: list[Fix]) -> list[tuple[datetime, datetime]]:
    """Driving periods strictly longer than 4 h (240 min)."""
    limit = timedelta(minutes=load_rules().params("R20")["max_continuous_min"])
    return [(s, e) for s, e in driving_periods(fixes) if e - s > limit]


def _hhmm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def in_night_ban(ts: datetime, vehicle_type: str = "coach_route") -> bool:
    """R22: route coaches must not run 02:00 ≤ t < 05:00."""
    p = load_rules().params("R22")
    if vehicle_type not in p["vehicle_types"]:
        return False
    return _hhmm(p["start"]) <= ts.time() < _hhmm(p["end"])


def speeding_band(speed_kmh: float, limit_kmh: float) -> str | None:
    """R24 band label of a speed over the limit (None when not over)."""
    if limit_kmh <= 0 or speed_kmh <= limit_kmh:
        return None
    pct = 100.0 * (speed_kmh - limit_kmh) / limit_kmh
    return [b for b in load_rules().params("R24")["bands"] if pct >= b["from_pct"]][-1]["band"]


def handling_rate_below(handled: int, total: int) -> bool:
    """R28: operator alarm-handling rate strictly below 90 %."""
    p = load_rules().params("R28")
    return total >= p["min_alarms"] and handled < p["min_rate"] * total


# R21 — passenger-company scheduling limits (《道路旅客运输企业安全管理规范》第三十八条, [V2]).
# Enterprise duties computed on the R20 driving periods (a stop of ≥ 20 min ends a period; shorter
# stops count as driving). Mirrors of the SQL in assets/facts/monitoring_violations.sql.


def _minutes(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60.0


def night_continuous_minutes(
    periods: list[tuple[datetime, datetime]],
) -> list[tuple[datetime, datetime, float]]:
    """(from, to, minutes) of each driving period's part inside a night window (22:00–06:00)."""
    p = load_rules().params("R21")
    start, end = _hhmm(p["night_start"]), _hhmm(p["night_end"])
    length = timedelta(
        minutes=((end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)) % 1440 or 1440
    )
    out = []
    for s, e in periods:
        day = s.date() - timedelta(days=1)
        while datetime.combine(day, start) < e:
            lo = datetime.combine(day, start)
            a, b = max(s, lo), min(e, lo + length)
            if b > a:
                out.append((a, b, _minutes(a, b)))
            day += timedelta(days=1)
    return out


def night_continuous_over(periods: list[tuple[datetime, datetime]]) -> list[tuple]:
    """Night parts strictly longer than 2 h (120 min)."""
    limit = load_rules().params("R21")["max_night_continuous_min"]
    return [x for x in night_continuous_minutes(periods) if x[2] > limit]


def max_driving_in_window(periods: list[tuple[datetime, datetime]], span: timedelta) -> float:
    """Largest driving time (minutes) in any window of length `span` (sliding). The maximum is
    reached by a window that starts at a period start or ends at a period end."""
    best = 0.0
    for s0, e0 in periods:
        for lo, hi in ((s0, s0 + span), (e0 - span, e0)):
            total = sum(max(0.0, _minutes(max(s, lo), min(e, hi))) for s, e in periods)
            best = max(best, total)
    return best


def scheduling_violations(periods: list[tuple[datetime, datetime]]) -> set[str]:
    """R21 kinds a coach's driving periods break: night continuous > 2 h, > 8 h in any 24 h,
    > 44 h in any 7 days (all strictly greater)."""
    p = load_rules().params("R21")
    kinds = p["kinds"]
    out = set()
    if night_continuous_over(periods):
        out.add(kinds["night"])
    if max_driving_in_window(periods, timedelta(hours=24)) > p["max_driving_24h_min"]:
        out.add(kinds["day"])
    if max_driving_in_window(periods, timedelta(days=7)) > p["max_driving_7d_min"]:
        out.add(kinds["week"])
    return out


# R25 — coach over-capacity (道交法92; 记分办法), [V].


def capacity_band(passengers: int, seats: int) -> dict | None:
    """The R25 band (label, fine range, points) of a passenger count over the seats, compared in
    integers (passengers × 100 ≥ seats × (100 + from_pct)); None when not over the seats."""
    if seats <= 0 or passengers <= seats:
        return None
    bands = load_rules().params("R25")["bands"]
    return [b for b in bands if passengers * 100 >= seats * (100 + b["from_pct"])][-1]
