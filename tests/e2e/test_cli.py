"""The `xiansuo` command end to end on a tiny world: determinism, a full run, an idempotent rerun."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb


def _digest_tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_generate_is_deterministic(tmp_path: Path, xiansuo_cli) -> None:
    for name in ("a", "b"):
        result = xiansuo_cli(
            "generate",
            "--out",
            str(tmp_path / name),
            "--scale",
            "tiny",
            "--seed",
            "5",
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    first, second = _digest_tree(tmp_path / "a"), _digest_tree(tmp_path / "b")
    assert len(first) > 40 and first == second


def test_run_end_to_end_then_idempotent(tiny_world: Path, tiny_run: Path, xiansuo_cli) -> None:
    db = tiny_run / "xiansuo.duckdb"
    with duckdb.connect(str(db), read_only=True) as conn:
        loaded = conn.execute("select count(*) from staging.weigh_records").fetchone()[0]
        runs = conn.execute("select count(*), min(status) from meta.run_log").fetchone()
        tables = {r[0] for r in conn.execute("select schema_name from duckdb_tables()").fetchall()}
    assert loaded > 10_000
    assert runs == (1, "success")
    assert {"staging", "quarantine", "facts", "findings", "leads", "stats"} <= tables
    out = tiny_run / "out"
    for expected in (
        "quality/summary.parquet",
        "leads/leads.parquet",
        "leads/leads.jsonl",
        "stats/discretion_guide.html",
        "stats/overview.html",
    ):
        assert (out / expected).is_file(), expected
    assert {p.name for p in (out / "leads").iterdir() if p.is_dir()} == {"21", "22", "23", "15"}

    again = xiansuo_cli("run", "--landing", str(tiny_world), "--workdir", str(tiny_run))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "nothing to do" in again.stdout
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute("select count(*) from meta.run_log").fetchone()[0] == 1
        assert conn.execute("select count(*) from staging.weigh_records").fetchone()[0] == loaded
