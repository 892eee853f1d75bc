"""station_evasion (绕行/遮挡号牌): seen around a fixed station but not at it; obscured plates."""

from __future__ import annotations

import dagster as dg

from assets.patterns._io import count, load_sql, preview
from models.patterns import evasion
from models.patterns.common import fetch_dicts, insert_findings


def detect_station_evasion(conn, as_of, params: dict | None = None) -> int:
    """Write patterns.bypass_legs/obscured_reads/station_evasion and findings.station_evasion."""
    p = {**evasion.DEFAULTS, **(params or {})}
    conn.execute(
        "create or replace table patterns.bypass_legs as " + evasion.bypass_legs_sql(),
        {k: p[k] for k in ("cluster_km", "max_leg_min", "between_slack_km")},
    )
    conn.execute(
        "create or replace table patterns.obscured_reads as " + evasion.obscured_reads_sql(),
        {"cluster_km": p["cluster_km"], "timing_slack_min": p["timing_slack_min"]},
    )
    bypass = fetch_dicts(conn, load_sql("evasion_per_plate"))
    obscured = fetch_dicts(conn, load_sql("obscured_per_plate"))
    base = conn.execute(
        """
        select
            (select count(distinct a_rid) from patterns.bypass_legs) as n_bypass,
            count(*) filter (where plate_readable and station_kind = 'fixed') as n_fixed,
            (select count(*) from patterns.obscured_reads) as n_unread,
            count(*) filter (where plate_readable and station_kind in ('wim', 'anpr'))
                as n_reads,
            avg(case when hour(passed_at) >= 22 or hour(passed_at) < 5 then 1.0 else 0.0 end)
                as night_share
        from patterns.passages
        """
    ).fetchone()
    n_bypass, n_fixed, n_unread, n_reads, night = base
    findings = evasion.evasion_findings(
        bypass,
        obscured,
        base_bypass_rate=max(1e-4, (n_bypass or 0) / max(1, (n_bypass or 0) + (n_fixed or 0))),
        base_unread_rate=max(1e-4, (n_unread or 0) / max(1, (n_unread or 0) + (n_reads or 0))),
        base_night_share=float(night or 0.0),
        as_of=as_of,
        params=p,
    )
    insert_findings(conn, "station_evasion", findings)
    conn.execute(
        "create or replace table patterns.station_evasion as select finding_key, "
        "subject_keys[1] as plate_key, severity, details from findings.station_evasion"
    )
    return len(findings)


@dg.asset(
    key="station_evasion",
    group_name="patterns",
    deps=["pattern_passages"],
    required_resource_keys={"duckdb", "settings"},
    description="绕行/遮挡号牌: vehicles seen up- and downstream of a fixed station but not at it, "
    "repeatedly and beyond chance; plates unreadable far more often than chance. "
    "findings.station_evasion.",
)
def station_evasion(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        as_of = context.resources.settings.as_of_date(conn)
        conn.execute("begin")
        n = detect_station_evasion(conn, as_of)
        conn.execute("commit")
        return dg.MaterializeResult(
            metadata={
                "findings": n,
                "bypass_legs": count(conn, "patterns.bypass_legs"),
                "obscured_reads": count(conn, "patterns.obscured_reads"),
                "preview": preview(conn, "findings.station_evasion", "finding_key, severity"),
            }
        )
