"""Landing folder → staging / quarantine / duplicate log, with exact accounting.

`ingest_landing` is the engine behind the staging_<table> assets (and the bench). For one
table it runs in ONE transaction: every new file (by content sha256) is read, typed against the
table contract, split into accepted and quarantined rows, de-duplicated against the current
version of each record, merged into staging (superseded versions move to history.<table>), and
recorded in meta.file_ledger. A crash anywhere rolls the whole table back, so a rerun after
`kill -9` produces exactly the tables of an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from data_contracts.contract import TABLES, Contract, load_contract
from models.ingest.casting import SHANGHAI, CastResult, cast_frame
from models.ingest.readers import RawFile, file_format, read_file

SQL_DIR = Path(__file__).parent
PROVINCE_DIR = re.compile(r"^\d{2}$")
PREFETCH = 2  # files read and typed ahead of the one being merged (2 cores)


def read_sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


@dataclass
class FileResult:
    sha256: str
    path: str
    province: str
    status: str  # 'loaded' | 'skipped' (already in the ledger) | 'unreadable'
    format: str | None = None
    size_bytes: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    rows_superseded: int = 0
    seconds: float = 0.0
    error: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_map: dict[str, str] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # seconds: read, cast, store, merge


@dataclass
class TableResult:
    table: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files if f.status != "skipped")

    @property
    def new_files(self) -> int:
        return sum(1 for f in self.files if f.status != "skipped")

    def summary(self) -> dict[str, object]:
        return {
            "table": self.table,
            "new_files": self.new_files,
            "rows_read": self.total("rows_read"),
            "rows_loaded": self.total("rows_loaded"),
            "rows_quarantined": self.total("rows_quarantined"),
            "rows_duplicate": self.total("rows_duplicate"),
            "rows_superseded": self.total("rows_superseded"),
            "seconds": round(self.seconds, 3),
        }


# --- DDL ------------------------------------------------------------------------------------
def staging_ddl_sql(*, contract: Contract) -> str:
    cols = ",\n    ".join(f"{n} {t}" for n, t in contract.staging_schema())
    hist = cols + ",\n    _superseded_by_file VARCHAR,\n    _superseded_by_row BIGINT"
    t = contract.table
    return f"""
