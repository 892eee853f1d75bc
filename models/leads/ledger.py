"""Lead ledger rules: status lifecycle, re-send and limitation (pure).

Lifecycle (ERRU NCR analogue, prior-art §3.3): new → sent → acknowledged →
confirmed / penalized / unfounded / duplicate; any open lead whose newest evidence is older
than the two-year limitation (行政处罚法第三十六条, R34) is `retired` with a reason. A lead is
sent when it is new, or when it gained evidence since it was last sent; never otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from models.leads import config as cfg

STATUSES = (
    "new",
    "sent",
    "acknowledged",
    "confirmed",
    "penalized",
    "unfounded",
    "duplicate",
    "retired",
)
ANSWERED = frozenset({"confirmed", "penalized", "unfounded", "duplicate"})
HITS = frozenset({"confirmed", "penalized"})
OUTCOME_STATUS = {
    "confirmed": "confirmed",
    "penalized": "penalized",
    "unfounded": "unfounded",
    "duplicate": "duplicate",
    "pending": "acknowledged",
}
OUTCOME_ALIASES = {
    "查实": "confirmed",
    "已处罚": "penalized",
    "处罚": "penalized",
    "不实": "unfounded",
    "重复": "duplicate",
    "办理中": "pending",
}
STALE_REASON = "超过二年未被发现，依照《行政处罚法》第三十六条不再给予行政处罚（R34），线索退出"
PENALTY_DECISIONS = frozenset({"fine", "warning", "revoke", "suspend"})

_RANK = {s: i for i, s in enumerate(STATUSES)}


def normalise_outcome(value: str | None) -> str | None:
    text = (value or "").strip()
    text = OUTCOME_ALIASES.get(text, text.lower())
    return text if text in OUTCOME_STATUS else None


def apply_outcome(status: str, outcome: str) -> str:
    """Status after a feedback outcome; `pending` never reopens an answered lead and
    `confirmed` never downgrades `penalized`."""
    target = OUTCOME_STATUS[outcome]
    if target == "acknowledged" and status in ANSWERED:
        return status
    if status == "penalized" and target == "confirmed":
        return status
    return target


def case_outcome(decision: str | None) -> str:
    """A case carrying a lead_id closes the lead: a sanction → penalized, else confirmed
    (不予处罚 under 行政处罚法第三十三条 still means the violation was found)."""
    return "penalized" if (decision or "") in PENALTY_DECISIONS else "confirmed"


def is_stale(last_evidence_at: date | datetime | None, as_of: date) -> bool:
    if last_evidence_at is None:
        return False
    last = last_evidence_at.date() if isinstance(last_evidence_at, datetime) else last_evidence_at
    try:
        limit = as_of.replace(year=as_of.year - cfg.LIMITATION_YEARS)
    except ValueError:  # 29 February
        limit = as_of.replace(year=as_of.year - cfg.LIMITATION_YEARS, day=28)
    return last < limit


def needs_sending(row: Mapping[str, Any], run_date: date) -> bool:
    """New leads, and earlier leads with evidence added since they were last sent."""
    if not row.get("is_current") or row["status"] == "retired":
        return False
    if row.get("last_sent_on") == run_date:
        return True  # re-building today's packet gives the same packet
    return row["status"] == "new" or (row.get("new_evidence_count") or 0) > 0


def reconcile(
    existing: Mapping[tuple[str, str], Mapping[str, Any]],
    current: Iterable[Mapping[str, Any]],
    as_of: date,
) -> tuple[list[dict], list[dict]]:
    """Merge this run's routed leads into the ledger. Returns (ledger rows, history events)."""
    rows: dict[tuple[str, str], dict] = {k: dict(v) for k, v in existing.items()}
    for row in rows.values():
        if row.get("item_kind", "lead") == "lead":
            row["is_current"] = False
    events: list[dict] = []
    for lead in current:
        key = (lead["lead_id"], lead["receiving_province"])
        old = rows.get(key)
        evidence = sorted(
            set(lead["evidence_record_ids"]) | set((old or {}).get("evidence_record_ids") or [])
        )
        new = {
            "lead_id": key[0],
            "receiving_province": key[1],
            "item_kind": "lead",
            "lead_type": lead["lead_type"],
            "lead_types": list(lead["lead_types"]),
            "subject_kind": lead["subject_kind"],
            "subject_keys": list(lead["subject_keys"]),
            "category": lead["category"],
            "priority": lead["priority"],
            "is_current": True,
            "evidence_record_ids": evidence,
            "last_evidence_at": lead.get("last_evidence_at"),
            "last_seen_on": as_of,
        }
        if old is None:
            new.update(
                status="new",
                status_reason="首次发现",
                first_seen_on=as_of,
                sent_evidence_ids=[],
                last_sent_on=None,
                first_sent_on=None,
                times_sent=0,
                outcome=None,
                answered_at=None,
                case_id=None,
                penalty_yuan=None,
                retired_on=None,
            )
            events.append(_event(key, None, "new", "pipeline", as_of, "首次发现"))
        else:
            new = {**old, **new}
            if old["status"] == "retired" and not is_stale(new["last_evidence_at"], as_of):
                new.update(status="new", status_reason="出现新证据，重新启用", retired_on=None)
                events.append(_event(key, "retired", "new", "pipeline", as_of, "出现新证据"))
        sent = set(new.get("sent_evidence_ids") or [])
        new["new_evidence_count"] = len(set(evidence) - sent)
        rows[key] = new
    for key, row in rows.items():
        if row["status"] in ("new", "sent", "acknowledged") and is_stale(
            row.get("last_evidence_at"), as_of
        ):
            events.append(_event(key, row["status"], "retired", "pipeline", as_of, STALE_REASON))
            row.update(status="retired", status_reason=STALE_REASON, retired_on=as_of)
    return list(rows.values()), events


def mark_sent(row: dict, run_date: date) -> dict | None:
    """Record a send in the ledger row; returns the history event (None when re-building the
    same run date, which keeps the send reason and added evidence of that send)."""
    if row.get("last_sent_on") == run_date and not row.get("new_evidence_count"):
        return None
    before = row["status"]
    first = not row.get("times_sent")
    sent = set(row.get("sent_evidence_ids") or [])
    row.update(
        status="sent",
        status_reason="已推送" if first else "新增证据后再次推送",
        send_reason="new" if first else "new_evidence",
        added_evidence_ids=[]
        if first
        else sorted(set(row.get("evidence_record_ids") or []) - sent),
        last_sent_on=run_date,
        first_sent_on=row.get("first_sent_on") or run_date,
        times_sent=(row.get("times_sent") or 0) + 1,
        sent_evidence_ids=list(row.get("evidence_record_ids") or []),
        new_evidence_count=0,
    )
    key = (row["lead_id"], row["receiving_province"])
    return _event(key, before, "sent", "pipeline", run_date, row["status_reason"])


def _event(key, before, after, source, on, note) -> dict:
    return {
        "lead_id": key[0],
        "receiving_province": key[1],
        "from_status": before,
        "to_status": after,
        "source": source,
        "on_date": on,
        "note": note,
    }
