"""The statistical measures on constructed cases with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from models.stats.measures import (
    classify_rate,
    disparity,
    km_cumulative_incidence,
    quantile,
    share_spread,
    weighted_mean,
    wilson_interval,
)


def test_disparity_identical_provinces_is_zero() -> None:
    assert disparity({"21": 2000.0, "22": 2000.0, "23": 2000.0, "15": 2000.0}, 30000) == 0.0


def test_disparity_is_spread_over_legal_width() -> None:
    assert disparity({"21": 0.0, "22": 30000.0}, 30000) == 1.0
    assert disparity({"21": 500.0, "22": 2000.0, "23": None}, 3000) == pytest.approx(0.5)


def test_disparity_needs_two_provinces_and_a_range() -> None:
    assert disparity({"21": 500.0}, 3000) is None
    assert disparity({"21": 500.0, "22": 900.0}, None) is None


def test_share_spread_and_weighted_mean() -> None:
    assert share_spread({"21": 0.1, "22": 0.6}) == pytest.approx(0.5)
    assert weighted_mean([(1.0, 1), (3.0, 3), (None, 5)]) == pytest.approx(2.5)


def test_quantile_matches_numpy_linear() -> None:
    rng = np.random.default_rng(1)
    xs = rng.gamma(2.0, 3000.0, size=501).tolist()
    for q in (0.1, 0.25, 0.5, 0.85, 0.99):
        assert quantile(xs, q) == pytest.approx(float(np.quantile(xs, q)))
    assert quantile([], 0.5) is None


def test_km_without_censoring_is_the_plain_proportion() -> None:
    durations = [10, 100, 200, 400, 500]
    events = [True, True, True, True, True]
    assert km_cumulative_incidence(durations, events, 365) == pytest.approx(3 / 5)


def test_km_counts_censored_cases_only_while_observed() -> None:
    """A case observed for 30 days without re-offending is not a 'no' for 12 months."""
    durations = [30, 30, 100, 200]
    events = [False, False, True, False]
    # at t=100 two remain at risk, one re-offends → S = 0.5
    assert km_cumulative_incidence(durations, events, 365) == pytest.approx(0.5)


def test_wilson_and_rate_classification() -> None:
    lo, hi = wilson_interval(50, 10000)
    assert lo < 0.005 < hi
    lo, hi = wilson_interval(5, 50)  # 10 %: known Wilson bounds 4.3 % – 21.4 %
    assert lo == pytest.approx(0.0435, abs=1e-3) and hi == pytest.approx(0.2136, abs=1e-3)
    assert wilson_interval(0, 0) is None
    assert classify_rate(50, 10000, (0.003, 0.007), 200) == "normal"
    assert classify_rate(500, 10000, (0.003, 0.007), 200) == "high"
    assert classify_rate(0, 10000, (0.003, 0.007), 200) == "low"
    assert classify_rate(0, 50, (0.003, 0.007), 200) == "insufficient"
