"""Pure statistical measures for the discretion guide: quantiles, disparity, survival.

No I/O, no Dagster. The set-based work runs in DuckDB (assets/stats/*.sql); these functions
define the measures precisely, are unit-tested on constructed cases, and are reused by the
asset code on small aggregated frames.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

QUANTILES: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation quantile (same definition as DuckDB's quantile_cont)."""
    xs = sorted(v for v in values if v is not None and not math.isnan(v))
    if not xs:
        return None
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be within [0, 1]")
    pos = (len(xs) - 1) * q
    lo = math.floor(pos)
    hi = math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def disparity(medians: Mapping[str, float | None], range_width: float | None) -> float | None:
    """Spread of the provinces' median penalties relative to the legal range width.

    (max median − min median) ÷ width of the legal fine range. 0 when every province imposes
    the same median; 1 when one province sits at the legal minimum and another at the maximum.
    None when fewer than two provinces have a median or the law sets no range.
    """
    vals = [float(v) for v in medians.values() if v is not None and not math.isnan(v)]
    if len(vals) < 2 or not range_width:
        return None
    return (max(vals) - min(vals)) / float(range_width)


def share_spread(shares: Mapping[str, float | None]) -> float | None:
    """Max − min of a share (e.g. warnings / no-penalty) across provinces; None if < 2."""
    vals = [float(v) for v in shares.values() if v is not None and not math.isnan(v)]
    if len(vals) < 2:
        return None
    return max(vals) - min(vals)


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Mean of values weighted by counts, skipping missing values."""
    num = den = 0.0
    for value, weight in pairs:
        if value is None or math.isnan(value) or weight <= 0:
            continue
        num += value * weight
        den += weight
    return num / den if den else None


def km_cumulative_incidence(
    durations: Sequence[float], events: Sequence[bool], horizon: float
) -> float | None:
    """Kaplan–Meier probability of the event by `horizon` (1 − S(horizon)).

    `durations` are days to re-offence (event) or to the end of observation (censored).
    Handles censoring honestly: a case observed for 3 months is not a 'no' for 12 months.
    """
    if len(durations) != len(events):
        raise ValueError("durations and events differ in length")
    if not durations:
        return None
    pairs = sorted(zip(durations, events, strict=True), key=lambda p: p[0])
    at_risk = len(pairs)
    surv = 1.0
    i = 0
    while i < len(pairs):
        t = pairs[i][0]
        if t > horizon:
            break
        d = c = 0
        while i < len(pairs) and pairs[i][0] == t:
            if pairs[i][1]:
                d += 1
            else:
                c += 1
            i += 1
        if at_risk > 0 and d:
            surv *= 1.0 - d / at_risk
        at_risk -= d + c
    return 1.0 - surv


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """Wilson score interval for a proportion (used for station over-limit rates)."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def classify_rate(successes: int, n: int, expected: tuple[float, float], min_n: int) -> str:
    """'low' / 'high' when the whole Wilson interval lies outside the expected band, else
    'normal'; 'insufficient' below min_n passages."""
    if n < min_n:
        return "insufficient"
    ci = wilson_interval(successes, n)
    assert ci is not None
    lo, hi = expected
    if ci[1] < lo:
        return "low"
    if ci[0] > hi:
        return "high"
    return "normal"
