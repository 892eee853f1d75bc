"""Helpers: a constructed four-province mini world in a temp DuckDB: staging tables + findings tables.

Built by hand (not the generator) so each routing / masking / injection case is explicit.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from data_contracts.contract import load_contract

AS_OF = date(2026, 6, 30)
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    """A syntactically valid (GB 11643 check digit) synthetic ID number."""
    total = sum(int(c) * w for c, w in zip(body17, _W, strict=True))
    return body17 + "10X98765432"[total % 11]


DRIVER_A = id_number("21010219800101123")
DRIVER_B = id_number("22010219850202456")
PHONE = "13912345678"
HOSTILE_STATION = '<script>alert("x")</script>=HYPERLINK("http://evil")'
HOSTILE_SOURCE = '=HYPERLINK("http://evil","点我")'
HOSTILE_OPERATOR = "+cmd|' /C calc'!A0"


def ts(days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(AS_OF - timedelta(days=days_ago), datetime.min.time()) + timedelta(
        hours=hour
    )


def _create(conn, table: str, rows: list[dict]) -> None:
    schema = load_contract(table).staging_schema()
    cols = ", ".join(f'"{n}" {t}' for n, t in schema)
    conn.execute(f"create or replace table staging.{table} ({cols})")
    for row in rows:
        names = [n for n, _ in schema if n in row]
        conn.execute(
            f"insert into staging.{table} ({', '.join(names)}) values ({', '.join('?' * len(names))})",
            [row[n] for n in names],
        )


def vehicle(plate: str, colour: str, prov: str, uscc: str | None = None, **kw) -> dict:
    return {"plate": plate, "plate_color": colour, "plate_key": f"{plate}|{colour}",
            "vehicle_type": "truck", "registered_province": prov, "operator_uscc": uscc,
            "transport_cert_no": f"{prov}0101000{len(plate)}", "status": "active",
            "_province": prov, **kw}  # fmt: skip


def weigh(prov: str, n: int, plate_key: str, days_ago: int, station: str, **kw) -> dict:
    plate, colour = plate_key.split("|")
    return {"record_id": f"W{n}", "rid": f"{prov}:W{n}", "station_id": station,
            "passed_at": ts(days_ago), "plate": plate, "plate_color": colour,
            "plate_key": plate_key, "axle_count": 6, "gross_kg": 60000, "outcome": "unloaded",
            "_province": prov, **kw}  # fmt: skip


def finding(lead_type: str, kind: str, keys: list[str], provs: list[str], evidence: list[str],
            *, legal=True, severity=0.8, risk=None, explanation="", origin=None) -> dict:  # fmt: skip
    return {
        "finding_key": f"{lead_type}:{'+'.join(sorted(keys))}",
        "lead_type": lead_type, "subject_kind": kind, "subject_keys": keys,
        "subject_provinces": provs,
        "origin_provinces": origin or sorted({e.split(':')[0] for e in evidence}),
        "legal_trigger": legal, "severity": severity, "risk_score": risk,
        "risk_lo": None if risk is None else risk - 0.1,
        "risk_hi": None if risk is None else risk + 0.1,
        "legal_basis": "《公路安全保护条例》第六十六条；《超限运输车辆行驶公路管理规定》第四十六条",
        "evidence_record_ids": evidence,
        "first_evidence_at": ts(200), "last_evidence_at": ts(5),
        "explanation": explanation or f"{lead_type} 近12个月超限{len(evidence)}次",
        "explanation_en": f"{lead_type} en", "details": json.dumps({"n": len(evidence)}),
        "as_of": AS_OF,
    }  # fmt: skip


FINDINGS_DDL = """finding_key VARCHAR, lead_type VARCHAR, subject_kind VARCHAR,
subject_keys VARCHAR[], subject_provinces VARCHAR[], origin_provinces VARCHAR[],
legal_trigger BOOLEAN, severity DOUBLE, risk_score DOUBLE, risk_lo DOUBLE, risk_hi DOUBLE,
legal_basis VARCHAR, evidence_record_ids VARCHAR[], first_evidence_at TIMESTAMP,
last_evidence_at TIMESTAMP, explanation VARCHAR, explanation_en VARCHAR, details JSON,
as_of DATE"""


def write_findings(conn, lead_type: str, rows: list[dict]) -> None:
    conn.execute("create schema if not exists findings")
    conn.execute(f"create or replace table findings.{lead_type} ({FINDINGS_DDL})")
    cols = [c.split()[0] for c in FINDINGS_DDL.replace("\n", " ").split(", ")]
    for r in rows:
        conn.execute(
            f"insert into findings.{lead_type} values ({', '.join('?' * len(cols))})",
            [r[c] for c in cols],
        )


LN = "辽A10001|黄"  # registered in 21
JL = "吉B20002|黄"  # registered in 22
HB = "冀C30003|黄"  # registered in 13 (outside the region), caught mostly in 22
HL = "黑A40004|黄"  # registered in 23


def build_world(conn) -> None:
    conn.execute("create schema if not exists staging")
    vehicles = [vehicle("辽A10001", "黄", "21", "91210100MA0XXXX01A"),
                vehicle("吉B20002", "黄", "22", "91220100MA0XXXX02B"),
                vehicle("冀C30003", "黄", "13"),
                vehicle("黑A40004", "黄", "23")]  # fmt: skip
    vehicles += [vehicle(f"{p}Z{i:05d}", "黄", c) for p, c in (("辽", "21"), ("吉", "22"),
                 ("黑", "23"), ("蒙", "15")) for i in range(30)]  # fmt: skip
    _create(conn, "vehicles", vehicles)
    _create(conn, "operators", [
        {"uscc": "91210100MA0XXXX01A", "name": HOSTILE_OPERATOR, "province_code": "21",
         "scope": "freight", "legal_rep": "王五", "phone": PHONE},
        {"uscc": "91220100MA0XXXX02B", "name": "长春运输有限公司", "province_code": "22",
         "scope": "freight", "phone": PHONE},
    ])  # fmt: skip
    _create(conn, "drivers", [
        {"driver_id": DRIVER_A, "name": "张三丰", "qualification_no": DRIVER_A,
         "employer_uscc": "91210100MA0XXXX01A", "phone": PHONE},
        {"driver_id": DRIVER_B, "name": "李四", "qualification_no": "ZG22000123",
         "employer_uscc": "91220100MA0XXXX02B", "phone": PHONE},
    ])  # fmt: skip
    _create(conn, "stations", [
        {"station_id": "S21", "name": HOSTILE_STATION, "province_code": "21", "kind": "fixed"},
        {"station_id": "S22", "name": "长春西超限检测站", "province_code": "22", "kind": "fixed"},
    ])  # fmt: skip
    _create(conn, "sources", [
        {"source_id": HOSTILE_SOURCE, "name": "鞍山某砂石场", "province_code": "21"},
        {"source_id": "SRC22", "name": "吉林某矿山", "province_code": "22"},
    ])  # fmt: skip
    records = [weigh("21", i, LN, 10 * i, "S21", driver_id=DRIVER_A) for i in range(1, 5)]
    records += [weigh("22", 5, LN, 3, "S22")]
    records += [weigh("22", 10 + i, HB, 7 * i, "S22") for i in range(1, 4)]
    records += [weigh("21", 20, HB, 30, "S21")]
    records += [weigh("22", 30 + i, JL, 9 * i, "S22", driver_id=DRIVER_B,
                      waybill_id="WB22") for i in range(1, 5)]  # fmt: skip
    records += [weigh("23", 40, HL, 800, "S21")]
    records += [weigh(p, 100 + i, f"{c}Z{i:05d}|黄", 20, "S21") for p, c in (("21", "辽"),
                ("22", "吉"), ("23", "黑"), ("15", "蒙")) for i in range(30)]  # fmt: skip
    for n, r in enumerate(records):
        r["record_id"] = r["rid"].split(":")[1]
        r["rid"] = f"{r['_province']}:{r['record_id']}"
        assert n >= 0
    _create(conn, "weigh_records", records)
    _create(conn, "loadings", [
        {"waybill_id": "WB22", "rid": "22:WB22", "source_id": "SRC22", "plate": "吉B20002",
         "plate_color": "黄", "plate_key": JL, "loaded_at": ts(9, 6), "cargo": "铁矿石",
         "declared_kg": 40000, "driver_id": DRIVER_B, "_province": "22"},
    ])  # fmt: skip
    _create(conn, "monitoring_events", [])
    _create(conn, "cases", [
        {"case_id": "C1", "rid": "22:C1", "province_code": "22", "agency": "长春市交通运输综合执法支队",
         "violation_code": "OVL", "violation_name": "违法超限运输", "occurred_at": ts(9, 10),
         "decided_on": AS_OF - timedelta(days=2), "plate": "吉B20002", "plate_color": "黄",
         "plate_key": JL, "driver_id": DRIVER_B, "excess_kg": 11000, "penalty_yuan": 5500.0,
         "decision": "fine", "_province": "22"},
        {"case_id": "C2", "rid": "21:C2", "province_code": "21", "agency": "沈阳支队",
         "violation_code": "OVL", "violation_name": "违法超限运输", "occurred_at": ts(40, 10),
         "decided_on": AS_OF - timedelta(days=20), "plate": "辽A10001", "plate_color": "黄",
         "plate_key": LN, "driver_id": DRIVER_A, "excess_kg": 3000, "penalty_yuan": 1500.0,
         "decision": "fine", "_province": "21"},
        {"case_id": "C3", "rid": "21:C3", "province_code": "21", "agency": "沈阳支队",
         "violation_code": "PX_SPEEDING", "violation_name": "营运客车超速行驶",
         "occurred_at": ts(5, 10), "decided_on": AS_OF - timedelta(days=1), "plate": "辽A10001",
         "plate_color": "黄", "plate_key": LN, "decision": "fine", "_province": "21"},
    ])  # fmt: skip
    _create(conn, "lead_feedback", [])
    write_findings(conn, "vehicle_repeat", [
        finding("vehicle_repeat", "vehicle", [LN], ["21"], ["21:W1", "21:W2", "21:W3", "21:W4"],
                explanation=f"该车近12个月超限4次，驾驶人{DRIVER_A}，电话{PHONE}"),
        finding("vehicle_repeat", "vehicle", [HB], ["13"], ["22:W11", "22:W12", "22:W13", "21:W20"]),
        finding("vehicle_repeat", "vehicle", [JL], ["22"], ["22:W31", "22:W32", "22:W33", "22:W34"]),
        finding("vehicle_repeat", "vehicle", [HL], ["23"], ["23:W40"]),
    ])  # fmt: skip
    write_findings(conn, "cloned_plate", [
        finding("cloned_plate", "vehicle", [LN], ["21"], ["22:W5", "21:W1"], legal=False,
                severity=0.9, risk=0.7),
    ])  # fmt: skip
    write_findings(conn, "driver_repeat", [
        finding("driver_repeat", "driver", [DRIVER_A], [], ["21:W1", "21:W2", "21:W3", "21:W4"]),
    ])  # fmt: skip
    write_findings(conn, "convoy", [
        finding("convoy", "group", [LN, JL, HB], ["21", "22", "13"],
                ["21:W1", "22:W31", "22:W11", "22:W12"], legal=False, severity=0.6),
    ])  # fmt: skip
    write_findings(conn, "source_overloading", [
        finding("source_overloading", "source", [HOSTILE_SOURCE], ["21"], ["21:W2"]),
    ])  # fmt: skip
    # the 黑A vehicle's only evidence is > 2 years old → retired (R34)
    conn.execute(
        "update findings.vehicle_repeat set last_evidence_at = ?, first_evidence_at = ? "
        "where subject_keys[1] = ?",
        [ts(800), ts(900), HL],
    )


def run_leads(db: Path, as_of: date = AS_OF, *, dagster: bool = False):
    """Run the leads assets on the constructed world: through Dagster (materialise + checks)
    or, faster, by calling the same functions in asset order in one transaction each."""
    if dagster:
        return _materialise(db, as_of)
    from assets.leads.build import materialise_leads
    from assets.leads.checks import audit_packets
    from assets.leads.hit_rates import refresh_hit_rates
    from assets.leads.packets import build_copy_notices, send_packets

    out = db.parent / "out"
    with duckdb.connect(str(db)) as conn:
        for step in (
            lambda: materialise_leads(conn, as_of),
            lambda: build_copy_notices(conn, as_of),
            lambda: send_packets(conn, out, as_of),
            lambda: refresh_hit_rates(conn, out),
        ):
            conn.execute("begin")
            step()
            conn.execute("commit")
    assert audit_packets(out, as_of) == []
    return None


def _materialise(db: Path, as_of: date):
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    import assets.leads as layer
    from pipelines.resources import XiansuoSettings

    resources = {
        "duckdb": DuckDBResource(database=str(db)),
        "settings": XiansuoSettings(
            workdir=str(db.parent), landing=str(db.parent), as_of=as_of.isoformat()
        ),
    }
    result = dg.materialize([*layer.ASSETS, *layer.CHECKS], resources=resources)
    assert result.success
    for check in result.get_asset_check_evaluations():
        assert check.passed, (check.check_name, check.metadata)
    return result


def query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def packet(db: Path, prov: str, on: date = AS_OF) -> dict:
    path = db.parent / "out" / "leads" / prov / on.isoformat() / "packet.json"
    return json.loads(path.read_text(encoding="utf-8"))
