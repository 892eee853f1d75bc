"""Over-limit (超限) limits, tolerance and net excess — 超限规定 §3, 认定标准 notes, R01–R05, R08.

Pure mirrors of the SQL in assets/facts/weigh_assess.sql (used by the boundary tests) plus the
small `*_sql` generators the asset renders into it. The measurement is never rewritten: we keep
the raw gross, the tolerance in kg and the net excess; over-limit only when net excess > 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.rules import RuleBook, load_rules

# Optional weighing columns that carry R03/R04 facts when a province's data has them.
OPTIONAL_WEIGH_COLUMNS = {
    "single_tyre_groups": "bigint",
    "air_suspension": "boolean",
    "semi_axle_spacing_mm": "double",
}


def gvw_limit_rows(book: RuleBook | None = None) -> list[dict]:
    """R01 limit table rows (+ province overrides), with a specificity used to pick the best row."""
    book = book or load_rules()
    out: list[dict] = []
    provinces: list[str | None] = [None, *book.override_provinces("R01")]
    for prov in provinces:
        for row in book.params("R01", prov)["gvw_limits"]:
            spec = (row["combination"] is not None) + (row["single_drive_axle"] is not None)
            out.append(
                {
                    "province": prov,
                    "axles_min": int(row["axles_min"]),
                    "axles_max": int(row["axles_max"]),
                    "combination": row["combination"],
                    "single_drive_axle": row["single_drive_axle"],
                    "limit_kg": int(row["limit_kg"]),
                    "clause": row["clause"],
                    "specificity": spec + (10 if prov else 0),
                }
            )
    return out


def base_gvw_limit_kg(
    axle_count: int | None,
    is_combination: bool | None,
    single_drive_axle: bool | None,
    *,
    province: str | None = None,
    book: RuleBook | None = None,
) -> int | None:
    """Art. 3 GVW limit; None when the axle count is unknown or no row applies."""
    if axle_count is None:
        return None
    best: tuple[int, int] | None = None
    for row in gvw_limit_rows(book):
        if row["province"] not in (None, province):
            continue
        if not row["axles_min"] <= axle_count <= row["axles_max"]:
            continue
        if row["combination"] is not None and row["combination"] != bool(is_combination):
            continue
        if row["single_drive_axle"] is not None and row["single_drive_axle"] != bool(
            single_drive_axle
        ):
            continue
        if best is None or row["specificity"] > best[0]:
            best = (row["specificity"], row["limit_kg"])
    return best[1] if best else None


def gvw_limit_kg(
    axle_count: int | None,
    is_combination: bool | None,
    single_drive_axle: bool | None,
    *,
    single_tyre_groups: int | None = None,
    air_suspension: bool | None = None,
    semi_axle_spacing_mm: float | None = None,
    registered_total_mass_kg: int | None = None,
    province: str | None = None,
    book: RuleBook | None = None,
) -> int | None:
    """Limit after the R03 single-tyre, R04 air-suspension and (if enabled) R05 adjustments."""
    book = book or load_rules()
    limit = base_gvw_limit_kg(
        axle_count, is_combination, single_drive_axle, province=province, book=book
    )
    if limit is None:
        return None
    if book.enabled("R04") and air_suspension:
        p = book.params("R04", province)
        if axle_count in (3, 4) and not is_combination:
            limit += int(p["rigid_3_4_axle_bonus_kg"])
        elif (
            axle_count == 4
            and is_combination
            and semi_axle_spacing_mm is not None
            and semi_axle_spacing_mm >= p["min_spacing_mm"]
        ):
            limit = max(limit, int(p["articulated_4_axle_limit_kg"]))
    if book.enabled("R03") and single_tyre_groups:
        limit -= int(book.params("R03", province)["reduction_kg_per_group"]) * int(
            single_tyre_groups
        )
    if book.enabled("R05") and axle_count == 2 and registered_total_mass_kg:
        limit = min(limit, int(registered_total_mass_kg))
    return limit


def default_tolerance_pct(kind: str, *, province: str | None = None, book=None) -> float:
    book = book or load_rules()
    return float(book.params("R08", province)["default_pct_by_kind"].get(kind, 0.0))


@dataclass(frozen=True)
class MassAssessment:
    limit_kg: int
    tolerance_pct: float
    tolerance_kg: float
    excess_kg: int
    net_excess_kg: float
    over_limit: bool
    within_tolerance: bool
    excess_pct: float


def assess_mass(gross_kg: int, limit_kg: int, tolerance_pct: float) -> MassAssessment:
    """Raw excess, tolerance and net excess; over-limit only when strictly greater (超过)."""
    tol_kg = round(limit_kg * tolerance_pct / 100.0, 3)
    excess = gross_kg - limit_kg
    net = excess - tol_kg
    return MassAssessment(
        limit_kg=limit_kg,
        tolerance_pct=tolerance_pct,
        tolerance_kg=tol_kg,
        excess_kg=excess,
        net_excess_kg=net,
        over_limit=net > 0,
        within_tolerance=excess > 0 and net <= 0,
        excess_pct=round(100.0 * excess / limit_kg, 3),
    )


def dimension_over(
    height_m: float | None,
    width_m: float | None,
    length_m: float | None,
    *,
    book: RuleBook | None = None,
) -> bool:
    """R02: strictly greater than 4.0 m high, 2.55 m wide or 18.1 m long."""
    p = (book or load_rules()).params("R02")
    return bool(
        (height_m is not None and height_m > p["height_m"])
        or (width_m is not None and width_m > p["width_m"])
        or (length_m is not None and length_m > p["length_m"])
    )


def weigh_input_sql(*, present_optional: set[str], table: str = "staging.weigh_records") -> str:
    """Select of the weigh records (staging.weigh_records, or a temp table holding a subset of it)
    with the optional R03/R04 columns (NULL when absent)."""
    extra = []
    for col, typ in OPTIONAL_WEIGH_COLUMNS.items():
        expr = f"r.{col}" if col in present_optional else "null"
        extra.append(f"cast({expr} as {typ}) as {col}")
    # only our own column names are pasted (OPTIONAL_WEIGH_COLUMNS), never data values
    cols = ", ".join(extra)
    if table not in ("staging.weigh_records", "weigh_scope"):
        raise ValueError(f"not a weigh records table: {table!r}")
    return f"select r.rowid as _rowid, r.*, {cols} from {table} r"  # noqa: S608


def limit_adjustment_sql(*, book: RuleBook | None = None) -> str:
    """SQL expression adjusting `base_limit_kg` for R03/R04/R05 (parameters, not pasted values)."""
    book = book or load_rules()
    expr = "base_limit_kg"
    if book.enabled("R04"):
        expr = (
            f"case when air_suspension and axle_count in (3, 4) and not coalesce(is_combination,"
            f" false) then {expr} + $r04_rigid_bonus"
            f" when air_suspension and axle_count = 4 and is_combination"
            f" and semi_axle_spacing_mm >= $r04_min_spacing"
            f" then greatest({expr}, $r04_artic_limit) else {expr} end"
        )
    if book.enabled("R03"):
        expr = f"({expr}) - $r03_reduction * coalesce(single_tyre_groups, 0)"
    if book.enabled("R05"):
        expr = (
            f"case when axle_count = 2 and reg_total_mass_kg > 0"
            f" then least({expr}, reg_total_mass_kg) else {expr} end"
        )
    return expr


def limit_params(book: RuleBook | None = None) -> dict:
    book = book or load_rules()
    out: dict = {}
    if book.enabled("R04"):
        p = book.params("R04")
        out |= {
            "r04_rigid_bonus": p["rigid_3_4_axle_bonus_kg"],
            "r04_min_spacing": p["min_spacing_mm"],
            "r04_artic_limit": p["articulated_4_axle_limit_kg"],
        }
    if book.enabled("R03"):
        out["r03_reduction"] = book.params("R03")["reduction_kg_per_group"]
    return out
