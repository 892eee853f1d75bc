"""Session fixtures shared by every area: one tiny generated world, one full pipeline run on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TINY_SEED = 11
XIANSUO = str(Path(sys.executable).parent / "xiansuo")


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny synthetic four-province landing folder (with `_truth/`)."""
    from data_contracts.generator import generate

    landing = tmp_path_factory.mktemp("tiny") / "landing"
    generate(landing, scale="tiny", seed=TINY_SEED)
    return landing


@pytest.fixture(scope="session")
def tiny_run(tiny_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A work dir in which `xiansuo run` ran once on `tiny_world`.

    It runs as its own process, as an analyst would run it, so that no DuckDB connection of the
    pipeline stays open inside the test process.
    """
    workdir = tmp_path_factory.mktemp("tiny_run")
    result = xiansuo("run", "--landing", str(tiny_world), "--workdir", str(workdir))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return workdir


@pytest.fixture(scope="session")
def xiansuo_cli():
    """The `xiansuo` command as a function: `xiansuo_cli("run", "--landing", ...)`."""
    return xiansuo


def xiansuo(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `xiansuo` command."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [XIANSUO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800
    )
