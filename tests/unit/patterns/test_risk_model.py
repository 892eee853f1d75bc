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
