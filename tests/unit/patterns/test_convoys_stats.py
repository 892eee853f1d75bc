"""Convoy significance and the small statistics used by the detectors."""

from __future__ import annotations

import math

import pytest

from models.patterns.convoys import groups_from_ties, poisson_sf, significant_ties
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
