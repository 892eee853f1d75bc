"""Pattern assets (团伙性质): clones, convoys, networks, registration mismatch, evasion, the risk
model and its evaluation. Thin Dagster wrappers over ``models.patterns``."""

from __future__ import annotations

from assets.patterns.checks import CHECKS
from assets.patterns.clones import cloned_plates
from assets.patterns.convoys import convoy_groups
from assets.patterns.evaluation import pattern_evaluation
from assets.patterns.evasion import station_evasion
from assets.patterns.networks import network_clusters
from assets.patterns.passages import pattern_passages
from assets.patterns.registration import registration_mismatches
from assets.patterns.risk import risk_model

ASSETS = [
    pattern_passages,
    cloned_plates,
    convoy_groups,
    network_clusters,
    registration_mismatches,
    station_evasion,
    risk_model,
    pattern_evaluation,
]
__all__ = ["ASSETS", "CHECKS"]
