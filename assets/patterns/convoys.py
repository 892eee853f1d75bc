"""convoys (车队/结伙): vehicles passing stations together far more often than chance."""

from __future__ import annotations

import dagster as dg
import pyarrow as pa

from assets.patterns._io import count, load_sql, preview
from models.patterns import convoys
from models.patterns.common import fetch_dicts, insert_findings


def detect_convoys(conn, as_of, params: dict | None = None) -> int:
    """Write patterns.co_passages/convoy_pairs/convoy_ties/convoys and findings.convoy."""
    p = {**convoys.DEFAULTS, **(params or {})}
    conn.execute(
        "create or replace table patterns.co_passages as " + convoys.co_passages_sql(),
        {"gap_min": p["gap_min"], "min_confidence": p["min_confidence"]},
    )
    pairs = fetch_dicts(
        conn,
        convoys.pair_significance_sql(),
        {k: p[k] for k in ("gap_min", "min_days", "min_confidence")},
    )
    ties = convoys.significant_ties(pairs, max_p=p["max_p"], min_ratio=p["min_ratio"])
    tie_table = pa.Table.from_pylist(
        ties
        or [
            {"plate_a": "", "plate_b": "", "days": 0, "expected": 0.0, "p_value": 1.0, "ratio": 0.0}
        ]
    ).select(["plate_a", "plate_b", "days", "expected", "p_value", "ratio"])
    conn.register("_ties", tie_table)
    conn.execute(
        "create or replace table patterns.convoy_ties as select * from _ties where plate_a <> ''"
    )
    conn.unregister("_ties")
    groups = convoys.groups_from_ties([(t["plate_a"], t["plate_b"]) for t in ties])
    members_info = {r["plate_key"]: r for r in fetch_dicts(conn, load_sql("convoy_members"))}
    co_rows = fetch_dicts(conn, load_sql("convoy_co_rows"))
    findings = convoys.convoy_findings(
        groups, ties, co_rows, members_info, as_of=as_of, gap_min=p["gap_min"]
    )
    insert_findings(conn, "convoy", findings)
    conn.execute(
        "create or replace table patterns.convoys as select finding_key, subject_keys as members,"
        " severity, details from findings.convoy"
    )
    return len(findings)


@dg.asset(
    key="convoys",
    group_name="patterns",
    deps=["pattern_passages"],
    required_resource_keys={"duckdb", "settings"},
    description="车队/结伙: groups co-passing the same stations within minutes on many days, "
    "beyond chance given traffic density at that station and hour. findings.convoy.",
)
def convoy_groups(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        as_of = context.resources.settings.as_of_date(conn)
        conn.execute("begin")
        n = detect_convoys(conn, as_of)
        conn.execute("commit")
        return dg.MaterializeResult(
            metadata={
                "findings": n,
                "ties": count(conn, "patterns.convoy_ties"),
                "preview": preview(conn, "findings.convoy", "finding_key, subject_keys, severity"),
            }
        )
