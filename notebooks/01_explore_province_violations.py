# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 某省违法情况探索 / Explore one province's violations
#
# Reads the work dir's DuckDB **read-only** (`XIANSUO_WORKDIR`, default `./work`) and the
# province from `XIANSUO_PROVINCE` (default `21` 辽宁). Never writes assets.

# %%
import os
from pathlib import Path

import duckdb
import plotly.express as px

WORKDIR = Path(os.environ.get("XIANSUO_WORKDIR", "work"))
PROVINCE = os.environ.get("XIANSUO_PROVINCE", "21")
conn = duckdb.connect(str(WORKDIR / "xiansuo.duckdb"), read_only=True)


def has_table(schema: str, table: str) -> bool:
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


print("work dir:", WORKDIR, "province:", PROVINCE)

# %% [markdown]
# ## 案件：按事项统计 / Cases by item

# %%
if has_table("stats", "case_base"):
    by_item = conn.execute(
        """
        select code, any_value(violation_name) as name, count(*) as n_cases,
               median(penalty_yuan) as median_yuan,
               avg(case when decision in ('warning', 'no_penalty') then 1.0 else 0 end) as light
        from stats.case_base where province = ? group by code order by n_cases desc
        """,
        [PROVINCE],
    ).df()
else:
    by_item = conn.execute(
        "select violation_code as code, count(*) as n_cases from staging.cases "
        "where province_code = ? group by 1 order by 2 desc",
        [PROVINCE],
    ).df()
by_item.head(15)

# %% [markdown]
# ## 月度趋势 / Monthly trend (cases and detections)

# %%
if has_table("stats", "violation_counts"):
    monthly = conn.execute(
        "select source, code, month, n from stats.violation_counts where province = ? "
        "order by month",
        [PROVINCE],
    ).df()
    top = by_item["code"].head(5).tolist()
    fig = px.line(
        monthly[monthly["code"].isin(top)],
        x="month",
        y="n",
        color="code",
        line_dash="source",
        title=f"{PROVINCE} 前5位事项月度数量",
    )
    fig.show()
else:
    print("stats.violation_counts 尚未生成")

# %% [markdown]
# ## 超限重量分布 / Over-limit excess (detected)

# %%
if has_table("stats", "detected_base"):
    excess = conn.execute(
        "select axle_config, excess_kg from stats.detected_base "
        "where province = ? and code = 'OL-MASS' and excess_kg is not null",
        [PROVINCE],
    ).df()
    print(len(excess), "detected over-limit violations")
    if len(excess):
        px.box(excess, x="axle_config", y="excess_kg", title="超限重量(kg)按轴型").show()

# %%
conn.close()
