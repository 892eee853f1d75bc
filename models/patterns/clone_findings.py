"""套牌 findings: one per plate, with the two tracks, the impossible pairs and the conflict."""

from __future__ import annotations

from models.patterns.clones import DEFAULTS, Sighting, great_circle_km, split_tracks


def clone_findings(
    pairs: list[dict],
    conflicts: list[dict],
    sightings: dict[str, list[dict]],
    registry: dict[str, dict],
    *,
    as_of,
    limits: dict | None = None,
    min_pairs: int = 2,
) -> list[dict]:
    """One ``cloned_plate`` finding per plate with impossible pairs or an axle conflict.

    ``pairs``: rows of ``impossible_pairs_sql``; ``conflicts``: rows of ``axle_conflicts_sql``;
    ``sightings``: plate_key → sighting rows (rid, passed_at, lat, lon, axle_count,
    station_id, station_name, station_province); ``registry``: plate_key → vehicle row.
    """
    lim = {**DEFAULTS, **(limits or {})}
    speed_limits = {k: lim[k] for k in ("max_speed_kmh", "road_factor", "clock_skew_min", "min_km")}
    by_plate: dict[str, list[dict]] = {}
    for p in pairs:
        by_plate.setdefault(p["plate_key"], []).append(p)
    conflict_by_plate = {c["plate_key"]: c for c in conflicts}
    out = []
    for plate_key in sorted(set(by_plate) | set(conflict_by_plate)):
        plate_pairs = sorted(by_plate.get(plate_key, []), key=lambda p: -p["implied_kmh"])
        conflict = conflict_by_plate.get(plate_key)
        rows = sightings.get(plate_key, [])
        tracks = split_tracks(
            [
                Sighting(
                    r["rid"],
                    r["passed_at"].timestamp(),
                    r["lat"],
                    r["lon"],
                    r.get("axle_count"),
                    r["station_id"],
                    lim["source_skew_min"] if r.get("station_kind") == "source" else 0.0,
                )
                for r in rows
                if r.get("lat") is not None
            ],
            **speed_limits,
        )
        row_by_rid = {r["rid"]: r for r in rows}
        track_info = [_track_summary(t, row_by_rid) for t in tracks[:2]]
        separation = (
            great_circle_km(*track_info[0]["centroid"], *track_info[1]["centroid"])
            if len(track_info) == 2
            else 0.0
        )
        pair_days = {p["passed_at"].date() for p in plate_pairs}
        # speed-only evidence needs two tracks in different areas (CIVITAS two-track
        # separation): one glitch, or duplicated records on one stretch of road, is no clone;
        # two axle counts interleaved in time are two vehicles wherever they drive
        # speed-only evidence on passenger coaches is left to the GPS reconciliation of the
        # monitoring layer (relief coaches on a shuttle line overlap by schedule)
        coach = str(registry.get(plate_key, {}).get("vehicle_type") or "").startswith("coach")
        if len(track_info) < 2 or (
            conflict is None
            and (
                len(plate_pairs) < min_pairs
                or len(pair_days) < 2
                or coach
                or separation < lim["min_separation_km"]
            )
        ):
            continue
        evidence = sorted(
            {p["rid"] for p in plate_pairs[:20]}
            | {p["next_rid"] for p in plate_pairs[:20]}
            | set((conflict or {}).get("conflict_rids") or [])
        )
        times = [row_by_rid[r]["passed_at"] for r in evidence if r in row_by_rid]
        reg = registry.get(plate_key, {})
        plate, _, colour = plate_key.partition("|")
        parts = []
        if plate_pairs:
            top = plate_pairs[0]
            a, b = row_by_rid.get(top["rid"], {}), row_by_rid.get(top["next_rid"], {})
            parts.append(
                f"该号牌有{len(plate_pairs)}组相邻过车记录存在时空矛盾，最突出的一组："
                f"{_fmt_ts(top['passed_at'])}经过{a.get('station_name') or top['station_id']}，"
                f"{_fmt_ts(top['next_passed_at'])}又出现在"
                f"{b.get('station_name') or top['next_station_id']}，直线距离"
                f"{top['dist_km']:.0f}公里、间隔{top['minutes']:.0f}分钟，按道路系数"
                f"{lim['road_factor']}和{lim['clock_skew_min']:.0f}分钟时钟误差折算时速约"
                f"{top['implied_kmh']:.0f}公里/小时（上限{lim['max_speed_kmh']:.0f}），"
                f"且已排除识别置信度低于{lim['min_confidence']}的读牌"
            )
        if conflict:
            parts.append(
                f"登记轴数为{conflict['reg_axle_count']}轴，但{conflict['n_conflict']}次称重"
                f"测得{conflict['conflict_axles']}轴、{conflict['n_match']}次与登记一致，"
                f"两种车型交替出现"
            )
        parts.append(
            f"过车记录可分为两条互不矛盾的轨迹（{track_info[0]['n']}次、"
            f"{track_info[1]['n']}次），两条轨迹活动区域相距约{separation:.0f}公里，"
            f"疑似两辆车使用同一号牌"
        )
        explanation = (
            f"号牌{plate}（{colour or '未知颜色'}牌）疑似套牌：" + "；".join(parts) + "。"
            "建议调取两条轨迹的卡口图片比对车辆特征，核实真车与套牌车。"
        )
        n_pairs = len(plate_pairs)
        out.append(
            {
                "finding_key": f"cloned_plate:{plate_key}",
                "lead_type": "cloned_plate",
                "subject_kind": "vehicle",
                "subject_keys": [plate_key],
                "subject_provinces": [reg["registered_province"]]
                if reg.get("registered_province")
                else [],
                "origin_provinces": sorted(
                    {row_by_rid[r]["station_province"] for r in evidence if r in row_by_rid}
                    - {None}
                ),
                "legal_trigger": False,
                "severity": min(1.0, 0.5 + 0.1 * n_pairs + (0.2 if conflict else 0.0)),
                "risk_score": None,
                "risk_lo": None,
                "risk_hi": None,
                "legal_basis": "《道路交通安全法》第九十六条",
                "evidence_record_ids": evidence,
                "first_evidence_at": min(times) if times else None,
                "last_evidence_at": max(times) if times else None,
                "explanation": explanation,
                "explanation_en": (
                    f"Plate {plate_key}: {n_pairs} impossible-travel pair(s)"
                    + (
                        f", axle conflict ({conflict['n_conflict']} reads with "
                        f"{conflict['conflict_axles']} axles vs registered "
                        f"{conflict['reg_axle_count']})"
                        if conflict
                        else ""
                    )
                    + f"; sightings split into {len(tracks)} track(s)."
                ),
                "details": {
                    "impossible_pairs": [
                        {
                            "rids": [p["rid"], p["next_rid"]],
                            "km": round(p["dist_km"], 1),
                            "minutes": round(p["minutes"], 1),
                            "implied_kmh": round(p["implied_kmh"], 1),
                        }
                        for p in plate_pairs[:20]
                    ],
                    "axle_conflict": {
                        k: conflict[k]
                        for k in ("n_match", "n_conflict", "conflict_axles", "reg_axle_count")
                    }
                    if conflict
                    else None,
                    "tracks": track_info,
                    "n_tracks": len(tracks),
                    "track_separation_km": round(separation, 1),
                },
                "as_of": as_of,
            }
        )
    return out


def _fmt_ts(ts) -> str:
    return ts.strftime("%Y-%m-%d %H:%M") if hasattr(ts, "strftime") else str(ts)


def _track_summary(rids: list[str], row_by_rid: dict[str, dict]) -> dict:
    rows = [row_by_rid[r] for r in rids]
    axles = [r.get("axle_count") for r in rows if r.get("axle_count") is not None]
    stations = sorted({r["station_id"] for r in rows})
    return {
        "centroid": (
            sum(r["lat"] for r in rows) / len(rows),
            sum(r["lon"] for r in rows) / len(rows),
        ),
        "n": len(rows),
        "rids": rids[:50],
        "stations": stations[:20],
        "first": _fmt_ts(rows[0]["passed_at"]),
        "last": _fmt_ts(rows[-1]["passed_at"]),
        "axle_count": max(set(axles), key=axles.count) if axles else None,
    }
