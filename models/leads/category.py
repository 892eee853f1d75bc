"""Category of a lead (the seed's priorities: 重大隐患 · 突出违法乱象 · 团伙性质 · 跨省车籍源头).

Each reason (lead type) maps to a category (`config.CATEGORY_BY_TYPE`); a repeat-type reason
about a subject registered outside the provinces where the evidence happened counts as
跨省车籍源头. A lead with several reasons takes the first category in `config.CATEGORIES`.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.leads import config as cfg


def reason_category(lead_type: str, cross_registration: bool) -> str:
    category = cfg.CATEGORY_BY_TYPE.get(lead_type, cfg.DEFAULT_CATEGORY)
    if category == cfg.DEFAULT_CATEGORY and cross_registration:
        return cfg.CROSS_PROVINCE_CATEGORY
    return category


def lead_category(lead_types: Iterable[str], cross_registration: bool) -> str:
    found = {reason_category(t, cross_registration) for t in lead_types}
    for category in cfg.CATEGORIES:
        if category in found:
            return category
    return cfg.DEFAULT_CATEGORY
