"""Licence plates and plate colours (GA 36-2018; domain-reference §5.1, R40, R45).

`normalise_plate` turns what a camera or a clerk typed into the canonical form used as the
vehicle key everywhere (`plate|colour`): half-width, upper case, no blanks or dots, trailing
colour word split off, O/I read as 0/1 where GA 36 never uses those letters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from data_contracts.regions import PROVINCE_ABBR as PROVINCE_ABBR

# 发牌机关代号 of the four collaborating provinces (§5.1, V2)
PLATE_CITIES: dict[str, str] = {
    "辽A": "沈阳", "辽B": "大连", "辽C": "鞍山", "辽D": "抚顺", "辽E": "本溪", "辽F": "丹东",
    "辽G": "锦州", "辽H": "营口", "辽J": "阜新", "辽K": "辽阳", "辽L": "盘锦", "辽M": "铁岭",
    "辽N": "朝阳", "辽P": "葫芦岛",
    "吉A": "长春", "吉B": "吉林", "吉C": "四平", "吉D": "辽源", "吉E": "通化", "吉F": "白山",
    "吉G": "白城", "吉H": "延边州", "吉J": "松原", "吉K": "长白朝鲜族自治县",
    "黑A": "哈尔滨", "黑B": "齐齐哈尔", "黑C": "牡丹江", "黑D": "佳木斯", "黑E": "大庆",
    "黑F": "伊春", "黑G": "鸡西", "黑H": "鹤岗", "黑J": "双鸭山", "黑K": "七台河",
    "黑L": "原松花江地区", "黑M": "绥化", "黑N": "黑河", "黑P": "大兴安岭", "黑R": "农垦系统",
    "蒙A": "呼和浩特", "蒙B": "包头", "蒙C": "乌海", "蒙D": "赤峰", "蒙E": "呼伦贝尔",
    "蒙F": "兴安盟", "蒙G": "通辽", "蒙H": "锡林郭勒盟", "蒙J": "乌兰察布", "蒙K": "鄂尔多斯",
    "蒙L": "巴彦淖尔", "蒙M": "阿拉善盟",
}  # fmt: skip

_P = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_PATTERNS: dict[str, re.Pattern[str]] = {
    # R40 (GA 36-2018 via public regexes)
    "ordinary": re.compile(rf"^[{_P}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4}}[A-HJ-NP-Z0-9挂学警港澳]$"),
    "nev_small": re.compile(rf"^[{_P}][A-HJ-NP-Z][DABCEFGHJK][A-HJ-NP-Z0-9]\d{{4}}$"),
    "nev_large": re.compile(rf"^[{_P}][A-HJ-NP-Z]\d{{5}}[DABCEFGHJK]$"),
}

# Text that `normalise_plate` returns unchanged, readable, valid and without a colour word: the
# union of PLATE_PATTERNS with ASCII digits only (`\d` also matches full-width digits, which the
# NFKC fold would change) and no trailing newline (Python's `$` accepts one). For engines whose
# `$` is the end of the text (Rust regex: Polars, DuckDB); ingestion's vectorised fast path.
CANONICAL_PLATE = (
    rf"^[{_P}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{{4}}[A-HJ-NP-Z0-9挂学警港澳]"
    r"|[DABCEFGHJK][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DABCEFGHJK])$"
)

UNREADABLE = {"", "未识别", "无牌", "无车牌", "无号牌", "未知", "车牌", "无", "未上牌", "识别失败", "NULL",
              "NONE", "NAN", "-", "--", "0", "00000000", "*", "UNKNOWN"}  # fmt: skip

COLOURS = ("蓝", "黄", "黑", "白", "绿", "黄绿")

# Colour words (folded) → canonical colour word.
COLOUR_WORDS: dict[str, str] = {
    "蓝": "蓝", "蓝色": "蓝", "蓝牌": "蓝", "BLUE": "蓝",
    "黄": "黄", "黄色": "黄", "黄牌": "黄", "YELLOW": "黄", "农黄": "黄", "农黄色": "黄",
    "黑": "黑", "黑色": "黑", "黑牌": "黑", "BLACK": "黑",
    "白": "白", "白色": "白", "白牌": "白", "WHITE": "白",
    "绿": "绿", "绿色": "绿", "绿牌": "绿", "渐变绿": "绿", "渐变绿色": "绿", "GREEN": "绿",
    "农绿": "绿", "农绿色": "绿",
    "黄绿": "黄绿", "黄绿色": "黄绿", "黄绿双拼": "黄绿", "黄绿双拼色": "黄绿",
    "YELLOWGREEN": "黄绿", "YELLOW_GREEN": "黄绿",
}  # fmt: skip

# Numeric code sets (R45). Plate-colour codes differ by feed; a contract or feed config picks one.
COLOUR_CODE_SETS: dict[str, dict[str, str | None]] = {
    # INTERFACES §2 (the project's landing contract): 1 蓝 2 黄 3 黑 4 白 5 绿 6 黄绿
    "xiansuo": {"1": "蓝", "2": "黄", "3": "黑", "4": "白", "5": "绿", "6": "黄绿", "9": None,
                "0": None},
    # JT/T 697.7-2014 / JT/T 415 表42 / JT/T 808 (0 = 未上牌, 9 = 其他)
    "jtt697": {"1": "蓝", "2": "黄", "3": "黑", "4": "白", "5": "绿", "9": None, "0": None},
    # 网络货运信息交互系统 extension
    "nfp": {"1": "蓝", "2": "黄", "3": "黑", "4": "白", "5": "绿", "9": None, "91": "黄",
            "92": "绿", "93": "黄绿", "94": "绿"},
    # toll / ETC records
    "etc": {"0": "蓝", "1": "黄", "2": "黑", "3": "白", "4": "绿", "5": "黄绿", "6": None,
            "7": None, "11": "绿", "12": None},
}  # fmt: skip

_STRIP = re.compile(r"[\s·•・.．\-_—()（）\[\]【】'\"]+")
_TRAILING_COLOUR = re.compile(
    r"^(?P<plate>.+?)[(（\[【]?(?P<colour>黄绿双拼色?|黄绿色?|渐变绿色?|农黄色?|农绿色?|"
    r"[蓝黄黑白绿]色?)(牌)?[)）\]】]?$"
)


def _fold(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().upper()


@lru_cache(maxsize=100_000)
def normalise_plate_color(value: object, code_set: str = "xiansuo") -> str | None:
    """Colour word or numeric code → '蓝','黄','黑','白','绿','黄绿'; None when unknown."""
    if value is None:
        return None
    text = re.sub(r"\s+", "", _fold(value))
    if not text:
        return None
    if text in COLOUR_WORDS:
        return COLOUR_WORDS[text]
    if re.fullmatch(r"\d+(\.0+)?", text):
        code = str(int(float(text)))
        return COLOUR_CODE_SETS[code_set].get(code)
    return None


@dataclass(frozen=True)
class Plate:
    plate: str | None  # normalised, None when unreadable
    colour: str | None  # colour word found in the plate text itself (e.g. '辽A12345黄')
    readable: bool
    valid: bool  # matches a GA 36-2018 pattern

    @property
    def province(self) -> str | None:
        return plate_province(self.plate)


@lru_cache(maxsize=1_000_000)
def normalise_plate(value: object) -> Plate:
    """Canonical plate text, the colour word it carried, readability and GA 36 validity.

    >>> normalise_plate("辽Ａ·１２３４５黄")
    Plate(plate='辽A12345', colour='黄', readable=True, valid=True)
    """
    if value is None:
        return Plate(None, None, False, False)
    text = _fold(value)
    if text in UNREADABLE:
        return Plate(None, None, False, False)
    text = _STRIP.sub("", text)
    colour = None
    m = _TRAILING_COLOUR.match(text)
    if m and len(m.group("plate")) >= 6:
        colour = COLOUR_WORDS.get(m.group("colour"))
        text = m.group("plate")
    text = _STRIP.sub("", text)
    if text in UNREADABLE or len(text) < 3:
        return Plate(None, colour, False, False)
    # GA 36 never uses I or O after the issuing-authority letter: read them as 1 and 0.
    text = text[:2] + text[2:].replace("O", "0").replace("I", "1")
    return Plate(text, colour, True, plate_valid(text))


def plate_valid(plate: str | None) -> bool:
    return bool(plate) and any(p.match(plate) for p in PLATE_PATTERNS.values())


def plate_kind(plate: str | None) -> str | None:
    """'ordinary' | 'nev_small' | 'nev_large' | 'trailer' | None (invalid)."""
    if not plate:
        return None
    if PLATE_PATTERNS["nev_large"].match(plate):
        return "nev_large"
    if PLATE_PATTERNS["nev_small"].match(plate):
        return "nev_small"
    if PLATE_PATTERNS["ordinary"].match(plate):
        return "trailer" if plate.endswith("挂") else "ordinary"
    return None


def plate_province(plate: str | None) -> str | None:
    """Registration province code from the first character ('辽A12345' → '21')."""
    return PROVINCE_ABBR.get(plate[0]) if plate else None


def plate_city(plate: str | None) -> str | None:
    """Issuing city for the four collaborating provinces ('辽B…' → '大连'), else None."""
    return PLATE_CITIES.get(plate[:2]) if plate and len(plate) >= 2 else None


def plate_key(plate: str | None, colour: str | None) -> str | None:
    """THE vehicle key: 'plate|colour' (colour '' when unknown), None when no plate."""
    return None if plate is None else f"{plate}|{colour or ''}"
