"""Legal penalty ranges per violation item (data in legal_ranges.yaml) and the §43 formula.

An item's range is what the law allows; the discretion statistics compare what provinces
actually imposed against it, and proposed tiers are always clipped into it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

LEGAL_RANGES_PATH = Path(__file__).with_name("legal_ranges.yaml")
UNVERIFIED_BASIS = "待核实（配置假设，非法律依据）"
MASS_WARNING_KG = 1000  # 超限规定 §43(二): ≤1,000 kg → 警告
MASS_YUAN_PER_T = 500  # 每超1000千克罚款500元
MASS_CAP_YUAN = 30000  # 最高不得超过30000元


@dataclass(frozen=True)
class LightListEntry:
    kind: str
    scope: str
    conditions: tuple[str, ...]
    basis: str
    tag: str
    scope_max_severity: float | None = None

    @property
    def printable_basis(self) -> str:
        return UNVERIFIED_BASIS if self.tag == "U" else self.basis


@dataclass(frozen=True)
class LegalItem:
    code: str
    name_zh: str
    domain: str
    min_yuan: float | None
    max_yuan: float | None
    warning_allowed: bool
    severity: str
    bands: tuple[float, ...]
    basis: str
    tag: str
    formula: str | None = None
    aliases: tuple[str, ...] = ()
    light_list: LightListEntry | None = None
    sub_ranges: tuple[tuple[float | None, float, float], ...] = ()
    duration_source: str | None = None

    def envelope(self, sev_from: float | None, sev_to: float | None) -> tuple[float, float]:
        """Legal fine range for severities in (sev_from, sev_to] (whole range if unknown)."""
        lo, hi = float(self.min_yuan or 0), float(self.max_yuan or 0)
        if not self.sub_ranges or (sev_from is None and sev_to is None):
            return lo, hi
        mins, maxs = [], []
        prev = None
        for upper, smin, smax in self.sub_ranges:
            # sub-range covers (prev, upper]; overlaps (sev_from, sev_to]?
            below = sev_to is not None and prev is not None and sev_to <= prev
            above = upper is not None and sev_from is not None and sev_from >= upper
            if not (below or above):
                mins.append(float(smin))
                maxs.append(float(smax))
            prev = upper
        return (max(lo, min(mins)), min(hi, max(maxs))) if mins else (lo, hi)

    @property
    def has_fine(self) -> bool:
        return self.max_yuan is not None

    @property
    def range_width(self) -> float | None:
        """Width of the legal fine range in yuan (None when the law sets no fine)."""
        if self.max_yuan is None:
            return None
        return float(self.max_yuan) - float(self.min_yuan or 0)

    @property
    def printable_basis(self) -> str:
        """The basis as it may appear in a report: [U] items are never printed as law."""
        return UNVERIFIED_BASIS if self.tag == "U" else self.basis

    def band_label(self, index: int) -> str:
        """Chinese label of severity band `index` (0-based), e.g. '1000–5000 kg'."""
        return band_label(self.bands, index, self.severity)


@dataclass(frozen=True)
class LegalConfig:
    items: dict[str, LegalItem]
    tier_quantiles: tuple[float, float]
    min_cases_per_province: int
    mass_rounding: str
    recidivism_window_days: int
    station_rates: dict[str, tuple[float, float]]
    station_default_rate: tuple[float, float]
    station_min_passages: int
    station_basis: str
    alias_map: dict[str, str] = field(default_factory=dict)

    def resolve(self, code: str | None) -> str | None:
        """Map a case system's violation code (or alias) to the item code; unknown → as is."""
        if code is None:
            return None
        return self.alias_map.get(str(code).strip().upper(), str(code).strip())


_UNIT = {"excess_kg": "kg", "excess_pct": "%", "duration_h": "小时", "none": ""}


def band_label(bands: tuple[float, ...], index: int, severity: str) -> str:
    unit = _UNIT.get(severity, "")
    if not bands:
        return "全部"
    edges = [0.0, *bands]
    if index >= len(bands):
        return f"> {_fmt(edges[-1])}{unit}"
    return f"{_fmt(edges[index])}–{_fmt(edges[index + 1])}{unit}"


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


