"""Window legal triggers: vehicle/driver repeat offenders (R09/R10; rolling 12 months or the
configurable licence-anniversary cycle with a rolling fallback), operator fleet ratio
(R11), source units releasing overloaded vehicles (R15) — facts tables plus their findings."""

from __future__ import annotations

import dagster as dg
import pyarrow as pa

from assets.facts._common import (
    columns_of,
    create_table,
    ensure_risk_table,
    ensure_schemas,
    materialize_findings_step,
    read_sql,
    render,
    used_params,
    write_findings_file,
)
from models.rules import load_rules
from models.windows import excess_share_pvalues

RESOURCES = {"duckdb", "settings"}
WINDOW_DEPS = ["over_limit_violations", "risk_scores", "staging_vehicles", "staging_drivers"]


ANCHORS = ("rolling", "licence_anniversary")
# Where the first issue of the subject's licence is recorded (optional contract columns).
FIRST_ISSUED = {
    "vehicle": (
        "vehicles",
        "plate_key",
        "cert_first_issued_on",
        "(status = 'active') desc, _province",
    ),
    "driver": ("drivers", "driver_id", "qualification_first_issued_on", "_province"),
}


def _window_params(rule_id: str, as_of) -> dict:
    p = load_rules().params(rule_id)
    anchor = p.get("window_anchor", "rolling")
    if anchor not in ANCHORS:
        raise ValueError(f"{rule_id}: unknown window_anchor {anchor!r} (one of {ANCHORS})")
    return {
        "as_of": as_of,
        "window_months": p["window_months"],
        "more_than": p["more_than"],
        "require_evidence_ok": bool(p.get("require_evidence_ok", False)),
        "count_by_day": p.get("count_unit", "day") == "day",
        "counting_kinds": list(p["counting_station_kinds"]),
        "count_dimension": p.get("counted_violations", "mass") == "mass_and_dimension",
        "anchor": anchor,
        "leap_mar1": p.get("leap_day_anniversary", "mar1") == "mar1",
    }


def first_issued_sql(conn, kind: str) -> str:
    """One row per subject with the first-issue date of its licence; an empty relation when the
    store has no such column (older exports: the anniversary anchor then falls back to rolling)."""
    table, key, col, order = FIRST_ISSUED[kind]
    if col not in columns_of(conn, "staging", table):
        return "select cast(null as varchar) as subject_key, cast(null as date) as first_issued where false"
    return (
        f"select {key} as subject_key, {col} as first_issued from staging.{table}"  # noqa: S608
        f" where {key} is not null"
        f" qualify row_number() over (partition by {key} order by {order}) = 1"
    )


# The licence whose first issue anchors the cycle, and how the explanation names the subject.
WINDOW_WORDING = {"vehicle": ("道路运输证", "该车"), "driver": ("从业资格证", "该驾驶人")}


def window_phrase_sql(kind: str) -> str:
    """The Chinese phrase naming the counting window of a repeat finding (rolling, anniversary
    cycle marked as a configurable assumption, or the rolling fallback) — one wording for R09/R10."""
    licence, who = WINDOW_WORDING[kind]
    span = "strftime(s.window_start + 1, '%Y-%m-%d'), strftime(s.as_of, '%Y-%m-%d')"
    return f"""case s.window_anchor_used
            when 'licence_anniversary' then printf(
                '本计数周期（自{licence}初次领取日%s起按周年计算，%s至%s；周年计数口径为可配置假设，非法定依据）',
                strftime(s.first_issued_on, '%Y-%m-%d'), {span})
            when 'rolling_fallback' then printf(
                '近12个月（%s至%s；已配置按{licence}初次领取周年计数，但{who}初次领取日期不详，按滚动12个月计算）',
                {span})
            else printf('近12个月（%s至%s）', {span})
        end"""


def build_repeat(conn, as_of, *, kind: str) -> dict[str, int]:
    """kind 'vehicle' (R09, subject plate_key) or 'driver' (R10, subject driver_id)."""
    rule_id, subject = {"vehicle": ("R09", "plate_key"), "driver": ("R10", "driver_id")}[kind]
    ensure_schemas(conn, "facts")
    ensure_risk_table(conn)
    params = _window_params(rule_id, as_of)
    sql = render(
        read_sql("repeat_offences.sql"), subject=subject, first_issued=first_issued_sql(conn, kind)
    )
    n = create_table(conn, f"facts.{kind}_repeat_offences", sql, params)
    nf = write_findings_file(
        conn,
        f"{kind}_repeat",
        f"findings_{kind}_repeat.sql",
        params,
        rule_id=rule_id,
        risk_kind=kind,
        window_phrase=window_phrase_sql(kind),
    )
    return {"rows": n, "findings": nf}


