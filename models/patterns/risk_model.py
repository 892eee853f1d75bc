"""The risk model: P(the vehicle's next static weighing finds it over the limit).

Label events are static (fixed-station) weighings reached through a WIM pre-selection
(``facts.wim_static_links`` when present, else our own WIM→static linking). Snapshots are
taken at monthly cut-offs T: features use only data before T, the label is the first label
event in [T, T + horizon). Split by time only: train on early cut-offs, choose the model and
calibrate on a later slice, test on the latest cut-offs. Candidates: logistic regression on
standardised features and gradient boosting, both with positives up-weighted (over-limit
labels are rare, < 1 %, and easy negatives would otherwise dominate the fit); the better
average precision (a ranking metric) on the calibration slice wins. Calibration: Platt
(sigmoid) on the calibration slice — strictly monotone, so the ranking (precision@k) is the
model's own and has no ties, while the displayed probabilities are calibrated (isotonic steps
would tie many vehicles and make precision@k depend on the tie-break). Per-vehicle reasons:
the probability drop when a feature is set to its median.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = [
    "n_pass_365",
    "n_weighed_365",
    "n_over_365",
    "n_over_90",
    "n_over_30",
    "n_over_180",
    "n_static_over_365",
    "n_static_over_90",
    "n_wim_over_365",
    "n_wim_over_90",
    "n_static_365",
    "n_wim_365",
    "n_pass_90",
    "n_near_limit_365",
    "near_limit_share_365",
    "over_rate_365",
    "static_over_rate_365",
    "wim_over_rate_365",
    "source_exit_over_rate_365",
    "mean_load_ratio_365",
    "max_excess_pct_365",
    "days_since_over",
    "reg_axle_count",
    "is_tractor",
    "yellow_plate",
    "operator_over_rate",
    "operator_fleet_size",
    "source_over_rate",
    "pattern_flags",
]

FEATURE_WORDS = {
    "n_pass_365": "近12个月过车次数",
    "n_weighed_365": "近12个月称重次数",
    "n_over_365": "近12个月超限次数",
    "n_over_90": "近90天超限次数",
    "n_over_30": "近1个月超限次数",
    "n_over_180": "近6个月超限次数",
    "n_static_over_365": "近12个月固定站超限次数",
    "n_static_over_90": "近90天固定站超限次数",
    "n_wim_over_365": "近12个月不停车检测超限次数",
    "n_wim_over_90": "近90天不停车检测超限次数",
    "n_static_365": "近12个月固定站称重次数",
    "n_wim_365": "近12个月不停车检测称重次数",
    "n_pass_90": "近90天过车次数",
    "n_near_limit_365": "近12个月接近限值（94–100%）的合法装载次数",
    "near_limit_share_365": "合法装载中接近限值的比例",
    "over_rate_365": "近12个月超限率",
    "static_over_rate_365": "近12个月固定站超限率",
    "wim_over_rate_365": "近12个月不停车检测超限率",
    "source_exit_over_rate_365": "近12个月源头出场称重超限率",
    "mean_load_ratio_365": "平均总重/限值比",
    "max_excess_pct_365": "最大超限率",
    "days_since_over": "距上次超限天数",
    "reg_axle_count": "登记轴数",
    "is_tractor": "牵引车",
    "yellow_plate": "黄牌车辆",
    "operator_over_rate": "所属业户车辆超限率",
    "operator_fleet_size": "业户申报车辆数",
    "source_over_rate": "常用货源单位超限出场率",
    "pattern_flags": "团伙/套牌/登记不符等模式信号数",
}


POSITIVE_WEIGHT = 10.0  # class weight of over-limit labels in the fit


def monthly_cutoffs(first: dt.date, last: dt.date, *, warmup_days: int = 60) -> list[dt.date]:
    """First-of-month cut-offs after a warm-up, up to ``last`` (inclusive)."""
    start = first + dt.timedelta(days=warmup_days)
    d = dt.date(start.year, start.month, 1)
    if d < start:
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    out = []
    while d <= last:
        out.append(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def _transform(x: pd.DataFrame) -> np.ndarray:
    arr = x[FEATURES].astype(float).to_numpy(copy=True)
    for i, name in enumerate(FEATURES):
        if name.startswith("n_") or name in ("operator_fleet_size", "days_since_over"):
            arr[:, i] = np.log1p(np.clip(arr[:, i], 0, None))
    return arr


@dataclass
class TrainedModel:
    pipeline: object
    calibrated: object
    calibration_method: str
    train_window: tuple[dt.date, dt.date]
    calib_window: tuple[dt.date, dt.date]
    test_window: tuple[dt.date, dt.date]
    metrics: dict = field(default_factory=dict)
    calibration_points: list = field(default_factory=list)
    medians: dict = field(default_factory=dict)
    kind: str = "logistic"

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.calibrated.predict_proba(_transform(frame))[:, 1]

    def contributions(self, frame: pd.DataFrame, top: int = 3) -> list[list[tuple[str, float]]]:
        """Top features raising each row's probability: the drop when the feature is set to
        the training median (occlusion; exact enough for ranking reasons, model-agnostic)."""
        if not len(frame):
            return []
        base = self.predict(frame)
        drops = np.zeros((len(frame), len(FEATURES)))
        for i, name in enumerate(FEATURES):
            moved = frame.copy()
            moved[name] = self.medians[name]
            drops[:, i] = base - self.predict(moved)
        out = []
        for row in drops:
            order = np.argsort(-row)[:top]
            out.append([(FEATURES[i], round(float(row[i]), 4)) for i in order if row[i] > 0])
        return out


def split_cutoffs(cutoffs: list[dt.date]) -> tuple[list, list, list]:
    """Time split: last cut-off → test, the one before → calibration, the rest → training."""
    if len(cutoffs) < 3:
        raise ValueError("need at least three monthly cut-offs for a time-based split")
    n_test = 1 if len(cutoffs) < 6 else 2
    n_cal = 1 if len(cutoffs) < 8 else 2
    return (
        cutoffs[: -n_test - n_cal],
        cutoffs[-n_test - n_cal : -n_test],
        cutoffs[-n_test:],
    )


def train(frame: pd.DataFrame) -> TrainedModel:
    """Fit on early cut-offs, choose and calibrate on the next, measure on the last."""
    # a fixed row order keeps the fit reproducible (SQL output order is not)
    frame = frame.sort_values(["cutoff", "plate_key"]).reset_index(drop=True)
    cutoffs = sorted(frame["cutoff"].unique())
    tr, ca, te = split_cutoffs(cutoffs)
    f_tr = frame[frame.cutoff.isin(tr)]
    f_ca = frame[frame.cutoff.isin(ca)]
    f_te = frame[frame.cutoff.isin(te)]
    if f_tr["label"].nunique() < 2 or f_ca["label"].nunique() < 2:
        raise ValueError("training or calibration slice has a single class")
    # positives are rare (< 1 %): up-weight them so easy negatives do not dominate the fit
    weights = {0: 1.0, 1: POSITIVE_WEIGHT}
    candidates = {
        "logistic": make_pipeline(
            StandardScaler(), LogisticRegression(C=0.1, max_iter=2000, class_weight=weights)
        ),
        "gradient_boosting": HistGradientBoostingClassifier(
            max_iter=200,
            learning_rate=0.05,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            class_weight=weights,
            random_state=0,
        ),
    }
    # model choice on the calibration slice (never on the test slice)
    choice = {}
    for name, est in candidates.items():
        est.fit(_transform(f_tr), f_tr["label"].astype(int))
        choice[name] = average_precision_score(
            f_ca["label"].astype(int), est.predict_proba(_transform(f_ca))[:, 1]
        )
    kind = max(choice, key=choice.get)
    pipe = candidates[kind]
    # Platt scaling keeps the ranking strictly monotone (isotonic steps create ties that
    # make precision@k depend on the tie-break); it also undoes the class weights' inflation
    method = "sigmoid"
    cal = CalibratedClassifierCV(FrozenEstimator(pipe), method=method)
    cal.fit(_transform(f_ca), f_ca["label"].astype(int))
    model = TrainedModel(
        pipe,
        cal,
        method,
        (min(tr), max(tr)),
        (min(ca), max(ca)),
        (min(te), max(te)),
        medians={f: float(f_tr[f].astype(float).median()) for f in FEATURES},
        kind=kind,
    )
    if len(f_te):
        p = model.predict(f_te)
        y = f_te["label"].astype(int).to_numpy()
        model.metrics = {
            "n_train": int(len(f_tr)),
            "n_calibration": int(len(f_ca)),
            "n_test": int(len(f_te)),
            "test_positive_rate": float(y.mean()),
            "test_auc": float(roc_auc_score(y, p)) if len(set(y)) > 1 else math.nan,
            "test_brier": float(brier_score_loss(y, p)),
            "calibration": method,
            "model": kind,
            **{f"calibration_slice_ap_{k}": float(v) for k, v in choice.items()},
        }
        model.calibration_points = calibration_bins(p, y)
    return model


def calibration_bins(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict]:
    """Mean predicted vs observed rate per probability decile (for the calibration plot)."""
    out = []
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if mask.sum():
            out.append(
                {
                    "bin": f"{lo:.1f}-{hi:.1f}",
                    "predicted": float(p[mask].mean()),
                    "observed": float(y[mask].mean()),
                    "n": int(mask.sum()),
                }
            )
    return out


def feature_importance(model: TrainedModel, frame: pd.DataFrame) -> dict[str, float]:
    """Mean probability drop per feature when set to its median (same occlusion as reasons)."""
    if not len(frame):
        return {f: 0.0 for f in FEATURES}
    sample = frame.sample(min(len(frame), 2000), random_state=0)
    base = model.predict(sample)
    out = {}
    for name in FEATURES:
        moved = sample.copy()
        moved[name] = model.medians[name]
        out[name] = round(float(np.mean(np.abs(base - model.predict(moved)))), 5)
    return out
