"""团伙 networks: an entity graph of vehicles, operators, drivers, sources and shared
identifiers (phone, address, legal representative, near-duplicate name), cut into
communities with Leiden (igraph + leidenalg; Leiden, not Louvain, so every community is
connected — Traag et al. 2019).

Hubs are down-weighted: an identifier shared by more than ``hub_cap`` operators (a logistics
park address, an agent's phone) is dropped, and source units enter with weight 1/degree.
A community is a lead when shell-operator signs (operators tied by shared identifiers, tiny
declared fleets) come with violations (density above the population, repeat offenders).
Severity = the lead score in 0..1 (see ``cluster_score``).
"""

from __future__ import annotations

from collections import defaultdict

import igraph as ig
import leidenalg

DEFAULTS = {
    "hub_cap": 8,
    "resolution": 0.1,
    "min_operators": 2,
    "min_score": 0.45,
    "tiny_fleet": 3,
    "recent_years": 1,
}

STRONG_TIES = ("phone", "address")

TIE_WORDS = {
    "phone": "共用联系电话",
    "address": "共用经营地址",
    "legal_rep": "同一法定代表人",
    "name": "名称近似",
    "employs": "驾驶员受雇",
    "drives": "驾驶车辆",
    "owns": "车辆所属",
    "source": "同一货源单位",
}


def leiden_communities(
    edges: list[tuple[str, str, float]],
    *,
    resolution: float = DEFAULTS["resolution"],
    seed: int = 7,
) -> dict[str, int]:
    """Leiden (CPM objective, weighted) community id per node; deterministic for a seed."""
    if not edges:
        return {}
    names = sorted({a for a, _, _ in edges} | {b for _, b, _ in edges})
    index = {n: i for i, n in enumerate(names)}
    g = ig.Graph(
        n=len(names),
        edges=[(index[a], index[b]) for a, b, _ in edges],
        edge_attrs={"weight": [w for _, _, w in edges]},
    )
    g.simplify(combine_edges="sum")
    part = leidenalg.find_partition(
        g,
        leidenalg.CPMVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        n_iterations=-1,
        seed=seed,
    )
    return {names[v]: c for c, members in enumerate(part) for v in members}


def cluster_score(
    *,
    n_operators: int,
    n_strong_ids: int,
    n_weak_ids: int,
    tiny_fleet_share: float,
    recent_share: float,
    violation_ratio: float,
    repeat_members: int,
) -> float:
    """Lead score of a community in 0..1: 0.6 × shell signs + 0.4 × violation signs.

    Shell signs need *strong* shared identifiers (phone, address) — two of them, or one
    shared by at least three firms: a legal representative's name, a similar trade name or
    one shared address between two firms alone is too common to tie firms. They grow
    with the number of operators and identifiers, tiny declared fleets and recent licences.
    Violation signs: member vehicles' over-limit rate relative to the population rate, and
    members with repeat offences.
    """
    if n_strong_ids == 0 or (n_strong_ids == 1 and n_operators < 3):
        # one shared address (an office building, a park) between two firms is common
        shell = 0.0
    else:
        shell = min(1.0, 0.25 * (n_operators - 1) + 0.15 * n_strong_ids + 0.05 * n_weak_ids)
        shell *= 0.6 + 0.2 * tiny_fleet_share + 0.2 * recent_share
    violation = min(1.0, 0.3 * max(0.0, violation_ratio - 1.0) + 0.2 * repeat_members)
    return round(0.6 * shell + 0.4 * violation, 4)


def describe_ties(ties: list[tuple[str, str, str]]) -> dict[str, int]:
    """Count ties by kind word (Chinese) for explanations."""
    counts: dict[str, int] = defaultdict(int)
    for _, _, kind in ties:
        counts[TIE_WORDS.get(kind, kind)] += 1
    return dict(counts)


TIE_WEIGHTS = {"phone": 1.0, "address": 1.0, "name": 0.5, "legal_rep": 0.3, "driver": 0.7}


