"""Facts layer (rules area): weighing events and violations, 两客一危 violations, legal windows."""

from __future__ import annotations

from assets.facts import monitoring, weigh, windows

ASSETS = [*weigh.ASSETS, *monitoring.ASSETS, *windows.ASSETS]
CHECKS = [*weigh.CHECKS, *monitoring.CHECKS, *windows.CHECKS]
