"""The risk model: P(the vehicle's next static weighing finds it over the limit).

Label events are static (fixed-station) weighings reached through a WIM pre-selection
(``facts.wim_static_links`` when present, else our own WIM→static linking). Snapshots are
taken at monthly cut-offs T: features use only data before T, the label is the first label
event in [T, T + horizon). Split by time only: train on early cut-offs, choose the model and
calibrate on a later slice, test on the latest cut-offs. Candidates: logistic regression on
standardised features and gradient boosting (shallow, strongly regularised, monotone in the
features where domain knowledge fixes the direction — ``MONOTONE``), both with positives
up-weighted (over-limit labels are rare, < 1 %, and easy negatives would otherwise dominate
the fit); the better average precision (a ranking metric) on the calibration slice wins.
Calibration: Platt (sigmoid) on the calibration slice — strictly monotone, so the ranking
(precision@k) is the model's own and has no ties, while the displayed probabilities are
calibrated (isotonic steps would tie many vehicles and make precision@k depend on the
tie-break). Interval of a probability: 5–95 % of the calibrated probability over 200
bootstrap refits of the Platt calibration on the calibration slice (the uncertainty of the
calibration, not of the trees themselves). Per-vehicle reasons: the probability drop when a
feature is set to its median.
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

from models.stats.measures import wilson_interval

# Features an analyst can defend from domain knowledge (all from data before the cut-off; counts
# per month of data in their window, so that early cut-offs with a shorter history are
# comparable with later ones — the model is trained on early and applied to late cut-offs):
# exposure and recency of the vehicle's own over-limit history, its shrunk over-limit rates by
# kind of scale (fixed / WIM pre-check / source exit), how heavily it loads (and how close to
# the limit when legal: a habitual overloader's legal loads sit near it), registration
# conflicts seen on the scale, evasion evidence (bypass legs, obscured plates, night running),
# and the practices of its operator and of the source units it loads at.
FEATURES = [
    "weighed_per_month",
    "over_per_month",
    "over_per_month_90",
    "pass_per_month_90",
    "wim_over_per_month_90",
    "static_per_month",
    "over_rate_365",
    "static_over_rate_365",
    "wim_over_rate_365",
    "source_exit_over_rate_365",
    "night_share_365",
    "mean_load_ratio_365",
    "legal_load_ratio_365",
    "near_limit_share_365",
    "max_excess_pct_365",
    "days_since_over",
    "axle_conflict_per_month",
    "over_registered_per_month",
    "bypass_per_month",
    "obscured_per_month",
    "reg_axle_count",
    "is_tractor",
    "yellow_plate",
    "operator_over_rate",
    "operator_fleet_size",
    "source_over_rate",
]

FEATURE_WORDS = {
    "weighed_per_month": "近12个月月均称重次数",
    "over_per_month": "近12个月月均超限次数",
    "over_per_month_90": "近90天月均超限次数",
    "pass_per_month_90": "近90天月均过车次数",
    "wim_over_per_month_90": "近90天月均不停车检测超限次数",
    "static_per_month": "近12个月月均固定站称重次数",
    "over_rate_365": "近12个月超限率（向总体收缩）",
    "static_over_rate_365": "近12个月固定站超限率（向总体收缩）",
    "wim_over_rate_365": "近12个月不停车检测超限率（向总体收缩）",
    "source_exit_over_rate_365": "近12个月源头出场称重超限率（向总体收缩）",
    "night_share_365": "夜间（22时至次日5时）过车占比（向总体收缩）",
    "mean_load_ratio_365": "平均总重/限值比",
    "legal_load_ratio_365": "合法装载时总重/限值比（向总体收缩）",
    "near_limit_share_365": "合法装载中达到限值90%以上的占比（向总体收缩）",
    "max_excess_pct_365": "近12个月最大超限率",
    "days_since_over": "距上次超限天数",
    "axle_conflict_per_month": "实测轴数与登记轴数不符（月均次数）",
    "over_registered_per_month": "实测总重超过登记总质量10%以上（月均次数）",
    "bypass_per_month": "绕行固定检测站（月均次数）",
    "obscured_per_month": "号牌无法识别、疑似遮挡（月均次数）",
    "reg_axle_count": "登记轴数",
    "is_tractor": "牵引车",
    "yellow_plate": "黄牌车辆",
    "operator_over_rate": "所属业户车辆超限率（向总体收缩）",
    "operator_fleet_size": "业户申报车辆数",
    "source_over_rate": "常用货源单位超限出场率（向总体收缩）",
}


# Domain knowledge as monotone constraints of the boosted trees (+1: the probability may only
# rise with the feature, -1: only fall): more or more recent over-limit history of the vehicle
# itself, higher own over-limit rates, heavier loading, more registration conflicts and more
# evasion evidence never make a vehicle *less* likely to be over the limit. With a few hundred
# positives this keeps the trees from fitting noise in the tails. The operator's and the source
# units' rates are left free: the label is a *fixed-station* weighing, and over-limit loads
# from an overloading source unit are caught at its exit scale or driven round fixed stations,
# so the direction at the next static weighing is not fixed by domain knowledge (measured on
# medium worlds 4242/5151/4243 of the generator before session 4, which still capped a
# background truck at 3 over-limit records: among vehicles with ≥ 4 past over-limit records the source
# rates rank *against* the label, AUC 0.28–0.38, the operator's 0.41–0.49; freeing them raised
# the rolling-origin precision@50 on every world, 0.105 → 0.123 on average).
MONOTONE = {
    "over_per_month": 1,
    "over_per_month_90": 1,
    "wim_over_per_month_90": 1,
    "over_rate_365": 1,
    "static_over_rate_365": 1,
    "wim_over_rate_365": 1,
    "mean_load_ratio_365": 1,
    "legal_load_ratio_365": 1,
    "near_limit_share_365": 1,
    "max_excess_pct_365": 1,
    "days_since_over": -1,
    "axle_conflict_per_month": 1,
    "over_registered_per_month": 1,
    "bypass_per_month": 1,
    "obscured_per_month": 1,
}

BOOSTING = {
    "max_iter": 150,
    "learning_rate": 0.05,
    "max_leaf_nodes": 7,
    "min_samples_leaf": 200,
    "l2_regularization": 1.0,
}
CANDIDATES = ("logistic", "gradient_boosting")
MIN_HISTORY_MONTHS = 5  # training cut-offs need this many months of data before them
POSITIVE_WEIGHT = 10.0  # class weight of over-limit labels in the fit
INTERVAL_DRAWS = 200  # bootstrap refits of the Platt calibration behind each interval
TOP_BIN = 200  # the highest-scored test rows, checked as a calibration bin of their own


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


LOG_SUFFIXES = ("_per_month", "_per_month_90")  # counts: log1p before the fit
LOG_FEATURES = ("operator_fleet_size", "days_since_over", "max_excess_pct_365")


def _transform(x: pd.DataFrame) -> np.ndarray:
    arr = x[FEATURES].astype(float).to_numpy(copy=True)
    for i, name in enumerate(FEATURES):
        if name.endswith(LOG_SUFFIXES) or name in LOG_FEATURES:
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
    platt_draws: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))

    def intervals(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """90 % interval of each row's calibrated probability (bootstrap of the calibration)."""
        if not len(frame):
            return np.zeros(0), np.zeros(0)
        d = self.pipeline.decision_function(_transform(frame))
        return probability_intervals(d, self.platt_draws, self.predict(frame))

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


