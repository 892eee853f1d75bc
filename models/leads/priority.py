"""Priority (0-100) and rank of a lead — documented and explainable.

The order of importance is fixed by the issue: legal trigger > severity > risk score (with
its uncertainty) > gang membership > cross-province value.

- A lead with a legal trigger (an exact statutory threshold met, e.g. >3 over-limit in 12
  months) lies in the band 51-100; without one in 0-49. So any legal lead outranks any
  signal-only lead.
- Inside the band: 49 x (0.45 severity + 0.30 risk + 0.15 gang + 0.10 cross), where
  severity is the highest detector severity (0-1); risk is the *lower* end of the risk
  interval (uncertainty lowers the score), or 75 % of the point score when no interval is
  given; gang = 1 when the subject is a group or a member of a gang-type finding; cross = 1
  when the evidence happened outside the registration province or the group spans provinces,
  0.5 when evidence spans several provinces.
- Rank within a receiving province: priority desc, then legal trigger, severity, risk,
  number of reasons, number of evidence records (all desc), then lead_id asc (deterministic).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.leads import config as cfg


@dataclass(frozen=True)
class Priority:
    score: int
    legal: bool
    severity: float
    risk: float
    gang: float
    cross: float

    def explain(self) -> str:
        """Chinese one-liner showing how the score was built."""
        base = 51 if self.legal else 0
        return (
            f"优先级{self.score}＝{'法定情形' if self.legal else '非法定情形'}基础分{base}"
            f"＋49×(0.45×严重程度{self.severity:.2f}＋0.30×风险下限{self.risk:.2f}"
            f"＋0.15×团伙{self.gang:.0f}＋0.10×跨省{self.cross:.1f})"
        )


def conservative_risk(
    risk_score: float | None, risk_lo: float | None, risk_hi: float | None
) -> float:
    """Risk counted for priority: the interval's lower bound, else a discounted point score."""
    if risk_lo is not None:
        return _clip(risk_lo)
    if risk_score is not None:
        return _clip(risk_score * cfg.UNKNOWN_INTERVAL_FACTOR)
    return 0.0


def priority(legal: bool, severity: float, risk: float, gang: float, cross: float) -> Priority:
    severity, risk, gang, cross = (_clip(v) for v in (severity, risk, gang, cross))
    inner = (
        cfg.WEIGHT_SEVERITY * severity
        + cfg.WEIGHT_RISK * risk
        + cfg.WEIGHT_GANG * gang
        + cfg.WEIGHT_CROSS * cross
    )
    score = (51 if legal else 0) + round(49 * inner)
    return Priority(min(100, max(0, score)), bool(legal), severity, risk, gang, cross)


def rank_key(lead: dict) -> tuple:
    """Sort key for ranking inside a receiving province (deterministic tie-break)."""
    return (
        -lead["priority"],
        -int(bool(lead["legal_trigger"])),
        -float(lead["severity"] or 0),
        -float(lead["risk_conservative"] or 0),
        -len(lead["lead_types"]),
        -len(lead["evidence_record_ids"]),
        lead["lead_id"],
    )


def _clip(value: float | None) -> float:
    if value is None:
        return 0.0
    return float(min(1.0, max(0.0, value)))
