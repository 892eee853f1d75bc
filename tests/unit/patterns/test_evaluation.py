"""Scoring against truth: set and group precision/recall, precision@k."""

from __future__ import annotations

import pytest

from models.patterns.evaluation import (
    group_prf,
    jaccard,
    precision_at_k,
    prf,
    random_precision_at_k,
)


def test_prf() -> None:
    r = prf(["a", "b", "c"], ["a", "b", "d", "e"])
    assert r["tp"] == 2
    assert r["precision"] == pytest.approx(2 / 3)
    assert r["recall"] == pytest.approx(0.5)
    assert r["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_prf_without_truth_is_not_a_score() -> None:
    r = prf([], [])
    assert r["recall"] is None and r["f1"] is None and r["precision"] == 1.0


def test_groups_match_one_to_one_at_jaccard_half() -> None:
    truth = [["a", "b", "c", "d"], ["x", "y"]]
    found = [["a", "b", "c"], ["a", "b"], ["x", "q", "r"]]
    # {a,b,c}: J=0.75 match; {a,b}: J=0.5 but truth 0 already used; {x,q,r} vs {x,y}: J=0.25
    r = group_prf(found, truth)
    assert r["tp"] == 1
    assert r["precision"] == pytest.approx(1 / 3)
    assert r["recall"] == pytest.approx(0.5)
    assert jaccard(["a", "b"], ["a", "b", "c", "d"]) == 0.5


def test_precision_at_k_and_random() -> None:
    ranked = ["a", "b", "c", "d"]
    assert precision_at_k(ranked, {"a", "c"}, 2) == 0.5
    assert precision_at_k([], {"a"}, 2) is None
    rnd = random_precision_at_k(list("abcdefghij"), {"a", "b"}, 5, draws=2000)
    assert rnd == pytest.approx(0.2, abs=0.03)


def test_night_running_is_scored_against_its_own_truth_key() -> None:
    from models.patterns.scoring import score_detectors

    found = {k: [] for k in ("cloned_plate", "convoy", "network_cluster", "network_operators",
                             "registration_mismatch", "station_evasion_bypass", "obscured_plate",
                             "station_evasion")}  # fmt: skip
    found["night_passage"] = ["A|黄", "B|黄", "X|黄"]
    rows = {r["detector"]: r for r in score_detectors(found, {"night_passage": ["A|黄", "B|黄"]})}
    assert rows["night_passage"]["tp"] == 2 and rows["night_passage"]["recall"] == 1.0
    assert rows["night_passage"]["precision"] == pytest.approx(2 / 3)
    # worlds generated before the key existed are not scored on it
    assert "night_passage" not in {r["detector"] for r in score_detectors(found, {})}
