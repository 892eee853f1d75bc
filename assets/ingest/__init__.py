"""Ingestion layer: landing folder → staging.<table> (+ quarantine, history, duplicate log),
blocking reconciliation and GX checks, and the data-quality report.

Asset keys (fixed by DESIGN.md): staging_<table> for every canonical table, quality_report.
`ingest_landing` is the engine the assets call (also used by tests/bench/bench_ingest.py).
"""

from __future__ import annotations

from assets.ingest.checks import CHECKS
from assets.ingest.loader import ingest_landing, ingest_table
from assets.ingest.quality import quality_report
from assets.ingest.staging import STAGING_ASSETS

ASSETS = [*STAGING_ASSETS, quality_report]

__all__ = ["ASSETS", "CHECKS", "ingest_landing", "ingest_table"]
