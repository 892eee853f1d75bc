"""Lead ids (stable, deterministic) and R36 routing."""

from __future__ import annotations

from models.leads.ids import control_id, group_lead_id, lead_id, subject_lead_id
from models.leads.routing import (
    evidence_provinces,
    guess_province,
    route_group,
    route_subject,
    violation_province,
)


def test_lead_id_is_deterministic_and_order_free():
    assert lead_id("convoy", ["b", "a"]) == lead_id("convoy", ["a", "b", "a"])
    assert lead_id("convoy", ["a"]) != lead_id("network_cluster", ["a"])
    assert subject_lead_id("vehicle", "辽A12345|黄").startswith("XS")
    assert len(group_lead_id("convoy", "convoy:x")) == 18
    assert control_id("辽A1|黄", "2026-06").startswith("XC")


def test_subject_id_is_shared_by_lead_types():
    """A second finding type on the same vehicle must join the same lead, not mint a new id."""
    assert subject_lead_id("vehicle", "辽A12345|黄") == lead_id("vehicle", ["辽A12345|黄"])


def test_route_in_region_goes_to_registration_province():
    route = route_subject("22", ["21:W1", "21:W2"], ["21"])
    assert (route.receiving_province, route.external_registration) == ("22", False)


def test_route_outside_region_goes_to_violation_province_flagged():
    route = route_subject("37", ["21:W1", "22:W2", "22:W3"], ["21", "22"])
    assert (route.receiving_province, route.external_registration) == ("22", True)


def test_violation_province_tie_breaks_on_lowest_code():
    assert violation_province(evidence_provinces(["23:a", "21:b"]), []) == "21"
    assert violation_province(evidence_provinces([]), ["23", "15", "37"]) == "15"
    assert violation_province(evidence_provinces([]), ["37"]) is None


def test_unroutable_subject_has_no_route():
    assert route_subject("37", [], ["37"]) is None


def test_cluster_goes_to_each_province_with_its_share():
    routes = route_group(
        [("辽A1|黄", "21"), ("吉B2|黄", "22"), ("冀C3|黄", "13"), ("辽A4|黄", "21")],
        ["22:W1", "22:W2", "21:W3"],
        ["21", "22"],
    )
    assert [(r.receiving_province, r.members, r.external_registration) for r in routes] == [
        ("21", ("辽A1|黄", "辽A4|黄"), False),
        ("22", ("冀C3|黄", "吉B2|黄"), True),
    ]


def test_guess_province_from_key_shape():
    assert guess_province("蒙K12345|黄") == "15"
    assert guess_province("91230100MA1234567X", "operator") == "23"
    assert guess_province("220102198001011234", "driver") == "22"
    assert guess_province("SRC-1", "source") is None
