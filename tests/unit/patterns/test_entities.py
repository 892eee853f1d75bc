"""Entity resolution for the 团伙 graph: names, addresses, phones, operator merging."""

from __future__ import annotations

import pytest

from models.patterns.entities import (
    normalise_address,
    normalise_operator_name,
    normalise_phone,
    resolve_operators,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("鞍山市宏达物流有限公司", "鞍山宏达物流有限责任公司"),
        ("辽宁省鞍山市宏达物流有限公司", "鞍山宏达物流有限公司"),
        ("鞍山 宏达物流（有限公司）", "鞍山宏达物流"),
        ("内蒙古自治区包头市恒通物流股份有限公司", "包头恒通物流有限公司"),
    ],
)
def test_near_duplicate_operator_names_share_a_key(a: str, b: str) -> None:
    assert normalise_operator_name(a) == normalise_operator_name(b)


def test_different_trade_names_stay_apart() -> None:
    """'运输' vs '物流' are different firms' names, not spelling variants."""
    assert normalise_operator_name("鞍山市宏达运输有限公司") != normalise_operator_name(
        "鞍山市宏达物流有限公司"
    )


def test_address_and_phone_normalisation() -> None:
    assert normalise_address("辽宁省鞍山市新华路366号") == normalise_address("鞍山新华路366号")
    assert normalise_address("鞍山市新华路３６６号") == normalise_address("鞍山市新华路366号")
    assert normalise_phone("+86 137-9508-7806") == "13795087806"
    assert normalise_phone("0086 13795087806") == "13795087806"
    assert normalise_phone("123") == ""
    assert normalise_phone(None) == ""


def test_resolution_needs_name_and_a_second_identifier() -> None:
    rows = [
        {"uscc": "A", "name": "鞍山市宏达物流有限公司", "address": "鞍山市新华路1号", "phone": "1"},
        {"uscc": "B", "name": "鞍山宏达物流有限责任公司", "address": "辽宁省鞍山市新华路1号"},
        # same trade name, other city address and phone: a different firm
        {"uscc": "C", "name": "鞍山宏达物流有限公司", "address": "营口市渤海大街9号"},
    ]
    entity = resolve_operators(rows)
    assert entity["A"] == entity["B"] == "A"
    assert entity["C"] == "C"
