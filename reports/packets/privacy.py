"""Apply the masking policy of models/leads/privacy.py with the reports.safe helpers."""

from __future__ import annotations

from models.leads.privacy import PERSONAL_SUBJECT_KINDS, is_id_number

__all__ = [
    "is_id_number",
    "mask_key",
    "mask_keys",
    "scrub",
    "qualification_no",
    "driver_name",
    "driver_id",
]
from reports.safe import mask_free_text, mask_id, mask_name


def mask_key(key: str, kind: str | None) -> str:
    """Subject keys: driver ids (and anything shaped like an ID number) are masked."""
    if kind in PERSONAL_SUBJECT_KINDS or is_id_number(key):
        return mask_id(key) or ""
    return key


def mask_keys(keys, kind: str | None) -> list[str]:
    return [mask_key(str(k), kind) for k in keys or []]


def scrub(text: str | None) -> str | None:
    """Free text: ID and phone numbers inside are masked."""
    return mask_free_text(text) if text else text


def qualification_no(value: str | None) -> str | None:
    """从业资格证号 stays in clear in 抄告 (§44) unless it is an ID number."""
    return mask_id(value) if is_id_number(value) else value


def driver_name(value: str | None, *, in_notice: bool) -> str | None:
    return value if in_notice else mask_name(value)


def driver_id(value: str | None) -> str | None:
    return mask_id(value) if value else None