def operator_entities(rows: list[dict]) -> list[dict]:
    """Resolved operator rows with normalised identifier keys (see ``entities``)."""
    from models.patterns.entities import (
        normalise_address,
        normalise_operator_name,
        normalise_person,
        normalise_phone,
        resolve_operators,
    )

    entity = resolve_operators(rows)
    return [
        {
            "entity": entity[r["uscc"]],
            "uscc": r["uscc"],
            "name": r.get("name"),
            "province_code": r.get("province_code"),
            "fleet_size": r.get("fleet_size"),
            "name_key": normalise_operator_name(r.get("name")),
            "phone_key": normalise_phone(r.get("phone"))[-11:],
            "address_key": normalise_address(r.get("address")),
            "rep_key": normalise_person(r.get("legal_rep")),
            "licence_year": licence_year(r.get("license_no")),
        }
        for r in rows
    ]


def licence_year(license_no: str | None) -> int | None:
    """Year of issue embedded in a 经营许可证号 ('…许可字<6-digit area><yyyy>…'), if any."""
    import re

    m = re.search(r"\d{6}((?:19|20)\d{2})", license_no or "")
    return int(m.group(1)) if m else None


def clusters_from_ties(ties: list[dict], *, resolution: float) -> dict[int, dict]:
    """Leiden communities over the operator–identifier graph; only those with ≥ 2 operators.

    Returns cluster id → {"entities": [...], "ties": [(entity, node, kind)...]}.
    """
    edges = [(f"E:{t['entity']}", t["node"], TIE_WEIGHTS.get(t["kind"], 1.0)) for t in ties]
    comm = leiden_communities(edges, resolution=resolution)
    groups: dict[int, dict] = {}
    for node, c in comm.items():
        if node.startswith("E:"):
            groups.setdefault(c, {"entities": [], "ties": []})["entities"].append(node[2:])
    for t in ties:
        c = comm.get(f"E:{t['entity']}")
        if c is not None and comm.get(t["node"]) == c:
            groups[c]["ties"].append((t["entity"], t["node"], t["kind"]))
    out = {}
    for g in groups.values():
        if len(g["entities"]) >= 2 and g["ties"]:
            g["entities"].sort()
            out[len(out)] = g
    return out


