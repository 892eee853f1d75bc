"""`lead_hit_rates`: confirmed ÷ answered per lead type and province, lift over control."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from assets.leads._io import ensure_tables, fetch_dicts, load_sql
from reports.packets.exports import write_hit_rates


def refresh_hit_rates(conn, out_dir: Path) -> int:
    """Rebuild leads.hit_rates and out/leads/hit_rates.*; returns the number of rows."""
    ensure_tables(conn)
    conn.execute("create or replace table leads.hit_rates as " + load_sql("hit_rates"))
    rows = fetch_dicts(conn, "select * from leads.hit_rates")
    write_hit_rates(Path(out_dir) / "leads", rows)
    return len(rows)


@dg.asset(
    key="lead_hit_rates",
    group_name="leads",
    deps=["lead_packets", "staging_lead_feedback"],
    required_resource_keys={"duckdb", "settings"},
    description="线索命中率: confirmed ÷ answered and days to answer per lead type and receiving "
    "province, with the random control sample's rate and the lift over it.",
)
def lead_hit_rates(context) -> dg.MaterializeResult:
    out_dir = context.resources.settings.out_dir
    with context.resources.duckdb.get_connection() as conn:
        conn.execute("begin")
        n = refresh_hit_rates(conn, out_dir)
        conn.execute("commit")
        total = fetch_dicts(
            conn,
            "select sent, answered, confirmed, hit_rate from leads.hit_rates "
            "where lead_type = '全部' and receiving_province = '全部'",
        )
        frame = conn.execute("select * from leads.hit_rates limit 20").df()
    return dg.MaterializeResult(
        metadata={
            "rows": n,
            "overall": dg.MetadataValue.json(total[0] if total else {}),
            "path": dg.MetadataValue.path(str(out_dir / "leads" / "hit_rates.xlsx")),
            "preview": dg.MetadataValue.md(
                frame.to_markdown(index=False) if len(frame) else "_(empty)_"
            ),
        }
    )
