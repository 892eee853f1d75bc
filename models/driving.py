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
