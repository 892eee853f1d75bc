"""The stats SQL on a constructed world whose every figure is known in advance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest

from assets.stats.build import StatsParams, build_all
from models.stats.measures import km_cumulative_incidence

AS_OF = date(2025, 12, 31)


def _build(builder, path: Path, **kw) -> duckdb.DuckDBPyConnection:
    builder(path, **kw)
    conn = duckdb.connect(str(path))
    build_all(conn, StatsParams.default(AS_OF))
    return conn


@pytest.fixture(scope="module")
def built(tmp_path_factory, world_builder) -> duckdb.DuckDBPyConnection:
    conn = _build(world_builder, tmp_path_factory.mktemp("stats") / "w.duckdb")
    yield conn
    conn.close()


def test_counts_match_the_constructed_cases(built) -> None:
    rows = built.execute(
        "select code, province, sum(n) from stats.violation_counts where source = 'cases' "
        "group by all order by all"
    ).fetchall()
    assert {(c, p): n for c, p, n in rows} == {
        (c, p): n for p in ("15", "21", "22", "23") for c, n in (("OL-MASS", 300), ("P-SPD", 40))
    }
    # aliases: the case system's 'speeding' is the guide's P-SPD
    assert (
        built.execute(
            "select count(*) from stats.case_base where source_code = 'speeding' and code = 'P-SPD'"
        ).fetchall()[0][0]
        == 160
    )


def test_detected_side_and_reconciliation(built) -> None:
    rec = dict(
        built.execute(
            "select province, n_detected from stats.reconciliation where code = 'OL-MASS'"
        ).fetchall()
    )
    # S1 (21) 0.5 % of 20,000, S2 (22) 5 % of 20,000, S3 (23) none
    assert rec["21"] == 100 and rec["22"] == 1000
    top = built.execute(
        "select code from stats.top_items where scope = '全区域' order by rank"
    ).fetchall()
    assert top[0][0] == "OL-MASS"


def test_quantiles_match_numpy_on_the_same_values(built) -> None:
    xs = np.array(
        [r[0] for r in built.execute(
            "select excess_kg from stats.case_base where code = 'OL-MASS' and province = '22'"
        ).fetchall()],
        dtype=float,
    )  # fmt: skip
    p25, p50, p90 = built.execute(
        "select p25, p50, p90 from stats.severity_quantiles where source = 'cases' "
        "and code = 'OL-MASS' and measure = 'excess_kg' and group_value = '22'"
    ).fetchall()[0]
    assert p25 == pytest.approx(np.quantile(xs, 0.25))
    assert p50 == pytest.approx(np.quantile(xs, 0.5))
    assert p90 == pytest.approx(np.quantile(xs, 0.9))


def test_disparity_ranks_the_divergent_item_and_names_the_provinces(built) -> None:
    d = built.execute(
        "select code, disparity, province_lowest, light_share_spread from stats.disparity "
        "order by rank"
    ).fetchall()
    assert d[0][0] == "OL-MASS" and d[0][1] > 0.1
    assert d[0][2] == "23"  # the province fining at half the formula
    spd = [r for r in d if r[0] == "P-SPD"][0]
    assert spd[3] == pytest.approx(0.5, abs=0.15)  # 15 warns half its speeding cases


def test_disparity_is_zero_when_provinces_are_identical(tmp_path: Path, world_builder) -> None:
    conn = _build(world_builder, tmp_path / "same.duckdb", identical=True)
    vals = conn.execute(
        "select code, disparity, light_share_spread from stats.disparity"
    ).fetchall()
    assert vals and all(v[1] == 0 for v in vals)
    assert all(v[2] == 0 for v in vals)
    conn.close()


def test_severity_mix_is_not_counted_as_disparity(tmp_path: Path, world_builder) -> None:
    """Same rules, different cases per province: band medians differ (each province's trucks
    are differently overloaded), but the §43 deviation does not, so the disparity is 0."""
    conn = _build(world_builder, tmp_path / "rules.duckdb", same_rules=True)
    medians = conn.execute(
        "select max(median_yuan) - min(median_yuan) from stats.penalty_by_band "
        "where code = 'OL-MASS' and comparable group by band_no"
    ).fetchall()
    assert max(m[0] for m in medians) > 0
    assert conn.execute("select disparity from stats.disparity where code = 'OL-MASS'").fetchall()[
        0
    ][0] == pytest.approx(0.0)
    conn.close()


def test_recidivism_km_equals_the_pure_function(built) -> None:
    rows = built.execute(
        """
        select occurred_at, lead(occurred_at) over (partition by subject_key order by occurred_at, rid)
        from stats.case_base where code = 'OL-MASS'
        """
    ).fetchall()
    end = np.datetime64("2026-01-01")
    dur, ev = [], []
    for at, nxt in rows:
        if nxt is not None:
            dur.append((nxt - at).days)
            ev.append(True)
        else:
            dur.append(int((end - np.datetime64(at, "D")).astype(int)))
            ev.append(False)
    expected = km_cumulative_incidence(dur, ev, 365)
    got = built.execute(
        "select reoffend_rate_12m from stats.recidivism where code = 'OL-MASS' "
        "and after_decision = 'all'"
    ).fetchall()[0][0]
    assert got == pytest.approx(expected, abs=1e-9)


def test_tiers_inside_the_legal_range_and_shares_sum_to_one(built) -> None:
    rows = built.execute(
        """
        select t.code, t.penalty_min_yuan, t.penalty_max_yuan, c.min_yuan, c.max_yuan
        from stats.tiers t join stats.item_catalog c using (code)
        """
    ).fetchall()
    assert rows
    for code, pmin, pmax, lo, hi in rows:
        assert lo <= pmin <= pmax <= hi, code
    for code, total in built.execute(
        "select code, sum(share_of_cases) from stats.tiers where n_cases > 0 group by code"
    ).fetchall():
        assert total == pytest.approx(1.0), code
    assert {r[0] for r in built.execute("select status from stats.tiers").fetchall()} == {
        "建议（供工作组讨论）"
    }


def test_station_rates_flag_high_and_low_stations(built) -> None:
    status = dict(built.execute("select station_id, status from stats.station_rates").fetchall())
    assert status == {"S1": "normal", "S2": "high", "S3": "low"}


def test_absent_upstream_tables_degrade_with_a_note(tmp_path: Path, world_builder) -> None:
    conn = _build(world_builder, tmp_path / "nofacts.duckdb", with_facts=False)
    notes = dict(conn.execute("select table_name, note from stats.source_notes").fetchall())
    assert "station_rates" in notes and "leads_summary" in notes
    assert conn.execute("select count(*) from stats.station_rates").fetchall()[0][0] == 0
    assert conn.execute("select count(*) from stats.case_base").fetchall()[0][0] == 1360
    conn.close()
