"""Session fixtures shared by every area: one tiny generated world, one full pipeline run on it."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY_SEED = 11


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny synthetic four-province landing folder (with `_truth/`)."""
    from data_contracts.generator import generate

    landing = tmp_path_factory.mktemp("tiny") / "landing"
    generate(landing, scale="tiny", seed=TINY_SEED)
    return landing


@pytest.fixture(scope="session")
def tiny_run(tiny_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A work dir in which the whole pipeline ran once on `tiny_world`."""
    from pipelines.runner import run_pipeline

    workdir = tmp_path_factory.mktemp("tiny_run")
    summary = run_pipeline(tiny_world, workdir)
    assert summary.status == "success", summary.failed_steps
    return workdir
