"""Blocking checks on the stats tables: proposals never leave the legal range, [U] basis is
never printed as law."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from models.stats.legal import UNVERIFIED_BASIS


@dg.asset_check(asset="stats_tiers", blocking=True, description="建议阶次罚款不超出法定幅度")
def tiers_within_legal_range(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        bad = conn.execute(
            """
            select t.code, t.tier, t.penalty_min_yuan, t.penalty_max_yuan
            from stats.tiers as t
            join stats.item_catalog as c using (code)
            where t.penalty_min_yuan < coalesce(c.min_yuan, 0)
                or t.penalty_max_yuan > c.max_yuan
                or t.penalty_min_yuan > t.penalty_max_yuan
            """
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not bad, metadata={"outside_legal_range": len(bad), "examples": str(bad[:5])}
    )


@dg.asset_check(
    asset="stats_light_list", blocking=True, description="未核实[U]依据不得作为法律依据输出"
)
def unverified_basis_not_printed(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        bad = conn.execute(
            "select code from stats.tiers where tag = 'U' and basis <> ? "
            "union all select code from stats.light_list where tag = 'U' and basis <> ?",
            [UNVERIFIED_BASIS, UNVERIFIED_BASIS],
        ).fetchall()
    return dg.AssetCheckResult(passed=not bad, metadata={"violations": len(bad)})


STATS_CHECKS = [tiers_within_legal_range, unverified_basis_not_printed]
