"""Build the packet dict for one receiving province (masked, JSON-ready)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from models.leads.config import REGION
from reports.packets import privacy

DECISION_NAMES = {
    "warning": "警告",
    "fine": "罚款",
    "no_penalty": "不予处罚",
    "revoke": "吊销",
    "suspend": "停业整顿",
}
EVIDENCE_DETAIL_LIMIT = 200  # evidence records described per lead (ids: all of them)
PRIVACY_NOTE = (
    "本推送包依照《个人信息保护法》处理：身份证号、手机号一律脱敏；人员姓名仅在抄告信息中"
    "按《超限运输车辆行驶公路管理规定》第四十四条列明驾驶人姓名，其他位置仅保留姓氏。"
    "线索仅供核查，不作为处罚决定。"
)


def jsonable(value: Any) -> Any:
    """Dates → ISO strings, Decimals → floats, containers recursively."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def packet_lead(lead: Mapping[str, Any], evidence: Mapping[str, Mapping[str, Any]]) -> dict:
    reasons = lead["reasons"]
    reasons = json.loads(reasons) if isinstance(reasons, str) else reasons
    kind = lead["member_kind"] if lead["subject_kind"] == "group" else lead["subject_kind"]
    ev = [dict(evidence[r]) for r in lead["evidence_record_ids"] if r in evidence]
    ev += [
        {"rid": r, "kind": "other", "at": None, "province": r.split(":", 1)[0]}
        for r in lead["evidence_record_ids"]
        if r not in evidence
    ]
    ev.sort(key=lambda e: (str(e.get("at") or ""), e["rid"]))
    total = len(ev)
    ev = ev[-EVIDENCE_DETAIL_LIMIT:]  # the most recent; evidence_record_ids stays complete
    for e in ev:
        e["detail"] = privacy.scrub(e.get("detail"))
    return {
        "lead_id": lead["lead_id"],
        "rank": int(lead["rank"]),
        "priority": int(lead["priority"]),
        "priority_explanation": lead["priority_explanation"],
        "lead_type": lead["lead_type"],
        "lead_types": list(lead["lead_types"]),
        "category": lead["category"],
        "subject_kind": lead["subject_kind"],
        "subject_keys": privacy.mask_keys(lead["subject_keys"], kind),
        "subject_names": [
            privacy.driver_name(n, in_notice=False)
            if kind == "driver" or privacy.is_id_number(k)
            else n
            for k, n in zip(lead["subject_keys"], lead.get("subject_names") or [], strict=False)
        ],
        "member_share": privacy.mask_keys(lead.get("member_share") or [], kind),
        "member_total": int(lead.get("member_total") or len(lead["subject_keys"])),
        "external_registration": bool(lead["external_registration"]),
        "registration_provinces": [p for p in lead["registration_provinces"] if p],
        "origin_provinces": list(lead["origin_provinces"]),
        "legal_trigger": bool(lead["legal_trigger"]),
        "legal_basis": lead["legal_basis"] or "",
        "explanation": privacy.scrub(lead["explanation"]),
        "status": lead["status"],
        "send_reason": lead["send_reason"],
        "first_seen_on": lead["first_seen_on"],
        "first_evidence_at": lead.get("first_evidence_at"),
        "last_evidence_at": lead.get("last_evidence_at"),
        "evidence_record_ids": list(lead["evidence_record_ids"]),
        "new_evidence_record_ids": list(lead.get("new_evidence_record_ids") or []),
        "evidence_total": total,
        "evidence": ev,
        "reasons": [
            {
                "lead_type": r["lead_type"],
                "lead_type_name": r["lead_type_name"],
                "legal_trigger": bool(r["legal_trigger"]),
                "severity": float(r["severity"]),
                "risk_score": r.get("risk_score"),
                "legal_basis": r.get("legal_basis") or "",
                "explanation": privacy.scrub(r.get("explanation") or ""),
                "evidence_count": int(r.get("evidence_count") or 0),
            }
            for r in reasons
        ],
    }


