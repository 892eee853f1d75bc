"""Routing of leads to a receiving province (R36; 行政处罚法第二十二、二十五、二十六条, 超限规定第四十四条).

- A subject registered in one of the four provinces (vehicle 车籍, operator, source unit)
  goes to that province.
- Otherwise it goes to the province where the violations happened (the one holding most of
  the evidence records; ties to the lowest code) and is flagged `external_registration`.
- A group whose members span provinces goes to every province involved, with the same
  lead_id and that province's share of members.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from models.leads.config import PLATE_PREFIX_PROVINCE, REGION


@dataclass(frozen=True)
class Route:
    receiving_province: str
    external_registration: bool
    members: tuple[str, ...] = field(default_factory=tuple)


def evidence_provinces(evidence_record_ids: Iterable[str]) -> Counter[str]:
    """Count evidence per province from region-unique rids (`<prov>:<id>`)."""
    counts: Counter[str] = Counter()
    for rid in evidence_record_ids or ():
        prov = str(rid).split(":", 1)[0]
        if prov in REGION:
            counts[prov] += 1
    return counts


def violation_province(
    evidence_counts: Counter[str], origin_provinces: Sequence[str] | None
) -> str | None:
    """The in-region province where the violations happened: most evidence, then lowest code."""
    if evidence_counts:
        return sorted(evidence_counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    inside = sorted({p for p in origin_provinces or () if p in REGION})
    return inside[0] if inside else None


def guess_province(key: str, kind: str | None = None) -> str | None:
    """Last-resort registration province from the key's own shape.

    Plate keys start with the province abbreviation; a USCC (operator) carries the 6-digit
    division code at positions 3-8; an ID number (driver) at positions 1-6.
    """
    if not key:
        return None
    if kind == "vehicle" or "|" in key or key[0] in PLATE_PREFIX_PROVINCE:
        return PLATE_PREFIX_PROVINCE.get(key[0])
    if len(key) != 18:
        return None
    if kind == "operator" or (kind is None and not key[:17].isdigit()):
        return key[2:4] if key[2:4].isdigit() else None
    if kind == "driver" or kind is None:
        return key[:2] if key[:2].isdigit() else None
    return None


def route_subject(
    registration_province: str | None,
    evidence_record_ids: Iterable[str],
    origin_provinces: Sequence[str] | None,
) -> Route | None:
    """Route a lead about one subject."""
    if registration_province in REGION:
        return Route(registration_province, False)
    target = violation_province(evidence_provinces(evidence_record_ids), origin_provinces)
    return Route(target, True) if target else None


def route_group(
    members: Sequence[tuple[str, str | None]],
    evidence_record_ids: Iterable[str],
    origin_provinces: Sequence[str] | None,
) -> list[Route]:
    """Route a group lead: each in-region registration province gets its share of members;
    members registered outside the region go to the violation province (flagged)."""
    target = violation_province(evidence_provinces(evidence_record_ids), origin_provinces)
    shares: dict[str, list[str]] = {}
    external: set[str] = set()
    for key, prov in members:
        if prov in REGION:
            shares.setdefault(prov, []).append(key)
        elif target:
            shares.setdefault(target, []).append(key)
            external.add(target)
    if not shares and target:
        return [Route(target, True, tuple(sorted(k for k, _ in members)))]
    return [
        Route(prov, prov in external, tuple(sorted(keys))) for prov, keys in sorted(shares.items())
    ]
