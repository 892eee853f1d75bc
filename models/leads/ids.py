"""Stable lead ids: a deterministic hash, never a random UUID.

The id of a lead about one subject (vehicle, driver, operator, source unit) hashes the
subject kind and key, so a second finding on the same subject (another lead type) joins the
same lead instead of minting a new id. The id of a group lead (convoy, network cluster)
hashes the lead type and the detector's `finding_key`, which carries the cluster signature
(findings contract), so a re-detected cluster keeps its id across runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

PREFIX = "XS"


def _digest(parts: Iterable[str]) -> str:
    text = "\x1f".join(parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16].upper()


def lead_id(lead_type_or_kind: str, subject_keys: Iterable[str]) -> str:
    """`XS` + 16 hex chars of sha256(lead type or subject kind, sorted distinct keys)."""
    keys = sorted({str(k) for k in subject_keys})
    return PREFIX + _digest([lead_type_or_kind, *keys])


def subject_lead_id(subject_kind: str, subject_key: str) -> str:
    return lead_id(subject_kind, [subject_key])


def group_lead_id(lead_type: str, finding_key: str) -> str:
    return lead_id(lead_type, [finding_key])


def control_id(plate_key: str, run_date: str) -> str:
    """Control items are one per vehicle and sampling date."""
    return "XC" + _digest(["control", plate_key, run_date])
