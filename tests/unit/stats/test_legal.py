"""Legal ranges as data and the 超限规定 §43(二) formula at its edges."""

from __future__ import annotations

import pytest

from models.stats.legal import UNVERIFIED_BASIS, load_legal_config, mass_fine_43


@pytest.mark.parametrize(
    ("excess", "expected"),
    [
        (0, None),  # at the limit: no violation
        (1, 0.0),  # 1 kg over: warning
        (1000, 0.0),  # exactly 1,000 kg: still a warning
        (1001, 500.0),  # just over 1,000 kg: first 500 yuan (floor rounding)
        (1999, 500.0),
        (2000, 1000.0),
        (59999, 29500.0),
        (60000, 30000.0),  # cap reached at 60 t over
        (90000, 30000.0),  # never above the cap
    ],
)
def test_mass_fine_43_edges(excess: int, expected: float | None) -> None:
    assert mass_fine_43(excess) == expected


def test_mass_fine_rounding_is_configurable() -> None:
    assert mass_fine_43(1001, rounding="ceil") == 1000.0
    assert mass_fine_43(1500, rounding="exact") == 750.0
    with pytest.raises(ValueError):
        mass_fine_43(1500, rounding="banker")


def test_every_item_has_basis_tag_and_consistent_range() -> None:
    cfg = load_legal_config()
    assert "OL-MASS" in cfg.items
    for item in cfg.items.values():
        assert item.basis and item.tag in {"V", "V2", "U"}
        if item.max_yuan is not None:
            assert 0 <= (item.min_yuan or 0) <= item.max_yuan
        assert list(item.bands) == sorted(item.bands)
        for _upper, lo, hi in item.sub_ranges:
            assert item.min_yuan <= lo <= hi <= item.max_yuan, item.code


def test_unverified_items_are_never_printed_as_law() -> None:
    cfg = load_legal_config()
    u_items = [i for i in cfg.items.values() if i.tag == "U"]
    assert u_items, "the catalogue is expected to hold at least one [U] item"
    for item in u_items:
        assert item.printable_basis == UNVERIFIED_BASIS
    for item in cfg.items.values():
        if item.light_list and item.light_list.tag == "U":
            assert item.light_list.printable_basis == UNVERIFIED_BASIS


def test_aliases_resolve_case_insensitively() -> None:
    cfg = load_legal_config()
    assert cfg.resolve("speeding") == "P-SPD"
    assert cfg.resolve("OL_MASS") == "OL-MASS"
    assert cfg.resolve("UNKNOWN-X") == "UNKNOWN-X"


def test_speeding_envelope_follows_statutory_sub_ranges() -> None:
    """道交法90 (20–200) below 50 % over the limit, 道交法99 (200–2,000) from 50 %."""
    spd = load_legal_config().items["P-SPD"]
    assert spd.envelope(None, 30) == (20, 200)
    assert spd.envelope(50, None) == (200, 2000)
    assert spd.envelope(None, None) == (20, 2000)
