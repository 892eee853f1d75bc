"""Findings → leads: one lead per subject (several reasons merged) or per group finding.

Input rows follow the findings contract (DESIGN.md); `members` maps a finding_key to the
resolved registration province of each subject key (from staging; may be partial).
Output: one dict per lead with its routes; `routed_rows` expands them to one row per
(lead_id, receiving_province) and ranks them within each province.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from models.leads import config as cfg
from models.leads.category import lead_category
from models.leads.ids import group_lead_id, subject_lead_id
from models.leads.priority import conservative_risk, priority, rank_key
from models.leads.routing import (
    evidence_provinces,
    guess_province,
    route_group,
    route_subject,
)

Finding = Mapping[str, Any]


def subject_of(finding: Finding) -> tuple[str, str, tuple[str, ...]]:
    """(lead_id, subject_kind, subject_keys) of a finding."""
    keys = tuple(dict.fromkeys(str(k) for k in (finding.get("subject_keys") or []) if k))
    kind = finding.get("subject_kind") or "group"
    if kind != "group" and len(keys) == 1:
        return subject_lead_id(kind, keys[0]), kind, keys
    return group_lead_id(finding["lead_type"], finding["finding_key"]), "group", keys


def member_provinces(
    finding: Finding, resolved: Mapping[str, str | None] | None
) -> list[tuple[str, str | None]]:
    """Registration province per subject key: staging lookup, else the finding's aligned
    `subject_provinces`, else the key's own shape (plate prefix, USCC/ID division code)."""
    keys = [str(k) for k in (finding.get("subject_keys") or []) if k]
    provs = list(finding.get("subject_provinces") or [])
    kind = finding.get("subject_kind")
    kind = None if kind == "group" else kind
    out = []
    for i, key in enumerate(keys):
        prov = (resolved or {}).get(key)
        if not prov and len(provs) == len(keys):
            prov = provs[i]
        if not prov and len(set(provs)) == 1 and len(keys) == 1:
            prov = provs[0]
        out.append((key, prov or guess_province(key, kind)))
    return out


def build_leads(
    findings: Iterable[Finding],
    resolved: Mapping[str, str | None] | None = None,
    as_of: date | None = None,
) -> list[dict]:
    """Merge findings per subject and compute routing, priority, category and explanation."""
    by_lead: dict[str, list[Finding]] = defaultdict(list)
    heads: dict[str, tuple[str, tuple[str, ...]]] = {}
    gang_keys: set[str] = set()
    for f in sorted(findings, key=lambda r: (r["lead_type"], r["finding_key"])):
        lid, kind, keys = subject_of(f)
        if not keys:
            continue
        by_lead[lid].append(f)
        heads.setdefault(lid, (kind, keys))
        if f["lead_type"] in cfg.GANG_TYPES or kind == "group":
            gang_keys.update(keys)
    leads = []
    for lid, reasons in by_lead.items():
        kind, keys = heads[lid]
        leads.append(_lead(lid, kind, keys, reasons, resolved, gang_keys, as_of))
    return leads


def _lead(lid, kind, keys, reasons, resolved, gang_keys, as_of) -> dict:
    evidence = sorted({str(r) for f in reasons for r in (f.get("evidence_record_ids") or [])})
    origins = sorted({p for f in reasons for p in (f.get("origin_provinces") or []) if p})
    ev_counts = evidence_provinces(evidence)
    members = member_provinces(reasons[0], resolved)
    if kind == "group":
        routes = route_group(members, evidence, origins)
        reg_provs = sorted({p for _, p in members if p})
        cross = 1.0 if len(set(reg_provs) | set(ev_counts)) > 1 else 0.0
        cross_registration = False
    else:
        reg = members[0][1] if members else None
        route = route_subject(reg, evidence, origins)
        routes = [route] if route else []
        reg_provs = [reg] if reg else []
        elsewhere = bool(set(ev_counts) - {reg}) or bool(set(origins) - {reg})
        cross_registration = reg not in set(ev_counts) | set(origins) and bool(ev_counts or origins)
        cross = 1.0 if cross_registration else (0.5 if elsewhere else 0.0)
    legal = any(bool(f.get("legal_trigger")) for f in reasons)
    severity = max(float(f.get("severity") or 0.0) for f in reasons)
    risks = [
        conservative_risk(f.get("risk_score"), f.get("risk_lo"), f.get("risk_hi")) for f in reasons
    ]
    risk = max(risks) if risks else 0.0
    gang = 1.0 if kind == "group" or any(k in gang_keys for k in keys) else 0.0
    prio = priority(legal, severity, risk, gang, cross)
    types = sorted(
        {f["lead_type"] for f in reasons},
        key=lambda t: _primary_key(t, reasons),
    )
    firsts = [f.get("first_evidence_at") for f in reasons if f.get("first_evidence_at")]
    lasts = [f.get("last_evidence_at") for f in reasons if f.get("last_evidence_at")]
    risk_points = [f.get("risk_score") for f in reasons if f.get("risk_score") is not None]
    best = max(reasons, key=lambda f: f.get("risk_score") or -1.0)
    lead = {
        "lead_id": lid,
        "lead_type": types[0],
        "lead_types": types,
        "subject_kind": kind,
        "member_kind": reasons[0].get("subject_kind"),
        "subject_keys": list(keys),
        "registration_provinces": reg_provs,
        "origin_provinces": sorted(set(origins) | set(ev_counts)),
        "finding_keys": sorted({f["finding_key"] for f in reasons}),
        "legal_trigger": legal,
        "severity": round(severity, 4),
        "risk_score": max(risk_points) if risk_points else None,
        "risk_lo": best.get("risk_lo") if risk_points else None,
        "risk_hi": best.get("risk_hi") if risk_points else None,
        "risk_conservative": round(risk, 4),
        "gang_member": bool(gang),
        "cross_province": cross,
        "priority": prio.score,
        "priority_explanation": prio.explain(),
        "category": lead_category(types, cross_registration),
        "legal_basis": legal_basis(f.get("legal_basis") for f in reasons),
        "evidence_record_ids": evidence,
        "first_evidence_at": min(firsts) if firsts else None,
        "last_evidence_at": max(lasts) if lasts else None,
        "reasons": [_reason(f) for f in sorted(reasons, key=lambda f: types.index(f["lead_type"]))],
        "members": [{"key": k, "province": p} for k, p in members],
        "routes": routes,
        "as_of": as_of,
    }
    lead["explanation"] = explanation(lead)
    lead["explanation_en"] = " | ".join(
        f"{r['lead_type']}: {r['explanation_en'] or ''}".strip() for r in lead["reasons"]
    )
    return lead


