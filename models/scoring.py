"""Risk scoring — the SMS/OCRS/EU family done transparently, plus what they lack: uncertainty.

For an entity (vehicle, driver, operator, source unit) over the last 24 months:
  exposure n = number of units (weighed passages, monitored vehicle-days, source departures),
               clean ones included (clean-inspection credit);
  points   k = Σ severity_u × time_weight_u, severity in [0, 1] (worst incident of the unit),
               time weight 1 / ⅔ / ⅓ for ≤ 6 / ≤ 12 / ≤ 24 months (SMS 3/2/1 normalised);
  score      = posterior mean of a beta-binomial rate with a peer-group prior
               (empirical Bayes: prior mean = pooled peer rate, strength κ by method of moments):
               (m·κ + k) / (κ + n), interval = Beta(m·κ + k, (1 − m)·κ + n − k) quantiles;
  status     = 'insufficient' when n is below the minimum (no score — not a low score).
Monotone: more severe or more recent violations raise k with n fixed, so the score rises;
more data narrows the interval. Pure mirrors of assets/scores/risk_scores*.sql.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.special import betaincinv

from models.rules import load_rules
from models.windows import months_before


def time_weight(unit_day: date, as_of: date) -> float:
    """1 / ⅔ / ⅓ for units within 6 / 12 / 24 months before as_of; 0 beyond the horizon."""
    for tw in load_rules().scoring["time_weights"]:
        if unit_day > months_before(as_of, tw["months"]):
            return float(tw["weight"])
    return 0.0


def overlimit_severity(excess_pct: float) -> float:
    tiers = load_rules().scoring["overlimit_severity"]
    return float([t for t in tiers if excess_pct >= t["from_pct"]][-1]["severity"])


def beta_interval(alpha, beta, level: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed credible interval of Beta(alpha, beta), vectorised."""
    level = level if level is not None else load_rules().scoring["interval_level"]
    a, b = np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float)
    tail = (1.0 - level) / 2.0
    return betaincinv(a, b, tail), betaincinv(a, b, 1.0 - tail)


@dataclass(frozen=True)
class Score:
    status: str
    score: float | None
    lo: float | None
    hi: float | None
    posterior_mean: float
    posterior_lo: float
    posterior_hi: float
    exposure: int
    points: float


def score_entity(
    units: list[tuple[date, float]],
    as_of: date,
    *,
    prior_mean: float,
    prior_strength: float,
    min_exposure: int,
) -> Score:
    """Score from (unit date, severity) pairs; severity 0 = clean unit."""
    inside = [(d, s) for d, s in units if time_weight(d, as_of) > 0 and d <= as_of]
    n = len(inside)
    k = sum(s * time_weight(d, as_of) for d, s in inside)
    m = min(max(prior_mean, 1e-4), 1 - 1e-4)
    a, b = m * prior_strength + k, (1 - m) * prior_strength + n - k
    lo, hi = beta_interval([a], [b])
    mean = a / (a + b)
    ok = n >= min_exposure
    return Score(
        status="scored" if ok else "insufficient",
        score=mean if ok else None,
        lo=float(lo[0]) if ok else None,
        hi=float(hi[0]) if ok else None,
        posterior_mean=mean,
        posterior_lo=float(lo[0]),
        posterior_hi=float(hi[0]),
        exposure=n,
        points=k,
    )


def scoring_params(as_of: date) -> dict:
    """SQL parameters for assets/scores/*.sql."""
    sc = load_rules().scoring
    tw = sc["time_weights"]
    lo, hi = sc["prior_strength_bounds"]
    mins = sc["min_exposure"]
    return {
        "as_of": as_of,
        "horizon_months": sc["horizon_months"],
        "tw1_months": tw[0]["months"],
        "tw1": tw[0]["weight"],
        "tw2_months": tw[1]["months"],
        "tw2": tw[1]["weight"],
        "tw3": tw[2]["weight"],
        "dimension_severity": sc["dimension_severity"],
        "min_vehicle": mins["vehicle"],
        "min_driver": mins["driver"],
        "min_operator": mins["operator"],
        "min_source": mins["source"],
        "min_group": 5,
        "kappa_min": lo,
        "kappa_max": hi,
        "level": sc["interval_level"],
    }


def overlimit_severity_sql(*, pct_col: str) -> tuple[str, dict]:
    """SQL `case` for the over-limit severity tiers (values as $parameters) and its parameters."""
    tiers = sorted(load_rules().scoring["overlimit_severity"], key=lambda t: -t["from_pct"])
    whens, params = [], {}
    for i, t in enumerate(tiers):
        whens.append(f"when {pct_col} >= $sev_from_{i} then $sev_val_{i}")
        params[f"sev_from_{i}"] = float(t["from_pct"])
        params[f"sev_val_{i}"] = float(t["severity"])
    return "case " + " ".join(whens) + " else 0.0 end", params
