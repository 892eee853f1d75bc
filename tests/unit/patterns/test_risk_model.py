"""The risk model: time split only, calibrated probabilities, per-vehicle reasons."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from models.patterns import risk_model as rm
from models.patterns.common import registration_view
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
                over_per_month=rng.poisson(rate * 20) / 12,
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
    assert all(r and r[0][0] in ("over_rate_365", "over_per_month") for r in reasons)


def test_model_scoring_against_rule_and_random() -> None:
    """Model and rule ranking pick their top k at each test cut-off from the same rows."""
    rows = [
        {
            "plate_key": f"P{i}",
            "cutoff": cut,
            "label": i < 10,
            "p_model": 1 - i / 100,
            "rule_rank": 100 - i,
        }  # fmt: skip
        for cut in ("2026-09-01", "2026-10-01")
        for i in range(100)
    ]
    by_k = {r["detector"]: r for r in score_model(rows, risky=[f"P{i}" for i in range(20)])}
    m20 = by_k["risk_model.precision@20"]
    assert m20["precision"] == 0.5 and m20["found"] == 40 and m20["tp"] == 20
    assert m20["precision_lo"] < 0.5 < m20["precision_hi"]
    assert by_k["rule_ranking.precision@20"]["precision"] == 0.0
    assert by_k["random.precision@20"]["precision"] == pytest.approx(0.1)
    assert by_k["oracle.precision@20"]["precision"] == pytest.approx(0.5)
    assert by_k["risk_model.precision@100"]["precision"] == pytest.approx(0.1)
    assert by_k["risk_model.average_precision"]["precision"] == pytest.approx(1.0)
    assert by_k["rule_ranking.average_precision"]["precision"] < 0.2


def test_feature_importance_does_not_depend_on_row_order() -> None:
    """The model card's importances are the same whatever order SQL returned the rows in."""
    frame = _frame()
    model = rm.train(frame)
    assert len(frame) > 2000  # more rows than the importance sample draws
    shuffled = frame.sample(frac=1.0, random_state=7)
    assert rm.feature_importance(model, frame) == rm.feature_importance(model, shuffled)


def test_probability_intervals_contain_the_estimate_and_shrink_with_data() -> None:
    """Bootstrap of the Platt calibration: the interval holds the calibrated probability and
    is wider where few calibration rows back it (high scores) and for a small slice."""
    rng = np.random.default_rng(3)
    d = rng.normal(0, 1, 20000)
    y = (rng.random(20000) < 1 / (1 + np.exp(-(d - 4)))).astype(int)
    params = rm.platt_bootstrap(d, y, draws=100)
    assert params[:, 0].mean() == pytest.approx(1.0, abs=0.2)
    grid = np.array([0.0, 2.0, 3.5])
    p = 1 / (1 + np.exp(-(grid - 4)))
    lo, hi = rm.probability_intervals(grid, params, p)
    assert (lo <= p).all() and (p <= hi).all()
    assert (hi - lo)[2] > (hi - lo)[0]
    small = rm.platt_bootstrap(d[:2000], y[:2000], draws=100)
    lo_s, hi_s = rm.probability_intervals(grid, small, p)
    assert (hi_s - lo_s)[2] > (hi - lo)[2]


def test_trained_model_gives_every_row_an_interval() -> None:
    frame = _frame(2)
    model = rm.train(frame)
    test = frame[frame.cutoff >= model.test_window[0]]
    lo, hi = model.intervals(test)
    p = model.predict(test)
    assert len(lo) == len(test) and (lo <= p).all() and (p <= hi).all() and (hi < 1).all()


