"""两客一危: violations from alarms and GPS tracks (R20–R31, incl. coach scheduling R21 and
over-capacity R25) and the operator view (R28, R30, R21, R25)."""

from __future__ import annotations

import dagster as dg

from assets.facts._common import (
    as_of_date,
    columns_of,
    create_table,
    ensure_risk_table,
    ensure_schemas,
    materialize_findings_step,
    preview,
    read_sql,
    render,
    write_findings_file,
    write_rule_tables,
)
from models.rules import load_rules

RESOURCES = {"duckdb", "settings"}
KIND_RULES = {
    "fatigue": "R20",
    "night_ban": "R22",
    "speeding": "R23",
    "offline": "R26",
    "tampering": "R27",
    "no_escort": "R30",
    "waybill_incomplete": "R30",
    "no_waybill": "R30",
    "unregistered": "R31",
    "night_continuous": "R21",
    "driving_24h": "R21",
    "driving_7d": "R21",
    "over_capacity": "R25",
}
# When an operator becomes a passenger_hazmat_operator lead: the legal triggers R28 (handling rate
# < 90 %) and R30 (hazmat loading without escort / with an incomplete e-waybill) always; the two
# pattern signals (track/alarm mismatches, incident volume per vehicle) only when switched on.
OPERATOR_SIGNAL = {
    "min_r30": 1,
    "use_mismatch": False,
    "min_mismatch": 3,  # track violations without alarm + alarms not in tracks
    "use_volume": False,
    "min_incidents_per_vehicle": 2.0,
    # enterprise duties: coach scheduling limits (R21) and over-capacity (R25) episodes
    "min_r21": 1,
    "min_r25": 1,
}


def monitoring_params(as_of) -> dict:
    book = load_rules()
    r20, r22, r23 = book.params("R20"), book.params("R22"), book.params("R23")
    r26, r27 = book.params("R26"), book.params("R27")
    bands = book.params("R24")["bands"]
    return {
        "as_of": as_of,
        "horizon_months": book.scoring["horizon_months"],
        "moving_kmh": r20["moving_speed_kmh"],
        "min_rest_min": r20["min_rest_min"],
        "max_continuous_min": r20["max_continuous_min"],
        "night_types": list(r22["vehicle_types"]),
        "night_start": r22["start"],
        "night_end": r22["end"],
        "speed_min_duration_min": r23["min_duration_min"],
        "offline_gap_min": r26["gap_min"],
        "offline_min_km": r26["min_distance_km"],
        "offline_min_kmh": r26["min_speed_kmh"],
        "teleport_kmh": r27["teleport_kmh"],
        "match_tolerance_min": 10,
        "loaded_share": 0.3,  # gross above curb + 30 % of the rated load = clearly loaded
        "waybill_lookback_h": 12,
        "registry_prefixes": list(book.params("R31")["registry_plate_prefixes"]),
        "band_low": bands[0]["band"],
        "band_mid_pct": bands[1]["from_pct"],
        "band_mid": bands[1]["band"],
        "band_high_pct": bands[2]["from_pct"],
        "band_high": bands[2]["band"],
        **r21_params(book),
        **r25_params(book),
    }


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def r21_params(book) -> dict:
    p = book.params("R21")
    start, end = _minutes(p["night_start"]), _minutes(p["night_end"])
    kinds = p["kinds"]
    if kinds.get("day") not in KIND_RULES or kinds.get("week") not in KIND_RULES:
        raise ValueError("R21 kinds must be the violation kinds known to KIND_RULES")
    return {
        # types outside every list when the rule is switched off
        "r21_types": list(p["vehicle_types"]) if book.enabled("R21") else [],
        "r21_night_start_min": start,
        "r21_night_len_min": (end - start) % 1440 or 1440,
        "r21_max_night_min": p["max_night_continuous_min"],
        "r21_day_span_min": 24 * 60,
        "r21_max_day_min": p["max_driving_24h_min"],
        "r21_week_span_min": 7 * 24 * 60,
        "r21_max_week_min": p["max_driving_7d_min"],
        "r21_kind_night": kinds["night"],
        "r21_kind_day": kinds["day"],
        "r21_kind_week": kinds["week"],
    }


def r25_params(book) -> dict:
    p = book.params("R25")
    return {"r25_serious_pct": p.get("serious_from_pct"), "r25_serious_note": p["serious_note"]}


def optional_column(conn, table: str, column: str, alias: str, sql_type: str) -> str:
    """`alias.column` when staging.<table> has the (optional) column, else a typed NULL."""
    if column in columns_of(conn, "staging", table):
        return f"{alias}.{column}" if alias else column
    return f"cast(null as {sql_type})"