create table if not exists staging.{t} (
    {cols}
);
create table if not exists history.{t} (
    {hist}
);
create table if not exists quarantine.{t} (
    _province VARCHAR, _file_id VARCHAR, _row_no BIGINT, reasons VARCHAR[],
    original JSON, raw_line VARCHAR
);
create table if not exists raw.{t}_extra (
    _province VARCHAR, _file_id VARCHAR, _row_no BIGINT, _extra JSON
);
"""


def ensure_schema(conn: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = TABLES) -> None:
    """Create meta, staging, history, quarantine and raw tables if missing (idempotent)."""
    conn.execute(read_sql("meta_tables.sql"))
    for t in tables:
        conn.execute(staging_ddl_sql(contract=load_contract(t)))


# --- generated SQL fragments ----------------------------------------------------------------
def _key_columns(contract: Contract) -> list[str]:
    return ["_province", *contract.key]


def key_sql(*, contract: Contract, alias: str = "") -> str:
    p = f"{alias}." if alias else ""
    parts = [f"coalesce(cast({p}{c} as varchar), '')" for c in _key_columns(contract)]
    return "concat_ws('|', " + ", ".join(parts) + ")"


def hash_sql(*, contract: Contract, alias: str = "") -> str:
    """64-bit hash over the canonical columns: equal hash = identical record content. Only
    compared between versions of the same record key, where a collision is negligible."""
    p = f"{alias}." if alias else ""
    return "hash(" + ", ".join(f"{p}{c}" for c in contract.names) + ")"


def classify_sql(*, contract: Contract, current: str | None = None) -> str:
    """`current`: the relation holding the current versions (default staging.<table>)."""
    keys = _key_columns(contract)
    return read_sql("classify_versions.sql").format(
        table=contract.table,
        current=current or f"staging.{contract.table}",
        hash=hash_sql(contract=contract),
        hash_s=hash_sql(contract=contract, alias="s"),
        key_cols=", ".join(keys),
        key_cols_s=", ".join(f"s.{c}" for c in keys),
        key_join=" and ".join(f"s.{c} = k.{c}" for c in keys),
        key_join_ic=" and ".join(f"i.{c} = c.{c}" for c in keys),
        partition="partition by " + ", ".join(f"i.{c}" for c in keys),
    )


def reconcile_sql(*, table: str) -> str:
    return read_sql("reconcile.sql").format(table=table)


# --- discovery ------------------------------------------------------------------------------
def discover(landing: Path, table: str) -> list[tuple[str, Path]]:
    """(province, file) for every supported file under <landing>/<prov>/<table>/, in a stable
    order: province, then path (later names = later exports)."""
    out: list[tuple[str, Path]] = []
    if not landing.is_dir():
        return out
    for prov_dir in sorted(p for p in landing.iterdir() if p.is_dir()):
        if not PROVINCE_DIR.match(prov_dir.name):
            continue  # e.g. _truth/
        folder = prov_dir / table
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and file_format(path):
                out.append((prov_dir.name, path))
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# --- the engine -----------------------------------------------------------------------------
def ingest_landing(
    conn: duckdb.DuckDBPyConnection,
    landing: Path,
    *,
    tables: tuple[str, ...] | list[str] = TABLES,
    now: datetime | None = None,
) -> dict[str, TableResult]:
    """Ingest every new file of the landing folder, one transaction per table."""
    ensure_schema(conn)
    return {t: ingest_table(conn, t, Path(landing), now=now) for t in tables}


def ingest_table(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    landing: Path,
    *,
    now: datetime | None = None,
) -> TableResult:
    """Ingest the new files of one table in a single transaction (all or nothing)."""
    started = time.perf_counter()
    contract = load_contract(table)
    ensure_schema(conn, (table,))
    now = now or datetime.now(SHANGHAI).replace(tzinfo=None)
    result = TableResult(table)
    known = {r[0] for r in conn.execute("select sha256 from meta.file_ledger").fetchall()}
    todo: list[tuple[str, Path, str]] = []
    for province, path in discover(landing, table):
        sha = file_sha256(path)
        if sha in known:
            result.files.append(FileResult(sha, str(path), province, "skipped"))
            continue
        known.add(sha)
        todo.append((province, path, sha))
    skipped = [f for f in result.files if f.status == "skipped"]
    if not todo:
        _record_redrops(conn, table, skipped)
        result.seconds = time.perf_counter() - started
        return result
    batch_no = conn.execute(
        "select coalesce(max(batch_no), 0) + 1 from meta.file_ledger where table_name = ?",
        [table],
    ).fetchall()[0][0]
    conn.execute("begin transaction")
    try:
        # read + type the next files (Rust readers and Polars, off the GIL) while DuckDB merges
        # the current one; files are still stored strictly in order
        with ThreadPoolExecutor(max_workers=PREFETCH) as pool:
            ahead = [pool.submit(_prepare, contract, *todo[j], now) for j in range(PREFETCH)
                     if j < len(todo)]  # fmt: skip
            for i, (province, path, sha) in enumerate(todo):
                prepared = ahead.pop(0).result()
                if i + PREFETCH < len(todo):
                    ahead.append(pool.submit(_prepare, contract, *todo[i + PREFETCH], now))
                result.files.append(
                    _ingest_file(
                        conn, contract, province, path, sha, batch_no, now, prepared=prepared
                    )
                )
        _record_redrops(conn, table, skipped)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    result.seconds = time.perf_counter() - started
    return result


def _record_redrops(conn: duckdb.DuckDBPyConnection, table: str, skipped: list[FileResult]) -> None:
    """Remember files whose exact bytes were already ingested under another path (shown in
    the quality report as ignored re-drops); idempotent."""
    for f in skipped:
        conn.execute(
            """
            insert into meta.file_redrops
            select ?, ?, ?, l.path from meta.file_ledger as l
            where l.sha256 = ? and l.path <> ?
              and not exists (select 1 from meta.file_redrops where path = ?)
            """,
            [f.sha256, table, f.path, f.sha256, f.path, f.path],
        )


@dataclass
class Prepared:
    """One file read and typed, not yet stored."""

    raw: RawFile | None
    cast: CastResult | None
    error: str | None
    read_seconds: float
    cast_seconds: float


def _prepare(contract: Contract, province: str, path: Path, sha: str, now: datetime) -> Prepared:
    t0 = time.perf_counter()
    try:
        raw = read_file(path)
    except Exception as exc:  # an unreadable file is recorded, never fatal for the batch
        return Prepared(None, None, f"{type(exc).__name__}: {exc}"[:500], 0.0, 0.0)
    t1 = time.perf_counter()
    cast = cast_frame(raw.frame, contract, province=province, file_id=sha, now=now)
    return Prepared(raw, cast, None, t1 - t0, time.perf_counter() - t1)


def _ingest_file(
    conn: duckdb.DuckDBPyConnection,
    contract: Contract,
    province: str,
    path: Path,
    sha: str,
    batch_no: int,
    now: datetime,
    *,
    prepared: Prepared | None = None,
) -> FileResult:
    """Store one file's rows (quarantine, raw extras, merge into staging) and its ledger row."""
    prepared = prepared or _prepare(contract, province, path, sha, now)
    t0 = time.perf_counter()
    table = contract.table
    res = FileResult(sha, str(path), province, "loaded", file_format(path), path.stat().st_size)
    if prepared.raw is None or prepared.cast is None:
        res.status, res.error = "unreadable", prepared.error
        _ledger(conn, contract, res, path, batch_no)
        return res
    raw, cast = prepared.raw, prepared.cast
    res.phases["read"] = prepared.read_seconds
    res.phases["cast"] = prepared.cast_seconds
    res.rows_read = raw.frame.height
    res.rows_quarantined = cast.quarantined.height

    if cast.quarantined.height:
        conn.register("_quarantine_df", cast.quarantined.to_arrow())
        conn.execute(f"insert into quarantine.{table} by name select * from _quarantine_df")  # noqa: S608 (identifiers from the contracts; data values are parameters)
        conn.unregister("_quarantine_df")
    if cast.extras.height:
        extras = cast.extras.with_columns(
            pl.lit(province).alias("_province"), pl.lit(sha).alias("_file_id")
        )
        conn.register("_extras_df", extras.to_arrow())
        conn.execute(f"insert into raw.{table}_extra by name select * from _extras_df")  # noqa: S608 (identifiers from the contracts; data values are parameters)
        conn.unregister("_extras_df")

    if cast.accepted.height:
        accepted = _reference_flags(conn, contract, cast.accepted)
        conn.register("_incoming", accepted.to_arrow())  # scanned in place, not copied
        t_merge = time.perf_counter()
        res.phases["store"] = t_merge - t0
        _merge(conn, contract, sha, res)
        res.phases["merge"] = time.perf_counter() - t_merge
        conn.unregister("_incoming")
        for temp in ("_existing_keys", "_conflict_keys", "_conflicting", "_classified"):
            conn.execute(f"drop table if exists {temp}")
    res.header_map = cast.mapping.sources
    res.extra_columns = cast.mapping.extras
    res.encoding, res.delimiter = raw.encoding, raw.delimiter
    res.seconds = time.perf_counter() - t0 + prepared.read_seconds + prepared.cast_seconds
    _ledger(conn, contract, res, path, batch_no)
    return res