def split_cutoffs(cutoffs: list[dt.date], n_test: int | None = None) -> tuple[list, list, list]:
    """Time split: last cut-off(s) → test, the one(s) before → calibration, the rest →
    training (``n_test`` fixes the number of test cut-offs)."""
    if len(cutoffs) < 3:
        raise ValueError("need at least three monthly cut-offs for a time-based split")
    if n_test is None:
        n_test = 1 if len(cutoffs) < 6 else 2
    n_cal = 1 if len(cutoffs) < 8 else 2
    return (
        cutoffs[: -n_test - n_cal],
        cutoffs[-n_test - n_cal : -n_test],
        cutoffs[-n_test:],
    )


def train(frame: pd.DataFrame, n_test: int | None = None) -> TrainedModel:
    """Fit on early cut-offs, choose and calibrate on the next, measure on the last."""
    # a fixed row order keeps the fit reproducible (SQL output order is not)
    frame = frame.sort_values(["cutoff", "plate_key"]).reset_index(drop=True)
    if "history_months" in frame:
        # cut-offs too close to the start of the data describe vehicles by a few months only:
        # left out when enough cut-offs with a longer history remain for the split
        longer = frame[frame.history_months >= MIN_HISTORY_MONTHS]
        if longer["cutoff"].nunique() >= 3 + (n_test or 0):
            frame = longer
    cutoffs = sorted(frame["cutoff"].unique())
    tr, ca, te = split_cutoffs(cutoffs, n_test)
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
            **BOOSTING,
            monotonic_cst=[MONOTONE.get(f, 0) for f in FEATURES],
            class_weight=weights,
            random_state=0,
        ),
    }
    candidates = {k: v for k, v in candidates.items() if k in CANDIDATES}
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
    model.platt_draws = platt_bootstrap(
        pipe.decision_function(_transform(f_ca)), f_ca["label"].astype(int).to_numpy()
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
            "test_average_precision": float(average_precision_score(y, p))
            if len(set(y)) > 1
            else math.nan,
            "calibration": method,
            "model": kind,
            **{f"calibration_slice_ap_{k}": float(v) for k, v in choice.items()},
        }
        model.calibration_points = calibration_bins(p, y)
    return model


