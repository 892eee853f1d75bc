"""The rule book is data: every rule carries basis, tag and dates; [U] is never printed as law."""

from __future__ import annotations

import copy

import yaml

from models.rules import ASSUMPTION_NOTE, RULES_FILE, load_rules, parse_rules


def test_every_rule_is_complete():
    book = load_rules()
    assert {"R01", "R02", "R06", "R08", "R09", "R10", "R11", "R15", "R20", "R35"} <= set(book.rules)
    for rule in book.rules.values():
        assert rule.id.startswith("R") and rule.title_zh and rule.tag in ("V", "V2", "U")
        assert rule.legal_basis, rule.id
        assert isinstance(rule.enabled, bool)


def _doc():
    return copy.deepcopy(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))


def test_unverified_rule_is_cited_as_an_assumption_not_law():
    doc = _doc()
    doc["rules"]["R09"]["tag"] = "U"
    book = parse_rules(doc)
    assert "第六十六条" not in book.citation("R09")
    assert ASSUMPTION_NOTE in book.citation("R09")
    row = next(r for r in book.catalogue_rows() if r["rule_id"] == "R09")
    assert row["legal_basis"] is None


def test_province_override_is_data():
    doc = _doc()
    doc["overrides"] = [
        {"province": "15", "rule": "R08", "params": {"default_pct_by_kind": {"wim": 3.0}}}
    ]
    book = parse_rules(doc)
    assert book.params("R08", "15")["default_pct_by_kind"]["wim"] == 3.0
    assert book.params("R08", "15")["default_pct_by_kind"]["fixed"] == 0.0
    assert book.params("R08", "21")["default_pct_by_kind"]["wim"] == 5.0


def test_effective_dates():
    book = load_rules()
    from datetime import date

    assert book.rule("R01").in_force(date(2020, 1, 1))
    assert not book.rule("R01").in_force(date(2016, 1, 1))
