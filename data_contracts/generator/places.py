"""Places: source units (with their own scales) and checkpoint stations along the corridors."""

from __future__ import annotations

from datetime import date, timedelta

from . import geography as geo
from .entities import Source, World
from .names import WORDS

SOURCE_KINDS = [("mine", "矿业有限公司"), ("quarry", "砂石料场"), ("logistics", "物流园区"),
                ("factory", "水泥厂"), ("freight_station", "货运站")]  # fmt: skip
PORTS = {"大连": "大连港", "营口": "营口港", "丹东": "丹东港", "锦州": "锦州港"}


def build_sources(w: World, cities: list[str]) -> None:
    r = w.rng
    n_per_prov = max(6, w.scale.trucks_per_province // 12)
    seq = {p: 0 for p in geo.PROVINCES}
    for prov in geo.PROVINCES:
        pcities = [c for c in cities if geo.CITIES[c][2] == prov]
        for i in range(n_per_prov):
            city = (
                pcities[i % len(pcities)]
                if i < len(pcities)
                else pcities[int(r.integers(0, len(pcities)))]
            )
            if city in PORTS and PORTS[city] not in w.names:
                kind, name = "port", PORTS[city]
            else:
                kind, sfx = SOURCE_KINDS[int(r.integers(0, len(SOURCE_KINDS)))]
                name = f"{city}{WORDS[int(r.integers(0, len(WORDS)))]}{WORDS[int(r.integers(0, len(WORDS)))]}{sfx}"
                if name in w.names:
                    name = f"{name[:-2]}{i}{name[-2:]}"
            w.names.add(name)
            lon, lat = geo.CITIES[city][:2]
            area = w.area_of(city)
            seq[prov] += 1
            s = Source(
                source_id=f"{prov}S{seq[prov]:04d}", name=name, uscc=w.uscc(area, 0.0), kind=kind,
                province_code=prov, area_code=area,
                lon=round(lon + float(r.uniform(-0.08, 0.08)), 5),
                lat=round(lat + float(r.uniform(-0.06, 0.06)), 5),
                key_source=bool(r.random() < 0.4), city=city,
                overload_share=float(r.uniform(0.0, 0.01)),
            )  # fmt: skip
            s.station_id = f"{prov}Y{seq[prov]:04d}"
            w.sources.append(s)
            w.stations.append(station_row(w, s.station_id, f"{name}出场称重", prov, area, "source",
                                          s.lon, s.lat, "", None, 0, 5.0, city))  # fmt: skip


def station_row(w: World, sid, name, prov, area, kind, lon, lat, road, km, direction, tol, city):
    r = w.rng
    cal = date(2025, 1, 1) + timedelta(days=int(r.integers(0, 540)))
    return {
        "station_id": sid, "name": name, "province_code": prov, "area_code": area, "kind": kind,
        "lon": round(float(lon), 5), "lat": round(float(lat), 5), "road": road,
        "device_id": f"DEV{prov}{int(r.integers(0, 10**7)):07d}", "calibrated_on": cal,
        "tolerance_pct": tol, "_km": km, "_dir": direction, "_city": city, "_cluster": "",
    }  # fmt: skip


KIND_LETTER = {"fixed": "F", "wim": "W", "toll_entrance": "T", "anpr": "K"}
KIND_ZH = {
    "fixed": "超限检测站",
    "wim": "不停车检测点",
    "toll_entrance": "收费站入口称重",
    "anpr": "卡口",
}


def build_stations(w: World) -> None:
    """Checkpoint clusters every ~70-150 km of each corridor inside the region: for a fixed
    cluster, per direction ANPR (−20 km) → pre-check WIM (−8 km) → fixed station → ANPR (+12 km);
    alternately a standalone WIM point with an ANPR. Toll entrances at the corridor's cities."""
    r = w.rng
    seq: dict[tuple[str, str], int] = {}
    cluster = [""]

    def add(road, km, kind, direction, suffix=""):
        c = w.corridors[road]
        prov = c.province_at(km)
        if prov not in geo.PROVINCES:
            return
        city = c.nearest_city(km)
        lon, lat = c.point_at(km)
        key = (prov, kind)
        seq[key] = seq.get(key, 0) + 1
        sid = f"{prov}{KIND_LETTER[kind]}{seq[key]:04d}"
        dzh = {1: "(上行)", -1: "(下行)", 0: ""}[direction]
        name = f"{road}{city}{suffix}{KIND_ZH[kind]}{dzh}"
        tol = 0.0 if kind == "fixed" else 5.0
        row = station_row(w, sid, name, prov, w.area_of(city), kind, lon, lat, road, float(km),
                          direction, tol, city)  # fmt: skip
        row["_cluster"] = cluster[0] if kind != "toll_entrance" else ""
        w.stations.append(row)

    for road, c in w.corridors.items():
        km = float(r.uniform(35, 70))
        n = 0
        while km < c.length_km - 30:
            cluster[0] = f"{road}:{n}:" + (
                "fixed" if n % 2 == 0 else "wim" if n % 4 != 3 else "anpr"
            )
            if n % 2 == 0:
                add(road, km, "fixed", 0, f"K{int(km)}")
                for d in (1, -1):
                    add(road, km - 20 * d, "anpr", d, f"K{int(km - 20 * d)}")
                    add(road, km - 8 * d, "wim", d, f"K{int(km - 8 * d)}")
                    add(road, km + 12 * d, "anpr", d, f"K{int(km + 12 * d)}")
            else:
                for d in (1, -1):
                    add(road, km, "wim", d, f"K{int(km)}")
                    add(road, km + 15 * d, "anpr", d, f"K{int(km + 15 * d)}")
            n += 1
            km += float(r.uniform(100, 200))
        for i, city in enumerate(c.cities):
            if geo.CITIES[city][2] in geo.PROVINCES:
                add(road, float(c.node_km[i]), "toll_entrance", 0, "")
