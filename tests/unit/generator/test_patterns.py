"""Planted group/registration patterns are visible in the canonical data the way detectors see it."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .helpers import canonical, load_json


def _passages(world: Path) -> pl.DataFrame:
    st = canonical(world, "stations").select("station_id", "kind", "road")
    return canonical(world, "weigh_records").join(st, on="station_id")


def test_convoys_pass_together(tiny_world: Path):
    t = load_json(tiny_world, "truth.json")
    w = _passages(tiny_world)
    for group in t["convoy"]:
        g = w.filter(pl.col("plate_key").is_in(group))
        lead = g.filter(pl.col("plate_key") == group[0]).select("station_id", "passed_at")
        other = g.filter(pl.col("plate_key") == group[-1]).select(
            "station_id", pl.col("passed_at").alias("t2")
        )
        j = lead.join(other, on="station_id").filter(
            (pl.col("t2") - pl.col("passed_at")).dt.total_seconds().abs() <= 180
        )
        assert j["passed_at"].dt.date().n_unique() >= 3, group


def test_station_evasion_seen_around_but_not_at_fixed(tiny_world: Path):
    t = load_json(tiny_world, "truth.json")
    w = _passages(tiny_world).filter(pl.col("plate_key").is_in(t["station_evasion"]))
    kinds = w.group_by("kind").len()
    counts = dict(zip(kinds["kind"], kinds["len"], strict=True))
    assert counts.get("anpr", 0) > 5 * max(1, counts.get("fixed", 0))
    night = w.filter(pl.col("kind") == "anpr")["passed_at"].dt.hour()
    assert ((night >= 20) | (night < 6)).mean() > 0.7


def test_registration_mismatches_visible(tiny_world: Path):
    t = load_json(tiny_world, "truth.json")
    w = _passages(tiny_world)
    reg = canonical(tiny_world, "vehicles").select(
        "plate_key", "axle_count", "total_mass_kg", "plate_color"
    )
    for m in t["registration_mismatch"]:
        mine = w.filter((pl.col("plate_key") == m["plate_key"]) & pl.col("gross_kg").is_not_null())
        r = reg.filter(pl.col("plate_key") == m["plate_key"]).row(0, named=True)
        if m["kind"] == "axles":
            assert (mine["axle_count"] != r["axle_count"]).all()
        elif m["kind"] == "blue_plate_heavy":
            assert r["plate_color"] == "蓝" and mine["gross_kg"].max() > 3 * 4500
        elif m["kind"] == "gvw_over_registered":
            assert mine["gross_kg"].max() > 1.3 * r["total_mass_kg"]
        else:  # WIM reads far below the static scale a few minutes later
            s = mine.sort("passed_at").with_columns(
                pl.col("kind").shift(-1).alias("k2"),
                pl.col("gross_kg").shift(-1).alias("g2"),
                (pl.col("passed_at").shift(-1) - pl.col("passed_at"))
                .dt.total_minutes()
                .alias("gap"),
            )
            pairs = s.filter(
                (pl.col("kind") == "wim") & (pl.col("k2") == "fixed") & (pl.col("gap") <= 15)
            )
            assert len(pairs) and ((pairs["g2"] - pairs["gross_kg"]) / pairs["g2"] > 0.05).all()


def test_network_members_share_contacts(tiny_world: Path):
    t = load_json(tiny_world, "truth.json")
    ops = canonical(tiny_world, "operators")
    for net in t["network_cluster"]:
        m = ops.filter(pl.col("uscc").is_in(net["operators"]))
        assert len(m) == len(net["operators"]) >= 3
        assert m["phone"].n_unique() == 1 and m["legal_rep"].n_unique() == 1
        assert (m["fleet_size"] <= 5).all()
        assert set(net["repeat_vehicles"]) <= set(t["vehicle_repeat"])


def test_obscured_plates_unreadable_often(tiny_world: Path):
    """Unreadable reads of obscured trucks sit between readable reads of the same trip."""
    t = load_json(tiny_world, "truth.json")
    w = _passages(tiny_world).filter(pl.col("kind").is_in(["anpr", "wim"]))
    base = w["plate"].is_null().mean()
    assert base < 0.05
    assert len(t["obscured_plate"]) >= 2


def test_cases_follow_article_43(tiny_world: Path):
    c = canonical(tiny_world, "cases").filter(pl.col("violation_code") == "OL_GVW")
    assert set(c["decision"].unique()) >= {"fine"}
    # planted data-entry errors (an extra or dropped zero) are out of range on purpose
    planted = [e["case_id"] for e in load_json(tiny_world, "truth.json")["case_entry_errors"]]
    fines = c.filter((pl.col("decision") == "fine") & ~pl.col("case_id").is_in(planted))
    assert (fines["penalty_yuan"] <= 30000).all() and (fines["penalty_yuan"] > 0).all()
    warn = c.filter(pl.col("excess_kg") <= 1000)
    assert (warn["decision"] != "fine").all()
    assert c["lead_id"].drop_nulls().len() >= 1 or len(c) < 20
    assert c["_province"].n_unique() == 4


def test_overloading_sources_stand_out(tiny_world: Path):
    """Share of overloaded departures (source scale, 5 % tolerance) per source unit."""
    t = load_json(tiny_world, "truth.json")
    st = canonical(tiny_world, "stations").select("station_id", "kind")
    ld = canonical(tiny_world, "loadings").select("waybill_id", "source_id")
    w = (
        canonical(tiny_world, "weigh_records")
        .join(st, on="station_id")
        .filter(pl.col("kind") == "source")
    )
    a, c, sd = pl.col("axle_count"), pl.col("is_combination"), pl.col("single_drive_axle")
    limit = (
        pl.when(a <= 2).then(18000).when(a == 3).then(pl.when(c).then(27000).otherwise(25000))
        .when(a == 4).then(pl.when(c).then(36000).otherwise(31000)).when(a == 5).then(43000)
        .otherwise(pl.when(sd).then(46000).otherwise(49000))
    )  # fmt: skip
    w = w.with_columns(limit.alias("limit")).join(ld, on="waybill_id")
    share = w.group_by("source_id").agg(
        (pl.col("gross_kg") > pl.col("limit") * 1.05).mean().alias("s")
    )
    planted = share.filter(pl.col("source_id").is_in(t["source_overloading"]))["s"]
    others = share.filter(~pl.col("source_id").is_in(t["source_overloading"]))["s"]
    assert planted.min() > 0.1 and others.max() < planted.min()


def test_decoys_for_plate_and_network_detectors(tiny_world: Path):
    t = load_json(tiny_world, "truth.json")
    veh = canonical(tiny_world, "vehicles")
    for pair in t["plate_colour_twins"]:
        rows = veh.filter(pl.col("plate_key").is_in(pair))
        assert (
            len(rows) == 2 and rows["plate"].n_unique() == 1 and rows["plate_color"].n_unique() == 2
        )
    ops = canonical(tiny_world, "operators")
    for d in t["network_cluster_decoys"]:
        m = ops.filter(pl.col("uscc").is_in(d["operators"]))
        assert m["address"].n_unique() == 1 and m["phone"].n_unique() == 2
    w = canonical(tiny_world, "weigh_records").filter(pl.col("height_m") > 4.0)
    assert set(w["plate_key"].drop_nulls()) <= set(t["dimension_over"])  # a read may be unreadable
    assert w.group_by("plate_key").len()["len"].max() <= 2


def test_case_penalties_inside_legal_ranges(tiny_world: Path):
    """Every case amount lies in its legal range (legal_ranges.yaml; P-SPD by its sub-range)
    except the few data-entry errors listed in truth, which lie outside it."""
    from models.stats.legal import load_legal_config

    cfg = load_legal_config()
    t = load_json(tiny_world, "truth.json")
    errors = {e["case_id"]: e for e in t["case_entry_errors"]}
    c = canonical(tiny_world, "cases")
    assert len(errors) <= 0.01 * len(c)
    for row in c.iter_rows(named=True):
        item = cfg.items[cfg.resolve(row["violation_code"])]
        lo, hi = item.min_yuan, item.max_yuan
        if row["decision"] == "warning":
            assert item.warning_allowed, row
        if row["decision"] != "fine":
            assert row["penalty_yuan"] == 0, row
            continue
        assert hi is not None, row
        if item.code == "P-SPD" and row["case_id"] not in errors:
            lo, hi = (20, 200) if row["excess_pct"] < 50 else (200, 2000)
        inside = (lo or 0) <= row["penalty_yuan"] <= hi
        assert inside == (row["case_id"] not in errors), row


def test_case_discretion_functions():
    """Fatigue (道交法90: warning or 20–200) and speeding stay in range with the documented
    province practice; entry errors are drawn only where they leave the range."""
    from data_contracts.generator.cases import fatigue_penalty, speeding_penalty

    us = [i / 100 for i in range(100)]
    for prov in ("21", "22", "23", "15"):
        for first in (True, False):
            for u in us:
                d, f = fatigue_penalty(prov, first, u)
                assert (d == "fine" and 20 <= f <= 200) or (d != "fine" and f == 0)
            for pct in (5.0, 15.0, 30.0, 49.9):
                d, f = speeding_penalty(prov, pct, first)
                assert (d == "fine" and 20 <= f <= 200) or (d == "warning" and f == 0)
            d, f = speeding_penalty(prov, 60.0, first)
            assert d == "fine" and 200 <= f <= 2000

    def mean(prov, first):
        return sum(fatigue_penalty(prov, first, u)[1] for u in us) / len(us)

    assert mean("21", False) > mean("15", False) > mean("22", False)  # 200 vs 125 vs 100
    assert fatigue_penalty("23", True, 0.5) == ("warning", 0.0)  # 23 warns first offenders
    assert mean("22", True) < mean("22", False)  # 22: 首违不罚 half of first offences


def test_risky_vehicles_overload_visibly(tiny_world: Path):
    """The hidden propensity shows: risky vehicles' WIM reads and their static weighings after
    a WIM read (the risk model's label) are over the limit far more often than others'."""
    t = load_json(tiny_world, "truth.json")
    risky = pl.col("plate_key").is_in(t["risky_vehicles"])
    st = canonical(tiny_world, "stations").select("station_id", "kind", "tolerance_pct")
    w = (
        canonical(tiny_world, "weigh_records")
        .join(st, on="station_id")
        .filter(pl.col("kind").is_in(["wim", "fixed"]) & pl.col("plate_key").is_not_null())
    )
    a, c, sd = pl.col("axle_count"), pl.col("is_combination"), pl.col("single_drive_axle")
    limit = (
        pl.when(a <= 2).then(18000).when(a == 3).then(pl.when(c).then(27000).otherwise(25000))
        .when(a == 4).then(pl.when(c).then(36000).otherwise(31000)).when(a == 5).then(43000)
        .otherwise(pl.when(sd).then(46000).otherwise(49000))
    )  # fmt: skip
    w = w.with_columns(
        (pl.col("gross_kg") > limit * (1 + pl.col("tolerance_pct") / 100)).alias("over"),
        risky.alias("risky"),
    ).sort("passed_at")
    dyn = w.filter(pl.col("kind") == "wim").select("plate_key", pl.col("passed_at").alias("wt"))
    static = (
        w.filter(pl.col("kind") == "fixed")
        .join_asof(
            dyn,
            left_on="passed_at",
            right_on="wt",
            by="plate_key",
            tolerance="3h",
            check_sortedness=False,
        )
        .filter(pl.col("wt").is_not_null())
    )
    for frame in (w.filter(pl.col("kind") == "wim"), static):
        share = dict(frame.group_by("risky").agg(pl.col("over").mean()).iter_rows())
        assert share[True] > 3 * share[False], share
    overall = w.group_by("kind").agg(pl.col("over").mean())
    assert overall["over"].max() < 0.05  # still a small share overall