def _merge(conn: duckdb.DuckDBPyConnection, contract: Contract, sha: str, res: FileResult) -> None:
    """Merge _incoming into staging. Records whose key is new and unique in the file go straight
    in; only keys repeated in the file or already in staging are classified version by version."""
    table = contract.table
    cols = ", ".join(n for n, _ in contract.staging_schema())
    keys = _key_columns(contract)
    conn.execute(read_sql("conflict_keys.sql").format(
        table=table,
        key_cols=", ".join(keys),
        key_cols_s=", ".join(f"s.{c}" for c in keys),
        key_join=" and ".join(f"i.{c} = s.{c}" for c in keys),
    ))  # fmt: skip
    n_existing, n_conflict = conn.execute(
        "select (select count(*) from _existing_keys), (select count(*) from _conflict_keys)"
    ).fetchall()[0]
    if n_conflict == 0:
        # the common case (a new export): every key is new and unique, nothing to classify
        res.rows_loaded = conn.execute(
            f"insert into staging.{table} select {cols} from _incoming"  # noqa: S608 (identifiers from the contracts; data values are parameters)
        ).fetchall()[0][0]
        res.rows_superseded = 0
        return
    clean = conn.execute(
        f"""
        insert into staging.{table}
        select {cols} from _incoming as i anti join _conflict_keys as s on
            {" and ".join(f"i.{c} = s.{c}" for c in keys)}
        """  # noqa: S608 (identifiers from the contracts; data values are parameters)
    ).fetchall()[0][0]
    conn.execute(
        f"""
        create or replace temp table _conflicting as
        select * from _incoming as i semi join _conflict_keys as s on
            {" and ".join(f"i.{c} = s.{c}" for c in keys)}
        """  # noqa: S608 (identifiers from the contracts; data values are parameters)
    )
    # no key of the file is in staging yet: skip every scan of staging below
    current = None if n_existing else f"(select * from staging.{table} where false)"  # noqa: S608 (identifiers from the contracts)
    classify = classify_sql(contract=contract, current=current)
    conn.execute(f"create or replace temp table _classified as {classify}")
    res.rows_duplicate = conn.execute(
        f"""
        insert into meta.duplicates
        select ?, _province, _file_id, _row_no, 'exact_duplicate', {key_sql(contract=contract)},
            _prev_file, _prev_row
        from _classified where _dup
        """,  # noqa: S608 (identifiers from the contracts; data values are parameters)
        [table],
    ).fetchall()[0][0]
    replaced = 0
    if n_existing:  # else no key of the file is in staging: nothing to replace there
        replaced = _replace_current(conn, contract, sha)
    superseded_in_file = conn.execute(
        f"""
        insert into history.{table}
        select {cols}, _file_id, _next_row from _classified where not _dup and not _last
        """  # noqa: S608 (identifiers from the contracts; data values are parameters)
    ).fetchall()[0][0]
    loaded = conn.execute(
        f"insert into staging.{table} select {cols} from _classified where _last"  # noqa: S608 (identifiers from the contracts; data values are parameters)
    ).fetchall()[0][0]
    res.rows_loaded = clean + loaded + superseded_in_file
    res.rows_superseded = replaced + superseded_in_file


