"""Repeat-offence windows exactly as the law counts (公路安全保护条例66, 超限规定46; R09–R11).

"1年内 … 超过3次": the rolling 12 months ending on the as-of date (both ends by calendar date:
an event counts when window_start < event date ≤ as_of, window_start = as_of − 12 months), and
strictly more than 3. Optional anchor (configurable, [U]): the 12-month cycle containing as_of that
starts on an anniversary of the licence's first issue (`counting_window`). Fleet ratio: strictly more than 10 %, compared exactly (no float error).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from fractions import Fraction


def months_before(d: date, months: int) -> date:
    """Same day `months` earlier (clamped to month end, like SQL `date - interval n month`)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def window_start(as_of: date, months: int = 12) -> date:
    """Exclusive lower bound of the counting window."""
    return months_before(as_of, months)


def in_window(event_day: date, as_of: date, months: int = 12) -> bool:
    return window_start(as_of, months) < event_day <= as_of


def count_in_window(days: Iterable[date], as_of: date, months: int = 12) -> int:
    return sum(1 for d in days if in_window(d, as_of, months))


# Licence-anniversary anchor (R09/R10 `window_anchor: licence_anniversary`). The reading of
# 超限规定46¶2 that the counting period runs from the first issue of the 道路运输证 / 从业资格证 is
# [U]: this is a configurable option, never printed as law.


def anniversary(first_issued: date, year: int, leap_day: str = "mar1") -> date:
    """The anniversary of `first_issued` in `year`. A 29 Feb first issue has no anniversary in a
    non-leap year: the cycle then starts on 1 March ('mar1': the previous cycle ends on 28 Feb, the
    month's last day — 民法典第二百零三条) or on 28 Feb ('feb28')."""
    if first_issued.month == 2 and first_issued.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1) if leap_day == "mar1" else date(year, 2, 28)
    return first_issued.replace(year=year)


def anniversary_cycle(
    first_issued: date | None, as_of: date, leap_day: str = "mar1"
) -> tuple[date, date] | None:
    """(first day, last day) of the 12-month counting cycle that contains `as_of` and starts on an
    anniversary of the first issue; None when the date is unknown or after as_of (→ rolling)."""
    if first_issued is None or first_issued > as_of:
        return None
    year = (
        as_of.year if anniversary(first_issued, as_of.year, leap_day) <= as_of else as_of.year - 1
    )
    start = max(anniversary(first_issued, year, leap_day), first_issued)
    end = anniversary(first_issued, year + 1, leap_day) - timedelta(days=1)
    return start, end


def counting_window(
    as_of: date,
    *,
    anchor: str = "rolling",
    first_issued: date | None = None,
    months: int = 12,
    leap_day: str = "mar1",
) -> tuple[date, date, str]:
    """(first counted day, last counted day, anchor used) — 'rolling', 'licence_anniversary', or
    'rolling_fallback' (anniversary anchor configured but the first-issue date is unknown)."""
    if anchor == "licence_anniversary":
        cycle = anniversary_cycle(first_issued, as_of, leap_day)
        if cycle is not None:
            return cycle[0], as_of, "licence_anniversary"
        return window_start(as_of, months) + timedelta(days=1), as_of, "rolling_fallback"
    if anchor != "rolling":
        raise ValueError(f"unknown window anchor: {anchor!r}")
    return window_start(as_of, months) + timedelta(days=1), as_of, "rolling"


def count_in_counting_window(days: Iterable[date], as_of: date, **kw) -> int:
    first, last, _ = counting_window(as_of, **kw)
    return sum(1 for d in days if first <= d <= last)


def is_repeat_offender(
    days: Iterable[date], as_of: date, *, months: int = 12, more_than: int = 3
) -> bool:
    """R09/R10: more than `more_than` over-limit violations in the window."""
    return count_in_window(days, as_of, months) > more_than


def fleet_ratio_exceeded(
    violating_vehicles: int, fleet_size: int, *, more_than: float | str = "0.10"
) -> bool:
    """R11: violating vehicles / fleet strictly greater than the ratio (exact arithmetic)."""
    if fleet_size <= 0:
        return violating_vehicles > 0
    return Fraction(violating_vehicles, fleet_size) > Fraction(str(more_than))


def repeat_severity(violations: int, more_than: int = 3) -> float:
    """Finding severity for repeat offenders: 0.5 at the first count over the limit, +0.1 each."""
    return min(1.0, 0.5 + 0.1 * (violations - more_than - 1))


def ratio_severity(ratio: float, threshold: float = 0.10) -> float:
    """Finding severity for fleet ratios: 0.5 just over 10 %, 1.0 at 50 % or more."""
    return max(0.0, min(1.0, 0.5 + (ratio - threshold) / 0.8))


def excess_share_pvalues(overloaded, departures, baseline: float):
    """R15 screening: one-sided binomial tail P(X ≥ k | n, baseline share), vectorised.

    A source unit is a lead when its overloaded share is significantly above the regional share
    (Bonferroni over all units) — volume and share together, not a raw share of 1 in 2.
    """
    import numpy as np
    from scipy.stats import binom

    k = np.asarray(overloaded, dtype=float)
    n = np.asarray(departures, dtype=float)
    p0 = min(max(float(baseline), 1e-6), 1 - 1e-6)
    return np.where(k > 0, binom.sf(k - 1, n, p0), 1.0)