def _primary_key(lead_type: str, reasons: Sequence[Finding]) -> tuple:
    mine = [f for f in reasons if f["lead_type"] == lead_type]
    legal = any(bool(f.get("legal_trigger")) for f in mine)
    sev = max(float(f.get("severity") or 0) for f in mine)
    return (-int(legal), -sev, lead_type)


def _reason(f: Finding) -> dict:
    return {
        "lead_type": f["lead_type"],
        "lead_type_name": cfg.LEAD_TYPE_NAMES.get(f["lead_type"], f["lead_type"]),
        "finding_key": f["finding_key"],
        "legal_trigger": bool(f.get("legal_trigger")),
        "severity": float(f.get("severity") or 0.0),
        "risk_score": f.get("risk_score"),
        "legal_basis": f.get("legal_basis") or "",
        "explanation": (f.get("explanation") or "").strip().rstrip("。"),
        "explanation_en": f.get("explanation_en") or "",
        "evidence_count": len(f.get("evidence_record_ids") or []),
        "first_evidence_at": f.get("first_evidence_at"),
        "last_evidence_at": f.get("last_evidence_at"),
    }


def legal_basis(texts: Iterable[str | None]) -> str:
    """Union of the reasons' citations, split on ；/; and de-duplicated in order."""
    seen: dict[str, None] = {}
    for text in texts:
        for part in (text or "").replace(";", "；").split("；"):
            part = part.strip()
            if part:
                seen.setdefault(part, None)
    return "；".join(seen)


def subject_label(kind: str | None, key: str) -> str:
    """Readable subject: plate keys as 辽A12345（黄牌）."""
    if kind in ("vehicle", "group", None) and "|" in key:
        plate, colour = key.split("|", 1)
        return f"{plate}（{colour}牌）" if colour else plate
    return key


def explanation(lead: Mapping[str, Any]) -> str:
    """One Chinese paragraph an officer can act on (figures come from the detectors)."""
    kind = lead["subject_kind"]
    kind_name = cfg.SUBJECT_KIND_NAMES.get(kind, kind)
    if kind == "group":
        member_kind = lead.get("member_kind")
        head = (
            f"该团伙共{len(lead['subject_keys'])}个成员"
            f"（{'、'.join(subject_label(member_kind, k) for k in lead['subject_keys'][:5])}"
            f"{'等' if len(lead['subject_keys']) > 5 else ''}）"
        )
    else:
        reg = lead["registration_provinces"][0] if lead["registration_provinces"] else None
        head = f"{kind_name}{subject_label(kind, lead['subject_keys'][0])}（登记地{cfg.province_name(reg)}）"
    places = "、".join(cfg.province_name(p) for p in lead["origin_provinces"]) or "未知"
    n = len(lead["reasons"])
    n_ev = len(lead["evidence_record_ids"])
    where = f"在{places}有{n_ev}条证据记录" if n_ev else "暂无可附的证据记录"
    parts = [f"{head}{where}，命中{n}项线索："]
    parts.append(
        "；".join(
            f"（{i}）{r['lead_type_name']}：{r['explanation'] or '详见证据记录'}"
            for i, r in enumerate(lead["reasons"], 1)
        )
        + "。"
    )
    last = lead.get("last_evidence_at")
    if isinstance(last, datetime | date):
        parts.append(f"最近一次证据时间{last:%Y-%m-%d}。")
    actions = dict.fromkeys(
        cfg.LEAD_TYPE_ACTIONS.get(r["lead_type"], cfg.DEFAULT_ACTION) for r in lead["reasons"]
    )
    parts.append("；".join(actions) + "（线索仅供核查，不作为处罚决定）。")
    return "".join(parts)


def routed_rows(leads: Iterable[dict]) -> list[dict]:
    """One row per (lead, receiving province), ranked within each province."""
    rows = []
    for lead in leads:
        total = len(lead["subject_keys"])
        for route in lead["routes"]:
            row = {k: v for k, v in lead.items() if k != "routes"}
            row["receiving_province"] = route.receiving_province
            row["external_registration"] = route.external_registration
            row["member_share"] = list(route.members) if lead["subject_kind"] == "group" else []
            row["member_total"] = total
            rows.append(row)
    return rerank(rows)


def rerank(rows: list[dict]) -> list[dict]:
    """Rank 1..n within each receiving province (rank_key order)."""
    by_prov: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_prov[row["receiving_province"]].append(row)
    for prov_rows in by_prov.values():
        for i, row in enumerate(sorted(prov_rows, key=rank_key), 1):
            row["rank"] = i
    return sorted(rows, key=lambda r: (r["receiving_province"], r["rank"]))
