"""Repeat-offence windows exactly as the law counts (公路安全保护条例66, 超限规定46; R09–R11).

"1年内 … 超过3次": the rolling 12 months ending on the as-of date (both ends by calendar date:
an event counts when window_start < event date ≤ as_of, window_start = as_of − 12 months), and
strictly more than 3. Fleet ratio: strictly more than 10 %, compared exactly (no float error).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from fractions import Fraction


def months_before(d: date, months: int) -> date:
    """Same day `months` earlier (clamped to month end, like SQL `date - interval n month`)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    import calendar

    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def window_start(as_of: date, months: int = 12) -> date:
    """Exclusive lower bound of the counting window."""
    return months_before(as_of, months)


def in_window(event_day: date, as_of: date, months: int = 12) -> bool:
    return window_start(as_of, months) < event_day <= as_of


def count_in_window(days: Iterable[date], as_of: date, months: int = 12) -> int:
    return sum(1 for d in days if in_window(d, as_of, months))


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
