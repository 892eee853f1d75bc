"""Against the generated tiny world's truth: legal-threshold leads found exactly."""

from __future__ import annotations

import duckdb
import pytest

from assets.facts._common import FINDINGS_COLUMNS

LEAD_TYPES = (
    "vehicle_repeat",
    "driver_repeat",
    "operator_fleet_ratio",
    "source_overloading",
    "passenger_hazmat_operator",
)


@pytest.fixture(scope="module")
def world(canonical_world):
    path, truth = canonical_world
    conn = duckdb.connect(str(path), read_only=True)
    yield conn, truth
    conn.close()


def _found(conn, lead_type):
    return {
        r[0] for r in conn.execute(f"select subject_keys[1] from findings.{lead_type}").fetchall()
    }


@pytest.mark.parametrize("lead_type", ["vehicle_repeat", "driver_repeat", "operator_fleet_ratio"])
def test_legal_thresholds_found_exactly(world, lead_type):
    conn, truth = world
    assert _found(conn, lead_type) == set(truth[lead_type])


def test_decoys_are_not_leads(world):
    conn, truth = world
    assert not _found(conn, "vehicle_repeat") & set(truth["vehicle_repeat_decoys"])
    assert not _found(conn, "driver_repeat") & set(truth["driver_repeat_decoys"])
    assert not _found(conn, "operator_fleet_ratio") & set(truth["operator_fleet_ratio_decoys"])


def test_poor_alarm_handlers_found(world):
    conn, truth = world
    assert set(truth["passenger_hazmat_operator"]) <= _found(conn, "passenger_hazmat_operator")


def test_source_leads_are_planted_sources(world):
    conn, truth = world
    found = _found(conn, "source_overloading")
    assert found and found <= set(truth["source_overloading"])


@pytest.mark.parametrize("lead_type", LEAD_TYPES)
def test_findings_contract(world, lead_type):
    conn, _ = world
    cols = conn.execute(f"describe findings.{lead_type}").fetchall()
    assert [(c[0], c[1].lower()) for c in cols] == [(n, t.lower()) for n, t in FINDINGS_COLUMNS]
    bad = conn.execute(
        f"select count(*) from findings.{lead_type} where finding_key is null"
        " or not starts_with(finding_key, lead_type || ':') or len(evidence_record_ids) = 0"
        " or explanation is null or legal_basis is null or severity not between 0 and 1"
    ).fetchall()[0][0]
    assert bad == 0


def test_weigh_events_contract_columns(world):
    conn, _ = world
    cols = [c[0] for c in conn.execute("describe facts.weigh_events").fetchall()]
    assert cols == [
        "event_id", "rids", "station_id", "station_kind", "station_province", "road", "lon",
        "lat", "passed_at", "plate", "plate_color", "plate_key", "plate_readable",
        "plate_confidence", "axle_count", "is_combination", "single_drive_axle", "gross_kg",
        "axle_weights_kg", "length_m", "width_m", "height_m", "speed_kmh", "outcome",
        "waybill_id", "driver_id", "source_id", "vehicle_type", "registered_province",
        "operator_uscc", "limit_kg", "tolerance_pct", "tolerance_kg", "excess_kg",
        "net_excess_kg", "over_limit", "excess_pct", "dimension_over", "fine_estimate_yuan",
        "sanction", "evidence_ok", "within_tolerance",
    ]  # fmt: skip


def test_one_event_per_record_at_most(world):
    """Every weigh record ends in exactly one event (merged, never duplicated or lost)."""
    conn, _ = world
    n_rec, n_rid, n_distinct = conn.execute(
        "select (select count(*) from staging.weigh_records),"
        " (select count(*) from (select unnest(rids) from facts.weigh_events)),"
        " (select count(distinct r) from (select unnest(rids) as r from facts.weigh_events))"
    ).fetchall()[0]
    assert n_rec == n_rid == n_distinct


def test_coach_scheduling_limits_found_exactly(world):
    """R21 from the GPS tracks: every coach over a limit in the generator's truth, no other."""
    conn, truth = world
    for kind, plates in truth["coach_schedule"].items():
        found = {
            r[0]
            for r in conn.execute(
                "select distinct plate_key from facts.monitoring_violations where kind = ?",
                [kind],
            ).fetchall()
        }
        assert found == set(plates), kind
    planted = truth["coach_schedule_planted"]
    assert planted["night_continuous"] and planted["driving_7d"]
    assert set(truth["coach_schedule_operators"]) <= _found(conn, "passenger_hazmat_operator")


def test_over_capacity_found_exactly(world):
    conn, truth = world
    got = {
        (r[0], r[1])
        for r in conn.execute(
            "select alarm_rid, capacity_band from facts.monitoring_violations"
            " where kind = 'over_capacity' and capacity_band is not null"
        ).fetchall()
    }
    assert got == {(x["rid"], x["band"]) for x in truth["over_capacity"]}
    assert any(x["passenger_count"] * 5 == x["seats"] * 6 for x in truth["over_capacity"])
    assert set(truth["over_capacity_operators"]) <= _found(conn, "passenger_hazmat_operator")


def test_licence_anniversary_anchor_against_truth(canonical_world, tmp_path, monkeypatch):
    """With `window_anchor: licence_anniversary` the vehicle findings are exactly the generator's
    anniversary answer (a subset of the rolling one); the rolling truth stays the default."""
    import dataclasses
    import shutil
    from datetime import date

    import assets.facts.windows as windows
    from models.rules import load_rules

    path, truth = canonical_world
    copy = tmp_path / "anniversary.duckdb"
    shutil.copy(path, copy)
    book = load_rules()
    rules = dict(book.rules)
    rules["R09"] = dataclasses.replace(
        rules["R09"], params={**rules["R09"].params, "window_anchor": "licence_anniversary"}
    )
    monkeypatch.setattr(windows, "load_rules", lambda: dataclasses.replace(book, rules=rules))
    conn = duckdb.connect(str(copy))
    try:
        windows.build_repeat(conn, date.fromisoformat(truth["as_of"]), kind="vehicle")
        found = _found(conn, "vehicle_repeat")
        used = dict(
            conn.execute(
                "select window_anchor_used, count(*) from facts.vehicle_repeat_offences"
                " group by all"
            ).fetchall()
        )
    finally:
        conn.close()
    assert found == set(truth["vehicle_repeat_licence_anniversary"])
    assert found < set(truth["vehicle_repeat"])
    assert used.get("licence_anniversary", 0) > 0 and used.get("rolling_fallback", 0) > 0
