"""Identifier builders with check digits: USCC (GB 32100), ID number (GB 11643), VIN (ISO 3779),
licence plates (GA 36-2018). Own helpers for generation; validation lives in data_contracts."""

from __future__ import annotations

import numpy as np

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
ID_CHECK = "10X98765432"
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # no I, O
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "0123456789"


def _draw(rng: np.random.Generator, chars: str, n: int) -> str:
    return "".join(chars[i] for i in rng.integers(0, len(chars), n).tolist())


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    total = sum(ORG_CHARS.index(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def make_uscc(rng: np.random.Generator, area_code: str, valid: bool = True) -> str:
    """91 + area + 9-char org code (with its own check) + USCC check char."""
    org8 = _draw(rng, USCC_CHARS, 8)
    org = org8 + org_check_char(org8)
    body = "91" + area_code + org
    check = uscc_check_char(body)
    if not valid:
        check = USCC_CHARS[(USCC_CHARS.index(check) + 1 + int(rng.integers(0, 29))) % 31]
    return body + check


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def make_id_number(rng: np.random.Generator, area_code: str, valid: bool = True) -> str:
    year = int(rng.integers(1965, 2001))
    month = int(rng.integers(1, 13))
    day = int(rng.integers(1, 29))
    seq = f"{int(rng.integers(0, 1000)):03d}"
    body = f"{area_code}{year:04d}{month:02d}{day:02d}{seq}"
    check = id_check_char(body)
    if not valid:
        check = ID_CHECK[(ID_CHECK.index(check) + 1 + int(rng.integers(0, 9))) % 11]
    return body + check


def vin_check_char(vin: str) -> str:
    total = sum(VIN_VALUES[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True))
    r = total % 11
    return "X" if r == 10 else str(r)


WMIS = ["LFW", "LZZ", "LGA", "LFN", "LRD", "LJ1", "LZG", "LDP"]  # FAW, Sinotruk, Dongfeng, ...


def make_vin(rng: np.random.Generator, year_code: str = "N", valid: bool = True) -> str:
    wmi = WMIS[int(rng.integers(0, len(WMIS)))]
    vds = _draw(rng, VIN_CHARS, 5)
    serial = _draw(rng, DIGITS, 6)
    plant = VIN_CHARS[int(rng.integers(0, 23))]
    vin = wmi + vds + "0" + year_code + plant + serial
    check = vin_check_char(vin)
    if not valid:
        check = "0123456789X"[("0123456789X".index(check) + 1 + int(rng.integers(0, 10))) % 11]
    return vin[:8] + check + vin[9:]


def make_plate_serial(rng: np.random.Generator, kind: str = "ordinary") -> str:
    """Five characters after '<省><市>'; NEV large = 5 digits + energy letter (6 chars)."""
    if kind == "nev_large":
        return _draw(rng, DIGITS, 5) + "DF"[int(rng.integers(0, 2))]
    if kind == "trailer":
        letter = PLATE_LETTERS[int(rng.integers(0, len(PLATE_LETTERS)))]
        return letter + _draw(rng, DIGITS, 3) + "挂"
    n_letters = int(rng.choice([0, 1, 2], p=[0.5, 0.35, 0.15]))
    chars = [PLATE_LETTERS[int(rng.integers(0, 24))] for _ in range(n_letters)]
    chars += [DIGITS[int(rng.integers(0, 10))] for _ in range(5 - n_letters)]
    order = rng.permutation(5)
    return "".join(chars[i] for i in order)


def waybill_ids(trip: np.ndarray, prov: np.ndarray) -> np.ndarray:
    return np.array([f"YD{p}{t:08d}" for t, p in zip(trip, prov, strict=True)], dtype=object)
