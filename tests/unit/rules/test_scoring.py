"""Scores: monotone in severity and recency, insufficient data honoured, interval narrows."""

from __future__ import annotations

from datetime import date, timedelta

from models.scoring import beta_interval, overlimit_severity, score_entity, time_weight

AS_OF = date(2026, 10, 31)


def _units(n_clean: int, violations: list[tuple[int, float]]):
    clean = [(AS_OF - timedelta(days=10 + i), 0.0) for i in range(n_clean)]
    return clean + [(AS_OF - timedelta(days=d), s) for d, s in violations]


def _score(units, min_exposure: int = 5):
    return score_entity(units, AS_OF, prior_mean=0.02, prior_strength=20, min_exposure=min_exposure)


def test_time_weights():
    assert time_weight(AS_OF - timedelta(days=30), AS_OF) == 1.0
    assert time_weight(AS_OF - timedelta(days=250), AS_OF) < 1.0
    assert time_weight(AS_OF - timedelta(days=500), AS_OF) < time_weight(
        AS_OF - timedelta(days=250), AS_OF
    )
    assert time_weight(AS_OF - timedelta(days=800), AS_OF) == 0.0


def test_monotone_in_severity():
    low = _score(_units(20, [(30, overlimit_severity(5))]))
    high = _score(_units(20, [(30, overlimit_severity(60))]))
    assert high.score > low.score


def test_monotone_in_recency():
    old = _score(_units(20, [(600, 0.8)]))
    mid = _score(_units(20, [(300, 0.8)]))
    new = _score(_units(20, [(30, 0.8)]))
    assert new.score > mid.score > old.score


def test_insufficient_data_is_not_a_low_score():
    few = _score(_units(2, [(30, 1.0)]))
    assert few.status == "insufficient" and few.score is None and few.lo is None
    assert few.posterior_mean > 0  # still computed for the breakdown, just not published


def test_interval_narrows_with_more_data():
    small = _score(_units(10, [(30, 0.8)]))
    large = _score(_units(200, [(30, 0.8)] * 20))
    assert small.status == large.status == "scored"
    assert (large.hi - large.lo) < (small.hi - small.lo)
    assert small.lo <= small.score <= small.hi


def test_beta_interval_vectorised():
    lo, hi = beta_interval([1.0, 10.0], [9.0, 90.0], 0.9)
    assert (lo < hi).all() and (hi - lo)[1] < (hi - lo)[0]
