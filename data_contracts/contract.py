"""Typed view of the per-table YAML contracts in data_contracts/contracts/.

One contract per canonical table (INTERFACES §2) drives header mapping, casting, quarantine
rules, the GX suites and the data dictionary. This module only loads and validates them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

CONTRACT_DIR = Path(__file__).parent / "contracts"

TABLES: tuple[str, ...] = (
    "stations",
    "weigh_records",
    "vehicles",
    "operators",
    "drivers",
    "sources",
    "loadings",
    "monitoring_events",
    "gps_points",
    "cases",
    "lead_feedback",
)

DUCKDB_TYPES = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "ts": "TIMESTAMP",
    "list[int]": "BIGINT[]",
}

# Staging bookkeeping columns appended to every table (DESIGN.md "staging.<table>").
META_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_province", "VARCHAR"),
    ("_file_id", "VARCHAR"),
    ("_row_no", "BIGINT"),
    ("_flags", "VARCHAR[]"),
)
PLATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("plate_key", "VARCHAR"),
    ("plate_readable", "BOOLEAN"),
)

_UNIT_RE = re.compile(r"^(.+?)\((kg|公斤|千克|t|吨)\)$")
_TONNE_UNITS = {"t", "吨"}


def normalise_header(header: str) -> str:
    """Fold a column header for alias matching: NFKC (full-width → half-width), lower case,
    without BOM, blanks, underscores, hyphens and dots."""
    h = unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s_\-·.]+", "", h)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    zh: str = ""
    aliases: tuple[str, ...] = ()
    tonne_aliases: tuple[str, ...] = ()
    unit: str | None = None
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    multi: str | None = None
    domain: str | None = None
    range: tuple[float, float] | None = None
    pi: bool = False
    key_check: str | None = None
    description: str = ""

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]

    def value_map(self) -> dict[str, str]:
        """Every accepted spelling (folded) → canonical value."""
        out: dict[str, str] = {}
        for canon, synonyms in self.values.items():
            for s in (canon, *synonyms):
                out[normalise_header(s)] = canon
        return out


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    columns: tuple[str, ...]
    value: object = None
    min: float | None = None
    max: float | None = None
    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class Flag:
    flag: str
    kind: str
    columns: tuple[str, ...]
    ref: str | None = None
    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class Contract:
    table: str
    title_zh: str
    title_en: str
    key: tuple[str, ...]
    rid: str | None
    plate_columns: bool
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...]
    flags: tuple[Flag, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.table}: no column {name!r}")

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def staging_schema(self) -> list[tuple[str, str]]:
        """(column, DuckDB type) of staging.<table>, in order."""
        cols = [(c.name, c.duckdb_type) for c in self.columns]
        cols += list(META_COLUMNS)
        if self.plate_columns:
            cols += list(PLATE_COLUMNS)
        if self.rid:
            cols.append(("rid", "VARCHAR"))
        return cols

    def header_map(self) -> dict[str, tuple[str, float]]:
        """Folded header → (canonical column, multiplier to the canonical unit)."""
        out: dict[str, tuple[str, float]] = {}
        for c in self.columns:
            for a in (c.name, c.zh, *c.aliases):
                if a:
                    out.setdefault(normalise_header(a), (c.name, 1.0))
            for a in c.tonne_aliases:
                out[normalise_header(a)] = (c.name, 1000.0)
        return out

    def match_header(self, header: str) -> tuple[str, float] | None:
        """Map one source header to (canonical column, unit multiplier) or None if unknown.

        Tries the folded header, then strips a unit suffix such as `(吨)` / `(kg)` and looks up
        the base name (so `车货总重(t)` and `总重(吨)` both land on gross_kg × 1000)."""
        hm = self.__dict__.get("_header_map_memo")
        if hm is None:  # built once per contract (frozen: set around the dataclass guard)
            hm = self.header_map()
            object.__setattr__(self, "_header_map_memo", hm)
        h = normalise_header(header)
        if h in hm:
            return hm[h]
        m = _UNIT_RE.match(h)
        if m and m.group(1) in hm:
            name, _ = hm[m.group(1)]
            if self.column(name).unit == "kg":
                return name, 1000.0 if m.group(2) in _TONNE_UNITS else 1.0
        return None


@cache
def reasons() -> dict[str, dict[str, dict[str, str]]]:
    """Stable reason / flag / duplicate-kind codes with zh/en messages."""
    return yaml.safe_load((CONTRACT_DIR / "_reasons.yaml").read_text(encoding="utf-8"))


def message(code: str, lang: str = "zh") -> str:
    for group in reasons().values():
        if code in group:
            return group[code][lang]
    return code


def _column(d: dict) -> Column:
    values = {str(k): tuple(str(x) for x in (v or ())) for k, v in (d.get("values") or {}).items()}
    rng = d.get("range")
    return Column(
        name=d["name"],
        type=d["type"],
        required=bool(d.get("required", False)),
        zh=d.get("zh", ""),
        aliases=tuple(str(a) for a in d.get("aliases", ())),
        tonne_aliases=tuple(str(a) for a in d.get("tonne_aliases", ())),
        unit=d.get("unit"),
        values=values,
        multi=d.get("multi"),
        domain=d.get("domain"),
        range=(float(rng[0]), float(rng[1])) if rng else None,
        pi=bool(d.get("pi", False)),
        key_check=d.get("key_check"),
        description=d.get("description", ""),
    )


@cache
def load_contract(table: str) -> Contract:
    """Load and validate data_contracts/contracts/<table>.yaml."""
    d = yaml.safe_load((CONTRACT_DIR / f"{table}.yaml").read_text(encoding="utf-8"))
    msgs = reasons()
    cols = tuple(_column(c) for c in d["columns"])
    rules = tuple(
        Rule(
            code=r["code"],
            kind=r["kind"],
            columns=tuple(r["columns"]),
            value=r.get("value"),
            min=r.get("min"),
            max=r.get("max"),
            zh=r.get("zh", msgs["reasons"][r["code"]]["zh"]),
            en=r.get("en", msgs["reasons"][r["code"]]["en"]),
        )
        for r in d.get("rules", ())
    )
    flags = tuple(
        Flag(
            flag=f["flag"],
            kind=f["kind"],
            columns=tuple(f["columns"]),
            ref=f.get("ref"),
            zh=f.get("zh", msgs["flags"][f["flag"]]["zh"]),
            en=f.get("en", msgs["flags"][f["flag"]]["en"]),
        )
        for f in d.get("flags", ())
    )
    c = Contract(
        table=d["table"],
        title_zh=d.get("title_zh", ""),
        title_en=d.get("title_en", ""),
        key=tuple(d["key"]),
        rid=d.get("rid"),
        plate_columns=bool(d.get("plate_columns", False)),
        columns=cols,
        rules=rules,
        flags=flags,
    )
    _validate(c)
    return c


def _validate(c: Contract) -> None:
    names = set(c.names)
    if c.table not in TABLES:
        raise ValueError(f"unknown table {c.table!r}")
    for col in c.columns:
        if col.type not in DUCKDB_TYPES:
            raise ValueError(f"{c.table}.{col.name}: unknown type {col.type!r}")
    seen: dict[str, str] = {}
    for col in c.columns:
        for a in (col.name, col.zh, *col.aliases, *col.tonne_aliases):
            k = normalise_header(a)
            if k and seen.setdefault(k, col.name) != col.name:
                raise ValueError(f"{c.table}: header alias {a!r} maps to {seen[k]} and {col.name}")
    for r in c.rules:
        missing = set(r.columns) - names
        if missing:
            raise ValueError(f"{c.table}: rule {r.code} on unknown columns {missing}")
    for f in c.flags:
        missing = set(f.columns) - names
        if missing:
            raise ValueError(f"{c.table}: flag {f.flag} on unknown columns {missing}")
    if c.plate_columns and not {"plate", "plate_color"} <= names:
        raise ValueError(f"{c.table}: plate_columns needs plate and plate_color")


def load_feeds(path: Path | None = None) -> dict:
    """Per-province feed settings (default: contracts/_feeds.yaml), validated."""
    from models.plates import COLOUR_CODE_SETS

    path = path or CONTRACT_DIR / "_feeds.yaml"
    d = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    codes = d.get("plate_color_code_set") or {}
    names = [codes.get("default", "xiansuo")]
    for prov, v in (codes.get("provinces") or {}).items():
        if not re.fullmatch(r"\d{2}", str(prov)):
            raise ValueError(f"{path.name}: province {prov!r} is not a 2-digit code")
        if isinstance(v, dict):
            unknown = set(v) - {"default", *TABLES}
            if unknown:
                raise ValueError(f"{path.name}: province {prov}: unknown tables {unknown}")
            names += list(v.values())
        else:
            names.append(v)
    bad = [n for n in names if n not in COLOUR_CODE_SETS]
    if bad:
        raise ValueError(f"{path.name}: unknown plate colour code sets {bad}")
    return d


@cache
def feeds() -> dict:
    return load_feeds()


def plate_color_code_set(province: str, table: str, settings: dict | None = None) -> str:
    """The plate-colour code set of one province's exports of one table (`_feeds.yaml`;
    default xiansuo = INTERFACES §2)."""
    codes = (settings if settings is not None else feeds()).get("plate_color_code_set") or {}
    default = codes.get("default", "xiansuo")
    v = (codes.get("provinces") or {}).get(str(province))
    if v is None:
        return default
    if isinstance(v, dict):
        return v.get(table, v.get("default", default))
    return v


def all_contracts() -> list[Contract]:
    return [load_contract(t) for t in TABLES]