def network_findings(
    clusters: dict[int, dict],
    entities: list[dict],
    members: list[dict],
    *,
    population_over_rate: float,
    as_of,
    params: dict | None = None,
) -> list[dict]:
    """One ``network_cluster`` finding per community whose lead score reaches ``min_score``."""
    import hashlib

    p = {**DEFAULTS, **(params or {})}
    by_entity: dict[str, list[dict]] = defaultdict(list)
    for e in entities:
        by_entity[e["entity"]].append(e)
    vehicles: dict[str, list[dict]] = defaultdict(list)
    for m in members:
        vehicles[m["entity"]].append(m)
    out = []
    for g in clusters.values():
        ents = g["entities"]
        ops = [o for e in ents for o in by_entity[e]]
        usccs = sorted({o["uscc"] for o in ops})
        # one order for every run (the members arrive in SQL order, which is not fixed)
        vs = sorted((v for e in ents for v in vehicles[e]), key=lambda v: v["plate_key"])
        n_weighed = sum(int(v["n_weighed"]) for v in vs)
        n_over = sum(int(v["n_over"]) for v in vs)
        rate = (n_over + 0.5) / (n_weighed + 5.0)
        ratio = rate / max(population_over_rate, 1e-6)
        repeat = [v for v in vs if int(v["n_over_12m"]) > 3]
        fleets = [o.get("fleet_size") for o in ops]
        tiny = sum(1 for f in fleets if f is not None and f <= p["tiny_fleet"])
        years = [o.get("licence_year") for o in ops]
        recent = sum(1 for y in years if y is not None and y >= as_of.year - p["recent_years"])
        shared_nodes = sorted({(t[1], t[2]) for t in g["ties"]})
        n_strong = len([n for n, k in shared_nodes if k in STRONG_TIES])
        score = cluster_score(
            n_operators=len(ents),
            n_strong_ids=n_strong,
            n_weak_ids=len(shared_nodes) - n_strong,
            tiny_fleet_share=tiny / max(1, len(ops)),
            recent_share=recent / max(1, len(ops)),
            violation_ratio=ratio,
            repeat_members=len(repeat),
        )
        if score < p["min_score"] or len(ents) < p["min_operators"]:
            continue
        plates = sorted({v["plate_key"] for v in vs})
        tie_counts = describe_ties([(a, b, TIE_KIND_OF.get(k, k)) for a, b, k in g["ties"]])
        evidence = sorted({r for v in vs for r in (v["over_rids"] or [])[:10]})
        firsts = [v["first_over"] for v in vs if v["first_over"] is not None]
        lasts = [v["last_over"] for v in vs if v["last_over"] is not None]
        names = "、".join(sorted({o["name"] or o["uscc"] for o in ops})[:5])
        shared_words = "、".join(f"{k}{n}处" for k, n in sorted(tie_counts.items()))
        key = hashlib.sha1("\n".join(usccs).encode()).hexdigest()[:16]
        out.append(
            {
                "finding_key": f"network_cluster:{key}",
                "lead_type": "network_cluster",
                "subject_kind": "group",
                "subject_keys": usccs + plates,
                "subject_provinces": sorted({o["province_code"] for o in ops} - {None}),
                "origin_provinces": sorted(
                    {pv for v in vs for pv in (v["over_provinces"] or [])} - {None}
                ),
                "legal_trigger": False,
                "severity": score,
                "risk_score": None,
                "risk_lo": None,
                "risk_hi": None,
                "legal_basis": "《超限运输车辆行驶公路管理规定》第二十九条（运输企业责任）；"
                "《公路安全保护条例》第六十六条",
                "evidence_record_ids": evidence[:200],
                "first_evidence_at": min(firsts) if firsts else None,
                "last_evidence_at": max(lasts) if lasts else None,
                "explanation": (
                    f"{len(usccs)}家经营业户（{names}{'等' if len(ops) > 5 else ''}）通过"
                    f"{shared_words}相互关联，疑似挂靠或同一实际控制人的团伙；"
                    f"{tiny}家申报车辆数不超过{p['tiny_fleet']}辆，{recent}家为近{p['recent_years'] + 1}"
                    f"年新取得经营许可。名下{len(plates)}辆车共称重"
                    f"{n_weighed}次、超限{n_over}次，超限率{n_over / max(1, n_weighed):.1%}，"
                    f"为全体车辆平均（{population_over_rate:.1%}）的{ratio:.1f}倍；"
                    f"{len(repeat)}辆车近12个月超限超过3次。建议对该团伙整体核查实际经营关系与"
                    f"车辆来源。"
                ),
                "explanation_en": (
                    f"Network of {len(usccs)} operators tied by {len(shared_nodes)} shared "
                    f"identifiers; {len(plates)} vehicles, over-limit rate {ratio:.1f}× "
                    f"population, {len(repeat)} repeat offenders."
                ),
                "details": {
                    "operators": usccs,
                    "vehicles": plates,
                    "ties": [
                        {"operator": a, "identifier": b.split(":", 1)[0], "kind": k}
                        for a, b, k in g["ties"]
                    ],
                    "tie_counts": tie_counts,
                    "n_weighed": n_weighed,
                    "n_over": n_over,
                    "violation_ratio": round(ratio, 3),
                    "repeat_vehicles": [v["plate_key"] for v in repeat],
                    "tiny_fleet_operators": tiny,
                    "recent_licence_operators": recent,
                },
                "as_of": as_of,
            }
        )
    return out


TIE_KIND_OF = {"driver": "employs"}
