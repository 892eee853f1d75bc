"""Suggested discretion tiers 轻 / 一般 / 重 per item (建议，供工作组讨论).

Severity boundaries come from the data's quantiles; penalty ranges per tier come from the
law: the §43 formula where one exists (the tier's penalties are the formula at its severity
edges), otherwise a split of the legal range (R39: "only a maximum" → 轻 ≤20 %, 一般
40–60 % of the maximum; a range → thirds). Every amount is clipped to the legal range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from models.stats.legal import LegalItem, clip_to_range, mass_fine_43

TIER_NAMES = ("轻", "一般", "重")


@dataclass(frozen=True)
class Tier:
    code: str
    tier: str
    severity_from: float | None  # exclusive lower edge (None = open)
    severity_to: float | None  # inclusive upper edge (None = open)
    penalty_min_yuan: float | None
    penalty_max_yuan: float | None
    sanction: str  # Chinese: 警告 / 罚款 / 警告或罚款
    basis: str
    tag: str


def round_edge(value: float, severity: str) -> float:
    """Round a severity boundary to a figure a working group would write down."""
    if severity == "excess_kg":
        return float(max(1000, round(value / 1000.0) * 1000))
    if severity == "excess_pct":
        return float(max(1, round(value)))
    if severity == "duration_h":
        return round(value * 2) / 2
    return value


def nice_amount(value: float, width: float) -> float:
    """Round an amount to a step a guide would print (width 1,980 → 10; 50,000 → 1,000)."""
    if width <= 0:
        return value
    step = 10 ** max(0, math.floor(math.log10(width)) - 2) * (5 if width >= 20000 else 1)
    step = max(step, 10) if width >= 100 else 1
    return round(value / step) * step


def split_range(item: LegalItem) -> list[tuple[float, float]]:
    """Split the legal fine range into three tiers (R39 local arithmetic, V2)."""
    assert item.max_yuan is not None
    lo = float(item.min_yuan or 0)
    hi = float(item.max_yuan)
    w = hi - lo
    if lo == 0:
        # only a maximum: 轻 ≤20 %, 一般 40–60 %, 重 60–100 % of the maximum
        parts = [(0.0, 0.2 * hi), (0.4 * hi, 0.6 * hi), (0.6 * hi, hi)]
    else:
        parts = [(lo, lo + w / 3), (lo + w / 3, lo + 2 * w / 3), (lo + 2 * w / 3, hi)]
    return [
        (clip_to_range(nice_amount(a, w), item), clip_to_range(nice_amount(b, w), item))
        for a, b in parts
    ]


def propose_tiers(
    item: LegalItem,
    q_low: float | None,
    q_high: float | None,
    *,
    rounding: str = "floor",
) -> list[Tier]:
    """Three tiers for `item` from two severity quantiles (e.g. P50 and P85).

    Items without a fine in the law get no tiers; items without a severity measure get
    tiers on the penalty range only (severity edges None).
    """
    if not item.has_fine:
        return []
    sev = item.severity
    edges: list[float | None]
    if sev == "none" or q_low is None or q_high is None or any(map(_nan, (q_low, q_high))):
        edges = [None, None]
    else:
        a = round_edge(q_low, sev)
        b = round_edge(q_high, sev)
        if b <= a:
            b = a + (1000.0 if sev == "excess_kg" else 1.0)
        edges = [a, b]
    basis = item.printable_basis
    tiers: list[Tier] = []
    if item.formula == "mass_43" and edges[0] is not None:
        bounds = [(0.0, edges[0]), (edges[0], edges[1]), (edges[1], None)]
        for name, (s_from, s_to) in zip(TIER_NAMES, bounds, strict=True):
            pmin = mass_fine_43(max(s_from, 0.0) + 1.0, rounding=rounding) or 0.0
            pmax = (
                mass_fine_43(s_to, rounding=rounding) if s_to is not None else item.max_yuan
            ) or 0.0
            pmin = clip_to_range(pmin, item)
            pmax = clip_to_range(max(pmin, float(pmax)), item)
            sanction = "警告" if pmax == 0 else ("警告或罚款" if pmin == 0 else "罚款")
            tiers.append(
                Tier(
                    item.code,
                    name,
                    None if s_from == 0 else s_from,
                    s_to,
                    pmin,
                    pmax,
                    sanction,
                    basis,
                    item.tag,
                )
            )
        return tiers
    if item.sub_ranges and edges[0] is not None:
        edges = snap_edges(edges, [u for u, _, _ in item.sub_ranges if u is not None])
    bounds = [(None, edges[0]), (edges[0], edges[1]), (edges[1], None)]
    envelopes = [item.envelope(a, b) for a, b in bounds]
    if len(set(envelopes)) == 1:
        parts = split_range(item)
    else:
        # tiers sharing a statutory sub-range split it evenly (道交法90 vs 99 for speeding)
        parts = []
        for env in envelopes:
            members = [k for k, e in enumerate(envelopes) if e == env]
            k, pos = len(members), members.index(len(parts))
            w = env[1] - env[0]
            parts.append(
                (
                    nice_amount(env[0] + w * pos / k, w),
                    nice_amount(env[0] + w * (pos + 1) / k, w),
                )
            )
    for i, (name, (s_from, s_to), (pmin, pmax), (env_lo, env_hi)) in enumerate(
        zip(TIER_NAMES, bounds, parts, envelopes, strict=True)
    ):
        pmin = clip_to_range(min(max(pmin, env_lo), env_hi), item)
        pmax = clip_to_range(min(max(pmax, env_lo), env_hi), item)
        sanction = "警告或罚款" if (i == 0 and item.warning_allowed) else "罚款"
        tiers.append(Tier(item.code, name, s_from, s_to, pmin, pmax, sanction, basis, item.tag))
    return tiers


def snap_edges(edges: list[float | None], boundaries: list[float]) -> list[float | None]:
    """Move the tier edge nearest to each statutory boundary onto it, so that no tier
    straddles two statutory sub-ranges."""
    out = list(edges)
    for b in boundaries:
        j = min(range(len(out)), key=lambda k: abs(float(out[k]) - b))  # type: ignore[arg-type]
        out[j] = b
    return sorted(out)  # type: ignore[type-var]


def tier_of(value: float | None, tiers: list[Tier]) -> str | None:
    """Which tier a severity value falls in (None when the tiers have no severity edges)."""
    if value is None or not tiers or tiers[0].severity_to is None:
        return None
    for t in tiers:
        if t.severity_to is None or value <= t.severity_to:
            return t.tier
    return tiers[-1].tier


def _nan(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)
