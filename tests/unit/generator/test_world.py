"""The tiny world: styles per province, identifiers, plates, physics, manifest and truth."""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from data_contracts.generator import identifiers as ids

from .helpers import PLATE_RE, canonical, load_json, normalise_plate

TABLES = ["stations", "weigh_records", "vehicles", "operators", "drivers", "sources", "loadings",
          "monitoring_events", "gps_points", "cases"]  # fmt: skip


def test_every_table_in_every_province(tiny_world: Path):
    for prov in ("21", "22", "23", "15"):
        for table in TABLES:
            files = list((tiny_world / prov / table).glob("*"))
            assert files, f"{prov}/{table} missing"


def test_province_styles(tiny_world: Path):
    head = (
        (tiny_world / "21/weigh_records/weigh_2025-10.csv")
        .read_text(encoding="utf-8")
        .splitlines()[0]
    )
    assert head.startswith("record_id,station_id,passed_at")
    assert (tiny_world / "21/stations/stations_21.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    raw = (tiny_world / "22/weigh_records/weigh_2025-11.txt").read_bytes()
    text = raw.decode("gb18030")
    assert "总重(吨)" in text.splitlines()[0] and "|" in text.splitlines()[0]
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert any("\t" in p.read_bytes().decode("gb18030").splitlines()[0]
               for p in (tiny_world / "22/weigh_records").glob("*.txt"))  # fmt: skip
    sheet = (
        fastexcel.read_excel(tiny_world / "23/weigh_records/weigh_2025-10.xlsx")
        .load_sheet(0)
        .to_polars()
    )
    assert "检测单号" in sheet.columns and len(sheet) > 0
    pq = pl.read_parquet(tiny_world / "15/weigh_records/weigh_2025-10.parquet")
    assert "record_id" in pq.columns and pq.schema["passed_at"] == pl.Datetime("us")
    first = json.loads(
        (tiny_world / "15/weigh_records/weigh_2025-11.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()[0]
    )
    assert first["passed_at"].endswith("+08:00")
    with gzip.open(tiny_world / "15/loadings/loadings_2026.csv.gz", "rt", encoding="utf-8") as f:
        assert f.readline().startswith("waybill_id")


def test_mess_variants_present(tiny_world: Path):
    texts = "".join(
        p.read_text(encoding="utf-8-sig") for p in (tiny_world / "21/weigh_records").glob("*.csv")
    )
    assert "未识别" in texts or "无牌" in texts
    assert "·" in texts and any(0xFF10 <= ord(c) <= 0xFF5A for c in texts)
    assert "T" in texts.split("\n")[-2] or "+08:00" in texts  # ISO form in some file
    m = load_json(tiny_world, "manifest.json")
    assert any(f["headers"] == "mixed" for f in m["files"])
    assert any(f["extra_columns"] for f in m["files"])
    assert {f["timestamps"] for f in m["files"]} >= {
        "iso_space",
        "slash",
        "iso_tz",
        "compact",
        "excel",
    }


def test_check_digits_valid_except_planted(tiny_world: Path):
    inv = load_json(tiny_world, "manifest.json")["invalid_check_digits"]
    for u in canonical(tiny_world, "operators")["uscc"]:
        assert (ids.uscc_check_char(u[:17]) == u[17]) != (u in inv["uscc"])
    for d in canonical(tiny_world, "drivers")["driver_id"]:
        assert (ids.id_check_char(d[:17]) == d[17]) != (d in inv["driver_id"])
    for v in canonical(tiny_world, "vehicles")["vin"]:
        assert (ids.vin_check_char(v) == v[8]) != (v in inv["vin"])
    assert inv["uscc"] or inv["driver_id"] or inv["vin"]


def test_plates_valid_and_messy_ones_normalise(tiny_world: Path):
    for table in ("vehicles", "weigh_records", "loadings"):
        plates = canonical(tiny_world, table)["plate"].drop_nulls().unique()
        bad = [p for p in plates if not PLATE_RE.match(p)]
        assert not bad, bad[:5]
    canon = canonical(tiny_world, "weigh_records").filter(pl.col("_province") == "21")
    by_id = dict(zip(canon["record_id"], canon["plate"], strict=True))
    raw = pl.read_csv(tiny_world / "21/weigh_records/weigh_2026-02.csv", infer_schema=False)
    n = 0
    for rid, p in zip(raw["record_id"], raw["plate"], strict=True):
        if rid in by_id:
            assert normalise_plate(p) == by_id[rid], (p, by_id[rid])
            n += 1
    assert n > 100


def _haversine(lon1, lat1, lon2, lat2):
    p = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(a))


def _speeds(tiny_world: Path) -> pl.DataFrame:
    st = canonical(tiny_world, "stations").select("station_id", "lon", "lat")
    w = canonical(tiny_world, "weigh_records").filter(pl.col("plate_key").is_not_null())
    w = w.join(st, on="station_id").sort("plate_key", "passed_at")
    w = w.with_columns(
        pl.col("lon").shift().over("plate_key").alias("lon0"),
        pl.col("lat").shift().over("plate_key").alias("lat0"),
        pl.col("passed_at").shift().over("plate_key").alias("t0"),
    ).drop_nulls("t0")
    km = [_haversine(*x) for x in zip(w["lon0"], w["lat0"], w["lon"], w["lat"], strict=True)]
    h = ((w["passed_at"] - w["t0"]).dt.total_seconds() / 3600).to_list()
    return w.select("plate_key").with_columns(pl.Series("km", km), pl.Series("h", h))


def test_space_time_plausible_except_clones(tiny_world: Path):
    clones = set(load_json(tiny_world, "truth.json")["cloned_plate"])
    sp = _speeds(tiny_world).filter(pl.col("km") > 5)
    sp = sp.with_columns((pl.col("km") / pl.col("h").clip(1e-6)).alias("v"))
    normal = sp.filter(~pl.col("plate_key").is_in(list(clones)))
    assert normal["v"].max() < 130, normal.sort("v").tail(3)  # straight-line speed <= road speed
    fast = sp.filter(pl.col("plate_key").is_in(list(clones)) & (pl.col("v") > 150))
    assert fast["plate_key"].n_unique() >= 1


def test_over_limit_shares_realistic(tiny_world: Path):
    st = canonical(tiny_world, "stations").select("station_id", "kind")
    w = canonical(tiny_world, "weigh_records").join(st, on="station_id")
    fixed = w.filter(pl.col("kind") == "fixed")
    over = fixed.filter(pl.col("outcome").is_in(["unloaded", "penalized"]))
    assert 0.001 < len(over) / len(fixed) < 0.03
    assert set(fixed["outcome"].unique()) >= {"released", "unloaded", "penalized"}


def test_manifest_consistent_with_files(tiny_world: Path):
    m = load_json(tiny_world, "manifest.json")
    per_table: dict[str, int] = {}
    for f in m["files"]:
        p = tiny_world / f["file"]
        assert hashlib.sha256(p.read_bytes()).hexdigest() == f["sha256"]
        per_table[f["table"]] = per_table.get(f["table"], 0) + f["canonical_rows"]
    for table, n in m["canonical_rows"].items():
        assert len(canonical(tiny_world, table)) == n == per_table[table]
    kinds = {p["kind"] for p in m["planted_rows"]}
    assert kinds >= {"missing_required", "bad_number", "negative_weight", "axle_out_of_range", "future_date",
                     "date_before_2000", "bad_timestamp", "truncated_row", "exact_duplicate", "superseded",
                     "unknown_station"}  # fmt: skip
    assert any("duplicate_of" in f for f in m["files"])


def test_planted_rows_are_where_the_manifest_says(tiny_world: Path):
    m = load_json(tiny_world, "manifest.json")
    files = {}
    for p in m["planted_rows"]:
        if not p["file"].startswith("21/") or p["table"] != "weigh_records":
            continue
        lines = files.setdefault(
            p["file"], (tiny_world / p["file"]).read_text(encoding="utf-8-sig").splitlines()
        )
        n_fields = lines[0].count(",") + 1
        line = lines[p["row"]]
        if p["kind"] == "truncated_row":
            assert line.count(",") + 1 < n_fields
        elif p["kind"] == "exact_duplicate" and "dup_of_row" in p:
            assert line == lines[p["dup_of_row"]]
        elif p["kind"] in ("superseded", "unknown_station"):
            assert line.startswith(p["key"] + ",")
        elif p["kind"] == "axle_out_of_range":
            assert ",0," in line or ",99," in line


def test_truth_has_design_keys_and_answers(tiny_world: Path):
    t = load_json(tiny_world, "truth.json")
    for k in ("seed", "scale", "as_of", "vehicle_repeat", "vehicle_repeat_decoys", "driver_repeat",
              "operator_fleet_ratio", "operator_fleet_ratio_decoys", "source_overloading", "cloned_plate",
              "convoy", "network_cluster", "registration_mismatch", "station_evasion", "obscured_plate",
              "passenger_hazmat_operator", "risky_vehicles"):  # fmt: skip
        assert k in t and t[k] not in (None, []), k
    assert t["as_of"] == "2026-10-31"
    assert not set(t["vehicle_repeat"]) & set(t["vehicle_repeat_decoys"])
    assert {m["kind"] for m in t["registration_mismatch"]} == {
        "axles",
        "blue_plate_heavy",
        "gvw_over_registered",
        "weight_divergence",
    }


def test_wim_flag_followed_by_static_weighing(tiny_world: Path):
    st = canonical(tiny_world, "stations").select("station_id", "kind", "tolerance_pct")
    w = (
        canonical(tiny_world, "weigh_records")
        .join(st, on="station_id")
        .filter(pl.col("plate_key").is_not_null())
    )
    w = w.filter(pl.col("kind").is_in(["wim", "fixed"])).sort("plate_key", "passed_at")
    w = w.with_columns(
        pl.col("kind").shift(-1).over("plate_key").alias("next_kind"),
        (pl.col("passed_at").shift(-1).over("plate_key") - pl.col("passed_at"))
        .dt.total_minutes()
        .alias("gap"),
    )
    links = w.filter(
        (pl.col("kind") == "wim") & (pl.col("next_kind") == "fixed") & (pl.col("gap") <= 15)
    )
    assert len(links) > 50


def _over_limit(tiny_world: Path) -> pl.DataFrame:
    """Over-limit records recomputed from canonical data alone (R01 + station tolerance)."""
    st = canonical(tiny_world, "stations").select("station_id", "kind", "tolerance_pct")
    w = canonical(tiny_world, "weigh_records").join(st, on="station_id")
    w = w.filter(
        pl.col("kind").is_in(["fixed", "wim", "toll_entrance"]) & pl.col("plate_key").is_not_null()
    )
    a, c, sd = pl.col("axle_count"), pl.col("is_combination"), pl.col("single_drive_axle")
    limit = (
        pl.when(a <= 2).then(18000).when(a == 3).then(pl.when(c).then(27000).otherwise(25000))
        .when(a == 4).then(pl.when(c).then(36000).otherwise(31000)).when(a == 5).then(43000)
        .otherwise(pl.when(sd).then(46000).otherwise(49000))
    )  # fmt: skip
    w = w.with_columns(limit.alias("limit"))
    w = w.filter(pl.col("gross_kg") > pl.col("limit") * (1 + pl.col("tolerance_pct") / 100))
    return w.filter(pl.col("passed_at") >= pl.datetime(2025, 11, 1))


def test_truth_repeat_answers_derivable_from_data(tiny_world: Path):
    t = load_json(tiny_world, "truth.json")
    ol = _over_limit(tiny_world)
    per = ol.group_by("plate_key").agg(
        pl.col("passed_at").dt.date().n_unique().alias("days"), pl.len().alias("n")
    )
    assert sorted(per.filter(pl.col("days") > 3)["plate_key"]) == t["vehicle_repeat"]
    assert set(t["vehicle_repeat_planted"]) <= set(t["vehicle_repeat"])
    # nothing caps a truck's habit: background trucks can be repeat offenders too, and a day
    # with several over-limit records counts once (records and days need not agree)
    planted = set(t["vehicle_repeat_planted"]) | set(t["risky_vehicles"])
    assert set(t["vehicle_repeat"]) - planted
    counts = dict(zip(per["plate_key"], per["n"], strict=True))
    assert all(counts[p] == 3 for p in t["vehicle_repeat_decoys"])
    drv = (
        ol.filter(pl.col("kind") == "fixed")
        .group_by("driver_id")
        .agg(pl.col("passed_at").dt.date().n_unique().alias("d"))
    )
    assert sorted(drv.filter(pl.col("d") > 3)["driver_id"]) == t["driver_repeat"]


def test_truth_fleet_ratio_derivable_from_data(tiny_world: Path):
    # R11 fleet = registered vehicles with status 'active' (declared fleet_size: cross-check only)
    t = load_json(tiny_world, "truth.json")
    reg = canonical(tiny_world, "vehicles")
    veh = reg.select("plate_key", "operator_uscc")
    active = (
        reg.filter((pl.col("status") == "active") & pl.col("operator_uscc").is_not_null())
        .group_by("operator_uscc")
        .agg(pl.col("plate_key").n_unique().alias("fleet"))
    )
    ol = _over_limit(tiny_world).join(veh, on="plate_key")
    n = (
        ol.group_by("operator_uscc")
        .agg(pl.col("plate_key").n_unique().alias("n"))
        .join(active, on="operator_uscc", how="left")
        .with_columns(pl.col("fleet").fill_null(0))
    )
    assert (
        sorted(n.filter(pl.col("n") * 10 > pl.col("fleet"))["operator_uscc"])
        == t["operator_fleet_ratio"]
    )
    exact = set(n.filter(pl.col("n") * 10 == pl.col("fleet"))["operator_uscc"])
    assert set(t["operator_fleet_ratio_decoys"]) <= exact and t["operator_fleet_ratio_decoys"]
    # the declared size differs for some planted operators: a tiny declared fleet would make a
    # decoy a lead, a stale large one would hide a positive
    declared = dict(canonical(tiny_world, "operators").select("uscc", "fleet_size").iter_rows())
    fleet = dict(active.iter_rows())
    assert any(declared[u] < fleet[u] for u in t["operator_fleet_ratio_decoys"])
    assert any(declared[u] > fleet[u] for u in t["operator_fleet_ratio_planted"])
