"""The landing sensor asks for one run per new batch of files, and skips when nothing changed."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.settings import Settings


def _evaluate(defs: dg.Definitions, cursor: str | None):
    sensor = defs.resolve_sensor_def("landing_folder_sensor")
    context = dg.build_sensor_context(
        cursor=cursor, resources={"settings": defs.resources["settings"]}
    )
    return sensor.evaluate_tick(context)


def test_landing_sensor_runs_once_per_new_batch(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    defs = build_definitions(Settings(tmp_path, landing))
    assert not _evaluate(defs, None).run_requests

    (landing / "21" / "weigh_records").mkdir(parents=True)
    (landing / "21" / "weigh_records" / "day1.csv").write_text("record_id\nA\n", encoding="utf-8")
    first = _evaluate(defs, None)
    assert len(first.run_requests) == 1
    assert not _evaluate(defs, first.cursor).run_requests

    (landing / "21" / "weigh_records" / "day2.csv").write_text("record_id\nB\n", encoding="utf-8")
    assert len(_evaluate(defs, first.cursor).run_requests) == 1


def test_ignores_truth_and_unknown_folders(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "_truth").mkdir(parents=True)
    (landing / "_truth" / "truth.json").write_text("{}", encoding="utf-8")
    (landing / "99" / "weigh_records").mkdir(parents=True)
    (landing / "99" / "weigh_records" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    defs = build_definitions(Settings(tmp_path, landing))
    assert not _evaluate(defs, None).run_requests
