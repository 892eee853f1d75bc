"""Benchmark of the leads step: packet time, routing accuracy vs truth, precision@20.

    .venv/bin/python tests/bench/bench_leads.py [--landing DIR] [--workdir DIR]

Without ``--landing`` a tiny world (seed 11) is generated into a temp dir. Staging is loaded
from the generator's canonical copies (``<landing>/_truth/canonical``), the rules and patterns
assets run (whatever exists; failures are reported, not fatal), then the leads assets are
timed. Routing accuracy: every planted subject that appears in a lead of its type must be
routed to its registration province (in region) or to a province where its evidence lies
(outside the region). precision@20: share of each province's top 20 leads that hit truth.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import dagster as dg  # noqa: E402
from dagster_duckdb import DuckDBResource  # noqa: E402

from models.leads.config import REGION  # noqa: E402
from pipelines.resources import XiansuoSettings  # noqa: E402

TABLES = ("stations", "weigh_records", "vehicles", "operators", "drivers", "sources",
          "loadings", "monitoring_events", "gps_points", "cases")  # fmt: skip
UPSTREAM = ("assets.facts", "assets.scores", "assets.patterns")
SIMPLE = {  # truth key → lead type, for truth lists of subject keys
    "vehicle_repeat": "vehicle_repeat", "driver_repeat": "driver_repeat",
    "operator_fleet_ratio": "operator_fleet_ratio", "source_overloading": "source_overloading",
    "cloned_plate": "cloned_plate", "station_evasion": "station_evasion",
    "passenger_hazmat_operator": "passenger_hazmat_operator",
    "risky_vehicles": "high_risk_vehicle",
}  # fmt: skip


def load_canonical(conn, landing: Path) -> None:
    conn.execute("create schema if not exists staging")
    for t in TABLES:
        path = landing / "_truth" / "canonical" / f"{t}.parquet"
        if path.exists():
            conn.execute(
                f"create or replace table staging.{t} as select * from read_parquet($p)",  # noqa: S608
                {"p": str(path)},
            )


def truth_sets(truth: dict) -> dict[str, list[set[str]]]:
    """lead_type → list of planted subject-key sets."""
    out: dict[str, list[set[str]]] = defaultdict(list)
    for key, lead_type in SIMPLE.items():
        out[lead_type] += [{k} for k in truth.get(key, []) if isinstance(k, str)]
    out["convoy"] += [set(c) for c in truth.get("convoy", [])]
    for c in truth.get("network_cluster", []):
        out["network_cluster"].append(set(c.get("operators", [])) | set(c.get("vehicles", [])))
    out["registration_mismatch"] += [
        {m["plate_key"]} for m in truth.get("registration_mismatch", [])
    ]
    return out


def planted_violations(conn, truth: dict) -> dict[str, list[set[str]]]:
    """Other planted facts a detector legitimately reports under a lead type: obscured plates
    (station_evasion covers 遮挡号牌) and operators of vehicles with planted 两客一危
    violations (hazmat without escort, fatigue, speeding, night ban)."""
    plates = set(truth.get("fatigue_vehicles", [])) | set(truth.get("speeding_vehicles", []))
    plates |= set(truth.get("night_ban_vehicles", []))
    waybills = list(truth.get("hazmat_no_escort", [])) or [""]
    plates |= {r[0] for r in conn.execute(
        "select plate_key from staging.loadings where waybill_id in (select unnest(?))", [waybills]
    ).fetchall()}  # fmt: skip
    operators = {r[0] for r in conn.execute(
        "select operator_uscc from staging.vehicles where plate_key in (select unnest(?)) "
        "and operator_uscc is not null", [sorted(plates) or [""]]
    ).fetchall()}  # fmt: skip
    return {
        "station_evasion": [{k} for k in truth.get("obscured_plate", [])],
        "passenger_hazmat_operator": [{k} for k in sorted(operators)],
    }


def hits_truth(lead: dict, planted: dict[str, list[set[str]]]) -> bool:
    keys = set(lead["subject_keys"])
    for t in lead["lead_types"]:
        for s in planted.get(t, []):
            if (len(s) == 1 and s <= keys) or (len(s) > 1 and len(s & keys) >= 2):
                return True
    return False


def registration(conn) -> dict[str, str]:
    reg = {}
    for sql in (
        "select plate_key, registered_province from staging.vehicles",
        "select uscc, province_code from staging.operators",
        "select source_id, province_code from staging.sources",
        "select d.driver_id, o.province_code from staging.drivers d "
        "join staging.operators o on o.uscc = d.employer_uscc",
    ):
        reg.update(dict(conn.execute(sql).fetchall()))
    return reg


def evaluate(store: DuckDBResource, truth: dict) -> None:
    planted = truth_sets(truth)
    with store.get_connection() as conn:
        cur = conn.execute(
            "select lead_id, lead_types, subject_kind, subject_keys, receiving_province, "
            "member_share, origin_provinces, rank from leads.leads"
        )
        cols = [d[0] for d in cur.description]
        leads = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        reg = registration(conn)
        extra = planted_violations(conn, truth)
    extended = {t: planted.get(t, []) + extra.get(t, []) for t in set(planted) | set(extra)}
    # routing: each planted subject found in a lead of its type
    checked = correct = 0
    wrong = []
    for lead_type, sets in planted.items():
        for s in sets:
            for key in s:
                rows = [
                    ld
                    for ld in leads
                    if lead_type in ld["lead_types"] and key in ld["subject_keys"]
                ]
                if not rows:
                    continue
                checked += 1
                home = reg.get(key)
                if rows[0]["subject_kind"] == "group":
                    got = {ld["receiving_province"] for ld in rows if key in ld["member_share"]}
                else:
                    got = {ld["receiving_province"] for ld in rows}
                ok = (
                    (got == {home})
                    if home in REGION
                    else (len(got) == 1 and got <= set(rows[0]["origin_provinces"]))
                )
                correct += ok
                if not ok:
                    wrong.append((lead_type, key, home, sorted(got)))
    print(f"routing accuracy: {correct}/{checked} = {correct / max(checked, 1):.3f}")
    for w in wrong[:10]:
        print("   misrouted:", w)
    found = {
        t: sum(
            1
            for s in sets
            if any(t in ld["lead_types"] and s & set(ld["subject_keys"]) for ld in leads)
        )
        for t, sets in planted.items()
    }
    print(
        "planted subjects found as leads:", {t: f"{found[t]}/{len(s)}" for t, s in planted.items()}
    )
    print("precision@20 per receiving province (strict truth keys | incl. other planted facts):")
    for prov in REGION:
        top = sorted(
            (ld for ld in leads if ld["receiving_province"] == prov), key=lambda ld: ld["rank"]
        )[:20]
        if not top:
            print(f"   {prov} {REGION[prov]}: no leads")
            continue
        strict = sum(hits_truth(ld, planted) for ld in top) / len(top)
        wide = sum(hits_truth(ld, extended) for ld in top) / len(top)
        print(f"   {prov} {REGION[prov]}: {strict:.2f} | {wide:.2f}  (n={len(top)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing", type=Path)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    landing = args.landing
    if landing is None:
        from data_contracts.generator import generate

        landing = Path(tempfile.mkdtemp(prefix="bench_leads_")) / "landing"
        generate(landing, scale="tiny", seed=11)
    truth = json.loads((landing / "_truth" / "truth.json").read_text(encoding="utf-8"))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_leads_work_"))
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    db = workdir / "xiansuo.duckdb"
    with duckdb.connect(str(db)) as conn:
        load_canonical(conn, landing)
    resources = {
        "duckdb": DuckDBResource(database=str(db)),
        "settings": XiansuoSettings(
            workdir=str(workdir), landing=str(landing), as_of=truth["as_of"]
        ),
    }
    t0 = time.perf_counter()
    for name in UPSTREAM:
        try:
            layer = importlib.import_module(name)
            res = dg.materialize(list(layer.ASSETS), resources=resources, raise_on_error=False)
            failed = [e.step_key for e in res.get_step_failure_events()]
            print(f"{name}: {'ok' if res.success else 'failed steps ' + str(failed)}")
        except Exception as exc:  # upstream area not ready: leads run on what exists
            print(f"{name}: not available ({exc.__class__.__name__}: {exc})")
    print(f"upstream: {time.perf_counter() - t0:.1f} s")
    with resources["duckdb"].get_connection() as conn:
        print("findings tables:", conn.execute(
            "select table_name from information_schema.tables where table_schema='findings' "
            "order by 1").fetchall())  # fmt: skip
    import assets.leads as leads_layer

    t0 = time.perf_counter()
    res = dg.materialize([*leads_layer.ASSETS, *leads_layer.CHECKS], resources=resources)
    seconds = time.perf_counter() - t0
    checks = {c.check_name: c.passed for c in res.get_asset_check_evaluations()}
    meta = res.asset_materializations_for_node("lead_packets")[0].metadata
    print(f"leads + packets: {seconds:.1f} s (goal < 30 s); checks {checks}")
    print("sent per province:", meta["leads_sent_by_province"].value)
    print("notices per province:", meta["copy_notices_by_province"].value)
    print("control items per province:", meta["control_items_by_province"].value)
    evaluate(resources["duckdb"], truth)
    print("packets under", workdir / "out" / "leads")


if __name__ == "__main__":
    main()
