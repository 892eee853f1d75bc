"""Priority, rank, category and merging of findings into leads."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.leads.category import lead_category
from models.leads.merge import build_leads, legal_basis, routed_rows
from models.leads.priority import conservative_risk, priority, rank_key


def test_legal_trigger_outranks_everything_else():
    weakest_legal = priority(True, 0.0, 0.0, 0.0, 0.0)
    strongest_signal = priority(False, 1.0, 1.0, 1.0, 1.0)
    assert weakest_legal.score == 51 and strongest_signal.score == 49
    assert priority(True, 1.0, 1.0, 1.0, 1.0).score == 100


def test_order_severity_then_risk_then_gang_then_cross():
    base = priority(False, 0.5, 0.5, 0.0, 0.0).score
    assert priority(False, 0.6, 0.5, 0.0, 0.0).score > priority(False, 0.5, 0.6, 0.0, 0.0).score
    assert priority(False, 0.5, 0.5, 1.0, 0.0).score > priority(False, 0.5, 0.5, 0.0, 1.0).score
    assert priority(False, 0.5, 0.5, 0.0, 1.0).score > base


def test_uncertainty_lowers_the_risk_counted():
    assert conservative_risk(0.8, 0.5, 0.9) == 0.5
    assert conservative_risk(0.8, None, None) == pytest.approx(0.6)
    assert conservative_risk(None, None, None) == 0.0


def test_priority_explanation_is_chinese():
    text = priority(True, 0.8, 0.2, 1.0, 0.0).explain()
    assert text.startswith("优先级") and "法定情形" in text


def _lead(lid, prio, legal=True, sev=0.5):
    return {"lead_id": lid, "priority": prio, "legal_trigger": legal, "severity": sev,
            "risk_conservative": 0.0, "lead_types": ["x"], "evidence_record_ids": []}  # fmt: skip


def test_rank_ties_break_deterministically_on_lead_id():
    rows = [_lead("XSB", 60), _lead("XSA", 60), _lead("XSC", 70)]
    assert [r["lead_id"] for r in sorted(rows, key=rank_key)] == ["XSC", "XSA", "XSB"]


def test_category_precedence():
    assert lead_category(["vehicle_repeat"], False) == "突出违法乱象"
    assert lead_category(["vehicle_repeat"], True) == "跨省车籍源头"
    assert lead_category(["vehicle_repeat", "convoy"], True) == "团伙性质"
    assert lead_category(["convoy", "passenger_hazmat_operator"], False) == "重大隐患"
    assert lead_category(["source_overloading"], False) == "跨省车籍源头"


def test_legal_basis_union_keeps_order():
    assert legal_basis(["甲；乙", "乙;丙", None]) == "甲；乙；丙"


def finding(lead_type, kind, keys, evidence, provs=None, **kw):
    return {"finding_key": f"{lead_type}:{'+'.join(keys)}", "lead_type": lead_type,
            "subject_kind": kind, "subject_keys": keys, "subject_provinces": provs or [],
            "origin_provinces": sorted({e.split(":")[0] for e in evidence}),
            "legal_trigger": kw.get("legal", True), "severity": kw.get("severity", 0.7),
            "risk_score": None, "risk_lo": None, "risk_hi": None,
            "legal_basis": "《公路安全保护条例》第六十六条", "evidence_record_ids": evidence,
            "first_evidence_at": datetime(2026, 1, 1), "last_evidence_at": datetime(2026, 5, 1),
            "explanation": kw.get("explanation", "近12个月超限5次。"), "explanation_en": "x"}  # fmt: skip


def test_findings_on_one_subject_merge_into_one_lead():
    leads = build_leads(
        [
            finding("vehicle_repeat", "vehicle", ["辽A1|黄"], ["21:1", "22:2"], ["21"]),
            finding("cloned_plate", "vehicle", ["辽A1|黄"], ["22:3"], ["21"], legal=False),
            finding("vehicle_repeat", "vehicle", ["吉B2|黄"], ["22:4"], ["22"]),
        ],
        as_of=date(2026, 6, 1),
    )
    assert len(leads) == 2
    merged = next(lead for lead in leads if lead["subject_keys"] == ["辽A1|黄"])
    assert merged["lead_types"] == ["vehicle_repeat", "cloned_plate"]
    assert merged["evidence_record_ids"] == ["21:1", "22:2", "22:3"]
    assert merged["gang_member"] and merged["category"] == "团伙性质"
    assert "命中2项线索" in merged["explanation"] and "辽宁、吉林" in merged["explanation"]
    assert "（1）车辆一年内违法超限超过3次：近12个月超限5次" in merged["explanation"]


def test_group_lead_has_member_routes_and_one_rank_per_province():
    leads = build_leads(
        [
            finding("convoy", "group", ["辽A1|黄", "吉B2|黄"], ["21:1", "22:2"], ["21", "22"],
                    legal=False),
            finding("vehicle_repeat", "vehicle", ["吉B2|黄"], ["22:4"], ["22"]),
        ]
    )  # fmt: skip
    rows = routed_rows(leads)
    convoy = [r for r in rows if r["subject_kind"] == "group"]
    assert {r["receiving_province"] for r in convoy} == {"21", "22"}
    assert {r["lead_id"] for r in convoy} == {convoy[0]["lead_id"]}
    ranks = {(r["receiving_province"], r["rank"]) for r in rows}
    assert ranks == {("21", 1), ("22", 1), ("22", 2)}


def test_staging_resolution_beats_finding_provinces():
    [lead] = build_leads(
        [finding("vehicle_repeat", "vehicle", ["辽A1|黄"], ["22:1"], ["22"])], {"辽A1|黄": "21"}
    )
    assert lead["routes"][0].receiving_province == "21"
