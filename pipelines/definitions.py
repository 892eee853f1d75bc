"""The Dagster code location: one explicit Definitions for the whole xiansuo graph."""

from __future__ import annotations

import dagster as dg

from assets import facts, ingest, leads, patterns, scores, stats
from pipelines.automation import daily_schedule, landing_sensor
from pipelines.resources import XiansuoSettings, duckdb_resource
from pipelines.settings import Settings

# One assets package per layer, in data-flow order. Each exposes ASSETS and CHECKS.
LAYERS = (ingest, facts, scores, patterns, leads, stats)

ALL_ASSETS_JOB = "xiansuo_all"


def build_definitions(settings: Settings) -> dg.Definitions:
    """Definitions bound to one work dir / landing folder / reference date."""
    assets = [a for layer in LAYERS for a in layer.ASSETS]
    checks = [c for layer in LAYERS for c in layer.CHECKS]
    everything = dg.define_asset_job(ALL_ASSETS_JOB, selection=dg.AssetSelection.all())
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[everything],
        schedules=[daily_schedule(everything)],
        sensors=[landing_sensor(everything)],
        resources={
            "duckdb": duckdb_resource(settings),
            "settings": XiansuoSettings(
                workdir=str(settings.workdir),
                landing=str(settings.landing),
                as_of=settings.as_of.isoformat() if settings.as_of else "",
            ),
        },
        executor=dg.in_process_executor,
    )


defs = build_definitions(Settings.from_env())
