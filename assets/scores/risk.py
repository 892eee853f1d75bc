"""Risk scores (severity × time weight ÷ exposure, beta-binomial shrinkage, intervals, breakdown)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pyarrow as pa

from assets.facts._common import (
    as_of_date,
    create_table,
    ensure_schemas,
    preview,
    read_sql,
    render,
    write_rule_tables,
)
from models.rules import load_rules
from models.scoring import beta_interval, overlimit_severity_sql, scoring_params

HERE = Path(__file__).parent


def write_severity_tables(conn) -> None:
    sc = load_rules().scoring
    conn.execute(
        "create or replace table scores.rule_overlimit_severity (from_pct double, severity double)"
    )
    conn.executemany(
        "insert into scores.rule_overlimit_severity values (?, ?)",
        [[float(t["from_pct"]), float(t["severity"])] for t in sc["overlimit_severity"]],
    )
    conn.execute(
        "create or replace table scores.rule_monitoring_severity (kind varchar, severity double)"
    )
    conn.executemany(
        "insert into scores.rule_monitoring_severity values (?, ?)",
        [[k, float(v)] for k, v in sc["monitoring_severity"].items()],
    )


def build_risk_scores(conn, as_of) -> dict[str, int]:
    """violation units (scores.risk_breakdown) + exposure counts → posterior (SQL) → intervals
    (vectorised Beta quantiles) → scores.risk_scores. Clean units are counted, never listed."""
    ensure_schemas(conn, "scores")
    write_rule_tables(conn)
    write_severity_tables(conn)
    params = scoring_params(as_of)
    severity_sql, severity_params = overlimit_severity_sql(pct_col="e.excess_pct")
    params |= severity_params
    conn.execute(
        "create or replace temp view vehicle_operators as "
        + read_sql("vehicle_operators.sql", HERE)
    )
    units_sql = render(read_sql("risk_units.sql", HERE), overlimit_severity=severity_sql)
    create_table(conn, "scores.risk_breakdown", units_sql, params)
    conn.execute("create or replace temp view risk_units as select * from scores.risk_breakdown")
    exposure_sql = read_sql("risk_exposure.sql", HERE)
    conn.execute(
        "create or replace temp table risk_exposure as " + exposure_sql,
        _used(exposure_sql, params),
    )
    n_units = conn.execute("select sum(exposure_units) from risk_exposure").fetchall()[0][0] or 0
    post_sql = read_sql("risk_scores.sql", HERE)
    conn.execute(
        "create or replace temp table risk_posterior as " + post_sql, _used(post_sql, params)
    )
    post = conn.sql(
        "select entity_kind, entity_key, alpha, beta from risk_posterior"
    ).to_arrow_table()
    lo, hi = beta_interval(post["alpha"].to_numpy(), post["beta"].to_numpy(), params["level"])
    intervals = pa.table(
        {
            "entity_kind": post["entity_kind"],
            "entity_key": post["entity_key"],
            "posterior_lo": pa.array(lo, pa.float64()),
            "posterior_hi": pa.array(hi, pa.float64()),
        }
    )
    conn.register("risk_intervals", intervals)
    try:
        n = create_table(
            conn, "scores.risk_scores", read_sql("risk_scores_final.sql", HERE), params
        )
    finally:
        conn.unregister("risk_intervals")
    conn.execute("drop table if exists risk_posterior")
    conn.execute("drop table if exists risk_exposure")
    conn.execute("drop view if exists risk_units")
    conn.execute("drop view if exists vehicle_operators")
    return {"rows": n, "units": n_units}


def _used(sql: str, params: dict) -> dict:
    from assets.facts._common import used_params

    return used_params(sql, params)


@dg.asset(
    key="risk_scores",
    group_name="scores",
    deps=[
        "weigh_events",
        "over_limit_violations",
        "monitoring_violations",
        "staging_loadings",
        "staging_sources",
        "staging_vehicles",
    ],
    required_resource_keys={"duckdb", "settings"},
    description="车辆、驾驶人、业户、源头单位风险分：严重度×时间权重÷暴露量，同类收缩估计与区间，数据不足单列",
)
def risk_scores(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        as_of = as_of_date(context, conn)
        conn.execute("begin")
        counts = build_risk_scores(conn, as_of)
        conn.execute("commit")
        by_status = conn.execute(
            "select entity_kind || '/' || status, count(*) from scores.risk_scores group by all"
        ).fetchall()
        return dg.MaterializeResult(
            metadata={
                "rows": counts["rows"],
                "units": counts["units"],
                "as_of": str(as_of),
                "by_status": {k: int(c) for k, c in by_status},
                "preview": preview(conn, "scores.risk_scores"),
            }
        )


@dg.asset_check(
    asset="risk_scores",
    blocking=False,
    required_resource_keys={"duckdb"},
    description="分数在区间内、区间在[0,1]内；数据不足者无分数",
)
def risk_scores_coherent(context) -> dg.AssetCheckResult:
    with context.resources.duckdb.get_connection() as conn:
        bad = conn.execute(
            "select count(*) from scores.risk_scores where"
            " (status = 'scored' and not (score_lo <= score and score <= score_hi"
            "  and score_lo >= 0 and score_hi <= 1))"
            " or (status = 'insufficient' and score is not null)"
        ).fetchall()[0][0]
    return dg.AssetCheckResult(passed=bad == 0, metadata={"incoherent_rows": bad})


ASSETS = [risk_scores]
CHECKS = [risk_scores_coherent]
