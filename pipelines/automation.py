"""When the graph runs on its own: a sensor on the landing folder and a daily schedule."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.landing import landing_files, landing_fingerprint
from pipelines.resources import XiansuoSettings


def daily_schedule(job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    """The whole graph every day at 02:00 Beijing time (after the provinces' nightly exports)."""
    return dg.ScheduleDefinition(
        name="xiansuo_daily",
        job=job,
        cron_schedule="0 2 * * *",
        execution_timezone="Asia/Shanghai",
        default_status=dg.DefaultScheduleStatus.STOPPED,
    )


def landing_sensor(job: dg.UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    """One run per new batch of files in the landing folder (cursor = folder fingerprint)."""

    @dg.sensor(
        name="landing_folder_sensor",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
    )
    def _sensor(context: dg.SensorEvaluationContext, settings: XiansuoSettings):
        files = landing_files(Path(settings.landing))
        if not files:
            return dg.SkipReason(f"landing folder {settings.landing} has no files")
        fingerprint = landing_fingerprint(files)
        if fingerprint == context.cursor:
            return dg.SkipReason("no new or changed files since the last run")
        context.update_cursor(fingerprint)
        return dg.RunRequest(run_key=fingerprint)

    return _sensor
