"""The risk model: time split only, calibrated probabilities, per-vehicle reasons."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from models.patterns import risk_model as rm
from models.patterns.scoring import score_model


def test_monthly_cutoffs_after_warmup() -> None:
    cuts = rm.monthly_cutoffs(dt.date(2025, 10, 1), dt.date(2026, 2, 15), warmup_days=60)
    assert cuts == [dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]


def test_split_is_by_time_only() -> None:
    cuts = [dt.date(2026, m, 1) for m in range(1, 11)]
    train, calib, test = rm.split_cutoffs(cuts)
    assert max(train) < min(calib) and max(calib) < min(test)
    assert test == cuts[-2:] and calib == cuts[-4:-2]
    with pytest.raises(ValueError):
        rm.split_cutoffs(cuts[:2])


def _frame(seed: int = 0) -> pd.DataFrame:
    """Synthetic history: the over-limit rate drives the label; other features are noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(1, 11):
        for i in range(400):
            rate = rng.uniform(0, 0.5) if i < 80 else rng.uniform(0, 0.05)
            row = {f: float(rng.normal()) for f in rm.FEATURES}
            row.update(
                plate_key=f"P{i}|黄",
                cutoff=dt.date(2026, m, 1),
                over_rate_365=rate,
                n_over_365=rng.poisson(rate * 20),
                label=bool(rng.random() < rate),
            )
            rows.append(row)
    return pd.DataFrame(rows)


def test_train_calibrates_and_explains() -> None:
    frame = _frame()
    model = rm.train(frame)
    assert model.test_window[0] > model.calib_window[1] > model.train_window[1]
    assert 0.0 < model.metrics["test_auc"] <= 1.0 and model.metrics["test_auc"] > 0.7
    test = frame[frame.cutoff >= model.test_window[0]]
    p = model.predict(test)
    assert ((p >= 0) & (p <= 1)).all()
    # calibrated: mean prediction near the observed rate
    assert abs(p.mean() - test.label.mean()) < 0.05
    top = test.assign(p=p).sort_values("p", ascending=False).head(5)
    reasons = model.contributions(top)
    assert all(r and r[0][0] in ("over_rate_365", "n_over_365") for r in reasons)


def test_model_scoring_against_rule_and_random() -> None:
    rows = [
        {
            "plate_key": f"P{i}",
            "cutoff": "2026-10-01",
            "label": i < 10,
            "p_model": 1 - i / 100,
            "rule_rank": 100 - i,
        }  # fmt: skip
        for i in range(100)
    ]
    by_k = {r["detector"]: r for r in score_model(rows)}
    assert by_k["risk_model.precision@20"]["precision"] == 0.5
    assert by_k["risk_model.precision@20"]["rule_precision"] == 0.0
    assert by_k["risk_model.precision@20"]["random_precision"] == pytest.approx(0.1, abs=0.03)


def test_calibration_keeps_the_ranking() -> None:
    """Platt scaling is strictly monotone: no ties added, the raw score's order is kept."""
    frame = _frame(1)
    model = rm.train(frame)
    test = frame[frame.cutoff >= model.test_window[0]]
    raw = model.pipeline.predict_proba(rm._transform(test))[:, 1]
    p = model.predict(test)
    assert model.calibration_method == "sigmoid"
    assert len(np.unique(p)) == len(np.unique(raw))
    assert (np.diff(p[np.argsort(raw, kind="stable")]) >= 0).all()


def test_features_use_only_history_before_the_cutoff() -> None:
    """Counts per source (static / WIM), recent windows and the near-limit habit come from
    months strictly before the cut-off; later weighings never leak into the features."""
    import duckdb

    from models.patterns import risk_features as rf

    conn = duckdb.connect()
    conn.execute("create schema patterns; create schema staging")
    conn.execute(
        "create table patterns.passages (plate_key varchar, station_id varchar, "
        "station_kind varchar, passed_at timestamp, gross_kg double, limit_kg double, "
        "over_limit boolean)"
    )
    rows = [
        ("A", "s1", "fixed", "2026-03-10 08:00", 52000, 49000, True),  # static over, 3 m back
        ("A", "w1", "wim", "2026-05-20 08:00", 53000, 49000, True),  # WIM over, last month
        ("A", "w1", "wim", "2026-05-21 08:00", 47500, 49000, False),  # legal, near the limit
        ("A", "w1", "wim", "2026-05-22 08:00", 40000, 49000, False),  # legal, ordinary load
        ("A", "s1", "fixed", "2026-06-02 08:00", 60000, 49000, True),  # after the cut-off
        ("A", "w1", "wim", "2026-06-03 08:00", 48500, 49000, False),  # after the cut-off
    ]
    conn.executemany("insert into patterns.passages values (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute(
        "create table staging.vehicles as select 'A' as plate_key, 6 as axle_count, "
        "'tractor' as vehicle_type, '黄' as plate_color, 'U1' as operator_uscc"
    )
    conn.execute("create table staging.operators as select 'U1' as uscc, 3 as fleet_size")
    conn.execute("create table patterns.pattern_flags (plate_key varchar, n_flags bigint)")
    conn.execute(
        "create table patterns.model_population as select 'A' as plate_key, "
        "date '2026-06-01' as cutoff"
    )
    row = conn.execute(rf.features_sql()).df().iloc[0]
    assert row.n_over_365 == 2 and row.n_over_30 == 1 and row.n_over_90 == 2
    assert row.n_static_over_365 == 1 and row.n_wim_over_365 == 1
    assert row.n_static_365 == 1 and row.n_wim_365 == 3 and row.n_pass_90 == 4
    assert row.n_near_limit_365 == 1
    assert row.near_limit_share_365 == pytest.approx((1 + 0.1) / (2 + 2.0))
    assert row.days_since_over == 12
    assert set(rm.FEATURES) <= set(row.index)
