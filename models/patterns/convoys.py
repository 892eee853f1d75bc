"""车队/结伙 (convoys): vehicles that pass the same stations together on many days.

Co-passages are pairs of readable sightings of two plates at one station within ``gap``
minutes (a bucketed self-join, so busy stations do not explode). A pair is a convoy tie when
it co-passes on at least ``min_days`` distinct days AND far more often than chance: under
independence, a sighting of B falls within ±gap of a given sighting of A at the same station
and hour-of-day with probability 2·gap / (60 · D), D = days observed, so the expected number
of chance co-passages is E = Σ_(station,hour) n_A · n_B · 2·gap / (60 · D). The tie needs a
Poisson tail P(X ≥ observed | E) below ``max_p``. Ties form groups (connected components).
Severity: 0.4 + 0.05 per co-travel day (cap 1.0).
"""

from __future__ import annotations

import math

DEFAULTS = {
    "gap_min": 3.0,
    "min_days": 6,
    "max_p": 1e-6,
    "min_confidence": 0.8,
    "min_ratio": 5.0,
}


def co_passages_sql() -> str:
    """Pairs of plates (a < b) seen at one station within $gap_min minutes.

    Reads ``patterns.passages``; parameters $gap_min, $min_confidence.
    """
    return """
    with sightings as (
        select rid, plate_key, station_id, passed_at, day,
            floor(epoch(passed_at) / ($gap_min * 60)) as bucket
        from patterns.passages
        where plate_readable and coalesce(plate_confidence, 1.0) >= $min_confidence
    ),
    shifted as (
        select rid, plate_key, station_id, passed_at, bucket + k as bucket
        from sightings, (select unnest([-1, 0, 1]) as k)
    ),
    final as (
        select a.plate_key as plate_a, b.plate_key as plate_b, a.station_id, a.day,
            a.rid as rid_a, b.rid as rid_b, a.passed_at as passed_a, b.passed_at as passed_b
        from sightings a
        join shifted b on b.station_id = a.station_id and b.bucket = a.bucket
        where a.plate_key < b.plate_key
          and abs(date_diff('second', a.passed_at, b.passed_at)) <= $gap_min * 60
    )
    select * from final
    """


def pair_significance_sql() -> str:
    """Observed co-passage days per pair vs the chance expectation from traffic density.

    Reads ``patterns.co_passages`` and ``patterns.passages``; parameters $gap_min,
    $min_days, $min_confidence. Returns pairs with at least $min_days co-travel days.
    """
    return """
    with copass as (select * from patterns.co_passages),
    candidate as (
        select plate_a, plate_b, count(distinct day) as days,
            count(*) as co_passages, count(distinct station_id) as stations
        from copass
        group by plate_a, plate_b
        having count(distinct day) >= $min_days
    ),
    window_days as (
        select greatest(1, date_diff('day', min(day), max(day)) + 1) as d
        from patterns.passages
    ),
    profile as (
        select plate_key, station_id, hour(passed_at) as hr, count(*) as n
        from patterns.passages
        where plate_readable and coalesce(plate_confidence, 1.0) >= $min_confidence
          and plate_key in (select plate_a from candidate union select plate_b from candidate)
        group by all
    ),
    expected as (
        select c.plate_a, c.plate_b,
            sum(pa.n * pb.n) * 2 * $gap_min / (60.0 * any_value(w.d)) as expected
        from candidate c
        join profile pa on pa.plate_key = c.plate_a
        join profile pb on pb.plate_key = c.plate_b
            and pb.station_id = pa.station_id and pb.hr = pa.hr
        cross join window_days w
        group by c.plate_a, c.plate_b
    ),
    final as (
        select c.*, coalesce(e.expected, 0) as expected
        from candidate c left join expected e using (plate_a, plate_b)
    )
    select * from final
    """


def poisson_sf(k: int, mu: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mu), stable for small tails."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    # sum the upper tail directly from k (terms decrease quickly once past mu)
    log_term = -mu + k * math.log(mu) - math.lgamma(k + 1)
    total, term, i = 0.0, math.exp(log_term), k
    while term > total * 1e-12 and i < k + 1000:
        total += term
        i += 1
        term *= mu / i
    return min(1.0, total)