def build_operator_fleet_ratios(conn, as_of) -> dict[str, int]:
    p = load_rules().params("R11")
    ensure_risk_table(conn)
    params = {
        "as_of": as_of,
        "window_months": p["window_months"],
        "ratio_more_than": p["ratio_more_than"],
        "declared_divergence_warn": p["declared_divergence_warn"],
        "fleet_basis": p["fleet"],
        "counting_kinds": list(p["counting_station_kinds"]),
        "count_dimension": p.get("counted_violations", "mass") == "mass_and_dimension",
    }
    n = create_table(
        conn, "facts.operator_fleet_ratios", read_sql("operator_fleet_ratios.sql"), params
    )
    nf = write_findings_file(
        conn,
        "operator_fleet_ratio",
        "findings_operator_fleet_ratio.sql",
        params,
        rule_id="R11",
        risk_kind="operator",
    )
    return {"rows": n, "findings": nf}


def build_source_overloading(conn, as_of) -> dict[str, int]:
    """Base ranking in SQL, binomial tail test per source (vectorised), final table + findings."""
    p = load_rules().params("R15")
    ensure_risk_table(conn)
    params = {
        "as_of": as_of,
        "window_months": p["window_months"],
        "source_tol_pct": p["source_scale_tolerance_pct"],
        "prior_strength": 10.0,
        "min_overloaded": p["min_overloaded"],
        "alpha": p["test_alpha"],
    }
    base_sql = read_sql("source_overloading_base.sql")
    conn.execute(
        "create or replace temp table source_overloading_base as " + base_sql,
        used_params(base_sql, params),
    )
    base = conn.sql(
        "select source_id, overloaded_departures, departures, regional_share"
        " from source_overloading_base"
    ).to_arrow_table()
    baseline = base["regional_share"][0].as_py() if base.num_rows else 0.0
    pvals = excess_share_pvalues(
        base["overloaded_departures"].to_numpy(), base["departures"].to_numpy(), baseline or 0.0
    )
    tests = pa.table(
        {
            "source_id": base["source_id"],
            "p_value": pa.array(pvals, pa.float64()),
            "n_tested": pa.array([max(base.num_rows, 1)] * base.num_rows, pa.int64()),
        }
    )
    conn.register("source_tests", tests)
    try:
        n = create_table(
            conn, "facts.source_overloading", read_sql("source_overloading.sql"), params
        )
    finally:
        conn.unregister("source_tests")
    conn.execute("drop table if exists source_overloading_base")
    nf = write_findings_file(
        conn,
        "source_overloading",
        "findings_source_overloading.sql",
        params,
        rule_id="R15",
        risk_kind="source",
    )
    return {"rows": n, "findings": nf}


@dg.asset(
    key="vehicle_repeat_offences",
    group_name="facts",
    deps=WINDOW_DEPS,
    required_resource_keys=RESOURCES,
    description="车辆一年内违法超限运输超过3次（R09）+ findings.vehicle_repeat",
)
def vehicle_repeat_offences(context) -> dg.MaterializeResult:
    return materialize_findings_step(
        context, build_repeat, "facts.vehicle_repeat_offences", kind="vehicle"
    )


@dg.asset(
    key="driver_repeat_offences",
    group_name="facts",
    deps=WINDOW_DEPS,
    required_resource_keys=RESOURCES,
    description="驾驶人一年内违法超限运输超过3次（R10）+ findings.driver_repeat",
)
def driver_repeat_offences(context) -> dg.MaterializeResult:
    return materialize_findings_step(
        context, build_repeat, "facts.driver_repeat_offences", kind="driver"
    )


@dg.asset(
    key="operator_fleet_ratios",
    group_name="facts",
    deps=[*WINDOW_DEPS, "staging_operators"],
    required_resource_keys=RESOURCES,
    description="业户违法超限车辆超过车辆总数10%（R11）+ findings.operator_fleet_ratio",
)
def operator_fleet_ratios(context) -> dg.MaterializeResult:
    return materialize_findings_step(
        context, build_operator_fleet_ratios, "facts.operator_fleet_ratios"
    )


@dg.asset(
    key="source_overloading",
    group_name="facts",
    deps=["weigh_events", "risk_scores", "staging_loadings", "staging_sources", "staging_vehicles"],
    required_resource_keys=RESOURCES,
    description="源头单位超限出场（R15）排名 + findings.source_overloading",
)
def source_overloading(context) -> dg.MaterializeResult:
    return materialize_findings_step(context, build_source_overloading, "facts.source_overloading")


ASSETS = [
    vehicle_repeat_offences,
    driver_repeat_offences,
    operator_fleet_ratios,
    source_overloading,
]
CHECKS: list = []
