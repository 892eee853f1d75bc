"""SQL generators for the parts of the statistics whose shape depends on what exists.

Fixed SQL lives in assets/stats/sql/*.sql. The monitoring side is generated because the
source table (facts.monitoring_violations from the rules engine, or staging.monitoring_events
as a fallback) and its column names are only known at run time. Identifiers are checked
against a strict pattern and never come from data values; data values are parameters.
"""

from __future__ import annotations

import re

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")

# candidate column names, first match wins (rules engine naming first, staging fallback last)
MONITORING_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("violation_id", "rid", "event_id"),
    "province": ("origin_province", "province", "event_province", "_province"),
    "type": ("violation_type", "event_type", "kind"),
    "start": ("started_at", "occurred_at", "start_at"),
    "end": ("ended_at", "end_at"),
    "plate": ("plate_key",),
    "speed": ("speed_kmh", "max_speed_kmh"),
    "limit": ("limit_kmh", "speed_limit_kmh"),
    "duration": ("duration_h", "driving_hours", "continuous_hours"),
}


def ident(name: str) -> str:
    """Return `name` if it is a plain (optionally schema-qualified) identifier, else raise."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


def resolve_columns(available: set[str]) -> dict[str, str | None]:
    """Pick the column used for each role from the table's actual columns."""
    return {
        role: next((c for c in cands if c in available), None)
        for role, cands in MONITORING_COLUMNS.items()
    }


def _col(name: str | None, cast: str = "double") -> str:
    return f"cast({ident(name)} as {cast})" if name else f"cast(null as {cast})"


def monitoring_detected_sql(
    *,
    table: str,
    id_col: str,
    province_col: str,
    type_col: str,
    start_col: str,
    plate_col: str | None = None,
    end_col: str | None = None,
    speed_col: str | None = None,
    limit_col: str | None = None,
    duration_col: str | None = None,
    skip_alarmed_tracks: bool = False,
    detected_by_col: str | None = None,
) -> str:
    """Select detected 两客一危 violations in the detected_base layout.

    Parameters in the result: $as_of (date). Item codes come from stats.item_aliases
    (event types such as 'speeding' are aliases of P-SPD).
    """
    tbl = ident(table)
    dur = (
        _col(duration_col)
        if duration_col
        else (
            f"date_diff('second', {ident(start_col)}, {ident(end_col)}) / 3600.0"
            if end_col
            else "cast(null as double)"
        )
    )
    speed_pct = (
        f"case when {ident(limit_col)} > 0 then "
        f"({ident(speed_col)} - {ident(limit_col)}) * 100.0 / {ident(limit_col)} end"
        if speed_col and limit_col
        else "cast(null as double)"
    )
    plate = ident(plate_col) if plate_col else "cast(null as varchar)"
    by = (
        f"cast({ident(detected_by_col)} as varchar)" if detected_by_col else "cast(null as varchar)"
    )
    # the rules engine reports a track-derived violation that an alarm also caught as a
    # second row (source 'track', alarmed true); count the violation once
    dedup = "and not (source = 'track' and coalesce(alarmed, false))" if skip_alarmed_tracks else ""
    return f"""
-- detected 两客一危 violations from {tbl}, mapped to item codes
with events as (
    select *
    from {tbl}
    where {ident(start_col)} < cast($as_of as date) + interval 1 day
        {dedup}
),

coded as (
    select
        cast({ident(id_col)} as varchar) as rid,
        cast({ident(province_col)} as varchar) as province,
        coalesce(a.code, cast({ident(type_col)} as varchar)) as code,
        {ident(start_col)} as occurred_at,
        {plate} as plate_key,
        {speed_pct} as speed_pct,
        {dur} as duration_h,
        {by} as detected_by
    from events
    left join stats.item_aliases as a on upper(cast({ident(type_col)} as varchar)) = a.alias
),

final as (
    select
        rid,
        province,
        code,
        cast(date_trunc('month', occurred_at) as date) as month,
        occurred_at,
        plate_key,
        cast(null as double) as excess_kg,
        cast(null as double) as excess_pct,
        speed_pct,
        duration_h,
        cast(null as varchar) as axle_config,
        cast(null as boolean) as evidence_ok,
        '{tbl}' as source_table,
        detected_by
    from coded
)

select * from final
"""  # noqa: S608 — identifiers checked by ident(); values are parameters