def rolling_test(frame: pd.DataFrame, origins: int) -> pd.DataFrame:
    """Rolling-origin test rows: for each of the last ``origins`` cut-offs, a model trained and
    calibrated only on the cut-offs before it (same procedure as ``train``) scores that
    cut-off's rows. Returns those rows with ``p_model``; more test cut-offs than the single
    split gives, so precision@k is measured on more picks (a narrower interval)."""
    cutoffs = sorted(frame["cutoff"].unique())
    parts = []
    for cut in cutoffs[-origins:]:
        rows = frame[frame.cutoff == cut].copy()
        try:
            model = train(frame[frame.cutoff <= cut], n_test=1)
        except ValueError:  # too little history before this origin
            continue
        rows["p_model"] = model.predict(rows)
        parts.append(rows)
    if not parts:
        return frame.iloc[:0].assign(p_model=pd.Series(dtype=float))
    return pd.concat(parts, ignore_index=True)


def calibration_bins(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict]:
    """Mean predicted vs observed rate per bin of equal size in predicted probability (over-limit
    labels are rare, so fixed 0.1-wide bins would put nearly every row in the first one), with
    the observed rate's 95 % Wilson interval."""
    order = np.argsort(p, kind="stable")
    out = [
        _calibration_bin(f"{p[idx].min():.3f}-{p[idx].max():.3f}", p[idx], y[idx])
        for idx in np.array_split(order, min(bins, len(order)))
        if len(idx)
    ]
    if len(order) >= 10 * TOP_BIN:
        # the leads come from the very top: its calibration is checked on its own
        idx = order[-TOP_BIN:]
        label = f"top {TOP_BIN} ({p[idx].min():.3f}-{p[idx].max():.3f})"
        out.append(_calibration_bin(label, p[idx], y[idx]))
    return out


def _calibration_bin(label: str, p: np.ndarray, y: np.ndarray) -> dict:
    """Mean prediction vs observed rate (with its 95 % Wilson interval) of one bin of rows."""
    k, n = int(y.sum()), len(y)
    lo, hi = wilson_interval(k, n) or (0.0, 1.0)
    return {
        "bin": label,
        "predicted": float(p.mean()),
        "observed": k / n,
        "observed_lo": lo,
        "observed_hi": hi,
        "positives": k,
        "n": n,
    }


def platt_bootstrap(d: np.ndarray, y: np.ndarray, *, draws: int = INTERVAL_DRAWS) -> np.ndarray:
    """(draws × 2) Platt parameters (slope, intercept) refitted on Poisson-bootstrap resamples
    of the calibration slice (model scores ``d``, labels ``y``): the calibration's own
    uncertainty, large where few calibration vehicles scored that high. All draws are fitted
    at once by Newton steps on the weighted log-likelihood (a 2-parameter logistic fit)."""
    d = np.asarray(d, float)
    y = np.asarray(y, float)
    w = np.random.default_rng(0).poisson(1.0, (draws, len(d))).astype(float)
    a = np.ones(draws)
    b = np.full(draws, math.log((y.mean() + 1e-6) / (1 - y.mean() + 1e-6)) - d.mean())
    for _ in range(50):
        z = a[:, None] * d[None, :] + b[:, None]
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))
        r = w * (y[None, :] - p)
        h = w * p * (1 - p) + 1e-9
        ga, gb = (r * d).sum(1), r.sum(1)
        haa, hab, hbb = (h * d * d).sum(1) + 1e-6, (h * d).sum(1), h.sum(1) + 1e-6
        det = haa * hbb - hab * hab
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        a, b = a + da, b + db
        if max(np.abs(da).max(), np.abs(db).max()) < 1e-8:
            break
    return np.column_stack([a, b])


def probability_intervals(
    d: np.ndarray, params: np.ndarray, p: np.ndarray, *, level: float = 0.9
) -> tuple[np.ndarray, np.ndarray]:
    """Central ``level`` interval of the calibrated probability for model scores ``d`` over the
    bootstrap Platt parameters, widened to contain the point estimate ``p``."""
    if not len(d) or not len(params):
        return np.full(len(d), np.nan), np.full(len(d), np.nan)
    z = np.outer(params[:, 0], np.asarray(d, float)) + params[:, [1]]
    draws = 1.0 / (1.0 + np.exp(-z))
    lo = np.quantile(draws, (1 - level) / 2, axis=0)
    hi = np.quantile(draws, 1 - (1 - level) / 2, axis=0)
    return np.minimum(lo, p), np.maximum(hi, p)


def feature_importance(model: TrainedModel, frame: pd.DataFrame) -> dict[str, float]:
    """Mean probability drop per feature when set to its median (same occlusion as reasons)."""
    if not len(frame):
        return {f: 0.0 for f in FEATURES}
    # a fixed row order first: the same rows are drawn whatever order SQL returned them in
    ordered = frame.sort_values(["cutoff", "plate_key"]) if "plate_key" in frame else frame
    sample = ordered.sample(min(len(frame), 2000), random_state=0)
    base = model.predict(sample)
    out = {}
    for name in FEATURES:
        moved = sample.copy()
        moved[name] = model.medians[name]
        out[name] = round(float(np.mean(np.abs(base - model.predict(moved)))), 5)
    return out
