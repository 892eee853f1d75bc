"""Real geography of the four provinces: city coordinates, GB/T 2260 area codes, plate letters,
and the expressway corridors (polylines through real cities) along which stations are placed."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROVINCES = ("21", "22", "23", "15")
PROVINCE_ABBR = {"21": "辽", "22": "吉", "23": "黑", "15": "蒙"}
PROVINCE_NAME = {"21": "辽宁", "22": "吉林", "23": "黑龙江", "15": "内蒙古"}
EXTERNAL_PROVINCES = {  # code: (abbr, area code of the capital/major city, plate letters)
    "13": ("冀", "130102", "ABCGH"),
    "37": ("鲁", "370102", "ABFH"),
    "11": ("京", "110105", "ACE"),
    "12": ("津", "120101", "ABC"),
    "14": ("晋", "140105", "ABK"),
    "61": ("陕", "610102", "AK"),
}

# name: (lon, lat, province, prefecture code (4) or county code (6), plate letter)
CITIES: dict[str, tuple[float, float, str, str, str]] = {
    "沈阳": (123.43, 41.80, "21", "2101", "A"),
    "大连": (121.61, 38.91, "21", "2102", "B"),
    "鞍山": (122.99, 41.11, "21", "2103", "C"),
    "抚顺": (123.96, 41.88, "21", "2104", "D"),
    "本溪": (123.77, 41.29, "21", "2105", "E"),
    "丹东": (124.38, 40.13, "21", "2106", "F"),
    "锦州": (121.13, 41.10, "21", "2107", "G"),
    "营口": (122.24, 40.67, "21", "2108", "H"),
    "阜新": (121.67, 42.02, "21", "2109", "J"),
    "辽阳": (123.17, 41.27, "21", "2110", "K"),
    "盘锦": (122.07, 41.12, "21", "2111", "L"),
    "铁岭": (123.84, 42.29, "21", "2112", "M"),
    "朝阳": (120.45, 41.57, "21", "2113", "N"),
    "葫芦岛": (120.84, 40.71, "21", "2114", "P"),
    "绥中": (120.34, 40.33, "21", "211421", "P"),
    "瓦房店": (122.00, 39.63, "21", "210281", "B"),
    "长春": (125.32, 43.82, "22", "2201", "A"),
    "吉林": (126.55, 43.84, "22", "2202", "B"),
    "四平": (124.35, 43.17, "22", "2203", "C"),
    "辽源": (125.14, 42.89, "22", "2204", "D"),
    "通化": (125.94, 41.73, "22", "2205", "E"),
    "白山": (126.42, 41.94, "22", "2206", "F"),
    "白城": (122.84, 45.62, "22", "2208", "G"),
    "延吉": (129.51, 42.89, "22", "222401", "H"),
    "敦化": (128.23, 43.37, "22", "222403", "H"),
    "珲春": (130.37, 42.86, "22", "222404", "H"),
    "松原": (124.82, 45.14, "22", "2207", "J"),
    "双辽": (123.50, 43.52, "22", "220382", "C"),
    "哈尔滨": (126.53, 45.80, "23", "2301", "A"),
    "齐齐哈尔": (123.92, 47.35, "23", "2302", "B"),
    "牡丹江": (129.63, 44.55, "23", "2310", "C"),
    "佳木斯": (130.32, 46.80, "23", "2308", "D"),
    "大庆": (125.10, 46.59, "23", "2306", "E"),
    "鸡西": (130.97, 45.30, "23", "2303", "G"),
    "鹤岗": (130.30, 47.35, "23", "2304", "H"),
    "双鸭山": (131.16, 46.65, "23", "2305", "J"),
    "绥化": (126.97, 46.65, "23", "2312", "M"),
    "绥芬河": (131.15, 44.41, "23", "231081", "C"),
    "呼和浩特": (111.75, 40.84, "15", "1501", "A"),
    "包头": (109.84, 40.66, "15", "1502", "B"),
    "乌海": (106.79, 39.66, "15", "1503", "C"),
    "赤峰": (118.89, 42.26, "15", "1504", "D"),
    "海拉尔": (119.77, 49.21, "15", "150702", "E"),
    "满洲里": (117.38, 49.60, "15", "150781", "E"),
    "牙克石": (120.71, 49.29, "15", "150782", "E"),
    "扎兰屯": (122.74, 48.01, "15", "150783", "E"),
    "乌兰浩特": (122.04, 46.08, "15", "152201", "F"),
    "通辽": (122.24, 43.65, "15", "1505", "G"),
    "锡林浩特": (116.09, 43.93, "15", "152502", "H"),
    "二连浩特": (111.98, 43.65, "15", "152501", "H"),
    "乌兰察布": (113.13, 41.03, "15", "1509", "J"),
    "鄂尔多斯": (109.99, 39.82, "15", "1506", "K"),
    "巴彦淖尔": (107.39, 40.74, "15", "1508", "L"),
    # corridor ends outside the region (no stations there; external trucks enter here)
    "山海关": (119.75, 40.00, "13", "130303", "C"),
    "承德": (117.96, 40.95, "13", "130802", "H"),
    "张家口": (114.88, 40.82, "13", "130702", "G"),
    "大同": (113.30, 40.08, "14", "140213", "B"),
    "榆林": (109.73, 38.28, "61", "610802", "K"),
}

CORRIDORS: dict[str, list[str]] = {
    "G1": ["山海关", "绥中", "葫芦岛", "锦州", "盘锦", "沈阳", "铁岭", "四平", "长春", "哈尔滨"],
    "G15": ["沈阳", "辽阳", "鞍山", "营口", "瓦房店", "大连"],
    "G25": ["长春", "双辽", "阜新", "朝阳", "承德"],
    "G11": ["鹤岗", "佳木斯", "鸡西", "牡丹江", "敦化", "白山", "通化", "丹东", "大连"],
    "G45": ["大庆", "松原", "双辽", "通辽", "赤峰", "承德"],
    "G12": ["珲春", "延吉", "敦化", "吉林", "长春", "松原", "白城", "乌兰浩特"],
    "G10": [
        "绥芬河",
        "牡丹江",
        "哈尔滨",
        "大庆",
        "齐齐哈尔",
        "扎兰屯",
        "牙克石",
        "海拉尔",
        "满洲里",
    ],
    "G6": ["张家口", "乌兰察布", "呼和浩特", "包头", "巴彦淖尔", "乌海"],
    "G65": ["包头", "鄂尔多斯", "榆林"],
    "G16": ["丹东", "鞍山", "盘锦", "锦州", "朝阳", "赤峰", "锡林浩特"],
    "G55": ["二连浩特", "乌兰察布", "大同"],
    "G1011": ["哈尔滨", "佳木斯", "双鸭山"],
    "G1212": ["沈阳", "抚顺", "吉林"],
}
# relative truck traffic weight per corridor (coal/port corridors are busy)
CORRIDOR_WEIGHT = {
    "G1": 3.0, "G15": 2.5, "G25": 1.2, "G11": 1.0, "G45": 1.5, "G12": 1.2, "G10": 1.5,
    "G6": 2.5, "G65": 2.5, "G16": 1.3, "G55": 1.0, "G1011": 0.7, "G1212": 0.8,
}  # fmt: skip


def haversine_km(lon1, lat1, lon2, lat2):
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(x, dtype=float)) for x in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * np.arcsin(np.sqrt(a))


@dataclass
class Corridor:
    road: str
    cities: list[str]
    node_km: np.ndarray  # cumulative km of each city along the polyline (road factor 1.15)
    lon: np.ndarray
    lat: np.ndarray

    @property
    def length_km(self) -> float:
        return float(self.node_km[-1])

    def point_at(self, km) -> tuple[np.ndarray, np.ndarray]:
        km = np.clip(np.asarray(km, dtype=float), 0.0, self.length_km)
        return np.interp(km, self.node_km, self.lon), np.interp(km, self.node_km, self.lat)

    def province_at(self, km: float) -> str:
        i = int(np.argmin(np.abs(self.node_km - km)))
        return CITIES[self.cities[i]][2]

    def nearest_city(self, km: float) -> str:
        return self.cities[int(np.argmin(np.abs(self.node_km - km)))]


ROAD_FACTOR = 1.15  # road distance / great-circle distance


def build_corridors() -> dict[str, Corridor]:
    out = {}
    for road, names in CORRIDORS.items():
        lon = np.array([CITIES[n][0] for n in names])
        lat = np.array([CITIES[n][1] for n in names])
        seg = haversine_km(lon[:-1], lat[:-1], lon[1:], lat[1:]) * ROAD_FACTOR
        out[road] = Corridor(road, names, np.concatenate([[0.0], np.cumsum(seg)]), lon, lat)
    return out


def _areas_path() -> Path:
    here = Path(__file__).resolve().parent.parent / "reference" / "areas.csv"
    if here.exists():
        return here
    return Path("/work/shared/realdata/cn-admin-divisions/areas.csv")


def load_areas() -> dict[str, list[tuple[str, str]]]:
    """prefecture code (4) -> [(area code (6), name)], from the real GB/T 2260 list."""
    out: dict[str, list[tuple[str, str]]] = {}
    with _areas_path().open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["cityCode"], []).append((row["code"], row["name"]))
    for v in out.values():
        v.sort()
    return out


def city_area_codes(city: str, areas: dict[str, list[tuple[str, str]]]) -> list[str]:
    code = CITIES[city][3]
    if len(code) == 6:
        return [code]
    return [a for a, _ in areas.get(code, [])] or [code + "02"]


def city_plate_prefix(city: str) -> str:
    prov = CITIES[city][2]
    abbr = PROVINCE_ABBR.get(prov) or EXTERNAL_PROVINCES[prov][0]
    return abbr + CITIES[city][4]


REGION_CITIES = [c for c, v in CITIES.items() if v[2] in PROVINCES]
