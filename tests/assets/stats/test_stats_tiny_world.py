"""Stats on the generated tiny world, checked against the generator's own canonical copy
(_truth/canonical/cases.parquet) and its documented discretion rules (truth.json)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest

from models.stats.legal import load_legal_config

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(tiny_run: Path):
    conn = duckdb.connect(str(tiny_run / "xiansuo.duckdb"), read_only=True)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def truth_cases(tiny_world: Path):
    conn = duckdb.connect()
    path = tiny_world / "_truth" / "canonical" / "cases.parquet"
    rows = conn.execute(
        "select violation_code, province_code, excess_kg, decision, first_offence "
        "from read_parquet(?)",
        [str(path)],
    ).fetchall()
    conn.close()
    return rows


def test_case_counts_match_truth(db, truth_cases) -> None:
    cfg = load_legal_config()
    expected: dict[tuple[str, str], int] = {}
    for code, prov, *_ in truth_cases:
        key = (cfg.resolve(code), prov)
        expected[key] = expected.get(key, 0) + 1
    got = {
        (c, p): n
        for c, p, n in db.execute(
            "select code, province, sum(n) from stats.violation_counts where source = 'cases' "
            "group by code, province"
        ).fetchall()
    }
    assert got == expected


def test_every_generated_violation_code_is_in_the_catalogue(truth_cases) -> None:
    cfg = load_legal_config()
    unknown = {c for c, *_ in truth_cases if cfg.resolve(c) not in cfg.items}
    assert not unknown


def test_excess_quantiles_match_truth(db, truth_cases) -> None:
    cfg = load_legal_config()
    by_prov: dict[str, list[float]] = {}
    for code, prov, excess, *_ in truth_cases:
        if cfg.resolve(code) == "OL-MASS" and excess and excess > 0:
            by_prov.setdefault(prov, []).append(float(excess))
    rows = db.execute(
        "select group_value, n, p25, p50, p90 from stats.severity_quantiles "
        "where source = 'cases' and code = 'OL-MASS' and measure = 'excess_kg' "
        "and group_kind = 'province'"
    ).fetchall()
    assert {r[0] for r in rows} == set(by_prov)
    for prov, n, p25, p50, p90 in rows:
        xs = np.array(by_prov[prov])
        assert n == len(xs)
        assert p25 == pytest.approx(np.quantile(xs, 0.25))
        assert p50 == pytest.approx(np.quantile(xs, 0.5))
        assert p90 == pytest.approx(np.quantile(xs, 0.9))


def test_first_offence_share_matches_truth(db, truth_cases) -> None:
    cfg = load_legal_config()
    flags = [f for c, _, _, _, f in truth_cases if cfg.resolve(c) == "OL-MASS" and f is not None]
    got = db.execute(
        "select first_offence_share from stats.recidivism "
        "where code = 'OL-MASS' and after_decision = 'all'"
    ).fetchall()[0][0]
    assert got == pytest.approx(sum(flags) / len(flags))


def test_generated_discretion_is_visible(db, tiny_world: Path) -> None:
    """truth.json documents each province's discretion: 22 rounds §43 down to whole tonnes (our
    statutory reference, so it never fines above it), 15 rounds up with no leniency (never
    below it). The per-band deviation from the formula must show exactly that."""
    truth = json.loads((tiny_world / "_truth" / "truth.json").read_text(encoding="utf-8"))
    assert "rounding down" in truth["discretion"]["22"]
    assert "no first-offence leniency" in truth["discretion"]["15"]
    dev = db.execute(
        "select province, min(penalty_yuan - statutory_yuan), max(penalty_yuan - statutory_yuan) "
        "from stats.case_base where code = 'OL-MASS' and statutory_yuan is not null "
        "group by province"
    ).fetchall()
    by_prov = {p: (lo, hi) for p, lo, hi in dev}
    assert by_prov["22"][1] <= 0
    assert by_prov["15"][0] >= 0


def test_tiers_inside_legal_range(db) -> None:
    for code, pmin, pmax, lo, hi in db.execute(
        "select t.code, penalty_min_yuan, penalty_max_yuan, min_yuan, max_yuan "
        "from stats.tiers t join stats.item_catalog c using (code)"
    ).fetchall():
        assert (lo or 0) <= pmin <= pmax <= hi, code


def test_outputs_exist(tiny_run: Path) -> None:
    out = tiny_run / "out" / "stats"
    for name in ("discretion_guide.html", "overview.html", "discretion_stats.xlsx", "overview.xlsx",
                 "disparity.parquet", "top_items.parquet"):  # fmt: skip
        assert (out / name).exists(), name
