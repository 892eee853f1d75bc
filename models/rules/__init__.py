"""The rule book: legal thresholds, legal basis and verification tags, loaded from rules.yaml.

Rules are data (rules.yaml beside this file). Code asks the book for parameters and for citations;
a rule tagged [U] never yields a legal citation — it is printed as a configurable assumption.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from data_contracts.regions import PROVINCE_ABBR
from data_contracts.regions import PROVINCE_NAMES as PROVINCE_NAMES

RULES_FILE = Path(__file__).with_name("rules.yaml")
ASSUMPTION_NOTE = "（可配置假设，非法定依据）"


@dataclass(frozen=True)
class Rule:
    id: str
    title_zh: str
    title_en: str
    tag: str
    enabled: bool
    effective_from: date | None
    effective_to: date | None
    legal_basis: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_law(self) -> bool:
        """Only [V]/[V2] rules may be cited as law."""
        return self.tag in ("V", "V2")

    def in_force(self, on: date | None) -> bool:
        if on is None:
            return True
        if self.effective_from and on < self.effective_from:
            return False
        return not (self.effective_to and on > self.effective_to)


@dataclass(frozen=True)
class RuleBook:
    rules: dict[str, Rule]
    events: dict[str, Any]
    scoring: dict[str, Any]
    overrides: list[dict[str, Any]]

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def enabled(self, rule_id: str) -> bool:
        return rule_id in self.rules and self.rules[rule_id].enabled

    def params(self, rule_id: str, province: str | None = None, on: date | None = None) -> dict:
        """Parameters of a rule, with a province's local override merged over them."""
        merged = copy.deepcopy(self.rules[rule_id].params)
        for ov in self.overrides:
            if ov.get("rule") != rule_id or province is None or str(ov.get("province")) != province:
                continue
            start, end = _date(ov.get("effective_from")), _date(ov.get("effective_to"))
            if on is not None and ((start and on < start) or (end and on > end)):
                continue
            _deep_merge(merged, ov.get("params") or {})
        return merged

    def param(self, rule_id: str, key: str, province: str | None = None) -> Any:
        return self.params(rule_id, province)[key]

    def override_provinces(self, rule_id: str) -> list[str]:
        return sorted({str(o["province"]) for o in self.overrides if o.get("rule") == rule_id})

    def citation(self, rule_id: str) -> str:
        """Chinese legal basis, or the assumption note for [U] rules (never printed as law)."""
        rule = self.rules[rule_id]
        return rule.legal_basis if rule.is_law else f"{rule.title_zh}{ASSUMPTION_NOTE}"

    def citations(self, *rule_ids: str) -> str:
        seen: list[str] = []
        for rid in rule_ids:
            for part in self.citation(rid).split("；"):
                if part and part not in seen:
                    seen.append(part)
        return "；".join(seen)

    def catalogue_rows(self) -> list[dict[str, Any]]:
        """One row per rule for the facts.rule_catalogue table (auditable, read by other layers)."""
        return [
            {
                "rule_id": r.id,
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "tag": r.tag,
                "enabled": r.enabled,
                "effective_from": r.effective_from,
                "effective_to": r.effective_to,
                "legal_basis": r.legal_basis if r.is_law else None,
                "citation": self.citation(r.id),
                "params_json": _json(r.params),
            }
            for r in self.rules.values()
        ]


def _json(obj: Any) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False, default=str, sort_keys=True)


def _date(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


def _deep_merge(base: dict, extra: dict) -> None:
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _deep_merge(base[k], v)
        else:
            base[k] = copy.deepcopy(v)


def parse_rules(doc: dict[str, Any]) -> RuleBook:
    rules: dict[str, Rule] = {}
    for rid, body in (doc.get("rules") or {}).items():
        tag = str(body["tag"])
        if tag not in ("V", "V2", "U"):
            raise ValueError(f"rule {rid}: unknown verification tag {tag!r}")
        rules[rid] = Rule(
            id=rid,
            title_zh=body["title_zh"],
            title_en=body.get("title_en", ""),
            tag=tag,
            enabled=bool(body.get("enabled", False)),
            effective_from=_date(body.get("effective_from")),
            effective_to=_date(body.get("effective_to")),
            legal_basis=body.get("legal_basis", ""),
            params=body.get("params") or {},
        )
    return RuleBook(
        rules=rules,
        events=doc.get("events") or {},
        scoring=doc.get("scoring") or {},
        overrides=list(doc.get("overrides") or []),
    )


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> RuleBook:
    """The rule book (cached). `path` defaults to models/rules/rules.yaml."""
    text = Path(path or RULES_FILE).read_text(encoding="utf-8")
    return parse_rules(yaml.safe_load(text))


# Registration province of a plate from its first character (GA 36-2018) — GB/T 2260 codes.
PLATE_PREFIX_PROVINCE = PROVINCE_ABBR
