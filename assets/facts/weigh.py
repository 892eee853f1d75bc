"""Weighing facts: passages → events (R01–R08, R35), WIM→static links, violations (R19/R33/R34), 一超四罚."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from assets.facts._common import (
    as_of_date,
    columns_of,
    create_table,
    ensure_schemas,
    preview,
    qualified,
    read_sql,
    render,
    table_exists,
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
from models.rules import RULES_FILE, load_rules

HERE = Path(__file__).parent
ROOT = HERE.parents[1]

RESOURCES = {"duckdb", "settings"}
# What the WIM→static link needs of a WIM reading merged into a static event.
ABSORBED_COLUMNS = (
    "event_id, rids, station_id, station_kind, passed_at, plate_key, gross_kg, limit_kg,"
    " tolerance_pct, net_excess_kg, over_limit, excess_pct, evidence_ok"
)
# The columns of facts.wim_next_static (the run table also carries the record row ids).
WIM_NEXT_COLUMNS = "wim_event_id, static_event_id, plate_key, gap_min, downstream"


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


# What the per-event facts are computed from besides the weigh records (fingerprinted).
CONTEXT_TABLES = ("stations", "vehicles", "loadings")
# Source of the per-event computation: a change of any of these forces a full rebuild.
CODE_FILES = (
    HERE / "weigh.py",
    HERE / "weigh_passage_keys.sql",
    HERE / "wim_next_static.sql",
    HERE / "weigh_special_keys.sql",
    HERE / "weigh_assess.sql",
    ROOT / "models" / "limits.py",
    ROOT / "models" / "fines.py",
    ROOT / "models" / "rules" / "__init__.py",
)
# Above this share of all weigh records belonging to the touched vehicles, deleting and
# re-inserting their rows costs more than a full rebuild (measured on the medium world: one new
# month touches 17.7k vehicles = 76 % of the records; incremental 31.9 s vs full 33.4 s).
MAX_TOUCHED_SHARE = 0.3
# Tables written per vehicle (plate_key) by the weighing build; rebuilt per touched plate.
PER_PLATE_TABLES = ("facts.wim_next_static", "facts.weigh_events", "facts.weigh_absorbed_wim")


def _digest(paths) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(Path(path).read_bytes())
    return h.hexdigest()


def _row_hash(conn, table: str) -> str:
    """hash() over a staging row's content — without the bookkeeping columns (source file, row
    number, data-quality flags that ingestion may set or clear later), which no fact reads."""
    cols = sorted(columns_of(conn, "staging", table) - {"_file_id", "_row_no", "_flags"})
    return "hash(row(" + ", ".join('"' + c.replace('"', "") + '"' for c in cols) + "))"


def _state_now(conn) -> dict[str, str]:
    """Rule book hash, code version and the fingerprint of the enrichment tables."""
    state = {"rules_sha256": _digest([RULES_FILE]), "code_sha256": _digest(CODE_FILES)}
    for table in CONTEXT_TABLES:
        if table_exists(conn, "staging", table):
            n, h = conn.execute(
                f"select count(*), coalesce(sum({_row_hash(conn, table)}::hugeint), 0)::varchar"  # noqa: S608
                f" from staging.{table}"
            ).fetchall()[0]
            state[f"staging.{table}"] = f"{n}:{h}"
        else:
            state[f"staging.{table}"] = "absent"
    return state


def _file_fingerprints(conn) -> None:
    """temp weigh_files_now: rows and content hash of staging.weigh_records per source file."""
    row_hash = _row_hash(conn, "weigh_records")
    sql = (
        "create or replace temp table weigh_files_now as"  # noqa: S608 — our column names only
        " select coalesce(_file_id, '') as file_id, count(*) as n_rows,"
        f" sum({row_hash}::hugeint)::varchar as row_hash"
        " from staging.weigh_records group by all"
    )
    conn.execute(sql)


def _superseded_by_new_files(conn) -> None:
    """temp weigh_superseded: earlier versions (ingestion's history.weigh_records) of records that
    the new files re-sent — they left an earlier file, which explains that file's change."""
    cols = sorted(columns_of(conn, "staging", "weigh_records") - {"_file_id", "_row_no", "_flags"})
    hist = columns_of(conn, "history", "weigh_records")
    if not hist or not {*cols, "_file_id", "_superseded_by_file"} <= hist:
        conn.execute(
            "create or replace temp table weigh_superseded"
            " (file_id varchar, rid varchar, plate_key varchar, row_hash hugeint)"
        )
        return
    sql = (
        "create or replace temp table weigh_superseded as"  # noqa: S608 — our column names only
        " select coalesce(_file_id, '') as file_id, rid, plate_key,"
        f" {_row_hash(conn, 'weigh_records')}::hugeint as row_hash"
        " from history.weigh_records"
        " where coalesce(_superseded_by_file, '') in (select file_id from weigh_new_files)"
        " and coalesce(_file_id, '') in (select file_id from facts.weigh_build_files)"
    )
    conn.execute(sql)


def plan_weigh_build(conn) -> dict:
    """Choose full or incremental. Incremental only when the previous build's rule book, code and
    enrichment tables are unchanged and every file it saw is still in staging, changed at most by
    records that the new files re-sent (the superseded versions are in history.weigh_records and
    account exactly for the change of row count and content hash); then only the vehicles
    (plate_key) of the new files' rows and of the superseded versions are recomputed — a passage,
    its merges and its WIM→static link never cross vehicles. Anything else: full rebuild."""
    _file_fingerprints(conn)
    now = _state_now(conn)
    plan = {"mode": "full", "reason": "", "state": now, "new_files": 0}
    if not all(table_exists(conn, *t.split(".")) for t in PER_PLATE_TABLES) or not table_exists(
        conn, "facts", "weigh_build_state"
    ):
        plan["reason"] = "no previous build"
        return plan
    before = dict(conn.execute("select key, value from facts.weigh_build_state").fetchall())
    changed = sorted(k for k in now if before.get(k) != now[k])
    if changed:
        plan["reason"] = "changed: " + ", ".join(changed)
        return plan
    conn.execute(
        "create or replace temp table weigh_new_files as select file_id from weigh_files_now"
        " anti join facts.weigh_build_files using (file_id)"
    )
    _superseded_by_new_files(conn)
    unexplained = conn.execute(
        "with gone as (select file_id, count(*) as n, sum(row_hash) as h from weigh_superseded"
        " group by file_id)"
        " select count(*) from facts.weigh_build_files b"
        " left join weigh_files_now n using (file_id)"
        " left join gone g using (file_id)"
        " where coalesce(n.n_rows, 0) <> b.n_rows - coalesce(g.n, 0)"
        " or coalesce(n.row_hash::hugeint, 0) <> b.row_hash::hugeint - coalesce(g.h, 0)"
    ).fetchall()[0][0]
    if unexplained:
        plan["reason"] = (
            f"{unexplained} earlier file(s) changed or deleted in staging beyond the records"
            " re-sent by new files"
        )
        return plan
    plan["new_files"] = conn.execute("select count(*) from weigh_new_files").fetchall()[0][0]
    plan["superseded"] = conn.execute("select count(*) from weigh_superseded").fetchall()[0][0]
    plan["mode"] = "incremental"
    plan["reason"] = (
        f"{plan['new_files']} new file(s), {plan['superseded']} earlier record(s) re-sent by them"
    )
    return plan


def _record_state(conn, state: dict[str, str]) -> None:
    conn.execute("create or replace table facts.weigh_build_state (key varchar, value varchar)")
    conn.executemany("insert into facts.weigh_build_state values (?, ?)", list(state.items()))
    conn.execute("create or replace table facts.weigh_build_files as select * from weigh_files_now")


def build_weigh_events(
    conn, *, incremental: bool = True, max_touched_share: float = MAX_TOUCHED_SHARE
) -> dict:
    """facts.rule_* → the merged passages (one sort of the narrow keys; only the few re-read
    passages are kept, every other record is a passage of its own) → WIM→static next weighing
    (one sort of the WIM and fixed passages, carrying the record row ids) → the few special keys
    (merged re-reads, absorbed WIM reads, grown record lists) → one assessment pass over the
    weigh records writing facts.weigh_events (+ facts.weigh_absorbed_wim for the absorbed WIM
    reads). The wide table is written once, straight from staging; no intermediate copy of the
    records. Incremental (see plan_weigh_build) when only new weigh files arrived: the same SQL
    over the records of the vehicles they touch, replacing those vehicles' rows."""
    ensure_schemas(conn, "facts")
    write_rule_tables(conn)
    plan = plan_weigh_build(conn) if incremental else None
    if plan is None:
        _file_fingerprints(conn)
        plan = {"mode": "full", "reason": "full rebuild requested", "state": _state_now(conn)}
    present = columns_of(conn, "staging", "weigh_records") & set(OPTIONAL_WEIGH_COLUMNS)
    inc = plan["mode"] == "incremental"
    if inc:
        conn.execute(
            "create or replace temp table weigh_touched as select distinct plate_key"
            " from staging.weigh_records where coalesce(_file_id, '') in"
            " (select file_id from weigh_new_files) and plate_key is not null"
            " union select plate_key from weigh_superseded where plate_key is not null"
        )
        share = conn.execute(
            "select count(*) filter (where plate_key in (select plate_key from weigh_touched)"
            " or coalesce(_file_id, '') in (select file_id from weigh_new_files))"
            " / greatest(count(*), 1) from staging.weigh_records"
        ).fetchall()[0][0]
        if share > max_touched_share:
            inc = False
            plan["mode"] = "full"
            plan["reason"] = (
                f"{plan['reason']}, but the vehicles they touch hold {share:.0%} of the records"
                f" (> {max_touched_share:.0%}): a full rebuild is cheaper"
            )
    if inc:
        # the touched vehicles' records copied first: the SQL below joins on rowid, which must
        # come from an unfiltered scan
        conn.execute(
            "create or replace temp table weigh_scope as select * from staging.weigh_records"
            " where plate_key in (select plate_key from weigh_touched)"
            " or (plate_key is null and coalesce(_file_id, '') in"
            " (select file_id from weigh_new_files))"
        )
    records = weigh_input_sql(
        present_optional=present, table="weigh_scope" if inc else "staging.weigh_records"
    )
    conn.execute("create or replace temp view weigh_input as " + records)
    params = weigh_params()
    sql = read_sql("weigh_passage_keys.sql")
    conn.execute(
        f"create or replace temp table weigh_passage_keys as {sql}", used_params(sql, params)
    )
    sql = read_sql("wim_next_static.sql")
    conn.execute(
        f"create or replace temp table wim_next_static_run as {sql}", used_params(sql, params)
    )
    sql = read_sql("weigh_special_keys.sql")
    conn.execute(
        f"create or replace temp table weigh_special_keys as {sql}", used_params(sql, params)
    )
    assess = read_sql("weigh_assess.sql")
    fragments = {
        "limit_expr": limit_adjustment_sql(),
        "mass_fine_expr": mass_fine_sql(excess_col="fine_excess"),
    }
    events = render(
        assess,
        special_join="left join",
        role_filter="coalesce(k.role, 'event') = 'event'",
        **fragments,
    )
    absorbed = render(assess, special_join="join", role_filter="k.role = 'absorbed'", **fragments)
    absorbed = f"select {ABSORBED_COLUMNS} from ({absorbed})"  # noqa: S608 — constant columns
    outputs = [
        ("facts.wim_next_static", f"select {WIM_NEXT_COLUMNS} from wim_next_static_run"),  # noqa: S608
        ("facts.weigh_events", events),
        ("facts.weigh_absorbed_wim", absorbed),
    ]
    if inc:
        for table, sql in outputs:
            name = qualified(table)
            conn.execute(
                f"delete from {name} where plate_key in (select plate_key from weigh_touched)"  # noqa: S608
            )
            if table == "facts.weigh_events":  # unreadable plates: one passage per record
                conn.execute(
                    "delete from facts.weigh_events where plate_key is null"
                    " and event_id in (select rid from weigh_superseded)"
                )
            conn.execute(f"insert into {name} {sql}", used_params(sql, params))
    else:
        for table, sql in outputs:
            create_table(conn, table, sql, params, unordered=True)
    n_run = conn.execute(
        "select (select count(*) from weigh_input)"
        " - (select coalesce(sum(len(member_rowids)), 0) from weigh_passage_keys)"
    ).fetchall()[0][0]
    n_ev, n_pass = conn.execute(
        "select count(*), count(*) + (select count(*) from facts.weigh_absorbed_wim)"
        " from facts.weigh_events"
    ).fetchall()[0]
    _record_state(conn, plan["state"])
    touched = conn.execute("select count(*) from weigh_touched").fetchall()[0][0] if inc else None
    for name in (
        "weigh_passage_keys",
        "weigh_special_keys",
        "weigh_touched",
        "weigh_files_now",
        "weigh_new_files",
        "weigh_superseded",
        "weigh_scope",
        "wim_next_static_run",
    ):
        conn.execute(f"drop table if exists {name}")
    out = {"passages": n_pass, "events": n_ev, "mode": plan["mode"], "mode_reason": plan["reason"]}
    if inc:
        out |= {
            "passages_recomputed": n_run,
            "new_files": plan["new_files"],
            "superseded": plan["superseded"],
            "touched_plates": touched,
        }
    return out


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
                "mode": counts["mode"],
                "mode_reason": counts["mode_reason"],
                "touched_plates": counts.get("touched_plates", -1),
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
