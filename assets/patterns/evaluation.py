"""pattern_evaluation: every detector scored against the generated world's truth."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pyarrow as pa

from assets.patterns._io import load_sql
from models.patterns.common import fetch_dicts, table_exists
from models.patterns.scoring import score_detectors, score_model

COLUMNS = ["detector", "precision", "recall", "f1", "found", "truth", "tp", "note"]


def _plates(conn, table: str, where: str = "true") -> list[str]:
    if not table_exists(conn, "findings", table):
        return []
    return [
        r[0]
        for r in conn.execute(
            f"select distinct subject_keys[1] from findings.{table} where {where}"  # noqa: S608 (identifiers from code; data values are parameters)
        ).fetchall()
    ]


def found_sets(conn) -> dict:
    """What the detectors reported, in the shapes ``score_detectors`` expects."""
    found: dict = {
        "cloned_plate": _plates(conn, "cloned_plate"),
        "registration_mismatch": _plates(conn, "registration_mismatch"),
        "station_evasion": _plates(
            conn,
            "station_evasion",
            "list_has_any(cast(details->'$.kinds' as varchar[]), ['bypass', 'obscured'])",
        ),
        "night_passage": _plates(
            conn,
            "station_evasion",
            "list_contains(cast(details->'$.kinds' as varchar[]), 'night')",
        ),
        "station_evasion_bypass": _plates(
            conn,
            "station_evasion",
            "list_contains(cast(details->'$.kinds' as varchar[]), 'bypass')",
        ),
        "obscured_plate": _plates(
            conn,
            "station_evasion",
            "list_contains(cast(details->'$.kinds' as varchar[]), 'obscured')",
        ),
        "convoy": [],
        "network_cluster": [],
        "network_operators": [],
    }
    for kind in ("axles", "blue_plate_heavy", "gvw_over_registered", "weight_divergence"):
        found[f"registration_mismatch.{kind}"] = _plates(
            conn,
            "registration_mismatch",
            f"list_contains(cast(details->'$.kinds' as varchar[]), '{kind}')",
        )
    if table_exists(conn, "findings", "convoy"):
        found["convoy"] = [
            r[0] for r in conn.execute("select subject_keys from findings.convoy").fetchall()
        ]
    if table_exists(conn, "findings", "network_cluster"):
        for ops, vehs in conn.execute(
            "select cast(details->'$.operators' as varchar[]), "
            "cast(details->'$.vehicles' as varchar[]) from findings.network_cluster"
        ).fetchall():
            found["network_cluster"].append(list(ops) + list(vehs))
            found["network_operators"].append(list(ops))
    return found


def evaluate(conn, landing: Path, out_dir: Path) -> tuple[int, str]:
    """Write patterns.evaluation and out/models/evaluation.md; returns (rows, markdown)."""
    truth_path = Path(landing) / "_truth" / "truth.json"
    rows: list[dict] = []
    if truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        rows = score_detectors(found_sets(conn), truth)
        if table_exists(conn, "patterns", "model_test"):
            rows += score_model(
                fetch_dicts(conn, load_sql("model_test_rows")), risky=truth.get("risky_vehicles")
            )
        header = (
            f"# 模式检测评估（生成数据真值，seed={truth.get('seed')}, scale={truth.get('scale')}）"
        )
    else:
        header = "# 模式检测评估\n\n未找到生成数据真值（_truth/truth.json），真实数据无法计算查准率/查全率，已跳过。"
    table = pa.Table.from_pylist(
        [{c: (str(r.get(c)) if c == "note" else r.get(c)) for c in COLUMNS} for r in rows],
        schema=pa.schema(
            [
                ("detector", pa.string()),
                ("precision", pa.float64()),
                ("recall", pa.float64()),
                ("f1", pa.float64()),
                ("found", pa.int64()),
                ("truth", pa.int64()),
                ("tp", pa.int64()),
                ("note", pa.string()),
            ]
        ),
    )
    conn.register("_eval", table)
    conn.execute("create or replace table patterns.evaluation as select * from _eval")
    conn.unregister("_eval")
    md = header + "\n\n" + (_markdown(rows) if rows else "") + "\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "evaluation.md").write_text(md, encoding="utf-8")
    return len(rows), md


def _markdown(rows: list[dict]) -> str:
    def f(v):
        return "—" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))

    lines = ["| detector | precision | recall | F1 | found | truth | tp | note |", "|---" * 8 + "|"]
    for r in rows:
        lines.append("| " + " | ".join(f(r.get(c)) for c in COLUMNS) + " |")
    return "\n".join(lines)


@dg.asset(
    key="pattern_evaluation",
    group_name="patterns",
    deps=[
        "cloned_plates",
        "convoys",
        "network_clusters",
        "registration_mismatches",
        "station_evasion",
        "risk_model",
    ],  # fmt: skip
    required_resource_keys={"duckdb", "settings"},
    description="Precision/recall/F1 of every pattern detector and precision@k of the risk model "
    "vs the rule ranking and random, against the generator's truth (skipped on real data).",
)
def pattern_evaluation(context) -> dg.MaterializeResult:
    settings = context.resources.settings
    with context.resources.duckdb.get_connection() as conn:
        conn.execute("begin")
        n, md = evaluate(conn, Path(settings.landing), settings.out_dir / "models")
        conn.execute("commit")
    return dg.MaterializeResult(metadata={"rows": n, "report": dg.MetadataValue.md(md)})
