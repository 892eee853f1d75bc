"""Discretion-guide statistics (裁量基准) and the stats reports.

Tables: stats.* built by assets/stats/build.py from the .sql in assets/stats/sql/.
Outputs: <workdir>/out/stats/*.parquet, discretion_stats.xlsx, discretion_guide.html,
overview.html.
"""

from __future__ import annotations

from assets.stats.checks import STATS_CHECKS
from assets.stats.reports import REPORT_ASSETS
from assets.stats.tables import TABLE_ASSETS

ASSETS = [*TABLE_ASSETS, *REPORT_ASSETS]
CHECKS = [*STATS_CHECKS]
