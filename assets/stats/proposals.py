"""Proposals for the working group (建议，供工作组讨论): tiers 轻/一般/重 clipped to the law,
and candidate 轻罚/免罚 entries (R37) with the recidivism evidence for or against them."""

from __future__ import annotations

import duckdb

from assets.stats.db import StatsParams, create_from_sql
from models.stats.tiers import propose_tiers

MIN_CASES_FOR_QUANTILES = 20


def build_tiers(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    """stats.tier_bounds (proposed tiers, clipped to the law) and stats.tiers (with shares)."""
    q1, q2 = p.config.tier_quantiles
    case_q = {
        r[0]: r[1:]
        for r in conn.execute(
            "select code, quantile_cont(severity_value, $q1), quantile_cont(severity_value, $q2), "
            "count(*) from stats.case_base where severity_value is not null group by code",
            {"q1": q1, "q2": q2},
        ).fetchall()
    }
    det_q = {
        r[0]: r[1:]
        for r in conn.execute(
            "select code, quantile_cont(v, $q1), quantile_cont(v, $q2), count(*) from ("
            " select d.code, case c.severity when 'excess_kg' then d.excess_kg"
            " when 'duration_h' then case when c.duration_source is null"
            " or d.detected_by = c.duration_source then d.duration_h end"
            " when 'excess_pct' then coalesce(d.speed_pct, d.excess_pct) end as v"
            " from stats.detected_base d join stats.item_catalog c on d.code = c.code)"
            " where v is not null group by code",
            {"q1": q1, "q2": q2},
        ).fetchall()
    }
    seen = {
        r[0]
        for r in conn.execute(
            "select distinct code from stats.case_base "
            "union select distinct code from stats.detected_base"
        ).fetchall()
    }
    rows = []
    for item in p.config.items.values():
        if not item.has_fine or item.code not in seen:
            continue  # tiers only for items that occur in the data
        lo = hi = None
        src = "无严重程度指标"
        if item.severity != "none":
            cq, dq = case_q.get(item.code), det_q.get(item.code)
            if cq and cq[2] >= MIN_CASES_FOR_QUANTILES:
                lo, hi, src = cq[0], cq[1], f"stats.case_base（{cq[2]}件）"
            elif dq and dq[2] >= MIN_CASES_FOR_QUANTILES:
                lo, hi, src = dq[0], dq[1], f"stats.detected_base（{dq[2]}条）"
            else:
                src = "样本不足，仅按法定幅度划分"
        for n, t in enumerate(propose_tiers(item, lo, hi, rounding=p.config.mass_rounding)):
            rows.append(
                [
                    t.code, n, t.tier, item.severity, t.severity_from, t.severity_to,
                    t.penalty_min_yuan, t.penalty_max_yuan, t.sanction, src, t.basis, t.tag,
                ]
            )  # fmt: skip
    conn.execute("begin")
    try:
        conn.execute(
            """
            create or replace table stats.tier_bounds (
                code varchar, tier_no integer, tier varchar, severity_kind varchar,
                severity_from double, severity_to double, penalty_min_yuan double,
                penalty_max_yuan double, sanction varchar, quantile_source varchar,
                basis varchar, tag varchar
            )
            """
        )
        if rows:
            conn.executemany(
                "insert into stats.tier_bounds values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return create_from_sql(conn, "tiers", "tier_shares", {})


def build_light_list(conn: duckdb.DuckDBPyConnection, p: StatsParams) -> int:
    """Candidate 轻罚/免罚 entries (R37) with the recidivism evidence for or against them."""
    rec = {
        (r[0], r[1]): r[2:]
        for r in conn.execute(
            "select code, after_decision, n_cases, first_offence_share, reoffend_rate_12m "
            "from stats.recidivism"
        ).fetchall()
    }
    rows = []
    for item in p.config.items.values():
        ll = item.light_list
        if ll is None:
            continue
        n_scope, n_all = conn.execute(
            "select count(*) filter (where (first_offence or first_offence is null) "
            "and ($maxsev is null or severity_value <= $maxsev)), count(*) "
            "from stats.case_base where code = $code",
            {"code": item.code, "maxsev": ll.scope_max_severity},
        ).fetchall()[0]
        n_detected_scope = conn.execute(
            "select count(*) from stats.detected_base where code = $code "
            "and ($maxsev is null or excess_kg <= $maxsev)",
            {"code": item.code, "maxsev": ll.scope_max_severity},
        ).fetchall()[0][0]
        all_ = rec.get((item.code, "all"))
        warn = rec.get((item.code, "warning"))
        fine = rec.get((item.code, "fine"))
        fo_share = all_[1] if all_ else None
        r_warn = warn[2] if warn and warn[0] >= 5 else None
        r_fine = fine[2] if fine and fine[0] >= 5 else None
        if r_warn is None or r_fine is None:
            verdict = "证据不足：警告或罚款案件过少，无法比较再犯率"
        elif r_warn <= r_fine + 0.05:
            verdict = "数据支持：警告后12个月再犯率不高于罚款后（差距不超过5个百分点）"
        else:
            verdict = "数据不支持：警告后12个月再犯率明显高于罚款后，建议审慎"
        rows.append(
            [
                item.code, item.name_zh, ll.kind, ll.scope, "；".join(ll.conditions),
                ll.printable_basis, ll.tag, n_all, n_scope, n_detected_scope, fo_share, r_warn, r_fine, verdict,
                "建议（供工作组讨论）",
            ]
        )  # fmt: skip
    conn.execute("begin")
    try:
        conn.execute(
            """
            create or replace table stats.light_list (
                code varchar, name_zh varchar, kind varchar, scope varchar, conditions varchar,
                basis varchar, tag varchar, n_cases bigint, n_cases_in_scope bigint,
                n_detected_in_scope bigint,
                first_offence_share double, reoffend_12m_after_warning double,
                reoffend_12m_after_fine double, evidence varchar, status varchar
            )
            """
        )
        if rows:
            conn.executemany(
                "insert into stats.light_list values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    return len(rows)
