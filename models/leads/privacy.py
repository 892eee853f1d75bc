"""Personal information in lead outputs (个人信息保护法): which field is masked how.

Masking itself uses reports.safe (mask_id / mask_phone / mask_name / mask_free_text).

Kept in clear because the receiving agency legally needs them (超限规定第四十四条, R13):
- plates, vehicle type, 道路运输证号, operator name and USCC (legal persons, not personal);
- in 抄告 notices only: the driver's name (§44(二) 驾驶人的姓名) and 从业资格证号 — unless the
  qualification number is itself an ID number (open item 6 of domain-reference), then it is
  masked like one; the agency resolves it through the evidence records (协查, 行政处罚法第二十六条).
Always masked: ID numbers (driver_id, escort_id, driver subject keys) → `210102********1234`;
phones → `138****5678`; names outside 抄告 notices → `张**`. legal_rep and operator phones are
never written. Free text (explanations, notes) is scanned for ID and phone numbers.
"""

from __future__ import annotations

FIELD_POLICY: dict[str, str] = {
    "driver_id": "id",
    "escort_id": "id",
    "phone": "phone",
    "driver_name": "name",
    "legal_rep": "drop",
    "operator_phone": "drop",
    "explanation": "free_text",
    "note": "free_text",
}
NOTICE_CLEAR_FIELDS: frozenset[str] = frozenset({"driver_name", "qualification_no"})
PERSONAL_SUBJECT_KINDS: frozenset[str] = frozenset({"driver"})


def is_id_number(value: str | None) -> bool:
    text = (value or "").strip()
    return len(text) == 18 and text[:17].isdigit() and (text[17].isdigit() or text[17] in "Xx")


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_ok(value: str) -> bool:
    """GB 11643 check digit of an 18-character ID number."""
    if not is_id_number(value):
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def find_unmasked(text: str) -> list[str]:
    """Unmasked personal identifiers in a text: 18-digit ID numbers with a plausible birth
    date or a valid check digit, and 11-digit mobile numbers (used to audit out/leads)."""
    import re

    found = []
    for m in re.finditer(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])", text):
        value = m.group(1)
        born = value[6:14]
        plausible = (
            born[:2] in ("19", "20") and "01" <= born[4:6] <= "12" and "01" <= born[6:] <= "31"
        )
        if plausible or id_check_ok(value):
            found.append(value)
    found += re.findall(r"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])", text)
    return found
