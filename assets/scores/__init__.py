"""Scores layer: risk scores for vehicles, drivers, operators and source units."""

from __future__ import annotations

from assets.scores.risk import ASSETS as _RISK_ASSETS
from assets.scores.risk import CHECKS as _RISK_CHECKS

ASSETS = [*_RISK_ASSETS]
CHECKS = [*_RISK_CHECKS]
