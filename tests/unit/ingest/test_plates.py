"""Plate normalisation (GA 36-2018) and plate colours (R45): every mess of INTERFACES §1."""

from __future__ import annotations

import pytest

from models.plates import (
    normalise_plate,
    normalise_plate_color,
    plate_city,
    plate_key,
    plate_kind,
    plate_province,
)


@pytest.mark.parametrize(
    ("raw", "plate", "colour"),
    [
        ("辽A12345", "辽A12345", None),
        ("辽Ａ１２３４５", "辽A12345", None),  # full-width
        ("辽a12345", "辽A12345", None),  # lower case
        ("辽A 12345", "辽A12345", None),  # space
        (" 辽A·12345 ", "辽A12345", None),  # middle dot
        ("辽A12345黄", "辽A12345", "黄"),  # trailing colour word
        ("辽A12345黄色", "辽A12345", "黄"),
        ("辽A12345(黄绿)", "辽A12345", "黄绿"),
        ("蒙K1O234", "蒙K10234", None),  # O typed for 0
        ("吉BI2345", "吉B12345", None),  # I typed for 1
        ("辽D46234F", "辽D46234F", None),  # large new-energy
        ("京AD80234", "京AD80234", None),  # small new-energy
        ("辽A1234挂", "辽A1234挂", None),  # trailer
        ("黑A1234挂黄", "黑A1234挂", "黄"),
    ],
)
def test_normalise_plate(raw: str, plate: str, colour: str | None) -> None:
    p = normalise_plate(raw)
    assert (p.plate, p.colour, p.readable, p.valid) == (plate, colour, True, True)


@pytest.mark.parametrize("raw", ["未识别", "无牌", "", "  ", None, "无车牌"])
def test_unreadable_plates(raw) -> None:
    p = normalise_plate(raw)
    assert p.plate is None and not p.readable


def test_invalid_but_readable_plate_is_kept_and_marked() -> None:
    p = normalise_plate("辽A123")
    assert p.readable and not p.valid and p.plate == "辽A123"


def test_province_city_kind() -> None:
    assert plate_province("辽B12345") == "21"
    assert plate_province("蒙K12345") == "15"
    assert plate_province("冀E12345") == "13"
    assert plate_city("辽B12345") == "大连"
    assert plate_city("黑R12345") == "农垦系统"
    assert plate_city("冀E12345") is None
    assert plate_kind("辽D46234F") == "nev_large"
    assert plate_kind("京AD80234") == "nev_small"
    assert plate_kind("辽A1234挂") == "trailer"
    assert plate_kind("辽A12345") == "ordinary"
    assert plate_key("辽A12345", "黄") == "辽A12345|黄"
    assert plate_key(None, "黄") is None


@pytest.mark.parametrize(
    ("value", "code_set", "colour"),
    [
        ("黄", "xiansuo", "黄"), ("黄色", "xiansuo", "黄"), ("yellow", "xiansuo", "黄"),
        ("1", "xiansuo", "蓝"), ("2", "xiansuo", "黄"), ("6", "xiansuo", "黄绿"),
        ("02", "xiansuo", "黄"), ("2.0", "xiansuo", "黄"), ("黄绿双拼", "xiansuo", "黄绿"),
        ("渐变绿", "xiansuo", "绿"), ("9", "jtt697", None), ("0", "jtt697", None),
        ("93", "nfp", "黄绿"), ("94", "nfp", "绿"), ("0", "etc", "蓝"), ("1", "etc", "黄"),
        ("5", "etc", "黄绿"), ("11", "etc", "绿"), ("紫", "xiansuo", None), (None, "xiansuo", None),
    ],
)  # fmt: skip
def test_plate_colours(value, code_set: str, colour: str | None) -> None:
    assert normalise_plate_color(value, code_set) == colour
