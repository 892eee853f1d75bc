"""The code location loads: both through Python and through `dg check defs`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.definitions import ALL_ASSETS_JOB, build_definitions
from pipelines.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def test_definitions_validate_loadable(tmp_path: Path) -> None:
    defs = build_definitions(Settings(tmp_path, tmp_path / "landing"))
    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def(ALL_ASSETS_JOB)
    assert job.executor_def.name == "in_process"
    assert defs.resolve_schedule_def("xiansuo_daily").execution_timezone == "Asia/Shanghai"
    assert defs.resolve_sensor_def("landing_folder_sensor") is not None


def test_dg_check_defs(tmp_path: Path) -> None:
    dg_bin = Path(sys.executable).parent / "dg"
    env = {**os.environ, "XIANSUO_WORKDIR": str(tmp_path), "DAGSTER_HOME": str(tmp_path)}
    result = subprocess.run(
        [str(dg_bin), "check", "defs"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
