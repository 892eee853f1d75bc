"""Weighing facts: passages → events (R01–R08, R35), WIM→static links, violations (R19/R33/R34), 一超四罚."""

from __future__ import annotations

import dagster as dg

from assets.facts._common import (
    as_of_date,
    columns_of,
    create_table,
    ensure_schemas,
    preview,
    read_sql,
    render,
    used_params,
    write_rule_tables,
)
from models.fines import fine_params, mass_fine_sql
from models.limits import (
    OPTIONAL_WEIGH_COLUMNS,
    limit_adjustment_sql,
    limit_params,
    weigh_input_sql,
)
from models.rules import load_rules

RESOURCES = {"duckdb", "settings"}
# What the WIM→static link needs of a WIM reading merged into a static event.
ABSORBED_COLUMNS = (
    "event_id, rids, station_id, station_kind, passed_at, plate_key, gross_kg, limit_kg,"
    " tolerance_pct, net_excess_kg, over_limit, excess_pct, evidence_ok"
)


def weigh_params() -> dict:
    book = load_rules()
    ev, r02 = book.events, book.params("R02")
    return {
        "same_station_merge_min": ev["same_station_merge_min"],
        "wim_static_merge_min": ev["wim_static_merge_min"],
        "wim_static_link_min": ev["wim_static_link_min"],
        "wim_static_max_km": ev["wim_static_max_km"],
        "tolerance_unknown_kind": 5.0,
        "r02_height": r02["height_m"],
        "r02_width": r02["width_m"],
        "r02_length": r02["length_m"],
        "r06_basis_net": book.params("R06")["basis"] == "net",
        "calibration_valid_days": book.params("R35")["calibration_valid_days"],
        **limit_params(book),
        **fine_params(book),
    }


def build_weigh_events(conn) -> dict[str, int]:
    """facts.rule_* → passage keys (narrow) → WIM→static links → event keys → one assessment
    pass writing facts.weigh_events (+ facts.weigh_absorbed_wim for the merged WIM reads)."""
    ensure_schemas(conn, "facts")
    write_rule_tables(conn)
    present = columns_of(conn, "staging", "weigh_records") & set(OPTIONAL_WEIGH_COLUMNS)
    conn.execute(
        "create or replace temp view weigh_input as " + weigh_input_sql(present_optional=present)
    )
    params = weigh_params()
    for name in ("weigh_passage_keys",):
        sql = read_sql(f"{name}.sql")
        conn.execute(f"create or replace temp table {name} as {sql}", used_params(sql, params))
    create_table(conn, "facts.wim_next_static", read_sql("wim_next_static.sql"), params)
    for name in ("weigh_event_keys", "weigh_absorbed_keys"):
        sql = read_sql(f"{name}.sql")
        conn.execute(f"create or replace temp table {name} as {sql}", used_params(sql, params))
    assess = read_sql("weigh_assess.sql")
    fragments = {
        "limit_expr": limit_adjustment_sql(),
        "mass_fine_expr": mass_fine_sql(excess_col="fine_excess"),
    }
    n_ev = create_table(
        conn,
        "facts.weigh_events",
        render(assess, keys="weigh_event_keys", **fragments),
        params,
        unordered=True,
    )
    absorbed = render(assess, keys="weigh_absorbed_keys", **fragments)
    create_table(
        conn,
        "facts.weigh_absorbed_wim",
        f"select {ABSORBED_COLUMNS} from ({absorbed})",  # noqa: S608 — constant column list
        params,
        unordered=True,
    )
    n_pass = conn.execute("select count(*) from weigh_passage_keys").fetchall()[0][0]
    for name in ("weigh_passage_keys", "weigh_event_keys", "weigh_absorbed_keys"):
        conn.execute(f"drop table if exists {name}")
    return {"passages": n_pass, "events": n_ev}


def build_wim_static_links(conn) -> int:
    return create_table(
        conn, "facts.wim_static_links", read_sql("wim_static_links.sql"), weigh_params()
    )


def build_over_limit_violations(conn, as_of) -> dict[str, int]:
    book = load_rules()
    bands = book.params("R19")["band_fine_yuan"]
    params = {
        "as_of": as_of,
        "r34_years": book.params("R34")["years"],
        "r19_low_max": bands[0]["max"],
        "r19_high_pct": bands[1]["over_pct"],
        "r19_high_max": bands[1]["max"],
    }
    n = create_table(
        conn, "facts.over_limit_violations", read_sql("over_limit_violations.sql"), params
    )
    n_fan = create_table(conn, "facts.over_limit_fanout", read_sql("over_limit_fanout.sql"))
    return {"violations": n, "fanout": n_fan}


@dg.asset(
    key="weigh_events",
    group_name="facts",
    deps=["staging_weigh_records", "staging_stations", "staging_vehicles", "staging_loadings"],
    required_resource_keys=RESOURCES,
    description="One row per passage (超限规定§3 limits, tolerance, net excess, §43 fine estimate, R35 gate).",
)
def weigh_events(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        conn.execute("begin")
        counts = build_weigh_events(conn)
        conn.execute("commit")
        stats = conn.execute(
            "select count(*) filter (where over_limit), count(*) filter (where within_tolerance),"
            " count(*) filter (where dimension_over), count(*) filter (where not evidence_ok)"
            " from facts.weigh_events"
        ).fetchall()[0]
        return dg.MaterializeResult(
            metadata={
                "rows": counts["events"],
                "passages": counts["passages"],
                "over_limit": stats[0],
                "within_tolerance": stats[1],
                "dimension_over": stats[2],
                "evidence_not_ok": stats[3],
                "preview": preview(conn, "facts.weigh_events"),
            }
        )


@dg.asset(
    key="wim_static_links",
    group_name="facts",
    deps=["weigh_events"],
    required_resource_keys=RESOURCES,
    description="WIM passage → next static weighing of the same vehicle downstream (model label).",
)
def wim_static_links(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        conn.execute("begin")
        n = build_wim_static_links(conn)
        conn.execute("commit")
        return dg.MaterializeResult(
            metadata={"rows": n, "preview": preview(conn, "facts.wim_static_links")}
        )


@dg.asset(
    key="over_limit_violations",
    group_name="facts",
    deps=["weigh_events"],
    required_resource_keys=RESOURCES,
    description="Over-limit events with rule ids, police 超载 view (R19/R33), R34/R35 gates, 一超四罚 fan-out.",
)
def over_limit_violations(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        as_of = as_of_date(context, conn)
        conn.execute("begin")
        counts = build_over_limit_violations(conn, as_of)
        conn.execute("commit")
        return dg.MaterializeResult(
            metadata={
                "rows": counts["violations"],
                "fanout_rows": counts["fanout"],
                "as_of": str(as_of),
                "preview": preview(conn, "facts.over_limit_violations"),
            }
        )


@dg.asset_check(
    asset="weigh_events",
    blocking=True,
    required_resource_keys={"duckdb"},
    description="原始称重值未被改写；超限仅在净超限>0时成立",
)
def weigh_events_consistent(context) -> dg.AssetCheckResult:
    with context.resources.duckdb.get_connection() as conn:
        bad = conn.execute(
            "select count(*) from facts.weigh_events e join staging.weigh_records r"
            " on r.rid = e.event_id where e.gross_kg is distinct from r.gross_kg"
            " or (e.over_limit and not e.net_excess_kg > 0)"
        ).fetchall()[0][0]
    return dg.AssetCheckResult(passed=bad == 0, metadata={"inconsistent_rows": bad})


ASSETS = [weigh_events, wim_static_links, over_limit_violations]
CHECKS = [weigh_events_consistent]
