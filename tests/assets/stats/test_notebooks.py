"""The analyst notebooks execute on the tiny world (so they never rot)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[3] / "notebooks").glob("0*.py"))


def test_the_three_notebooks_exist() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert names == [
        "01_explore_province_violations.py",
        "02_review_discretion_stats.py",
        "03_inspect_lead_cluster.py",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_on_tiny_world(notebook: Path, tiny_run: Path, monkeypatch) -> None:
    import jupytext
    import nbclient

    monkeypatch.setenv("XIANSUO_WORKDIR", str(tiny_run))
    nb = jupytext.read(notebook)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=180,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    client.execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