def test_calibration_bins_have_equal_size_and_intervals() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 0.1, 1000)
    y = (rng.random(1000) < p).astype(int)
    bins = rm.calibration_bins(p, y)
    assert len(bins) == 10 and {b["n"] for b in bins} == {100}
    assert all(b["observed_lo"] <= b["observed"] <= b["observed_hi"] for b in bins)
    assert [b["predicted"] for b in bins] == sorted(b["predicted"] for b in bins)


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
    """Counts per source (static / WIM), recent windows, shrunk rates and record-level pattern
    evidence come from months strictly before the cut-off; later rows never leak in."""
    import duckdb

    from models.patterns import risk_features as rf

    conn = duckdb.connect()
    conn.execute("create schema patterns; create schema staging")
    conn.execute(
        "create table patterns.passages (plate_key varchar, station_id varchar, "
        "station_kind varchar, passed_at timestamp, gross_kg double, limit_kg double, "
        "over_limit boolean, axle_count integer)"
    )
    rows = [
        ("A", "s1", "fixed", "2026-03-10 08:00", 52000, 49000, True, 6),  # static over
        ("A", "w1", "wim", "2026-05-20 23:00", 53000, 49000, True, 5),  # WIM over, at night
        ("A", "w1", "wim", "2026-05-21 08:00", 47500, 49000, False, 6),
        ("A", "w1", "wim", "2026-05-22 08:00", 40000, 49000, False, 6),
        ("B", "w1", "wim", "2026-05-22 09:00", 30000, 49000, False, 6),  # the population
        ("A", "s1", "fixed", "2026-06-02 08:00", 60000, 49000, True, 5),  # after the cut-off
        ("A", "w1", "wim", "2026-06-03 23:00", 48500, 49000, False, 5),  # after the cut-off
    ]
    conn.executemany("insert into patterns.passages values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute(
        "create table staging.vehicles as select 'A' as plate_key, 6 as axle_count, "
        "49000 as total_mass_kg, 'tractor' as vehicle_type, '黄' as plate_color, "
        "'U1' as operator_uscc, 'active' as status, '21' as _province, 'V1' as vin"
    )
    registration_view(conn)
    conn.execute("create table staging.operators as select 'U1' as uscc, 3 as fleet_size")
    for name, ddl in rf.EVIDENCE_TABLES.items():
        conn.execute(f"create table patterns.{name} ({ddl})")
    conn.execute(
        "insert into patterns.bypass_legs values ('A', 'b1', '2026-04-02 02:00'), "
        "('A', 'b2', '2026-06-05 02:00')"
    )
    conn.execute(
        "create table patterns.model_population as select 'A' as plate_key, "
        "date '2026-06-01' as cutoff"
    )
    row = conn.execute(rf.features_sql(), rf.FEATURE_PARAMS).df().iloc[0]
    assert row.n_over_365 == 2 and row.n_over_90 == 2 and row.n_wim_over_90 == 1
    assert row.n_static_365 == 1 and row.n_weighed_365 == 4 and row.n_pass_90 == 4
    assert row.days_since_over == 12
    assert row.n_axle_conflict_365 == 1 and row.n_over_registered_365 == 0
    assert row.n_bypass_365 == 1 and row.n_obscured_365 == 0
    # the data start in March: three months before the June cut-off, so per-month counts
    # divide by 3 (not 12), comparable with a later cut-off's full year
    assert row.history_months == 3
    assert row.over_per_month == pytest.approx(2 / 3)
    assert row.weighed_per_month == pytest.approx(4 / 3)
    assert row.wim_over_per_month_90 == pytest.approx(1 / 3)
    assert row.bypass_per_month == pytest.approx(1 / 3)
    # shrunk towards the population's 2 over-limit weighings in 5 (before the cut-off)
    w = rf.PRIOR_WEIGHT
    assert row.over_rate_365 == pytest.approx((2 + w * 2 / 5) / (4 + w))
    assert row.night_share_365 == pytest.approx((1 + w * 1 / 5) / (4 + w))
    # legal loaded weighings (≥ 60 % of the limit): A's 47.5 t (near the limit, ≥ 90 %) and
    # 40 t before the cut-off (not the 48.5 t after it); the population adds B's 30 t
    legal = [47500 / 49000, 40000 / 49000]
    prior = (sum(legal) + 30000 / 49000) / 3
    assert row.legal_load_ratio_365 == pytest.approx((sum(legal) + w * prior) / (2 + w))
    assert row.near_limit_share_365 == pytest.approx((1 + w * 1 / 3) / (2 + w))
    assert set(rm.FEATURES) <= set(row.index)
    assert "pattern_flags" not in rm.FEATURES  # whole-period findings would leak the future


def test_rolling_test_scores_each_origin_with_a_model_from_before_it() -> None:
    """Each of the last cut-offs is scored by a model that never saw it or anything later."""
    frame = _frame()
    test = rm.rolling_test(frame, 3)
    cuts = sorted(frame.cutoff.unique())
    assert sorted(test.cutoff.unique()) == cuts[-3:]
    assert len(test) == 3 * 400 and test.p_model.between(0, 1).all()
    # the last origin's scores do not depend on a (shuffled) label of that cut-off
    shuffled = frame.copy()
    last = shuffled.cutoff == cuts[-1]
    shuffled.loc[last, "label"] = ~shuffled.loc[last, "label"]
    again = rm.rolling_test(shuffled, 1)
    np.testing.assert_allclose(
        again.sort_values("plate_key").p_model.to_numpy(),
        test[test.cutoff == cuts[-1]].sort_values("plate_key").p_model.to_numpy(),
    )


def test_training_skips_cut_offs_with_a_short_history() -> None:
    frame = _frame()
    frame["history_months"] = frame.cutoff.map(lambda c: min(12, c.month))
    model = rm.train(frame)
    assert model.train_window[0] == dt.date(2026, rm.MIN_HISTORY_MONTHS, 1)
    # too few long-history cut-offs: all are kept
    frame["history_months"] = 1
    assert rm.train(frame).train_window[0] == dt.date(2026, 1, 1)


def test_model_scoring_repeats_the_figures_on_untriggered_vehicles() -> None:
    """The untriggered population (no legal repeat trigger yet) is scored on its own rows: the
    rule's count ordering and the model's probabilities pick their top k among them only."""
    rows = [
        {
            "plate_key": f"P{i:03d}",
            "cutoff": "2026-10-01",
            "label": i in (0, 1, 50, 51),
            "p_model": 1.0 if i in (50, 51) else 0.5 - i / 1000,
            "rule_rank": i + 1,
            "untriggered": i >= 40,  # the first 40 by the rule have passed the R09 count
        }
        for i in range(200)
    ]
    by_k = {r["detector"]: r for r in score_model(rows)}
    # whole population: the rule's top 20 holds P000/P001, the model's holds P050/P051 too
    assert by_k["rule_ranking.precision@20"]["tp"] == 2
    assert by_k["risk_model.precision@20"]["tp"] == 4
    # untriggered rows only: P050/P051 are the only positives; the rule's top 20 (ranks 41-60)
    # also reaches them, the model puts them first
    u_model = by_k["risk_model.untriggered.precision@20"]
    assert u_model["found"] == 20 and u_model["truth"] == 2 and u_model["tp"] == 2
    assert by_k["rule_ranking.untriggered.precision@20"]["tp"] == 2
    assert by_k["random.untriggered.precision@20"]["precision"] == pytest.approx(20 * 2 / 160 / 20)
    assert by_k["risk_model.untriggered.precision@100"]["found"] == 100
    assert "untriggered" not in "".join(r["detector"] for r in score_model(rows[:40]))
