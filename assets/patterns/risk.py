"""risk_model: calibrated P(next static weighing over the limit) → high_risk_vehicle findings."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pyarrow as pa

from assets.patterns._io import load_sql
from models.patterns import risk_features as rf
from models.patterns import risk_model as rm
from models.patterns.common import fetch_dicts, insert_findings, registration_view, table_exists
from models.patterns.model_card import write_model_card
from models.patterns.scoring import score_model
from models.rules import load_rules

# test_origins: the last cut-offs scored by rolling-origin models for precision@k (each model
# trained and calibrated only on the cut-offs before its origin)
DEFAULTS = {"horizon_days": 30, "top_n": 100, "min_probability": 0.05, "test_origins": 4}


def _register(conn, name: str, rows: list[dict], schema: pa.Schema) -> None:
    conn.register(name, pa.Table.from_pylist(rows, schema=schema))


def _features(conn, pop_rows: list[tuple]) -> object:
    """Feature frame for (plate_key, cutoff) rows (registered as patterns.model_population)."""
    table = pa.table(
        {
            "plate_key": pa.array([k for k, _ in pop_rows], pa.string()),
            "cutoff": pa.array([c for _, c in pop_rows], pa.date32()),
        }
    )
    conn.register("_pop", table)
    conn.execute("create or replace table patterns.model_population as select * from _pop")
    conn.unregister("_pop")
    registration_view(conn)
    return conn.execute(rf.features_sql(), rf.FEATURE_PARAMS).df()


def train_and_score(conn, as_of: dt.date, out_dir, params: dict | None = None) -> dict:
    """Build labels and features, train with a time split, score every active vehicle at
    ``as_of``, write patterns.model_* tables, findings.high_risk_vehicle and the model card."""
    p = {**DEFAULTS, **(params or {})}
    for name, ddl in rf.EVIDENCE_TABLES.items():
        if not table_exists(conn, "patterns", name):
            conn.execute(f"create table patterns.{name} ({ddl})")
    use_links = table_exists(conn, "facts", "wim_static_links")
    conn.execute(
        "create or replace table patterns.label_events as "
        + rf.label_events_sql(use_links=use_links)
    )
    first, last = conn.execute(
        "select min(passed_at)::date, max(passed_at)::date from patterns.passages"
    ).fetchone()
    last = min(last, as_of) if last else as_of
    cutoffs = [
        c
        for c in rm.monthly_cutoffs(first, last)
        if c + dt.timedelta(days=p["horizon_days"]) <= last + dt.timedelta(days=1)
    ]
    conn.execute("create or replace table patterns.model_cutoffs (cutoff date)")
    conn.register("_cut", pa.table({"cutoff": pa.array(cutoffs, pa.date32())}))
    conn.execute("insert into patterns.model_cutoffs select * from _cut")
    conn.unregister("_cut")
    pop = conn.execute(rf.population_sql(), {"horizon_days": p["horizon_days"]}).df()
    result: dict = {"cutoffs": len(cutoffs), "label_rows": len(pop), "use_links": use_links}
    frame = _features(conn, list(zip(pop.plate_key, pop.cutoff.dt.date, strict=True)))
    frame["cutoff"] = frame["cutoff"].astype("datetime64[us]").dt.date
    pop["cutoff"] = pop["cutoff"].astype("datetime64[us]").dt.date
    frame = frame.merge(pop[["plate_key", "cutoff", "label"]], on=["plate_key", "cutoff"])
    try:
        model = rm.train(frame)
    except ValueError as exc:  # too short a history or a single class: no model this run
        conn.execute("drop table if exists patterns.model_test")
        conn.execute("drop table if exists patterns.risk_scores")
        insert_findings(conn, "high_risk_vehicle", [])
        note = out_dir / "risk_model.md"
        out_dir.mkdir(parents=True, exist_ok=True)
        note.write_text(
            f"# 风险模型卡 — 截至 {as_of}\n\n本次未训练模型：{exc}（标签样本 {len(frame)} 条，"
            f"截点 {len(cutoffs)} 个）。高风险车辆线索本次为空。\n",
            encoding="utf-8",
        )
        return {**result, "skipped": str(exc), "findings": 0, "model_card": [str(note)]}
    result.update(model.metrics)
    # test table for precision@k: rolling-origin model probabilities vs the rule baseline
    test = rm.rolling_test(frame, p["test_origins"])
    result["test_origins"] = int(test["cutoff"].nunique())
    conn.register("_test", test)
    conn.execute("create or replace table patterns.model_test as select * from _test")
    conn.unregister("_test")
    conn.execute(
        "create or replace table patterns.rule_ranking as " + load_sql("rule_ranking"),
        {"repeat_more_than": load_rules().params("R09")["more_than"]},
    )
    ranking = score_model(fetch_dicts(conn, load_sql("model_test_rows")))
    result["precision_at_k"] = {
        r["detector"]: round(r["precision"], 4) for r in ranking if r["precision"] is not None
    }
    # score now: every vehicle seen in the last 12 months
    score_at = as_of + dt.timedelta(days=1)
    active = conn.execute(
        "select distinct plate_key from patterns.passages where plate_key is not null "
        "and passed_at >= cast($d as date) - interval 365 day and gross_kg is not null",
        {"d": score_at},
    ).fetchall()
    now = _features(conn, [(k, score_at) for (k,) in active])
    now["p"] = model.predict(now) if len(now) else []
    now["p_lo"], now["p_hi"] = model.intervals(now)
    # reasons (occlusion) only where they are read: the highest-ranked vehicles
    now = now.sort_values(["p", "plate_key"], ascending=[False, True]).reset_index(drop=True)
    head = min(len(now), 5 * p["top_n"])
    top = model.contributions(now.iloc[:head]) + [[]] * (len(now) - head)
    now["top_features"] = [[f for f, _ in t] for t in top]
    now["top_values"] = [[v for _, v in t] for t in top]
    cols = ["plate_key", "p", "p_lo", "p_hi", "top_features", "top_values", *rm.FEATURES]
    conn.register("_now", now[cols])
    conn.execute(
        "create or replace table patterns.risk_scores as select *, cast($as_of as date) as as_of "
        "from _now order by p desc",
        {"as_of": as_of},
    )
    conn.unregister("_now")
    coef = rm.feature_importance(model, frame[frame.cutoff >= model.test_window[0]])
    windows = {
        "训练截点": model.train_window,
        "校准截点": model.calib_window,
        "测试截点": model.test_window,
    }
    conn.execute(
        "create or replace table patterns.model_runs as select cast($as_of as date) as as_of, "
        "cast($metrics as json) as metrics, cast($coef as json) as feature_importance, "
        "cast($windows as json) as windows, now() as trained_at",
        {
            "as_of": as_of,
            "metrics": _json(model.metrics),
            "coef": _json(coef),
            "windows": _json({k: [str(v[0]), str(v[1])] for k, v in windows.items()}),
        },
    )
    result["model_card"] = [
        str(x)
        for x in write_model_card(
            out_dir,
            as_of=as_of,
            windows=windows,
            metrics=model.metrics,
            calibration=model.calibration_points,
            coefficients=coef,
            feature_words=rm.FEATURE_WORDS,
            ranking=ranking,
            notes=[
                f"标签：{'facts.wim_static_links' if use_links else '本模块自建的不停车→固定站关联'}"
                f"；预测期长{p['horizon_days']}天；每月1日为截点，样本为截点后{p['horizon_days']}天内"
                "有关联静态称重的车辆，标签为其中第一次称重是否超限。",
                "特征只用截点前12个月的数据；超限率等比率向同期总体比率收缩（先验相当于"
                f"{rf.PRIOR_WEIGHT:.0f}次称重）。模式证据（绕行、遮挡号牌、轴数/登记总质量不符）按截点前的"
                "逐条记录计数，不使用全期计算的模式结论，避免时间泄漏。",
                "概率在校准截点上用Platt sigmoid校准（严格单调，不改变排序）；训练时超限样本加权。",
                f"每个概率的90%区间：在校准截点样本上有放回重抽{rm.INTERVAL_DRAWS}次、重新拟合Platt"
                "校准所得概率的5%–95%分位（反映校准的不确定性，不含模型本身的不确定性）。"
                "高风险车辆线索仅为风险信号，非处罚依据。",
                f"精确率@k（评估资产）：滚动起点评估——最后{p['test_origins']}个截点各用仅含其之前截点"
                "的数据重新训练、校准的模型打分；每个截点各取前k名，模型与规则排序使用完全相同的样本。",
            ],
        )
    ]
    result["findings"] = _write_findings(conn, as_of, model, p)
    return result


def _json(obj) -> str:
    import json
    import math

    def clean(v):
        if isinstance(v, float) and math.isnan(v):
            return None
        return v

    return json.dumps({k: clean(v) for k, v in obj.items()}, ensure_ascii=False, default=str)


def _write_findings(conn, as_of, model, p) -> int:
    triggered = set()
    for table in ("vehicle_repeat", "cloned_plate", "registration_mismatch"):
        if table_exists(conn, "findings", table):
            triggered |= {
                r[0]
                for r in conn.execute(
                    f"select distinct unnest(subject_keys) from findings.{table}"  # noqa: S608 (identifiers from code; data values are parameters)
                ).fetchall()
            }
    registration_view(conn)
    rows = fetch_dicts(
        conn,
        "select s.*, v.registered_province from patterns.risk_scores s "
        "left join vehicle_registration v using (plate_key) "
        "where s.p >= $min_p order by s.p desc, s.plate_key",
        {"min_p": p["min_probability"]},
    )
    rows = [r for r in rows if r["plate_key"] not in triggered][: p["top_n"]]
    evidence = {}
    if rows:
        for r in fetch_dicts(
            conn,
            "select plate_key, list(rid order by passed_at desc)[1:20] as rids, "
            "min(passed_at) as first_at, max(passed_at) as last_at, "
            "list(distinct station_province order by station_province) as provinces "
            "from patterns.passages where over_limit and plate_key in (select unnest($k)) "
            "group by plate_key",
            {"k": [r["plate_key"] for r in rows]},
        ):
            evidence[r["plate_key"]] = r
    base = model.metrics.get("test_positive_rate") or 0.0
    out = []
    for rank, r in enumerate(rows, start=1):
        plate, _, colour = r["plate_key"].partition("|")
        ev = evidence.get(r["plate_key"], {})
        reasons = "；".join(
            f"{rm.FEATURE_WORDS[f]}={_fmt(r[f])}" for f in (r["top_features"] or [])
        )
        out.append(
            {
                "finding_key": f"high_risk_vehicle:{r['plate_key']}",
                "lead_type": "high_risk_vehicle",
                "subject_kind": "vehicle",
                "subject_keys": [r["plate_key"]],
                "subject_provinces": [r["registered_province"]] if r["registered_province"] else [],
                "origin_provinces": sorted(set(ev.get("provinces") or []) - {None}),
                "legal_trigger": False,
                "severity": round(float(r["p"]), 4),
                "risk_score": round(float(r["p"]), 4),
                "risk_lo": _round(r["p_lo"]),
                "risk_hi": _round(r["p_hi"]),
                "legal_basis": "风险信号（模型评分），未达法定处罚条件，仅供布控参考",
                "evidence_record_ids": ev.get("rids") or [],
                "first_evidence_at": ev.get("first_at"),
                "last_evidence_at": ev.get("last_at"),
                "explanation": (
                    f"车辆{plate}（{colour or '未知颜色'}牌）尚未达到任何法定处罚条件，但风险模型"
                    f"估计其下一次固定站称重超限的概率为{r['p']:.0%}"
                    f"（90%区间{_pct(r['p_lo'])}–{_pct(r['p_hi'])}，来自校准的重抽样；"
                    f"测试期平均{base:.1%}，"
                    f"全区排名第{rank}）。主要影响因素（与典型车辆相比抬高概率最多的特征）：{reasons or '综合历史特征'}。"
                    "建议在其常行线路的检测站重点关注。"
                ),
                "explanation_en": (
                    f"Model probability {r['p']:.2f} that the next static weighing is over the "
                    f"limit; top features: {', '.join(r['top_features'] or [])}."
                ),
                "details": {
                    "probability": float(r["p"]),
                    "interval_90": [_round(r["p_lo"]), _round(r["p_hi"])],
                    "rank": rank,
                    "top_features": [
                        {"feature": f, "value": _fmt(r[f]), "contribution": c}
                        for f, c in zip(r["top_features"] or [], r["top_values"] or [], strict=True)
                    ],
                },
                "as_of": as_of,
            }
        )
    insert_findings(conn, "high_risk_vehicle", out)
    return len(out)


def _round(v) -> float | None:
    return None if v is None or v != v else round(float(v), 4)


def _pct(v) -> str:
    return "—" if v is None or v != v else f"{v:.0%}"


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


@dg.asset(
    key="risk_model",
    group_name="patterns",
    deps=[
        "pattern_passages",
        "cloned_plates",
        "convoys",
        "network_clusters",
        "registration_mismatches",
        "station_evasion",
        "wim_static_links",
        "vehicle_repeat_offences",
    ],  # fmt: skip
    required_resource_keys={"duckdb", "settings"},
    description="Calibrated scikit-learn model: P(next static weighing over the limit) per "
    "vehicle, time-split, model card in out/models/. findings.high_risk_vehicle.",
)
def risk_model(context) -> dg.MaterializeResult:
    settings = context.resources.settings
    with context.resources.duckdb.get_connection() as conn:
        as_of = settings.as_of_date(conn)
        conn.execute("begin")
        result = train_and_score(conn, as_of, settings.out_dir / "models")
        conn.execute("commit")
    return dg.MaterializeResult(
        metadata={
            k: (dg.MetadataValue.json(v) if isinstance(v, list | dict) else v)
            for k, v in result.items()
        }
    )