def groups_from_ties(ties: list[tuple[str, str]]) -> list[list[str]]:
    """Connected components of the tie graph, members sorted, largest group first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in ties:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))


def significant_ties(pairs: list[dict], *, max_p: float, min_ratio: float) -> list[dict]:
    """Pairs whose co-travel days are far beyond chance; adds ``p_value`` and ``ratio``."""
    out = []
    for r in pairs:
        expected = max(float(r["expected"] or 0.0), 1e-9)
        p = poisson_sf(int(r["days"]), expected)
        ratio = r["days"] / expected
        if p <= max_p and ratio >= min_ratio:
            out.append({**r, "p_value": p, "ratio": ratio})
    return out


def group_key(members: list[str]) -> str:
    """Deterministic finding key of a group: lead type + hash of its sorted members."""
    import hashlib

    digest = hashlib.sha1("\n".join(sorted(members)).encode()).hexdigest()[:16]
    return f"convoy:{digest}"


def convoy_findings(
    groups: list[list[str]],
    ties: list[dict],
    co_rows: list[dict],
    members_info: dict[str, dict],
    *,
    as_of,
    gap_min: float,
) -> list[dict]:
    """One ``convoy`` finding per group.

    ``co_rows``: co-passages of tied pairs (plate_a, plate_b, station_id, station_name, day,
    rid_a, rid_b, passed_a, station_province); ``members_info``: plate_key → registered
    province, operator, passages, over-limit count.
    """
    out = []
    for members in groups:
        mset = set(members)
        g_ties = sorted(
            (t for t in ties if t["plate_a"] in mset), key=lambda t: (t["plate_a"], t["plate_b"])
        )
        g_rows = [r for r in co_rows if r["plate_a"] in mset and r["plate_b"] in mset]
        days = sorted({r["day"] for r in g_rows})
        stations = sorted({r["station_name"] or r["station_id"] for r in g_rows})
        evidence = sorted({r["rid_a"] for r in g_rows} | {r["rid_b"] for r in g_rows})
        times = [r["passed_a"] for r in g_rows]
        info = [members_info.get(m, {}) for m in members]
        n_over = sum(int(i.get("n_over") or 0) for i in info)
        operators = sorted({i.get("operator_uscc") for i in info} - {None})
        # the pair with most common days; among equals the least likely by chance
        best = (
            min(g_ties, key=lambda t: (-t["days"], t["p_value"], t["plate_a"], t["plate_b"]))
            if g_ties
            else None
        )
        viol = "、".join(
            f"{m.split('|')[0]}超限{int(members_info.get(m, {}).get('n_over') or 0)}次"
            for m in members
        )
        explanation = (
            f"{len(members)}辆车（{'、'.join(m.split('|')[0] for m in members)}）在{len(days)}天内"
            f"于{len(stations)}个站点（{'、'.join(stations[:5])}"
            f"{'等' if len(stations) > 5 else ''}）前后相隔不超过{gap_min:.0f}分钟结伴通过"
            + (
                f"；其中同行最多的一对共同通过{best['days']}天，按该站点同时段车流密度"
                f"偶然同行的期望仅{best['expected']:.2f}天（概率约{best['p_value']:.1e}）"
                if best
                else ""
            )
            + f"。成员超限记录：{viol}，合计{n_over}次"
            + (f"；涉及业户{len(operators)}家" if operators else "")
            + "。疑似结伙通行、引路或互相掩护逃避检测，建议对车队整体布控核查。"
        )
        out.append(
            {
                "finding_key": group_key(members),
                "lead_type": "convoy",
                "subject_kind": "group",
                "subject_keys": members,
                "subject_provinces": sorted({i.get("registered_province") for i in info} - {None}),
                "origin_provinces": sorted({r["station_province"] for r in g_rows} - {None}),
                "legal_trigger": False,
                "severity": min(1.0, 0.4 + 0.05 * len(days) + 0.02 * n_over),
                "risk_score": None,
                "risk_lo": None,
                "risk_hi": None,
                "legal_basis": "《公路安全保护条例》第四十条、第六十七条（结伙引路绕行、逃避检测的核查线索）",
                "evidence_record_ids": evidence[:200],
                "first_evidence_at": min(times) if times else None,
                "last_evidence_at": max(times) if times else None,
                "explanation": explanation,
                "explanation_en": (
                    f"Convoy of {len(members)} vehicles co-passing {len(stations)} stations "
                    f"within {gap_min:.0f} min on {len(days)} days; members' over-limit "
                    f"passages: {n_over}."
                ),
                "details": {
                    "members": members,
                    "days": [str(d) for d in days],
                    "stations": stations,
                    "operators": operators,
                    "member_violations": {
                        m: int(members_info.get(m, {}).get("n_over") or 0) for m in members
                    },
                    "ties": [
                        {
                            "pair": [t["plate_a"], t["plate_b"]],
                            "days": int(t["days"]),
                            "expected_days": round(float(t["expected"]), 4),
                            "p_value": t["p_value"],
                        }
                        for t in g_ties
                    ],
                },
                "as_of": as_of,
            }
        )
    return out
