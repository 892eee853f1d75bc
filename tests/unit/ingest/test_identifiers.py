"""Check digits of USCC (GB 32100), ID numbers (GB 11643), VIN (ISO 3779) and GB/T 2260 codes."""

from __future__ import annotations

from datetime import date

import pytest

from models import identifiers as ids


def test_uscc_known_vector() -> None:
    assert ids.uscc_valid("91210100MA0P12342A")
    assert ids.org_code_check_char("MA0P1234") == "2"
    assert ids.uscc_check_char("91210100MA0P12342") == "A"


@pytest.mark.parametrize(
    "code", ["91210100MA0P12342B", "91210100MA0P1234", "91210100MA0P12342AA", "9121010OMA0P12342A"]
)
def test_uscc_broken(code: str) -> None:
    assert not ids.uscc_valid(code)


def test_uscc_lower_case_and_blanks_are_folded() -> None:
    assert ids.uscc_valid(" 91210100ma0p12342a ")
    assert ids.uscc_structure_ok("91210100MA0P12342B")  # structure fine, check char wrong


def test_id_known_vector() -> None:
    assert ids.id_valid("11010519491231002X")
    assert ids.id_valid("11010519491231002x")
    assert ids.id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert ids.id_area_code("11010519491231002X") == "110105"


@pytest.mark.parametrize(
    "code",
    [
        "110105194912310021",  # wrong check digit
        "110105194913310024",  # month 13
        "11010519491231002",  # 17 chars
        "1101051949123100X2",  # X not last
    ],
)
def test_id_broken(code: str) -> None:
    assert not ids.id_valid(code)


def test_id_birth_in_future_is_invalid() -> None:
    body = "21010220990101001"
    code = body + ids.id_check_char(body)
    assert not ids.id_valid(code, today=date(2026, 1, 1))


def test_vin_known_vector() -> None:
    # the classic ISO 3779 / NHTSA worked example
    assert ids.vin_check_char("1M8GDM9AXKP042788") == "X"
    assert ids.vin_valid("1M8GDM9AXKP042788")
    assert not ids.vin_valid("1M8GDM9A1KP042788")
    assert not ids.vin_valid("1M8GDM9AXKP04278O")  # letter O is never used


def test_area_codes_against_the_real_list() -> None:
    assert ids.area_code_valid("210102")  # 沈阳市和平区
    assert ids.area_code_valid("210100")  # prefecture
    assert ids.area_code_valid("210000")  # province
    assert not ids.area_code_valid("219999")
    assert not ids.area_code_valid("2101")
    assert ids.area_name("210102") == "和平区"


@pytest.mark.parametrize(
    ("text", "code"),
    [("21", "21"), ("辽宁", "21"), ("辽宁省", "21"), ("内蒙古自治区", "15"), ("内蒙古", "15"),
     ("黑龙江省", "23"), ("吉", "22"), ("220000", "22"), ("99", None), ("火星", None)],
)  # fmt: skip
def test_province_code_of(text: str, code: str | None) -> None:
    assert ids.province_code_of(text) == code
