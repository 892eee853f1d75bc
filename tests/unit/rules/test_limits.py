"""R01/R02/R03/R04/R08 boundaries: at the limit, 1 kg over, inside and just outside tolerance."""

from __future__ import annotations

import pytest

from models.limits import assess_mass, base_gvw_limit_kg, dimension_over, gvw_limit_kg

# (axles, combination, single drive axle, Art. 3 limit) — every configuration of 超限规定 §3
R01_CASES = [
    (2, False, False, 18000),
    (2, True, False, 18000),
    (3, False, False, 25000),
    (3, True, False, 27000),
    (4, False, False, 31000),
    (4, True, False, 36000),
    (5, True, False, 43000),
    (5, False, False, 43000),
    (6, True, False, 49000),
    (6, True, True, 46000),
    (7, True, False, 49000),
    (8, True, True, 46000),
]


@pytest.mark.parametrize(("axles", "combo", "sdrive", "limit"), R01_CASES)
def test_limit_per_configuration(axles, combo, sdrive, limit):
    assert base_gvw_limit_kg(axles, combo, sdrive) == limit
    assert gvw_limit_kg(axles, combo, sdrive) == limit


@pytest.mark.parametrize(("axles", "combo", "sdrive", "limit"), R01_CASES)
def test_at_limit_is_legal_one_kg_over_is_not(axles, combo, sdrive, limit):
    """超过 = strictly greater: exactly the limit is legal at a certified static scale (tol 0)."""
    assert not assess_mass(limit, limit, 0.0).over_limit
    over = assess_mass(limit + 1, limit, 0.0)
    assert over.over_limit and over.net_excess_kg == 1 and over.excess_kg == 1


@pytest.mark.parametrize(("axles", "combo", "sdrive", "limit"), R01_CASES)
def test_tolerance_inside_and_just_outside(axles, combo, sdrive, limit):
    """WIM 5 %: up to limit × 1.05 is 'within tolerance' (kept, flagged, not over-limit)."""
    edge = int(limit * 1.05)
    inside = assess_mass(edge, limit, 5.0)
    assert not inside.over_limit and inside.within_tolerance
    assert inside.excess_kg == edge - limit  # the raw excess is kept, never rewritten
    outside = assess_mass(edge + 1, limit, 5.0)
    assert outside.over_limit and not outside.within_tolerance
    assert outside.net_excess_kg == pytest.approx(1.0)


def test_unknown_axles_has_no_limit():
    assert gvw_limit_kg(None, None, None) is None
    assert base_gvw_limit_kg(1, False, False) is None


def test_single_tyre_reduces_and_air_suspension_raises():
    """R03 −3,000 kg per single-tyre group; R04 +1 t for 3/4-axle rigid, 37 t artic 4-axle."""
    assert gvw_limit_kg(3, False, False, single_tyre_groups=1) == 22000
    assert gvw_limit_kg(6, True, False, single_tyre_groups=2) == 43000
    assert gvw_limit_kg(3, False, False, air_suspension=True) == 26000
    assert gvw_limit_kg(4, False, False, air_suspension=True) == 32000
    assert gvw_limit_kg(4, True, False, air_suspension=True, semi_axle_spacing_mm=1800) == 37000
    assert gvw_limit_kg(4, True, False, air_suspension=True, semi_axle_spacing_mm=1799) == 36000
    assert gvw_limit_kg(2, False, False, air_suspension=True) == 18000


@pytest.mark.parametrize(
    ("h", "w", "length", "over"),
    [
        (4.0, 2.55, 18.1, False),
        (4.01, 2.55, 18.1, True),
        (4.0, 2.56, 18.1, True),
        (4.0, 2.55, 18.11, True),
        (None, None, None, False),
    ],
)
def test_dimension_limits(h, w, length, over):
    assert dimension_over(h, w, length) is over
