"""Fine estimates — 超限规定 §43 (R06 mass, R07 dimension), police overload R19, guard R33.

Estimates for a lead, never a decision: the officer decides. Pure mirrors + `*_sql` generators.
"""

from __future__ import annotations

import math

from models.rules import RuleBook, load_rules


def mass_fine_yuan(net_excess_kg: float, *, book: RuleBook | None = None) -> tuple[str, int]:
    """(sanction, yuan) for a mass over-limit: ≤1,000 kg warning; 500 yuan per 1,000 kg; cap."""
    p = (book or load_rules()).params("R06")
    if net_excess_kg <= 0:
        return "none", 0
    if net_excess_kg <= p["warning_max_excess_kg"]:
        return "warning", 0
    steps = net_excess_kg / p["step_kg"]
    steps = {"floor": math.floor, "ceil": math.ceil}.get(p["rounding"], lambda x: x)(steps)
    return "fine", int(min(round(steps * p["yuan_per_step"]), p["cap_yuan"]))


def dimension_tier(
    height_m: float | None,
    width_m: float | None,
    length_m: float | None,
    *,
    book: RuleBook | None = None,
) -> str | None:
    """R07 tier A/B/C of a dimension over-limit (None when no dimension is over the R02 limit)."""
    from models.limits import dimension_over

    book = book or load_rules()
    if not dimension_over(height_m, width_m, length_m, book=book):
        return None
    h, w, ln = height_m or 0.0, width_m or 0.0, length_m or 0.0
    for t in book.params("R07")["tiers"]:
        if t["max_height_m"] is None:
            return t["tier"]
        if h <= t["max_height_m"] and w <= t["max_width_m"] and ln <= t["max_length_m"]:
            return t["tier"]
    return None


def dimension_fine_yuan(tier: str | None, *, book: RuleBook | None = None) -> int:
    if tier is None:
        return 0
    p = (book or load_rules()).params("R07")
    t = next(t for t in p["tiers"] if t["tier"] == tier)
    return int(round(t["min_yuan"] + p["point_in_range"] * (t["max_yuan"] - t["min_yuan"])))


def total_fine_yuan(mass_yuan: int, dim_yuan: int, *, book: RuleBook | None = None) -> int:
    """Several violations add up, total capped at 30,000 (§43 last sentence)."""
    return int(min(mass_yuan + dim_yuan, (book or load_rules()).params("R07")["combined_cap_yuan"]))


def police_overload(
    gross_kg: float, curb_kg: float | None, rated_load_kg: float | None, total_mass_kg: float | None
) -> dict:
    """R19 超载 against 核定载质量 (fine band) and 最大允许总质量 (points) — police competence."""
    book = load_rules()
    p = book.params("R19")
    out = {"overload": False, "over_pct": None, "fine_min": 0, "fine_max": 0, "points": 0}
    if curb_kg and rated_load_kg:
        load = gross_kg - curb_kg
        if load > rated_load_kg:
            pct = 100.0 * (load - rated_load_kg) / rated_load_kg
            band = [b for b in p["band_fine_yuan"] if pct > b["over_pct"]][-1]
            out |= {"overload": True, "over_pct": pct, "fine_min": band["min"]}
            out["fine_max"] = band["max"]
    if total_mass_kg and gross_kg > total_mass_kg:
        pct = 100.0 * (gross_kg - total_mass_kg) / total_mass_kg
        out["points"] = [b for b in p["points_vs_total_mass"] if pct >= b["from_pct"]][-1]["points"]
    return out


def single_fine_authority(transport_yuan: int, police_max_yuan: int) -> str | None:
    """R33: one act → one fine, by the rule with the higher amount."""
    if transport_yuan <= 0 and police_max_yuan <= 0:
        return None
    return "公路管理机构" if transport_yuan >= police_max_yuan else "公安机关交通管理部门"


def mass_fine_sql(*, excess_col: str, book: RuleBook | None = None) -> str:
    """SQL for the §43(二) amount (params $r06_*); rounding chosen from the rule book."""
    rounding = (book or load_rules()).params("R06")["rounding"]
    fn = {"floor": "floor", "ceil": "ceil"}.get(rounding, "")
    return (
        f"case when {excess_col} > $r06_warning_max then least("
        f"round({fn}({excess_col} / $r06_step_kg) * $r06_yuan_per_step), $r06_cap) else 0 end"
    )


def fine_params(book: RuleBook | None = None) -> dict:
    book = book or load_rules()
    p6, p7 = book.params("R06"), book.params("R07")
    tiers = {t["tier"]: t for t in p7["tiers"]}
    out = {
        "r06_warning_max": p6["warning_max_excess_kg"],
        "r06_step_kg": p6["step_kg"],
        "r06_yuan_per_step": p6["yuan_per_step"],
        "r06_cap": p6["cap_yuan"],
        "r07_cap": p7["combined_cap_yuan"],
    }
    for name in ("A", "B"):
        out |= {
            f"r07_{name}_h": tiers[name]["max_height_m"],
            f"r07_{name}_w": tiers[name]["max_width_m"],
            f"r07_{name}_l": tiers[name]["max_length_m"],
        }
    for name in ("A", "B", "C"):
        out[f"r07_{name}_yuan"] = dimension_fine_yuan(name, book=book)
    return out
