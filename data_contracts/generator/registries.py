"""Registry tables (stations, operators, vehicles, drivers, sources) as canonical frames."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from .entities import World
from .patterns import Plan


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
        })  # fmt: skip
    vehicles = pl.DataFrame(vrows)
    employer_prov = {o.uscc: o.province_code for o in w.operators}
    drivers = pl.DataFrame([{
        "driver_id": d.driver_id, "name": d.name, "qualification_no": d.qualification_no,
        "qualification_class": d.qualification_class, "employer_uscc": d.employer_uscc, "phone": d.phone,
        "_province": employer_prov.get(d.employer_uscc, d.province),
    } for d in w.drivers])  # fmt: skip
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
