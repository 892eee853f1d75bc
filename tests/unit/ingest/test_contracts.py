"""The table contracts: complete, consistent with INTERFACES §2, unit-bearing headers mapped."""

from __future__ import annotations

import pytest

from data_contracts.contract import (
    TABLES,
    all_contracts,
    load_contract,
    load_feeds,
    message,
    normalise_header,
    plate_color_code_set,
)
from data_contracts.gx_suites import expectation_specs

# INTERFACES §2 canonical columns (the external contract; staging uses exactly these names)
EXPECTED_REQUIRED = {
    "stations": ["station_id", "province_code", "kind"],
    "weigh_records": ["record_id", "station_id", "passed_at"],
    "vehicles": ["plate", "plate_color", "vehicle_type", "registered_province"],
    "operators": ["uscc", "name", "province_code", "scope"],
    "drivers": ["driver_id"],
    "sources": ["source_id", "name", "province_code"],
    "loadings": ["waybill_id", "source_id", "plate", "loaded_at"],
    "monitoring_events": ["event_id", "plate", "event_type", "started_at"],
    "gps_points": ["plate", "ts", "lon", "lat"],
    "cases": ["case_id", "province_code", "violation_code", "occurred_at"],
    "lead_feedback": ["lead_id", "receiving_province", "outcome"],
}


def test_every_table_has_a_contract() -> None:
    assert [c.table for c in all_contracts()] == list(TABLES)


@pytest.mark.parametrize("table", TABLES)
def test_required_columns_match_interfaces(table: str) -> None:
    assert load_contract(table).required == EXPECTED_REQUIRED[table]


def test_staging_schema_follows_design() -> None:
    schema = dict(load_contract("weigh_records").staging_schema())
    assert schema["passed_at"] == "TIMESTAMP"
    assert schema["axle_weights_kg"] == "BIGINT[]"
    assert schema["_flags"] == "VARCHAR[]"
    assert list(schema)[-3:] == ["plate_key", "plate_readable", "rid"]
    assert "rid" not in dict(load_contract("vehicles").staging_schema())


@pytest.mark.parametrize(
    ("header", "column", "factor"),
    [
        ("gross_kg", "gross_kg", 1.0),
        ("车货总重(kg)", "gross_kg", 1.0),
        ("车货总重（kg）", "gross_kg", 1.0),  # full-width brackets
        ("gross_t", "gross_kg", 1000.0),
        ("总重(吨)", "gross_kg", 1000.0),
        ("车货总重(t)", "gross_kg", 1000.0),
        ("轴重(吨)", "axle_weights_kg", 1000.0),
        ("检测时间", "passed_at", 1.0),
        ("过车时间", "passed_at", 1.0),
        (" Record_ID ", "record_id", 1.0),
        ("\ufeff检测单号", "record_id", 1.0),
    ],
)
def test_header_mapping(header: str, column: str, factor: float) -> None:
    assert load_contract("weigh_records").match_header(header) == (column, factor)


def test_unknown_header_is_none() -> None:
    assert load_contract("weigh_records").match_header("备注") is None


def test_messages_exist_for_every_code() -> None:
    for code in ("missing_required", "bad_number", "negative_weight", "axle_out_of_range",
                 "future_date", "date_before_2000", "bad_timestamp", "bad_value", "truncated_row",
                 "unknown_station", "exact_duplicate", "superseded"):  # fmt: skip
        assert message(code, "zh") != code and message(code, "en") != code


def test_pi_columns_are_marked() -> None:
    assert load_contract("drivers").column("driver_id").pi
    assert load_contract("operators").column("phone").pi
    assert not load_contract("weigh_records").column("gross_kg").pi


def test_normalise_header() -> None:
    assert normalise_header("Plate_No") == normalise_header("plate no") == "plateno"


def test_gx_specs_come_from_the_contract() -> None:
    specs = expectation_specs(load_contract("stations"))
    kinds = {(s.kind, s.kwargs.get("column")) for s in specs}
    assert ("ExpectColumnValuesToNotBeNull", "station_id") in kinds
    assert ("ExpectColumnValuesToBeInSet", "kind") in kinds
    assert specs[0].kind == "ExpectTableColumnsToMatchOrderedList"


# --- per-province feed settings (contracts/_feeds.yaml) ---------------------------------------
def test_shipped_feeds_default_to_the_landing_code_set() -> None:
    load_feeds()  # the shipped file validates
    for province in ("15", "21", "22", "23"):
        assert plate_color_code_set(province, "weigh_records") == "xiansuo"


def test_plate_colour_code_set_per_province_and_table(tmp_path) -> None:
    f = tmp_path / "_feeds.yaml"
    f.write_text(
        "plate_color_code_set:\n"
        "  default: xiansuo\n"
        "  provinces:\n"
        '    "23": etc\n'
        '    "15": {default: nfp, gps_points: jtt697}\n',
        encoding="utf-8",
    )
    settings = load_feeds(f)
    assert plate_color_code_set("23", "weigh_records", settings) == "etc"
    assert plate_color_code_set("23", "gps_points", settings) == "etc"
    assert plate_color_code_set("15", "gps_points", settings) == "jtt697"
    assert plate_color_code_set("15", "vehicles", settings) == "nfp"
    assert plate_color_code_set("21", "vehicles", settings) == "xiansuo"


@pytest.mark.parametrize(
    "body",
    [
        '  provinces: {"23": no_such_set}\n',
        '  provinces: {"23": {weigh: etc}}\n',  # not a table
        "  provinces: {liaoning: etc}\n",  # not a province code
    ],
)
def test_bad_feed_settings_are_rejected(tmp_path, body) -> None:
    f = tmp_path / "_feeds.yaml"
    f.write_text("plate_color_code_set:\n  default: xiansuo\n" + body, encoding="utf-8")
    with pytest.raises(ValueError):
        load_feeds(f)
