"""Landing-folder extras: records first sent wrong and corrected in a later re-send file, plain
re-sends (exact duplicates across files), a byte-identical file under another name, and ANPR
rows from a camera missing from the stations files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import polars as pl

from .styles import style
from .writers import Landing

PROVS = ("21", "22", "23", "15")


def plant_unknown_station(
    sub: pl.DataFrame, prov: str, unknown: dict[str, list[str]]
) -> pl.DataFrame:
    """A few ANPR passages from a temporary camera that is in no stations file (flag only)."""
    anpr = sub.filter(pl.col("_kind") == 2)["record_id"].to_list()[:3]
    unknown[prov] = anpr
    return sub.with_columns(
        pl.when(pl.col("record_id").is_in(anpr))
        .then(pl.lit(f"{prov}K9901"))
        .otherwise(pl.col("station_id"))
        .alias("station_id")
    )


def alter_for_resend(
    sub: pl.DataFrame, rng: np.random.Generator, bucket: list
) -> tuple[pl.DataFrame, list, list]:
    """Pick records sent first with wrong values (corrected in the later re-send file) and
    records re-sent unchanged (exact duplicates across files)."""
    cand = sub.filter(pl.col("_kind").is_in([0, 1, 3]))
    if len(cand) < 10:
        return sub, [], []
    n_alt = max(1, len(cand) // 1500)
    n_dup = max(1, len(cand) // 3000)
    pick = rng.choice(len(cand), n_alt + n_dup, replace=False)
    alt = cand[pick[:n_alt].tolist()]
    dup = cand[pick[n_alt:].tolist()]
    bucket.append(pl.concat([alt, dup]))
    alt_ids = alt["record_id"].to_list()
    delta = pl.Series(rng.choice([-1, 1], len(sub)) * rng.integers(50, 300, len(sub)) * 10)
    wrong = sub.with_columns(
        pl.when(pl.col("record_id").is_in(alt_ids))
        .then(pl.col("gross_kg") + delta)
        .otherwise(pl.col("gross_kg"))
        .alias("gross_kg")
    )
    return wrong, alt_ids, dup["record_id"].to_list()


def write_resends(land: Landing, resend: dict[str, list[pl.DataFrame]], old_rows: dict) -> None:
    """Per province one later file with corrected versions and plain re-sends of earlier rows."""
    for prov in PROVS:
        if not resend[prov]:
            continue
        df = pl.concat(resend[prov]).sort("passed_at", "record_id")
        st = style(prov, "weigh_records", 0)
        st.plate_mess, st.extra = 0.0, {}
        keys = df["record_id"].to_list()
        e = land.write(prov, "weigh_records", f"weigh_2026-11_resend.{st.fmt}", df, st, track=keys)
        n_sup = 0
        for k in keys:
            f, row, kind = old_rows[(prov, k)]
            if kind == "superseded":
                n_sup += 1
                land.planted.append({"file": f, "table": "weigh_records", "province": prov, "kind": "superseded",
                                     "key": k, "row": row, "superseded_by": {"file": e["file"], "row": e["tracked"][k]}})  # fmt: skip
            else:
                land.planted.append({"file": e["file"], "table": "weigh_records", "province": prov,
                                     "kind": "exact_duplicate", "key": k, "row": e["tracked"][k],
                                     "dup_of": {"file": f, "row": row}})  # fmt: skip
        land.files[-1]["canonical_rows"] = n_sup
        land.files[-1]["duplicates"] = len(keys) - n_sup


def copy_duplicate_files(land: Landing, out: Path) -> None:
    """The same file dropped twice under another name (must not be counted twice)."""
    for prov, month in (("21", "2026-03"), ("22", "2026-05")):
        src = next(
            (
                f
                for f in land.files
                if f["province"] == prov and f["file"].split("/")[-1].startswith(f"weigh_{month}")
            ),
            None,
        )
        if src is None:
            continue
        p = out / src["file"]
        dst = p.with_name(p.name.replace(f"weigh_{month}", f"weigh_{month}_重发"))
        shutil.copyfile(p, dst)
        st = p.stat()

        os.utime(dst, (st.st_mtime + 1e5, st.st_mtime + 1e5))
        land.files.append(
            {
                **src,
                "file": str(dst.relative_to(out)),
                "duplicate_of": src["file"],
                "canonical_rows": 0,
            }
        )
