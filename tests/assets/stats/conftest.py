"""A constructed world for the stats SQL: staging/facts tables in the contract schema with
distributions we choose, so every figure has an exact expected value."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

PROVINCES = ("21", "22", "23", "15")
AS_OF = date(2025, 12, 31)

CASES_DDL = """
create schema if not exists staging;
create or replace table staging.cases (
    case_id varchar, province_code varchar, agency varchar, violation_code varchar,
    violation_name varchar, occurred_at timestamp, decided_on date, plate varchar,
    plate_color varchar, operator_uscc varchar, driver_id varchar, excess_kg bigint,
    excess_pct double, penalty_yuan double, decision varchar, first_offence boolean,
    lead_id varchar, _province varchar, _file_id varchar, _row_no bigint, _flags varchar[],
    plate_key varchar, plate_readable boolean, rid varchar
)
"""


def mass_fine(excess: float) -> float:
    return 0.0 if excess <= 1000 else min(30000.0, (excess // 1000) * 500.0)


def make_cases(seed: int = 3, *, identical: bool = False, same_rules: bool = False) -> list[tuple]:
    """Over-limit cases: province 21 fines by the formula, 23 at half the formula (unless
    `identical`), 22 and 15 by the formula; speeding cases with a fixed 200 yuan except
    province 15 (warning-heavy). `same_rules`: every province applies the same rules to its
    own (different) cases."""
    uniform = identical or same_rules
    rng = np.random.default_rng(seed)
    rows: list[tuple] = []
    start = datetime(2025, 1, 1, 8)
    n = 0
    for prov in PROVINCES:
        if identical:  # the same cases in every province
            rng = np.random.default_rng(seed)
        for i in range(300):
            n += 1
            excess = int(rng.integers(200, 45000))
            fine = mass_fine(excess)
            if prov == "23" and not uniform:
                fine = fine / 2
            decision = "warning" if fine == 0 else "fine"
            plate = f"辽A{(i % 120):05d}"  # vehicles re-offend: 300 cases on 120 plates
            at = start + timedelta(days=int(rng.integers(0, 364)), minutes=n)
            rows.append(
                (
                    f"C{n}", prov, "执法支队", "OL-MASS", "超限运输", at, at.date(), plate, "黄",
                    None, None, excess, excess / 490.0, fine, decision, i < 120, None, prov,
                    None, n, [], f"{plate}|黄", True, f"{prov}:C{n}",
                )
            )  # fmt: skip
        for i in range(40):
            n += 1
            pct = float(rng.uniform(5, 60))
            warn = prov == "15" and not uniform and i % 2 == 0
            at = start + timedelta(days=int(rng.integers(0, 364)), minutes=n)
            rows.append(
                (
                    f"C{n}", prov, "执法支队", "speeding", "超速", at, at.date(), None, None,
                    None, f"D{i}", None, pct, 0.0 if warn else 200.0,
                    "warning" if warn else "fine", True, None, prov, None, n, [], None, False,
                    f"{prov}:C{n}",
                )
            )  # fmt: skip
    return rows


def build_db(
    path: Path, *, identical: bool = False, same_rules: bool = False, with_facts: bool = True
) -> Path:
    conn = duckdb.connect(str(path))
    conn.execute(CASES_DDL)
    rows = make_cases(identical=identical, same_rules=same_rules)
    names = [r[0] for r in conn.execute("describe staging.cases").fetchall()]
    frame = pd.DataFrame(rows, columns=names)  # noqa: F841 — read by DuckDB below
    conn.execute("insert into staging.cases select * from frame")
    conn.execute(
        """
        create or replace table staging.stations (
            station_id varchar, name varchar, province_code varchar, kind varchar, road varchar
        );
        insert into staging.stations values
            ('S1', '正常站', '21', 'fixed', 'G1'),
            ('S2', '偏高站', '22', 'wim', 'G1'),
            ('S3', '偏低站', '23', 'fixed', 'G1');
        create or replace table staging.monitoring_events (
            event_id varchar, plate varchar, plate_color varchar, event_type varchar,
            started_at timestamp, ended_at timestamp, lon double, lat double,
            speed_kmh double, limit_kmh double, handled boolean, handled_at timestamp,
            _province varchar, plate_key varchar, rid varchar
        );
        insert into staging.monitoring_events
        select 'E' || i, '辽B0000' || (i % 9), '黄', case when i % 2 = 0 then 'speeding' else 'fatigue' end,
            timestamp '2025-03-01 08:00:00' + to_hours(i), timestamp '2025-03-01 13:00:00' + to_hours(i),
            123.4, 41.8, 120.0, 100.0, true, null, '21', '辽B0000' || (i % 9) || '|黄', '21:E' || i
        from range(100) t(i);
        """
    )
    if with_facts:
        conn.execute(
            """
            create schema if not exists facts;
            create or replace table facts.weigh_events as
            select
                '21:W' || i as event_id,
                case when i % 3 = 0 then 'S1' when i % 3 = 1 then 'S2' else 'S3' end as station_id,
                case when i % 3 = 0 then 'fixed' when i % 3 = 1 then 'wim' else 'fixed' end
                    as station_kind,
                case when i % 3 = 0 then '21' when i % 3 = 1 then '22' else '23' end
                    as station_province,
                timestamp '2025-01-01 00:00:00' + to_minutes(i) as passed_at,
                '辽A' || lpad(cast(i % 500 as varchar), 5, '0') || '|黄' as plate_key,
                6 as axle_count, true as is_combination, 49000 + (i % 7) * 1000 as gross_kg,
                (i % 7) * 1000 as excess_kg, (i % 7) * 1000 / 490.0 as excess_pct,
                -- S1 0.5 %, S2 5 %, S3 0 %
                case
                    when i % 3 = 0 then (i // 3) % 200 = 0
                    when i % 3 = 1 then (i // 3) % 20 = 0
                    else false
                end as over_limit,
                false as dimension_over, true as evidence_ok
            from range(60000) t(i);
            create or replace table facts.over_limit_violations as
            select * from facts.weigh_events where over_limit or dimension_over;
            """
        )
    conn.close()
    return path


@pytest.fixture()
def constructed_db(tmp_path: Path) -> Path:
    return build_db(tmp_path / "constructed.duckdb")


@pytest.fixture(scope="session")
def world_builder():
    """The builder itself, for tests that need a variant (identical provinces, no facts)."""
    return build_db
