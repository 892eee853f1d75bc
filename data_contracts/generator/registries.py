"""Registry tables (stations, operators, vehicles, drivers, sources) as canonical frames."""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, timedelta

import polars as pl

from .entities import World
from .patterns import Plan

COACH_TYPES = ("coach_route", "coach_charter")
FIRST_ISSUE_FROM = date(2008, 1, 1)
FIRST_ISSUE_DAYS = (date(2026, 9, 30) - FIRST_ISSUE_FROM).days
FIRST_ISSUE_MISSING_PCT = 8


def _h(*parts: str) -> int:
    """A stable 64-bit number from the record key (no draw from the world's random streams, so
    the optional columns leave every other generated value unchanged)."""
    digest = hashlib.blake2b("|".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def first_issued(kind: str, key: str) -> date | None:
    """道路运输证 / 从业资格证 first-issue date (2008-01-01 … 2026-09-30); ~8 % unknown (NULL)."""
    h = _h("first_issued", kind, key)
    if h % 100 < FIRST_ISSUE_MISSING_PCT:
        return None
    return FIRST_ISSUE_FROM + timedelta(days=(h // 100) % FIRST_ISSUE_DAYS)


def coach_seats(plate_key: str) -> int:
    """核定载客人数 of a coach: 19–57 seats."""
    return 19 + _h("seats", plate_key) % 39


def registry_frames(w: World, plan: Plan) -> dict[str, pl.DataFrame]:
    r = w.rng
    stations = pl.DataFrame([{k: v for k, v in s.items() if not k.startswith("_")} | {"_province": s["province_code"]}
                             for s in w.stations])  # fmt: skip
    operators = pl.DataFrame([{
        "uscc": o.uscc, "name": o.name, "province_code": o.province_code, "area_code": o.area_code,
        "address": o.address, "legal_rep": o.legal_rep, "phone": o.phone, "scope": o.scope,
        "license_no": o.license_no, "fleet_size": o.fleet_size, "_province": o.province_code,
    } for o in w.operators])  # fmt: skip
    vrows = []
    for v in w.vehicles:
        if not v.registered or "clone" in v.flags:
            continue
        cert = next(f[5:] for f in v.flags if f.startswith("cert:"))
        exp = date(2026, 1, 1) + timedelta(days=int(r.integers(0, 1200)))
        vrows.append({
            "plate": v.plate, "plate_color": v.plate_color, "vin": v.vin, "vehicle_type": v.vehicle_type,
            "axle_count": v.reg_axles, "curb_kg": v.curb_kg, "rated_load_kg": max(0, v.reg_total_kg - v.curb_kg)
            if v.reg_total_kg > v.curb_kg else int(v.reg_total_kg * 0.45),
            "total_mass_kg": v.reg_total_kg, "registered_province": v.registered_province,
            "registered_area": v.registered_area, "operator_uscc": v.operator, "transport_cert_no": cert,
            "cert_valid_to": exp, "inspection_valid_to": exp - timedelta(days=int(r.integers(0, 300))),
            "status": v.status, "_province": v.registered_province,
            "cert_first_issued_on": first_issued("cert", v.plate_key),
            "seats": coach_seats(v.plate_key) if v.vehicle_type in COACH_TYPES else None,
        })  # fmt: skip
    vehicles = pl.DataFrame(vrows, infer_schema_length=None)
    employer_prov = {o.uscc: o.province_code for o in w.operators}
    drivers = pl.DataFrame([{
        "driver_id": d.driver_id, "name": d.name, "qualification_no": d.qualification_no,
        "qualification_class": d.qualification_class, "employer_uscc": d.employer_uscc, "phone": d.phone,
        "qualification_first_issued_on": first_issued("qual", d.driver_id),
        "_province": employer_prov.get(d.employer_uscc, d.province),
    } for d in w.drivers], infer_schema_length=None)  # fmt: skip
    sources = pl.DataFrame([{
        "source_id": s.source_id, "name": s.name, "uscc": s.uscc, "kind": s.kind, "province_code": s.province_code,
        "area_code": s.area_code, "lon": s.lon, "lat": s.lat, "key_source": s.key_source, "_province": s.province_code,
    } for s in w.sources])  # fmt: skip
    return {
        "stations": stations,
        "operators": operators,
        "vehicles": vehicles,
        "drivers": drivers,
        "sources": sources,
    }


def _anniversary(first: date, year: int) -> date:
    """Anniversary of a first issue; 29 Feb → 1 Mar in non-leap years (rules.yaml default)."""
    if first.month == 2 and first.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return first.replace(year=year)


def anniversary_repeat(w: World, over_log: pl.DataFrame, window_start: date, as_of: date) -> list:
    """`vehicle_repeat` under the optional licence-anniversary anchor (R09): more than 3 over-limit
    days in the 12-month cycle containing as_of that starts on an anniversary of the vehicle's
    道路运输证 first issue; registered vehicles without a date and unregistered plates keep the
    rolling window (the detector's fallback)."""
    starts: dict[str, date] = {}
    for v in w.vehicles:
        if not v.registered or "clone" in v.flags:
            continue
        first = first_issued("cert", v.plate_key)
        if first is None or first > as_of:
            continue
        this = _anniversary(first, as_of.year)
        starts[v.plate_key] = max(
            this if this <= as_of else _anniversary(first, as_of.year - 1), first
        )
    days = (
        over_log.filter(pl.col("plate").is_not_null())
        .with_columns(pl.col("passed_at").dt.date().alias("_d"))
        .filter((pl.col("_d") >= window_start) & (pl.col("_d") <= as_of))
        .group_by("plate_key")
        .agg(pl.col("_d").unique())
    )
    out = []
    for pk, ds in days.iter_rows():
        start = starts.get(pk, window_start)
        if sum(1 for d in ds if d >= start) > 3:
            out.append(pk)
    return sorted(out)