@lru_cache(maxsize=4)
def load_legal_config(path: str | None = None) -> LegalConfig:
    """Read legal_ranges.yaml (or another file with the same layout)."""
    raw = yaml.safe_load(Path(path or LEGAL_RANGES_PATH).read_text(encoding="utf-8"))
    items: dict[str, LegalItem] = {}
    alias_map: dict[str, str] = {}
    for it in raw["items"]:
        ll = it.get("light_list")
        item = LegalItem(
            code=it["code"],
            name_zh=it["name_zh"],
            domain=it["domain"],
            min_yuan=it.get("min_yuan"),
            max_yuan=it.get("max_yuan"),
            warning_allowed=bool(it.get("warning_allowed", False)),
            severity=it.get("severity", "none"),
            bands=tuple(float(b) for b in it.get("bands") or ()),
            basis=it["basis"],
            tag=it["tag"],
            formula=it.get("formula"),
            aliases=tuple(str(a) for a in it.get("aliases") or ()),
            duration_source=it.get("duration_source"),
            sub_ranges=tuple(
                (None if u is None else float(u), float(a), float(b))
                for u, a, b in it.get("sub_ranges") or ()
            ),
            light_list=(
                LightListEntry(
                    kind=ll["kind"],
                    scope=ll["scope"],
                    conditions=tuple(ll["conditions"]),
                    basis=ll["basis"],
                    tag=ll["tag"],
                    scope_max_severity=ll.get("scope_max_severity"),
                )
                if ll
                else None
            ),
        )
        if item.tag not in {"V", "V2", "U", "V2-weak"}:
            raise ValueError(f"{item.code}: unknown verification tag {item.tag!r}")
        items[item.code] = item
        for name in (item.code, *item.aliases):
            alias_map[name.upper()] = item.code
    d = raw.get("defaults", {})
    st = raw.get("station_expected_rates", {})
    q = d.get("tier_quantiles", [0.5, 0.85])
    return LegalConfig(
        items=items,
        tier_quantiles=(float(q[0]), float(q[1])),
        min_cases_per_province=int(d.get("min_cases_per_province", 5)),
        mass_rounding=str(d.get("mass_rounding", "floor")),
        recidivism_window_days=int(d.get("recidivism_window_days", 365)),
        station_rates={k: (float(v[0]), float(v[1])) for k, v in st.get("by_kind", {}).items()},
        station_default_rate=tuple(float(x) for x in st.get("default", [0.003, 0.007])),
        station_min_passages=int(st.get("min_passages", 200)),
        station_basis=str(st.get("basis", "")),
        alias_map=alias_map,
    )


def mass_fine_43(excess_kg: float | None, *, rounding: str = "floor") -> float | None:
    """Statutory fine for a GVW excess under 超限规定 §43(二).

    ≤ 0 → None (no violation); ≤ 1,000 kg → 0 (警告); else 500 yuan per started/complete
    1,000 kg depending on `rounding` ('floor', 'ceil', 'exact'), capped at 30,000 yuan.
    """
    if excess_kg is None or (isinstance(excess_kg, float) and math.isnan(excess_kg)):
        return None
    if excess_kg <= 0:
        return None
    if excess_kg <= MASS_WARNING_KG:
        return 0.0
    tonnes = excess_kg / 1000.0
    if rounding == "floor":
        tonnes = math.floor(tonnes)
    elif rounding == "ceil":
        tonnes = math.ceil(tonnes)
    elif rounding != "exact":
        raise ValueError(f"unknown rounding {rounding!r}")
    return float(min(MASS_CAP_YUAN, tonnes * MASS_YUAN_PER_T))


def clip_to_range(value: float, item: LegalItem) -> float:
    """Clip a proposed amount into the item's legal range."""
    lo = float(item.min_yuan or 0)
    hi = float(item.max_yuan) if item.max_yuan is not None else lo
    return min(max(value, lo), hi)
