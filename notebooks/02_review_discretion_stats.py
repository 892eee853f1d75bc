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
# # 02 裁量基准统计复核 / Review the discretion statistics
#
# Reads the Parquet tables under `<XIANSUO_WORKDIR>/out/stats/` (the same files the HTML
# report is built from). Read-only.

# %%
import os
from pathlib import Path

import pandas as pd
import plotly.express as px

WORKDIR = Path(os.environ.get("XIANSUO_WORKDIR", "work"))
STATS = WORKDIR / "out" / "stats"


def load(table: str) -> pd.DataFrame:
    path = STATS / f"{table}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


disparity = load("disparity")
bands = load("penalty_by_band")
tiers = load("tiers")
light = load("light_list")
recid = load("recidivism")
print({t: len(d) for t, d in [("disparity", disparity), ("bands", bands), ("tiers", tiers)]})

# %% [markdown]
# ## 省际差异最大的事项 / Most divergent items

# %%
cols = [
    "rank",
    "code",
    "name_zh",
    "disparity",
    "light_share_spread",
    "most_divergent_band",
    "province_highest",
    "province_lowest",
]
disparity[[c for c in cols if c in disparity.columns]].head(5) if len(disparity) else disparity

# %% [markdown]
# ## 第一位事项：各档位各省罚款 / Penalty by band for the top item

# %%
if len(disparity) and len(bands):
    code = disparity.sort_values("rank")["code"].iloc[0]
    sub = bands[(bands["code"] == code) & bands["comparable"]]
    px.bar(
        sub,
        x="band_label",
        y="median_yuan",
        color="province",
        barmode="group",
        title=f"{code} 各档位罚款中位数",
    ).show()
    sub[["band_label", "province", "n", "median_yuan", "p25_yuan", "p75_yuan", "share_light"]]

# %% [markdown]
# ## 建议阶次（供工作组讨论）/ Proposed tiers — check they sit inside the legal range

# %%
if len(tiers):
    catalog = load("item_catalog")[["code", "min_yuan", "max_yuan"]]
    check = tiers.merge(catalog, on="code")
    outside = check[
        (check.penalty_min_yuan < check.min_yuan) | (check.penalty_max_yuan > check.max_yuan)
    ]
    print("tiers outside the legal range:", len(outside))
    assert outside.empty
    tiers[
        [
            "code",
            "tier",
            "severity_from",
            "severity_to",
            "penalty_min_yuan",
            "penalty_max_yuan",
            "share_of_cases",
            "tag",
        ]
    ]

# %% [markdown]
# ## 首违不罚证据 / Evidence for a first-offence exemption

# %%
recid.pivot_table(index="code", columns="after_decision", values="reoffend_rate_12m") if len(
    recid
) else recid

# %%
light[
    [
        "code",
        "kind",
        "n_cases_in_scope",
        "reoffend_12m_after_warning",
        "reoffend_12m_after_fine",
        "evidence",
    ]
] if len(light) else light
