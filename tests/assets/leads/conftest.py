"""Fixtures of the leads asset tests (the world itself is built in world.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest


def load_world():
    """world.py as a module (tests run with --import-mode=importlib, no package path)."""
    if "leads_world" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "leads_world", Path(__file__).with_name("world.py")
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["leads_world"] = module
        spec.loader.exec_module(module)
    return sys.modules["leads_world"]


@pytest.fixture
def world_db(tmp_path: Path) -> Path:
    db = tmp_path / "xiansuo.duckdb"
    with duckdb.connect(str(db)) as conn:
        load_world().build_world(conn)
    return db


load_world()  # so that test modules can `from leads_world import ...`
