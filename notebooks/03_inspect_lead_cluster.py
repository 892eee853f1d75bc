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
# # 03 线索团伙查看 / Inspect a lead cluster
#
# Picks a group lead (network cluster or convoy; else the top-priority lead) from
# `leads.leads` — or the id in `XIANSUO_LEAD_ID` — and lists its members and evidence
# records. Reads the work dir's DuckDB read-only.

# %%
import os
from pathlib import Path

import duckdb
from IPython.display import display

WORKDIR = Path(os.environ.get("XIANSUO_WORKDIR", "work"))
LEAD_ID = os.environ.get("XIANSUO_LEAD_ID", "")
conn = duckdb.connect(str(WORKDIR / "xiansuo.duckdb"), read_only=True)


def columns(schema: str, table: str) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }


lead_cols = columns("leads", "leads")
print("leads.leads present:", bool(lead_cols))

# %%
lead = None
if lead_cols:
    rows = conn.execute("select * from leads.leads").df()
    if LEAD_ID:
        rows = rows[rows["lead_id"] == LEAD_ID]
    if "priority" in rows.columns:
        rows = rows.sort_values(["priority", "lead_id"], ascending=[False, True])
    groups = rows[rows["lead_type"].isin(["network_cluster", "convoy"])]
    pick = groups if len(groups) else rows
    lead = pick.iloc[0] if len(pick) else None
display(lead)

# %% [markdown]
# ## 成员与证据 / Members and evidence records

# %%
if lead is not None:
    members = list(lead["subject_keys"]) if "subject_keys" in lead.index else []
    evidence = list(lead["evidence_record_ids"]) if "evidence_record_ids" in lead.index else []
    print("members:", members[:20])
    print("evidence records:", len(evidence))
    if evidence and columns("facts", "weigh_events"):
        ev = conn.execute(
            "select event_id, station_id, passed_at, plate_key, gross_kg, excess_kg, over_limit "
            "from facts.weigh_events where list_has_any(rids, ?) order by passed_at",
            [evidence],
        ).df()
        display(ev.head(30))
    if members and columns("staging", "vehicles"):
        display(
            conn.execute(
                "select plate_key, vehicle_type, axle_count, operator_uscc, registered_province "
                "from staging.vehicles where list_contains(?, plate_key)",
                [members],
            ).df()
        )
else:
    print("暂无线索 / no lead to inspect")

# %%
conn.close()
