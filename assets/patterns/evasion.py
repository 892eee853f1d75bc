"""station_evasion (绕行/遮挡号牌/夜间通行): seen around a fixed station but not at it; obscured
plates; trucks crossing the station areas mostly at night."""

from __future__ import annotations

import dagster as dg

from assets.patterns._io import count, load_sql, preview
from models.patterns import evasion
from models.patterns.common import fetch_dicts, insert_findings, registration_view


def detect_station_evasion(conn, as_of, params: dict | None = None) -> int:
    """Write patterns.bypass_legs/obscured_reads/night_passages/station_evasion and
    findings.station_evasion."""
    p = {**evasion.DEFAULTS, **(params or {})}
    registration_view(conn)
    conn.execute(
        "create or replace table patterns.bypass_legs as " + evasion.bypass_legs_sql(),
        {k: p[k] for k in ("cluster_km", "max_leg_min", "between_slack_km")},
    )
    conn.execute(
        "create or replace table patterns.obscured_reads as " + evasion.obscured_reads_sql(),
        {"cluster_km": p["cluster_km"], "timing_slack_min": p["timing_slack_min"]},
    )
    conn.execute(
        "create or replace table patterns.night_passages as " + evasion.night_passages_sql(),
        {"cluster_km": p["cluster_km"], "journey_gap_h": p["journey_gap_h"]},
    )
    night_rows = fetch_dicts(
        conn,
        "select * from patterns.night_passages where n_night >= $m order by plate_key",
        {"m": p["night_min"]},
    )
    base_area_night = conn.execute(
        "select sum(n_night) / nullif(sum(n_journeys), 0) from patterns.night_passages"
    ).fetchone()[0]
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
        night=night_rows,
        base_area_night_share=float(base_area_night or 0.0),
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
    "trucks crossing the station areas at night far more often than others (own kind "
    "'night'). findings.station_evasion.",
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