def write_monitoring_rule_tables(conn) -> None:
    book = load_rules()
    conn.execute(
        "create or replace table facts.rule_speed_limits (vehicle_type varchar, limit_kmh double)"
    )
    conn.executemany(
        "insert into facts.rule_speed_limits values (?, ?)",
        [[k, float(v)] for k, v in book.params("R23")["track_limit_kmh"].items()],
    )
    conn.execute(
        "create or replace table facts.rule_capacity_bands (from_pct bigint, band varchar,"
        " fine_min_yuan double, fine_max_yuan double, points bigint)"
    )
    conn.executemany(
        "insert into facts.rule_capacity_bands values (?, ?, ?, ?, ?)",
        [
            [
                int(b["from_pct"]),
                b["band"],
                float(b["fine_min_yuan"]),
                float(b["fine_max_yuan"]),
                int(b["points"]),
            ]  # fmt: skip
            for b in book.params("R25")["bands"]
        ]
        if book.enabled("R25")
        else [],
    )
    conn.execute("create or replace table facts.rule_kinds (kind varchar, rule_id varchar)")
    conn.executemany(
        "insert into facts.rule_kinds values (?, ?)",
        [[k, r] for k, r in KIND_RULES.items() if book.enabled(r)],
    )


def build_monitoring_violations(conn, as_of) -> int:
    ensure_schemas(conn, "facts")
    write_rule_tables(conn)
    write_monitoring_rule_tables(conn)
    sql = render(
        read_sql("monitoring_violations.sql"),
        seats=optional_column(conn, "vehicles", "seats", "", "bigint"),
        passenger_count=optional_column(
            conn, "monitoring_events", "passenger_count", "m", "bigint"
        ),
    )
    return create_table(conn, "facts.monitoring_violations", sql, monitoring_params(as_of))


def build_passenger_hazmat_operators(conn, as_of) -> dict[str, int]:
    ensure_risk_table(conn)
    p = load_rules().params("R28")
    params = {
        "as_of": as_of,
        "window_months": p["window_months"],
        "min_rate": p["min_rate"],
        "min_alarms": p["min_alarms"],
        **OPERATOR_SIGNAL,
        **{k: v for k, v in r21_params(load_rules()).items() if k.startswith("r21_kind_")},
    }
    n = create_table(
        conn,
        "facts.passenger_hazmat_operators",
        read_sql("passenger_hazmat_operators.sql"),
        params,
    )
    nf = write_findings_file(
        conn,
        "passenger_hazmat_operator",
        "findings_passenger_hazmat_operator.sql",
        params,
        rule_id="R28",  # its legal basis cites every rule it triggered (map `cm`)
        risk_kind="operator",
    )
    return {"rows": n, "findings": nf}


@dg.asset(
    key="monitoring_violations",
    group_name="facts",
    deps=[
        "weigh_events",
        "staging_monitoring_events",
        "staging_gps_points",
        "staging_vehicles",
        "staging_loadings",
    ],
    required_resource_keys=RESOURCES,
    description="两客一危：报警与轨迹违法（疲劳、凌晨2-5时、超速、离线、屏蔽、客车排班超时、超员）、危货押运/运单、无证经营，报警与轨迹对账",
)
def monitoring_violations(context) -> dg.MaterializeResult:
    with context.resources.duckdb.get_connection() as conn:
        as_of = as_of_date(context, conn)
        conn.execute("begin")
        n = build_monitoring_violations(conn, as_of)
        conn.execute("commit")
        by_kind = conn.execute(
            "select kind || '/' || source, count(*) from facts.monitoring_violations"
            " group by all order by 1"
        ).fetchall()
        return dg.MaterializeResult(
            metadata={
                "rows": n,
                "as_of": str(as_of),
                "by_kind": {k: int(c) for k, c in by_kind},
                "preview": preview(conn, "facts.monitoring_violations"),
            }
        )


@dg.asset(
    key="passenger_hazmat_operators",
    group_name="facts",
    deps=["monitoring_violations", "risk_scores", "staging_operators"],
    required_resource_keys=RESOURCES,
    description="两客一危业户：报警处理率（R28）、违法与监控缺位信号 + findings.passenger_hazmat_operator",
)
def passenger_hazmat_operators(context) -> dg.MaterializeResult:
    return materialize_findings_step(
        context, build_passenger_hazmat_operators, "facts.passenger_hazmat_operators"
    )


ASSETS = [monitoring_violations, passenger_hazmat_operators]
CHECKS: list = []
