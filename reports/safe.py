"""Neutralise hostile values and mask personal information in every output.

Data values are data, never code: a cell that starts with a spreadsheet formula trigger is
prefixed with an apostrophe, file names built from data are reduced to a safe alphabet, and
personal identifiers (个人信息保护法) are masked before they reach a packet or a report.
HTML escaping is left to Jinja2's autoescape.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_UNSAFE_FILENAME = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff._-]+")
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([0-9Xx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def neutralise_cell(value: object) -> object:
    """Return a value that a spreadsheet will show as text, never evaluate.

    Strings starting with ``= + - @`` (or a tab / carriage return) get a leading apostrophe,
    except plain numbers such as ``-12.5``, which stay numbers.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_filename(value: str, *, max_len: int = 80) -> str:
    """A file-name component built from a data value: no separators, no dots-only, bounded."""
    text = unicodedata.normalize("NFKC", str(value))
    text = _UNSAFE_FILENAME.sub("_", text).strip("._")
    if not text:
        text = "x"
    if len(text) > max_len:
        digest = hashlib.sha256(str(value).encode()).hexdigest()[:8]
        text = f"{text[: max_len - 9]}_{digest}"
    return text


def mask_id(value: str | None) -> str | None:
    """Mask an 18-character ID number: keep the 6-digit area code and the last 4 characters."""
    if value is None:
        return None
    text = str(value).strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(value: str | None) -> str | None:
    """Mask a phone number: keep the first 3 and last 4 digits."""
    if value is None:
        return None
    text = str(value).strip()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_name(value: str | None) -> str | None:
    """Mask a person's name: keep the family name (first character)."""
    if value is None:
        return None
    text = str(value).strip()
    if len(text) <= 1:
        return text
    return text[0] + "*" * (len(text) - 1)


def mask_free_text(text: str | None) -> str | None:
    """Mask 18-digit ID numbers and mobile phone numbers that appear inside free text."""
    if text is None:
        return None
    text = _ID18.sub(lambda m: m.group(1) + "*" * 8 + m.group(3) + m.group(4), text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
