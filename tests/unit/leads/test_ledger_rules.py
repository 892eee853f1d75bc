"""Ledger lifecycle, re-send, R34 limitation, 抄告 working days, control sample."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.leads.control import select_control
from models.leads.deadlines import add_working_days, load_calendar, notice_due, parse_calendar
from models.leads.ledger import (
    apply_outcome,
    case_outcome,
    is_stale,
    mark_sent,
    needs_sending,
    normalise_outcome,
    reconcile,
)
from models.leads.privacy import find_unmasked, id_check_ok

AS_OF = date(2026, 6, 30)


def current(lid="XS1", prov="21", evidence=("21:1",), last=datetime(2026, 6, 1)):
    return {"lead_id": lid, "receiving_province": prov, "lead_type": "vehicle_repeat",
            "lead_types": ["vehicle_repeat"], "subject_kind": "vehicle",
            "subject_keys": ["辽A1|黄"], "category": "突出违法乱象", "priority": 70,
            "evidence_record_ids": list(evidence), "last_evidence_at": last}  # fmt: skip


def test_new_lead_then_sent_then_not_resent_without_new_evidence():
    rows, events = reconcile({}, [current()], AS_OF)
    [row] = rows
    assert row["status"] == "new" and row["first_seen_on"] == AS_OF
    assert needs_sending(row, AS_OF)
    mark_sent(row, AS_OF)
    assert row["status"] == "sent" and row["new_evidence_count"] == 0
    later = date(2026, 7, 1)
    rows, _ = reconcile({("XS1", "21"): row}, [current()], later)
    assert not needs_sending(rows[0], later)
    rows, _ = reconcile({("XS1", "21"): row}, [current(evidence=("21:1", "21:2"))], later)
    assert rows[0]["new_evidence_count"] == 1 and needs_sending(rows[0], later)
    assert rows[0]["first_seen_on"] == AS_OF and rows[0]["last_seen_on"] == later


def test_rebuilding_the_same_day_is_not_a_second_send():
    [row], _ = reconcile({}, [current()], AS_OF)
    assert mark_sent(row, AS_OF) is not None
    assert needs_sending(row, AS_OF) and mark_sent(row, AS_OF) is None
    assert row["times_sent"] == 1


def test_stale_leads_are_retired_r34():
    assert is_stale(datetime(2024, 6, 29), AS_OF)
    assert not is_stale(datetime(2024, 6, 30), AS_OF)
    rows, events = reconcile({}, [current(last=datetime(2024, 1, 1))], AS_OF)
    assert rows[0]["status"] == "retired" and "第三十六条" in rows[0]["status_reason"]
    assert not needs_sending(rows[0], AS_OF)
    assert [e["to_status"] for e in events] == ["new", "retired"]


def test_outcomes():
    assert apply_outcome("sent", "pending") == "acknowledged"
    assert apply_outcome("confirmed", "pending") == "confirmed"
    assert apply_outcome("penalized", "confirmed") == "penalized"
    assert apply_outcome("acknowledged", "unfounded") == "unfounded"
    assert normalise_outcome("已处罚") == "penalized" and normalise_outcome("x") is None
    assert case_outcome("fine") == "penalized" and case_outcome("no_penalty") == "confirmed"


def test_seven_working_days_skip_weekends_and_holidays():
    friday = date(2026, 6, 26)
    assert notice_due(friday) == date(2026, 7, 7)
    assert add_working_days(friday, 1, holidays=[date(2026, 6, 29)]) == date(2026, 6, 30)
    assert add_working_days(friday, 1, workdays=[date(2026, 6, 27)]) == date(2026, 6, 27)


def test_control_sample_is_reproducible_and_bounded():
    cands = [(f"辽Z{i:05d}|黄", "21") for i in range(500)] + [("吉Z1|黄", "22"), ("冀Z1|黄", "13")]
    first = select_control(cands, AS_OF)
    assert first == select_control(list(reversed(cands)), AS_OF)
    by_prov = {p for _, p in first}
    assert by_prov == {"21", "22"}
    assert sum(1 for _, p in first if p == "21") == 5  # 1 % of 500
    assert select_control(cands, date(2026, 7, 1)) != first  # a new month, a new draw


def test_unmasked_identifier_scanner():
    assert id_check_ok("11010519491231002X")
    assert find_unmasked("证件号11010519491231002X，电话13912345678") == [
        "11010519491231002X",
        "13912345678",
    ]
    assert find_unmasked("110105********002X 139****5678 91210100MA0XXXX01A") == []


def test_notice_due_skips_a_holiday_week():
    """国庆: 7 working days from 30 September end mid-October, not on 9 October."""
    golden_week = [date(2026, 10, d) for d in range(1, 8)]
    assert notice_due(date(2026, 9, 30), holidays=(), workdays=()) == date(2026, 10, 9)
    assert notice_due(date(2026, 9, 30), holidays=golden_week, workdays=()) == date(2026, 10, 16)
    # The national calendar also counts Saturday 10 October (调休上班).
    assert notice_due(date(2026, 9, 30)) == date(2026, 10, 15)


def test_national_calendar_counts_holidays_and_makeup_workdays():
    cal = load_calendar()
    assert {2024, 2025, 2026} <= cal.years
    # 2025-09-26 (Fri) + 7 working days: 9-28 (Sun, 调休上班) counts, 10-01..10-08 are off,
    # 10-11 (Sat, 调休上班) counts.
    assert notice_due(date(2025, 9, 26)) == date(2025, 10, 13)
    # Spring Festival 2026: 2-14 (Sat) works, 2-15..2-23 are off, 2-28 (Sat) works.
    assert notice_due(date(2026, 2, 12)) == date(2026, 2, 28)
    assert date(2026, 2, 28) in cal.workdays and date(2026, 2, 23) in cal.holidays
    # A day in no listed year falls back to Monday-Friday.
    assert not cal.covers(date(2030, 1, 1))


def test_calendar_rejects_inconsistent_years():
    with pytest.raises(ValueError, match="both holiday and workday"):
        parse_calendar({"years": {2026: {"holidays": ["2026-02-14"], "workdays": ["2026-02-14"]}}})
    with pytest.raises(ValueError, match="not a weekend"):
        parse_calendar({"years": {2026: {"workdays": ["2026-02-16"]}}})
    with pytest.raises(ValueError, match="outside the year"):
        parse_calendar({"years": {2026: {"holidays": ["2025-12-31"]}}})
