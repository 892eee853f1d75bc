"""团伙 graph: Leiden communities and the lead score."""

from __future__ import annotations

from models.patterns.networks import (
    cluster_score,
    clusters_from_ties,
    leiden_communities,
    licence_year,
)


def test_leiden_is_deterministic_and_connected() -> None:
    edges = [("a", "p", 1.0), ("b", "p", 1.0), ("c", "q", 1.0), ("d", "q", 1.0)]
    comm = leiden_communities(edges, resolution=0.1)
    assert comm["a"] == comm["b"] == comm["p"]
    assert comm["c"] == comm["d"] == comm["q"]
    assert comm["a"] != comm["c"]
    assert comm == leiden_communities(edges, resolution=0.1)


def test_a_weak_tie_does_not_pull_an_operator_into_a_network() -> None:
    """Three firms share phone and address; a fourth only shares the legal rep's name."""
    ties = [
        {"entity": e, "node": n, "kind": k}
        for e in ("A", "B", "C")
        for n, k in (("phone:1", "phone"), ("addr:x", "address"), ("rep:王伟", "legal_rep"))
    ] + [{"entity": "D", "node": "rep:王伟", "kind": "legal_rep"}]
    clusters = clusters_from_ties(ties, resolution=0.1)
    assert [g["entities"] for g in clusters.values()] == [["A", "B", "C"]]


def test_shell_signs_need_a_strong_identifier() -> None:
    common = {
        "tiny_fleet_share": 1.0,
        "recent_share": 1.0,
        "violation_ratio": 1.0,
        "repeat_members": 0,
    }
    assert cluster_score(n_operators=3, n_strong_ids=0, n_weak_ids=2, **common) == 0.0
    strong = cluster_score(n_operators=3, n_strong_ids=2, n_weak_ids=1, **common)
    assert strong > 0.45
    with_violations = cluster_score(
        n_operators=3,
        n_strong_ids=2,
        n_weak_ids=1,
        tiny_fleet_share=1.0,
        recent_share=1.0,
        violation_ratio=3.0,
        repeat_members=2,
    )
    assert with_violations > strong


def test_licence_year() -> None:
    assert licence_year("辽交运管许可字2103022026012345号") == 2026
    assert licence_year(None) is None
    assert licence_year("ABC") is None
