"""Check-digit helpers of the generator against published/standard examples."""

from __future__ import annotations

import numpy as np

from data_contracts.generator import identifiers as ids


def test_uscc_reference_vector():
    """domain-reference §5.3 synthetic vector: org check '2', USCC check 'A'."""
    assert ids.org_check_char("MA0P1234") == "2"
    assert ids.uscc_check_char("91210100MA0P12342") == "A"


def test_id_number_reference_vector():
    assert ids.id_check_char("11010519491231002") == "X"


def test_vin_reference_vector():
    """ISO 3779 / NA check digit example 1M8GDM9AXKP042788 (check digit X)."""
    assert ids.vin_check_char("1M8GDM9A0KP042788") == "X"


def test_generated_identifiers_valid_and_invalid():
    rng = np.random.Generator(np.random.PCG64(1))
    for _ in range(50):
        u = ids.make_uscc(rng, "210102")
        assert ids.uscc_check_char(u[:17]) == u[17]
        bad = ids.make_uscc(rng, "210102", valid=False)
        assert ids.uscc_check_char(bad[:17]) != bad[17]
        d = ids.make_id_number(rng, "220102")
        assert ids.id_check_char(d[:17]) == d[17]
        v = ids.make_vin(rng)
        assert len(v) == 17 and ids.vin_check_char(v) == v[8]
        assert not set(v) & set("IOQ")
