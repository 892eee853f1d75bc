"""Registries of the world: operators, vehicles (with hidden physical truth), drivers, sources,
stations. Plain Python records (a few thousand rows), turned into frames by the writers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import geography as geo
from . import identifiers as ids
from .config import Scale
from .names import GIVEN, ROADS, SUFFIX, SURNAMES, WORDS

# axles, combination, single drive axle, Art.3 limit kg, curb kg, length m, share
TRUCK_CONFIGS = [
    (2, False, False, 18000, 7500, 9.6, 0.18),
    (3, False, False, 25000, 11000, 11.0, 0.08),
    (4, False, False, 31000, 13500, 11.9, 0.12),
    (3, True, False, 27000, 11500, 13.0, 0.04),
    (4, True, False, 36000, 14000, 15.5, 0.05),
    (5, True, False, 43000, 15500, 16.5, 0.08),
    (6, True, False, 49000, 16500, 17.3, 0.37),
    (6, True, True, 46000, 16000, 17.0, 0.08),
]
CONFIG_P = np.array([c[6] for c in TRUCK_CONFIGS]) / sum(c[6] for c in TRUCK_CONFIGS)


def gvw_limit(axles: int, combo: bool, single_drive: bool) -> int:
    """超限规定 §3 (R01)."""
    if axles <= 2:
        return 18000
    if axles == 3:
        return 27000 if combo else 25000
    if axles == 4:
        return 36000 if combo else 31000
    if axles == 5:
        return 43000
    return 46000 if single_drive else 49000


@dataclass
class Operator:
    uscc: str
    name: str
    province_code: str
    area_code: str
    address: str
    legal_rep: str
    phone: str
    scope: str
    license_no: str
    fleet_size: int = 0
    city: str = ""
    alarm_handling: float = 0.97  # share of alarms the monitor handles (两客一危)


@dataclass
class Vehicle:
    idx: int
    plate: str
    plate_color: str
    vehicle_type: str
    axles: int  # physical (measured) axle count
    combo: bool
    single_drive: bool
    curb_kg: int
    length_m: float
    home_city: str
    registered_province: str
    registered_area: str
    operator: str | None  # uscc
    driver: str | None
    vin: str = ""
    reg_axles: int = 0
    reg_total_kg: int = 0
    registered: bool = True  # appears in the vehicles registry
    status: str = "active"
    propensity: float = 0.004  # probability that a loaded trip is overloaded
    flags: set[str] = field(default_factory=set)

    @property
    def limit_kg(self) -> int:
        return gvw_limit(self.axles, self.combo, self.single_drive)

    @property
    def plate_key(self) -> str:
        return f"{self.plate}|{self.plate_color}"


@dataclass
class Driver:
    driver_id: str
    name: str
    qualification_no: str
    qualification_class: str
    employer_uscc: str | None
    phone: str
    province: str


@dataclass
class Source:
    source_id: str
    name: str
    uscc: str
    kind: str
    province_code: str
    area_code: str
    lon: float
    lat: float
    key_source: bool
    city: str
    station_id: str = ""
    overload_share: float = 0.01


class World:
    """All registries plus lookups; filled by build_world."""

    def __init__(self, rng: np.random.Generator, scale: Scale):
        self.rng = rng
        self.scale = scale
        self.areas = geo.load_areas()
        self.corridors = geo.build_corridors()
        self.operators: list[Operator] = []
        self.vehicles: list[Vehicle] = []
        self.drivers: list[Driver] = []
        self.sources: list[Source] = []
        self.stations: list[dict] = []
        self.plates: set[str] = set()
        self.names: set[str] = set()
        self.invalid: dict[str, list[str]] = {"uscc": [], "driver_id": [], "vin": []}

    # ---- small builders -------------------------------------------------------------
    def person_name(self) -> str:
        r = self.rng
        return SURNAMES[int(r.integers(0, len(SURNAMES)))] + GIVEN[int(r.integers(0, len(GIVEN)))]

    def phone(self) -> str:
        r = self.rng
        return "1" + "3456789"[int(r.integers(0, 7))] + f"{int(r.integers(0, 10**9)):09d}"

    def area_of(self, city: str) -> str:
        codes = geo.city_area_codes(city, self.areas)
        return codes[int(self.rng.integers(0, len(codes)))]

    def address(self, city: str, area: str) -> str:
        r = self.rng
        prov = geo.CITIES[city][2]
        pname = geo.PROVINCE_NAME[prov] + ("自治区" if prov == "15" else "省")
        road = ROADS[int(r.integers(0, len(ROADS)))]
        district = next((n for a, n in self.areas.get(area[:4], []) if a == area), "")
        town = city if city.endswith(("市", "盟")) else f"{city}市"
        district = "" if district == town else district
        return f"{pname}{town}{district}{road}路{int(r.integers(1, 999))}号"

    def new_plate(self, city: str, kind: str = "ordinary", prefix: str | None = None) -> str:
        prefix = prefix or geo.city_plate_prefix(city)
        while True:
            p = prefix + ids.make_plate_serial(self.rng, kind)
            if p not in self.plates:
                self.plates.add(p)
                return p

    def operator_name(self, city: str, scope: str) -> str:
        r = self.rng
        while True:
            w = "".join(WORDS[int(i)] for i in r.integers(0, len(WORDS), 2))
            sfx = SUFFIX[scope][int(r.integers(0, len(SUFFIX[scope])))]
            name = f"{city}市{w}{sfx}" if r.random() < 0.8 else f"{city}{w}{sfx}"
            if name not in self.names:
                self.names.add(name)
                return name

    def uscc(self, area: str, p_invalid: float = 0.0) -> str:
        valid = self.rng.random() >= p_invalid
        code = ids.make_uscc(self.rng, area, valid)
        if not valid:
            self.invalid["uscc"].append(code)
        return code

    def new_operator(self, city: str, scope: str, *, license_year: int | None = None) -> Operator:
        r = self.rng
        area = self.area_of(city)
        year = license_year or int(r.integers(2005, 2025))
        abbr = geo.PROVINCE_ABBR[geo.CITIES[city][2]]
        op = Operator(
            uscc=self.uscc(area, 0.01),
            name=self.operator_name(city, scope),
            province_code=geo.CITIES[city][2],
            area_code=area,
            address=self.address(city, area),
            legal_rep=self.person_name(),
            phone=self.phone(),
            scope=scope,
            license_no=f"{abbr}交运管许可字{area}{year}{int(r.integers(0, 99999)):05d}号",
            city=city,
            alarm_handling=float(r.uniform(0.93, 1.0)),
        )
        self.operators.append(op)
        return op

    def new_driver(self, employer: Operator | None, klass: str, city: str) -> Driver:
        r = self.rng
        valid = r.random() >= 0.01
        area = self.area_of(city)
        did = ids.make_id_number(r, area, valid)
        if not valid:
            self.invalid["driver_id"].append(did)
        d = Driver(
            driver_id=did,
            name=self.person_name(),
            qualification_no=did
            if r.random() < 0.7
            else f"{area}{int(r.integers(0, 10**12)):012d}",
            qualification_class=klass,
            employer_uscc=employer.uscc if employer else None,
            phone=self.phone(),
            province=geo.CITIES[city][2],
        )
        self.drivers.append(d)
        return d

    def new_vehicle(self, city: str, vtype: str, op: Operator | None, *, external: str | None = None,
                    config: int | None = None) -> Vehicle:  # fmt: skip
        r = self.rng
        if vtype in ("coach_route", "coach_charter"):
            axles, combo, sd, curb, length = 2, False, False, 12500, 11.9
        elif vtype == "trailer":
            axles, combo, sd, curb, length = 3, False, False, 7500, 13.0
        else:
            ci = int(r.choice(len(TRUCK_CONFIGS), p=CONFIG_P)) if config is None else config
            if vtype == "hazmat" and ci in (0, 3):
                ci = 6
            axles, combo, sd, _, curb, length, _ = TRUCK_CONFIGS[ci]
        if external:
            abbr, area, letters = geo.EXTERNAL_PROVINCES[external]
            prefix = abbr + letters[int(r.integers(0, len(letters)))]
            prov = external
        else:
            prefix, area, prov = None, self.area_of(city), geo.CITIES[city][2]
        nev = vtype == "truck" and axles <= 3 and r.random() < 0.05
        plate = self.new_plate(
            city, "trailer" if vtype == "trailer" else "nev_large" if nev else "ordinary", prefix
        )
        color = "黄绿" if nev else "黄"
        vtype_reg = "tractor" if combo and vtype == "truck" else vtype
        v = Vehicle(
            idx=len(self.vehicles), plate=plate, plate_color=color, vehicle_type=vtype_reg,
            axles=axles, combo=combo, single_drive=sd, curb_kg=curb, length_m=length,
            home_city=city, registered_province=prov, registered_area=area,
            operator=op.uscc if op else None, driver=None,
        )  # fmt: skip
        # for tractors the registry describes the usual combination (total axles, total mass)
        v.reg_axles = axles
        v.reg_total_kg = v.limit_kg
        valid = r.random() >= 0.01
        v.vin = ids.make_vin(r, "LMNPRST"[int(r.integers(0, 7))], valid)
        if not valid:
            self.invalid["vin"].append(v.vin)
        v.flags.add(f"cert:{v.registered_area}{int(r.integers(0, 10**6)):06d}")
        u = r.random()  # background overload propensity: most careful, some habitual
        v.propensity = 0.03 if u < 0.6 else 0.07 if u < 0.9 else 0.2
        u = r.random()
        v.status = "suspended" if u < 0.02 else "revoked" if u < 0.03 else "active"
        if vtype == "trailer":
            v.reg_total_kg, v.propensity = 40000, 0.0
        elif op:
            op.fleet_size += 1  # provisional; patterns._declare_fleets sets the declared size
        self.vehicles.append(v)
        return v
