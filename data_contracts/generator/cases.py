"""Closed enforcement cases with §43 penalties and province-specific discretion."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl

from .entities import World

VIOLATIONS = {
    "OL_GVW": "车货总质量超过限定标准（违法超限运输）",
    "PX_FATIGUE": "驾驶营运客车疲劳驾驶",
    "PX_SPEEDING": "营运客车超速行驶",
    "OL_REPEAT": "货运车辆一年内违法超限运输超过3次",
    "OL_FLEET_RATIO": "道路运输企业一年内违法超限运输的货运车辆超过本单位货运车辆总数10%",
}
AGENCY = {"21": "辽宁省交通运输综合行政执法", "22": "吉林省交通运输综合执法", "23": "黑龙江省交通运输综合行政执法",
          "15": "内蒙古自治区交通运输综合行政执法"}  # fmt: skip
DISCRETION = {
    "21": "OL_GVW: §43 rounding up per started tonne; first offence with excess <= 5% -> "
    "no_penalty (70%). PX_FATIGUE: tends to the maximum, 200 yuan (90%, else 100). "
    "PX_SPEEDING: 200 yuan below 50% over the limit",
    "22": "OL_GVW: §43 rounding down to whole tonnes; first offence with excess <= 2,000 kg -> "
    "warning. PX_FATIGUE: 100 yuan; first offence -> no_penalty (首违不罚, 50%). "
    "PX_SPEEDING: 100 yuan below 20% over the limit, else 200",
    "23": "OL_GVW: §43 rounding up; first offence -> fine reduced by 20% (从轻). "
    "PX_FATIGUE: first offence -> warning, repeat 200 yuan. "
    "PX_SPEEDING: first offence below 10% over -> warning, else 200 yuan",
    "15": "OL_GVW: §43 rounding up; no first-offence leniency. PX_FATIGUE: 50/100/150/200 yuan "
    "at the officer's choice (wide spread, no leniency). PX_SPEEDING: 150 yuan below 20% over, "
    "else 200",
}
# statutory ranges the generator keeps to (models/stats/legal_ranges.yaml): OL_GVW 0-30,000 with
# the §43 formula (warning <= 1,000 kg); PX_FATIGUE warning or 20-200 (道交法90); PX_SPEEDING
# warning or 20-200 below 50 % over the limit, 200-2,000 from 50 % (道交法90/99); OL_REPEAT and
# OL_FLEET_RATIO no fine (revoke / suspend). ENTRY_ERROR_SHARE of the cases carry a data-entry
# error (a zero too many or too few) that puts the amount outside its range: truth.case_entry_errors
LEGAL_YUAN = {"OL_GVW": (0.0, 30000.0), "PX_FATIGUE": (20.0, 200.0), "PX_SPEEDING": (20.0, 2000.0)}
ENTRY_ERROR_SHARE = 1 / 120


def penalty(
    prov: str, excess_kg: float, excess_pct: float, first: bool, u: float
) -> tuple[str, float]:
    """超限规定 §43(二) with province-specific discretion (see DISCRETION)."""
    if excess_kg <= 1000:
        return "warning", 0.0
    t = np.floor(excess_kg / 1000) if prov == "22" else np.ceil(excess_kg / 1000)
    fine = float(min(30000, 500 * t))
    if first and prov == "21" and excess_pct <= 5 and u < 0.7:
        return "no_penalty", 0.0
    if first and prov == "22" and excess_kg <= 2000:
        return "warning", 0.0
    if first and prov == "23":
        fine = round(fine * 0.8, -1)
    return "fine", fine


def fatigue_penalty(prov: str, first: bool, u: float) -> tuple[str, float]:
    """道交法90 (warning or 20-200 yuan) with province practice (see DISCRETION)."""
    if prov == "21":
        return "fine", 200.0 if u < 0.9 else 100.0
    if prov == "22":
        return ("no_penalty", 0.0) if first and u < 0.5 else ("fine", 100.0)
    if prov == "23":
        return ("warning", 0.0) if first else ("fine", 200.0)
    return "fine", float([50, 100, 150, 200][min(3, int(u * 4))])


def speeding_penalty(prov: str, excess_pct: float, first: bool) -> tuple[str, float]:
    """道交法90 (warning or 20-200) below 50 % over the limit, 道交法99 (200-2,000) from 50 %."""
    if excess_pct >= 50:
        return "fine", 500.0 if prov == "22" else 1000.0
    if prov == "22":
        return "fine", 100.0 if excess_pct < 20 else 200.0
    if prov == "23" and first and excess_pct < 10:
        return "warning", 0.0
    if prov == "15":
        return "fine", 150.0 if excess_pct < 20 else 200.0
    return "fine", 200.0


def cases(w: World, over_log: pl.DataFrame, events: pl.DataFrame, end_date,
          fleet_ops: list[str]) -> tuple[pl.DataFrame, list[dict]]:  # fmt: skip
    """Closed cases: fixed-station over-limit detections, 1 in 8 non-site WIM detections, some
    speeding/fatigue alarms of coaches, and follow-up decisions at the registration province:
    吊销营运证 (`revoke`) for most repeat vehicles and 停业整顿 (`suspend`) for planted operators
    over the 10 % fleet ratio. Returns the cases and the planted data-entry errors."""
    r = w.rng
    ol = over_log.filter(
        (pl.col("_kind") == 0) | ((pl.col("_kind") == 1) & (pl.col("_u") < 0.125))
    ).sort("passed_at", "rid")
    rows = []
    seen: set[str] = set()
    for rec in ol.iter_rows(named=True):
        prov = rec["_province"]
        excess = rec["gross_kg"] - rec["_limit"]
        pct = round(100.0 * excess / rec["_limit"], 2)
        first = rec["plate_key"] not in seen
        seen.add(rec["plate_key"])
        decision, fine = penalty(prov, excess, pct, first, float(r.random()))
        rows.append((prov, "OL_GVW", rec["passed_at"], rec["plate"], rec["plate_color"], rec["_operator"],
                     rec["driver_id"], int(excess), pct, fine, decision, first))  # fmt: skip
    ev = events.filter(
        pl.col("event_type").is_in(["speeding", "fatigue"]) & pl.col("plate").is_not_null()
    ).sort("started_at", "event_id")
    px_seen: set[tuple[str, str]] = set()
    for rec in ev.iter_rows(named=True):
        if r.random() > 0.25:
            continue
        prov = rec["_province"]
        code = "PX_SPEEDING" if rec["event_type"] == "speeding" else "PX_FATIGUE"
        key = (f"{rec['plate']}|{rec['plate_color']}", code)
        first = key not in px_seen
        px_seen.add(key)
        pct = None
        if code == "PX_FATIGUE":
            decision, fine = fatigue_penalty(prov, first, float(r.random()))
        else:
            sp, lim = rec["speed_kmh"], rec["limit_kmh"]
            pct = round(100.0 * (sp - lim) / lim, 2) if sp is not None and lim else 0.0
            decision, fine = speeding_penalty(prov, pct, first)
        rows.append((prov, code, rec["started_at"], rec["plate"], rec["plate_color"], None, None,
                     None, pct, fine, decision, first))  # fmt: skip
    rows += _follow_ups(w, over_log, fleet_ops)
    out = []
    seq = {}
    for row in sorted(rows, key=lambda x: (x[2], x[0], x[3] or "")):
        prov = row[0]
        seq[prov] = seq.get(prov, 0) + 1
        decided = min((row[2] + timedelta(days=int(r.integers(1, 25)))).date(), end_date)
        lead = f"XS-{prov}-{int(r.integers(0, 10**6)):06d}" if seq[prov] % 17 == 5 else None
        out.append({
            "case_id": f"{prov}AJ{row[2].year}{seq[prov]:06d}", "province_code": prov,
            "agency": AGENCY[prov], "violation_code": row[1], "violation_name": VIOLATIONS[row[1]],
            "occurred_at": row[2], "decided_on": decided, "plate": row[3], "plate_color": row[4],
            "operator_uscc": row[5], "driver_id": row[6], "excess_kg": row[7], "excess_pct": row[8],
            "penalty_yuan": row[9], "decision": row[10], "first_offence": row[11], "lead_id": lead,
            "_province": prov,
        })  # fmt: skip
    errors = _entry_errors(r, out)
    return (pl.DataFrame(out, infer_schema_length=None) if out else pl.DataFrame()), errors


def _entry_errors(r: np.random.Generator, out: list[dict]) -> list[dict]:
    """A deliberately tiny share of fines typed with a zero too many (or, for small amounts, too
    few) so that the amount leaves the statutory range; never a §43 fine in 22 (its documented
    practice stays at or below the formula). Mutates `out`; returns the truth entries."""
    cands = []
    for j, c in enumerate(out):
        lo, hi = LEGAL_YUAN.get(c["violation_code"], (None, None))
        if c["decision"] != "fine" or lo is None:
            continue
        if c["violation_code"] == "OL_GVW" and c["province_code"] == "22":
            continue
        for kind, wrong in (
            ("extra_zero", c["penalty_yuan"] * 10),
            ("dropped_zero", c["penalty_yuan"] / 10),
        ):
            if wrong > hi or wrong < lo:
                cands.append((j, kind, wrong))
                break
    k = min(len(cands), int(len(out) * ENTRY_ERROR_SHARE))
    errors = []
    for i in sorted(int(x) for x in r.choice(len(cands), k, replace=False)) if k else []:
        j, kind, wrong = cands[i]
        c = out[j]
        errors.append({"rid": f"{c['_province']}:{c['case_id']}", "case_id": c["case_id"],
                       "violation_code": c["violation_code"], "kind": kind,
                       "penalty_yuan": wrong, "intended_yuan": c["penalty_yuan"]})  # fmt: skip
        c["penalty_yuan"] = wrong
    return errors


def _follow_ups(w: World, over_log: pl.DataFrame, fleet_ops: list[str]) -> list[tuple]:
    r = w.rng
    reg = {v.plate_key: v for v in w.vehicles if v.registered and "clone" not in v.flags}
    ol = over_log.filter(pl.col("plate_key").is_not_null()).sort("passed_at", "rid")
    days = ol.with_columns(pl.col("passed_at").dt.date().alias("d")).unique(
        ["plate_key", "d"], keep="first", maintain_order=True
    )
    rows = []
    for pk in sorted(days["plate_key"].unique().to_list()):
        g = days.filter(pl.col("plate_key") == pk)
        v = reg.get(pk)
        if v is None or len(g) <= 3 or r.random() > 0.6:
            continue
        t = g.sort("passed_at")["passed_at"][3]
        rows.append((v.registered_province, "OL_REPEAT", t, v.plate, v.plate_color, v.operator, None,
                     None, None, 0.0, "revoke", False))  # fmt: skip
    ops = {o.uscc: o for o in w.operators}
    for u in fleet_ops:
        mine = ol.filter(pl.col("_operator") == u)
        if len(mine):
            rows.append((ops[u].province_code, "OL_FLEET_RATIO", mine["passed_at"].max(), None, None, u,
                         None, None, None, 0.0, "suspend", False))  # fmt: skip
    return rows
