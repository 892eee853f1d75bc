"""Check digits and structure of Chinese identifiers (domain-reference §5.3–5.4, R41).

- 统一社会信用代码 USCC, GB 32100-2015 (with the embedded GB 11714 organisation code)
- 居民身份证号, GB 11643-1999 (check digit, birth date, GB/T 2260 address code)
- VIN, ISO 3779 / GB 16735 (check digit in position 9)
- 行政区划代码, GB/T 2260, against the real list shipped in data_contracts/reference/

A failed check is a data-quality flag, never by itself a rejection (R41).
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data_contracts" / "reference"

# --- USCC (GB 32100-2015) -------------------------------------------------------------------
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I O S V Z
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 …
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def clean_code(value: object) -> str | None:
    """Strip blanks, fold full-width characters, upper-case; None for empty."""
    if value is None:
        return None
    import unicodedata

    text = unicodedata.normalize("NFKC", str(value)).strip().upper().replace(" ", "")
    return text or None


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 organisation-code check character (positions 9–17 of a USCC)."""
    total = sum(ORG_CHARS.index(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def uscc_structure_ok(value: object) -> bool:
    """18 characters of the USCC alphabet in the right places (check char not verified)."""
    code = clean_code(value)
    return bool(code and USCC_RE.match(code))


def uscc_valid(value: object) -> bool:
    """Structure and GB 32100 check character (pos 18). The embedded org-code check is not
    required: real registries contain codes whose org part fails GB 11714."""
    code = clean_code(value)
    if not code or not USCC_RE.match(code):
        return False
    return uscc_check_char(code[:17]) == code[17]


# --- ID number (GB 11643-1999) --------------------------------------------------------------
ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_birth_date(value: object) -> date | None:
    code = clean_code(value)
    if not code or not ID_RE.match(code):
        return None
    try:
        return date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return None


def id_area_code(value: object) -> str | None:
    code = clean_code(value)
    return code[:6] if code and ID_RE.match(code) else None


def id_structure_ok(value: object) -> bool:
    code = clean_code(value)
    return bool(code and ID_RE.match(code))


def id_valid(value: object, *, today: date | None = None) -> bool:
    """Structure, a real birth date (1900 … today) and the GB 11643 check digit.

    The address code is checked separately (`area_code_valid`), because old ID cards carry
    codes that have since been withdrawn from GB/T 2260."""
    code = clean_code(value)
    if not code or not ID_RE.match(code):
        return False
    born = id_birth_date(code)
    if born is None or born.year < 1900 or born > (today or date.today()):
        return False
    return id_check_char(code[:17]) == code[17]


# --- VIN (ISO 3779) -------------------------------------------------------------------------
VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")  # no I O Q


def vin_check_char(vin: str) -> str:
    total = sum(VIN_VALUES[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True))
    r = total % 11
    return "X" if r == 10 else str(r)


def vin_valid(value: object) -> bool:
    code = clean_code(value)
    if not code or not VIN_RE.match(code):
        return False
    return vin_check_char(code) == code[8]


# --- Area codes (GB/T 2260) -----------------------------------------------------------------
def _read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def area_codes() -> dict[str, str]:
    """6-digit county-level code → name, from the shipped NBS 2023 list."""
    return {r["code"]: r["name"] for r in _read_csv("areas.csv")}


@cache
def city_codes() -> dict[str, str]:
    return {r["code"]: r["name"] for r in _read_csv("cities.csv")}


@cache
def province_codes() -> dict[str, str]:
    return {r["code"]: r["name"] for r in _read_csv("provinces.csv")}


def area_code_valid(value: object) -> bool:
    """A 6-digit code that is a real county/district code, or a prefecture (xxxx00) or
    province (xx0000) code of the list."""
    code = clean_code(value)
    if not code or not re.fullmatch(r"\d{6}", code):
        return False
    if code in area_codes():
        return True
    if code.endswith("0000"):
        return code[:2] in province_codes()
    if code.endswith("00"):
        return code[:4] in city_codes()
    return False


def area_name(value: object) -> str | None:
    code = clean_code(value)
    if not code:
        return None
    return area_codes().get(code) or city_codes().get(code[:4]) or province_codes().get(code[:2])


# Province names → code, for exports that write 辽宁 / 辽宁省 / 内蒙古自治区 instead of 21.
def province_code_of(value: object) -> str | None:
    """'21', '210000', '辽宁', '辽宁省', '辽' → '21'; None when not a province."""
    text = clean_code(value)
    if not text:
        return None
    if re.fullmatch(r"\d{2}", text):
        return text if text in province_codes() else None
    if re.fullmatch(r"\d{2}0000", text):
        return text[:2] if text[:2] in province_codes() else None
    for code, name in province_codes().items():
        short = re.sub(r"(省|市|自治区|壮族|回族|维吾尔)+$", "", name)
        short = re.sub(r"(壮族|回族|维吾尔)$", "", short)
        if text in (name, short):
            return code
    from models.plates import PROVINCE_ABBR

    return PROVINCE_ABBR.get(text)
