"""Convoy significance and the small statistics used by the detectors."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from models.patterns.convoys import (
    convoy_findings,
    groups_from_ties,
    poisson_sf,
    significant_ties,
)
from models.patterns.evasion import binomial_sf


def test_poisson_tail_matches_closed_form() -> None:
    mu = 0.3
    exact = 1 - math.exp(-mu) * (1 + mu + mu**2 / 2)
    assert poisson_sf(3, mu) == pytest.approx(exact, rel=1e-9)
    assert poisson_sf(0, mu) == 1.0
    assert poisson_sf(5, 0.0) == 0.0


def test_binomial_tail() -> None:
    assert binomial_sf(0, 10, 0.1) == 1.0
    assert binomial_sf(10, 10, 0.5) == pytest.approx(0.5**10)
    assert binomial_sf(1, 3, 0.5) == pytest.approx(7 / 8)


def test_ties_need_days_far_beyond_chance() -> None:
    pairs = [
        {"plate_a": "A", "plate_b": "B", "days": 8, "expected": 0.05},  # convoy
        {"plate_a": "C", "plate_b": "D", "days": 8, "expected": 6.0},  # busy corridor, chance
    ]
    ties = significant_ties(pairs, max_p=1e-6, min_ratio=5.0)
    assert [(t["plate_a"], t["plate_b"]) for t in ties] == [("A", "B")]


def test_groups_are_connected_components() -> None:
    groups = groups_from_ties([("a", "b"), ("b", "c"), ("x", "y")])
    assert groups == [["a", "b", "c"], ["x", "y"]]


def test_convoy_names_the_same_strongest_pair_in_any_order() -> None:
    """Two pairs share the most days: the explanation cites the one least likely by chance,
    whatever order the ties come in (a rerun gives the same lead text)."""
    ties = [
        {"plate_a": "A|黄", "plate_b": "B|黄", "days": 9, "expected": 0.40, "p_value": 1e-9},
        {"plate_a": "B|黄", "plate_b": "C|黄", "days": 9, "expected": 0.05, "p_value": 1e-15},
        {"plate_a": "A|黄", "plate_b": "C|黄", "days": 7, "expected": 0.01, "p_value": 1e-16},
    ]
    texts = set()
    for order in (ties, ties[::-1], ties[1:] + ties[:1]):
        (finding,) = convoy_findings(
            [["A|黄", "B|黄", "C|黄"]], order, [], {}, as_of=dt.date(2026, 10, 31), gap_min=3
        )
        texts.add(finding["explanation"])
    assert len(texts) == 1
    text = texts.pop()
    assert "共同通过9天" in text and "期望仅0.05天" in text