def _replace_current(conn: duckdb.DuckDBPyConnection, contract: Contract, sha: str) -> int:
    """Move the current version of every key that gets a new version to history."""
    table = contract.table
    keys = _key_columns(contract)
    join = " and ".join(f"s.{c} = n.{c}" for c in keys)
    replaced = conn.execute(
        f"""
        insert into history.{table}
        select {", ".join("s." + n for n, _ in contract.staging_schema())}, ?, n._first_row
        from staging.{table} as s
        inner join (
            select {", ".join(keys)}, min(_row_no) as _first_row
            from _classified where not _dup group by all
        ) as n on {join}
        """,  # noqa: S608 (identifiers from the contracts; data values are parameters)
        [sha],
    ).fetchall()[0][0]
    conn.execute(
        f"""
        delete from staging.{table} as s using (
            select distinct {", ".join(keys)} from _classified where not _dup
        ) as n where {join}
        """  # noqa: S608 (identifiers from the contracts; data values are parameters)
    )
    return replaced


def _reference_flags(
    conn: duckdb.DuckDBPyConnection, contract: Contract, accepted: pl.DataFrame
) -> pl.DataFrame:
    """Flag-only referential checks (e.g. unknown_station: a weigh record whose station_id is
    in no stations file loaded so far) added to `_flags`."""
    for f in contract.flags:
        if f.kind != "ref" or not f.ref:
            continue
        ref_table, ref_col = f.ref.split(".")
        rows = conn.execute(f"select distinct {ref_col} from staging.{ref_table}").fetchall()  # noqa: S608 (identifiers from the contracts; data values are parameters)
        known = pl.Series([r[0] for r in rows], dtype=pl.String)
        for c in f.columns:
            unknown = pl.col(c).is_not_null() & ~pl.col(c).is_in(known.implode())
            accepted = accepted.with_columns(
                pl.when(unknown)
                .then(pl.col("_flags").list.concat(pl.lit([f.flag])))
                .otherwise(pl.col("_flags"))
                .alias("_flags")
            )
    return accepted


def _ledger(conn, contract: Contract, res: FileResult, path: Path, batch_no: int) -> None:
    conn.execute(
        """
        insert into meta.file_ledger (sha256, table_name, province, path, file_name, format,
            encoding, delimiter, size_bytes, rows_read, rows_loaded, rows_quarantined,
            rows_duplicate, rows_superseded, header_map, extra_columns, status, error, batch_no,
            ingested_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            res.sha256,
            contract.table,
            res.province,
            str(path),
            path.name,
            res.format,
            res.encoding,
            res.delimiter,
            res.size_bytes,
            res.rows_read,
            res.rows_loaded,
            res.rows_quarantined,
            res.rows_duplicate,
            res.rows_superseded,
            json.dumps(res.header_map, ensure_ascii=False),
            list(res.extra_columns),
            res.status,
            res.error,
            batch_no,
            datetime.now(SHANGHAI).replace(tzinfo=None),
        ],
    )


def as_dict(result: TableResult) -> dict[str, object]:
    return {**result.summary(), "files": [asdict(f) for f in result.files]}
