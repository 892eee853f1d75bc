"""Suggested tiers: never outside the legal range (or the statutory sub-range)."""

from __future__ import annotations

import itertools

import pytest

from models.stats.legal import load_legal_config, mass_fine_43
from models.stats.tiers import TIER_NAMES, propose_tiers, tier_of

CFG = load_legal_config()
FINED = [i for i in CFG.items.values() if i.has_fine]
QUANTILE_PAIRS = [
    (None, None),
    (0.5, 0.9),
    (3.0, 8.0),
    (12.0, 35.0),
    (40.0, 80.0),
    (900.0, 1500.0),
    (4000.0, 15000.0),
    (22000.0, 39000.0),
    (70000.0, 95000.0),
    (5.0, 5.0),  # degenerate data: both quantiles equal
]


@pytest.mark.parametrize(
    ("code", "qs"), list(itertools.product([i.code for i in FINED], QUANTILE_PAIRS))
)
def test_tiers_never_outside_the_legal_range(code: str, qs: tuple) -> None:
    item = CFG.items[code]
    tiers = propose_tiers(item, *qs)
    assert [t.tier for t in tiers] == list(TIER_NAMES)
    lo, hi = float(item.min_yuan or 0), float(item.max_yuan)
    for t in tiers:
        assert lo <= t.penalty_min_yuan <= t.penalty_max_yuan <= hi, (code, qs, t)
        env_lo, env_hi = item.envelope(t.severity_from, t.severity_to)
        if item.formula is None:
            assert env_lo <= t.penalty_min_yuan and t.penalty_max_yuan <= env_hi, (code, t)
    edges = [t.severity_to for t in tiers[:-1]]
    if edges[0] is not None:
        assert edges == sorted(edges)


def test_mass_tiers_follow_the_formula() -> None:
    item = CFG.items["OL-MASS"]
    tiers = propose_tiers(item, 4300.0, 14800.0)
    light, normal, heavy = tiers
    assert (light.severity_to, normal.severity_to) == (4000.0, 15000.0)
    assert light.penalty_min_yuan == 0.0 and light.sanction == "警告或罚款"
    assert light.penalty_max_yuan == mass_fine_43(4000)
    assert normal.penalty_max_yuan == mass_fine_43(15000)
    assert heavy.penalty_max_yuan == 30000.0
    assert tier_of(3000, tiers) == "轻" and tier_of(20000, tiers) == "重"


def test_speeding_below_50_percent_never_gets_more_than_200_yuan() -> None:
    tiers = propose_tiers(CFG.items["P-SPD"], 25.0, 48.0)
    for t in tiers:
        if t.severity_to is not None and t.severity_to <= 50:
            assert t.penalty_max_yuan <= 200
    assert tiers[-1].severity_from == 50 and tiers[-1].penalty_min_yuan >= 200


def test_items_without_a_fine_get_no_tiers() -> None:
    assert propose_tiers(CFG.items["P-NGT"], 1.0, 2.0) == []
