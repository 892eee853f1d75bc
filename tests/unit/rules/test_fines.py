"""R06/R07 fine estimate at its edges and cap; R19 police overload; R33 one fine per act."""

from __future__ import annotations

import copy

import pytest
import yaml

from models.fines import (
    dimension_fine_yuan,
    dimension_tier,
    mass_fine_yuan,
    police_overload,
    single_fine_authority,
    total_fine_yuan,
)
from models.rules import RULES_FILE, parse_rules


@pytest.mark.parametrize(
    ("excess", "sanction", "yuan"),
    [
        (0, "none", 0),
        (1, "warning", 0),
        (1000, "warning", 0),
        (1001, "fine", 500),
        (1999, "fine", 500),
        (2000, "fine", 1000),
        (59999, "fine", 29500),
        (60000, "fine", 30000),
        (60001, "fine", 30000),
        (150000, "fine", 30000),
    ],
)
def test_mass_fine_floor_rounding_and_cap(excess, sanction, yuan):
    assert mass_fine_yuan(excess) == (sanction, yuan)


def _book_with_rounding(mode: str):
    doc = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    doc = copy.deepcopy(doc)
    doc["rules"]["R06"]["params"]["rounding"] = mode
    return parse_rules(doc)


def test_rounding_is_configurable():
    """Partial tonnes are not specified by §43 — local practice differs (configurable)."""
    assert mass_fine_yuan(1001, book=_book_with_rounding("ceil")) == ("fine", 1000)
    assert mass_fine_yuan(1500, book=_book_with_rounding("exact")) == ("fine", 750)
    assert mass_fine_yuan(100000, book=_book_with_rounding("ceil")) == ("fine", 30000)


@pytest.mark.parametrize(
    ("h", "w", "length", "tier"),
    [
        (4.0, 2.55, 18.1, None),
        (4.1, 2.55, 18.1, "A"),
        (4.2, 3.0, 20.0, "A"),
        (4.21, 2.55, 18.1, "B"),
        (4.5, 3.75, 28.0, "B"),
        (4.51, 2.55, 18.1, "C"),
        (4.0, 3.76, 18.1, "C"),
    ],
)
def test_dimension_tiers(h, w, length, tier):
    assert dimension_tier(h, w, length) == tier


def test_fines_add_up_to_the_cap():
    assert dimension_fine_yuan("C") == 2000  # middle of 1,000–3,000
    assert total_fine_yuan(29500, 2000) == 30000
    assert total_fine_yuan(500, 100) == 600


def test_police_overload_bands_and_one_fine():
    """超载 against 核定载质量 is the police's (R19); only the higher fine is imposed (R33)."""
    light = police_overload(gross_kg=30000, curb_kg=10000, rated_load_kg=18000, total_mass_kg=28000)
    assert light["overload"] and light["fine_max"] == 500 and light["points"] == 1
    heavy = police_overload(gross_kg=40000, curb_kg=10000, rated_load_kg=18000, total_mass_kg=28000)
    assert heavy["fine_max"] == 2000 and heavy["points"] == 3
    assert not police_overload(20000, 10000, 18000, 28000)["overload"]
    assert single_fine_authority(3000, 2000) == "公路管理机构"
    assert single_fine_authority(500, 2000) == "公安机关交通管理部门"
    assert single_fine_authority(0, 0) is None