def packet_notice(n: Mapping[str, Any]) -> dict:
    """抄告 notice with the 超限规定第四十四条 fields."""
    return {
        "notice_id": n["notice_id"],
        "case_id": n["case_id"],
        "case_rid": n["case_rid"],
        "lead_id": n.get("lead_id"),
        "handling_province": n["handling_province"],
        "agency": n.get("agency"),
        "decided_on": n["decided_on"],
        "due_on": n["due_on"],
        "overdue": bool(n["overdue"]),
        "external_registration": bool(n["external_registration"]),
        "vehicle": {
            "plate": n.get("plate"),
            "plate_color": n.get("plate_color"),
            "vehicle_type": n.get("vehicle_type"),
            "operator_name": n.get("operator_name"),
            "operator_uscc": n.get("operator_uscc"),
            "transport_cert_no": n.get("transport_cert_no"),
            "registered_province": n.get("registered_province"),
        },
        "driver": {
            "name": privacy.driver_name(n.get("driver_name"), in_notice=True),
            "qualification_no": privacy.qualification_no(n.get("qualification_no")),
            "qualification_class": n.get("qualification_class"),
            "employer_name": n.get("employer_name"),
            "employer_uscc": n.get("employer_uscc"),
            "driver_id_masked": privacy.driver_id(n.get("driver_id")),
        },
        "source": {
            "source_id": n.get("source_id"),
            "name": n.get("source_name"),
            "waybill_id": n.get("waybill_id"),
            "cargo": n.get("cargo"),
            "declared_kg": None if n.get("declared_kg") is None else int(n["declared_kg"]),
            "loaded_at": n.get("loaded_at"),
        },
        "decision": {
            "decision": n.get("decision"),
            "decision_name": DECISION_NAMES.get(n.get("decision") or "", n.get("decision")),
            "penalty_yuan": None if n.get("penalty_yuan") is None else float(n["penalty_yuan"]),
            "violation_code": n.get("violation_code"),
            "violation_name": n.get("violation_name"),
            "occurred_at": n.get("occurred_at"),
            "excess_kg": None if n.get("excess_kg") is None else int(n["excess_kg"]),
            "excess_pct": None if n.get("excess_pct") is None else float(n["excess_pct"]),
        },
    }


def assemble_packet(
    province: str,
    run_date: date,
    leads: Iterable[Mapping[str, Any]],
    evidence: Mapping[str, Mapping[str, Any]],
    notices: Iterable[Mapping[str, Any]] = (),
    controls: Iterable[tuple[str, str]] = (),
    generated_at: datetime | None = None,
) -> dict:
    items = [packet_lead(lead, evidence) for lead in sorted(leads, key=lambda r: r["rank"])]
    notice_items = [packet_notice(n) for n in sorted(notices, key=lambda n: n["notice_id"])]
    control_items = [
        {
            "control_id": cid,
            "plate_key": key,
            "note": "随机对照抽查：该车无线索，请按常规检查并反馈结果",
        }
        for cid, key in sorted(controls)
    ]
    packet = {
        "schema_version": "1.0",
        "packet_id": f"{province}-{run_date.isoformat()}",
        "receiving_province": province,
        "receiving_province_name": REGION[province],
        "run_date": run_date,
        "generated_at": generated_at or datetime.combine(run_date, datetime.min.time()),
        "summary": {
            "leads": len(items),
            "copy_notices": len(notice_items),
            "control_items": len(control_items),
            "by_category": dict(sorted(Counter(i["category"] for i in items).items())),
            "by_lead_type": dict(sorted(Counter(i["lead_type"] for i in items).items())),
        },
        "leads": items,
        "copy_notices": notice_items,
        "control_items": control_items,
        "privacy_note": PRIVACY_NOTE,
    }
    return jsonable(packet)
