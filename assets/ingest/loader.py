"""Landing folder → staging / quarantine / duplicate log, with exact accounting.

`ingest_landing` is the engine behind the staging_<table> assets (and the bench). For one
table it runs in ONE transaction: every new file (by content sha256) is read, typed against the
table contract, split into accepted and quarantined rows, de-duplicated against the current
version of each record, merged into staging (superseded versions move to history.<table>), and
recorded in meta.file_ledger. A crash anywhere rolls the whole table back, so a rerun after
`kill -9` produces exactly the tables of an uninterrupted run.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from data_contracts.contract import TABLES, Contract, load_contract, plate_color_code_set
from models.ingest.casting import SHANGHAI, CastResult, cast_frame
from models.ingest.readers import RawFile, file_format, read_file

SQL_DIR = Path(__file__).parent
PROVINCE_DIR = re.compile(r"^\d{2}$")
PREFETCH = 3  # files read and typed ahead (2 cores: a third keeps them busy while one waits)
# Polars → Arrow with string views: no copy of the strings, and DuckDB scans them ~2x faster
ARROW = pl.CompatLevel.newest()


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
    phases: dict[str, float] = field(default_factory=dict)  # seconds: read, cast, store


@dataclass
class TableResult:
    table: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds: merge, commit (batch)

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
    """Create meta, staging, history, quarantine and raw tables if missing (idempotent; the DDL
    runs only when one of its tables is missing — it is called once per table and batch)."""
    ddl = read_sql("meta_tables.sql") + "".join(
        staging_ddl_sql(contract=load_contract(t)) for t in tables
    )
    present = conn.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where database_name = current_database() "
        "union all select schema_name from duckdb_schemas() "
        "where database_name = current_database()"
    ).fetchall()
    if not set(_CREATED.findall(ddl)) <= {r[0] for r in present}:
        conn.execute(ddl)


_CREATED = re.compile(r"create (?:table|schema) if not exists ([\w.]+)")


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


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (reference counting still frees everything).

    Ingestion allocates many short-lived Python objects (expressions, distinct values) next to
    long-lived memo caches; each full collection then walks the whole heap while holding the
    GIL, and cost ~15% of the typing time of a batch. Ingestion creates no reference cycles
    worth collecting meanwhile. The collector is re-enabled only if it was enabled on entry,
    so nesting (or a caller that disabled it) is respected."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def ingest_table(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    landing: Path,
    *,
    now: datetime | None = None,
) -> TableResult:
    """Ingest the new files of one table in a single transaction (all or nothing), with the
    cyclic garbage collector paused (`no_cyclic_gc`)."""
    with no_cyclic_gc():
        return _ingest_table(conn, table, landing, now=now)


def _ingest_table(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    landing: Path,
    *,
    now: datetime | None = None,
) -> TableResult:
    """Ingest the new files of one table in a single transaction (all or nothing).

    Every new file is read and typed (the next ones ahead, off the GIL, while DuckDB stores the
    current one), its quarantined rows and unknown columns stored, and its accepted rows
    buffered (Polars frames). Versions, duplicates and supersedes are then resolved set-based
    over the whole batch and staging is written once: a row is never inserted and deleted again
    inside the transaction (a re-sent record did that before, and made DuckDB's commit many
    times slower). Reference flags of earlier rows are refreshed (`refresh_reference_flags`)."""
    started = time.perf_counter()
    contract = load_contract(table)
    ensure_schema(conn, (table,))
    now = now or datetime.now(SHANGHAI).replace(tzinfo=None)
    result = TableResult(table)
    known = {r[0] for r in conn.execute("select sha256 from meta.file_ledger").fetchall()}
    todo: list[tuple[str, Path, str]] = []
    found = discover(landing, table)
    with ThreadPoolExecutor(max_workers=PREFETCH) as pool:  # hashlib releases the GIL
        shas = list(pool.map(file_sha256, [path for _, path in found]))
    for (province, path), sha in zip(found, shas, strict=True):
        if sha in known:
            result.files.append(FileResult(sha, str(path), province, "skipped"))
            continue
        known.add(sha)
        todo.append((province, path, sha))
    skipped = [f for f in result.files if f.status == "skipped"]
    if not todo:
        conn.execute("begin transaction")
        try:
            _record_redrops(conn, table, skipped)
            refresh_reference_flags(conn, contract)
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
        result.seconds = time.perf_counter() - started
        return result
    batch_no = conn.execute(
        "select coalesce(max(batch_no), 0) + 1 from meta.file_ledger where table_name = ?",
        [table],
    ).fetchall()[0][0]
    conn.execute("begin transaction")
    try:
        batch = Batch(known_refs=_known_refs(conn, contract))
        staged: list[FileResult] = []
        # read + type the next files (Rust readers and Polars, off the GIL) while DuckDB stores
        # the current one; files keep their order (_seq) for the version resolution
        with ThreadPoolExecutor(max_workers=PREFETCH) as pool:
            ahead = [pool.submit(_prepare, contract, *todo[j], now, batch.known_refs)
                     for j in range(PREFETCH) if j < len(todo)]  # fmt: skip
            for i, (province, path, sha) in enumerate(todo):
                prepared = ahead.pop(0).result()
                if i + PREFETCH < len(todo):
                    ahead.append(
                        pool.submit(_prepare, contract, *todo[i + PREFETCH], now, batch.known_refs)
                    )
                staged.append(
                    _ingest_file(
                        conn, contract, province, path, sha, batch_no, now,
                        prepared=prepared, seq=i, batch=batch,
                    )
                )  # fmt: skip
        t0 = time.perf_counter()
        if batch.frames:
            _merge_batch(conn, contract, staged, batch.frames)
        for res in staged:
            _ledger(conn, contract, res, Path(res.path), batch_no)
        refresh_reference_flags(conn, contract)
        _record_redrops(conn, table, skipped)
        for temp in ("_conflicting", "_classified"):
            conn.execute(f"drop table if exists {temp}")
        t1 = time.perf_counter()
        conn.execute("commit")
        result.phases = {"merge": t1 - t0, "commit": time.perf_counter() - t1}
    except BaseException:
        conn.execute("rollback")
        raise
    result.files += staged
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


def _prepare(
    contract: Contract,
    province: str,
    path: Path,
    sha: str,
    now: datetime,
    known_refs: dict[str, pl.Series],
) -> Prepared:
    t0 = time.perf_counter()
    try:
        raw = read_file(path)
    except Exception as exc:  # an unreadable file is recorded, never fatal for the batch
        return Prepared(None, None, f"{type(exc).__name__}: {exc}"[:500], 0.0, 0.0)
    t1 = time.perf_counter()
    cast = cast_frame(
        raw.frame, contract, province=province, file_id=sha, now=now,
        colour_code_set=plate_color_code_set(province, contract.table), known_refs=known_refs,
    )  # fmt: skip
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
    seq: int = 0,
    batch: Batch | None = None,
) -> FileResult:
    """Store one file's quarantined rows and unknown columns; buffer its accepted rows in
    `batch` (merged into staging by `_merge_batch`, ledger row written after that)."""
    batch = batch if batch is not None else Batch(known_refs=_known_refs(conn, contract))
    prepared = prepared or _prepare(contract, province, path, sha, now, batch.known_refs)
    t0 = time.perf_counter()
    table = contract.table
    res = FileResult(sha, str(path), province, "loaded", file_format(path), path.stat().st_size)
    if prepared.raw is None or prepared.cast is None:
        res.status, res.error = "unreadable", prepared.error
        return res
    raw, cast = prepared.raw, prepared.cast
    res.phases["read"] = prepared.read_seconds
    res.phases["cast"] = prepared.cast_seconds
    res.rows_read = raw.frame.height
    res.rows_quarantined = cast.quarantined.height

    if cast.quarantined.height:
        conn.register("_quarantine_df", cast.quarantined.to_arrow(compat_level=ARROW))
        conn.execute(f"insert into quarantine.{table} by name select * from _quarantine_df")  # noqa: S608 (identifiers from the contracts; data values are parameters)
        conn.unregister("_quarantine_df")
    if cast.extras.height:
        extras = cast.extras.with_columns(
            pl.lit(province).alias("_province"), pl.lit(sha).alias("_file_id")
        )
        conn.register("_extras_df", extras.to_arrow(compat_level=ARROW))
        conn.execute(f"insert into raw.{table}_extra by name select * from _extras_df")  # noqa: S608 (identifiers from the contracts; data values are parameters)
        conn.unregister("_extras_df")
    if cast.accepted.height:
        accepted = cast.accepted.with_columns(
            pl.lit(seq, pl.Int32).alias("_seq"), key_hash(_key_columns(contract)).alias("_key_hash")
        )
        batch.frames.append(accepted.to_arrow(compat_level=ARROW))
    res.rows_loaded = cast.accepted.height  # minus duplicates, once the batch is merged
    res.header_map = cast.mapping.sources
    res.extra_columns = cast.mapping.extras
    res.encoding, res.delimiter = raw.encoding, raw.delimiter
    res.phases["store"] = time.perf_counter() - t0
    res.seconds = res.phases["store"] + prepared.read_seconds + prepared.cast_seconds
    return res


def key_hash(keys: list[str]) -> pl.Expr:
    """64-bit hash of a record key (NULL when a key part is missing): equal keys, equal hash."""
    return pl.when(pl.all_horizontal(pl.col(keys).is_not_null())).then(pl.struct(keys).hash())


def _merge_batch(
    conn: duckdb.DuckDBPyConnection,
    contract: Contract,
    files: list[FileResult],
    frames: list[pa.Table],
) -> None:
    """Merge the batch's accepted rows into staging, set-based. Keys new and unique in the
    batch go straight in; only keys repeated in the batch or already in staging are classified
    version by version (order: file, then row). A 64-bit hash of each row's key (computed per
    file, `key_hash`) finds the keys repeated in the batch without grouping the key strings;
    a collision only sends rows through the exact classification. Staging is written once.
    `frames` is consumed (emptied) so that no second copy of the batch is held.
    Sets rows_loaded / rows_duplicate / rows_superseded per file."""
    table = contract.table
    cols = ", ".join(n for n, _ in contract.staging_schema())
    keys = _key_columns(contract)
    hashes = pl.concat([pl.from_arrow(t.column("_key_hash")) for t in frames], rechunk=True)
    # a key hash seen twice: the key repeats in the batch (or two keys collide, which only
    # sends their rows through the exact classification below); NULL = a key part missing
    conflict = hashes.is_duplicated() & hashes.is_not_null()
    n_existing = 0
    if conn.execute(f"select exists (select 1 from staging.{table})").fetchall()[0][0]:  # noqa: S608 (identifiers from the contracts)
        batch_keys = pl.concat([pl.from_arrow(t.select(keys)) for t in frames], rechunk=False)
        conn.register("_batch_keys", batch_keys.unique().to_arrow(compat_level=ARROW))
        sql = read_sql("existing_keys.sql").format(
            table=table,
            key_cols_s=", ".join(f"s.{c}" for c in keys),
            key_join=" and ".join(f"i.{c} = s.{c}" for c in keys),
        )
        existing = conn.sql(sql).pl().cast(batch_keys.schema)
        conn.unregister("_batch_keys")
        n_existing = existing.height
        if n_existing:
            known = existing.select(key_hash(keys)).to_series()
            conflict = conflict | hashes.is_in(known.implode())
    # mark the conflicting rows with a column (zero-copy) and let DuckDB split the batch while
    # it scans it: copying each file's rows into two filtered Arrow tables cost a third of the
    # insert
    offset = 0
    for i, t in enumerate(frames):
        frames[i] = t.append_column("_conflict", conflict.slice(offset, t.num_rows).to_arrow())
        offset += t.num_rows
    any_conflict = bool(conflict.any())
    batch = pa.concat_tables(frames, promote_options="permissive")
    frames.clear()
    conn.register("_batch", batch)
    # without insertion order DuckDB writes (compresses) the rows on every core; the row order
    # of staging is not meaningful (LAYERS.md)
    conn.execute("set preserve_insertion_order = false")
    try:
        conn.execute(f"insert into staging.{table} select {cols} from _batch where not _conflict")  # noqa: S608 (identifiers from the contracts; data values are parameters)
    finally:
        conn.execute("reset preserve_insertion_order")
    conn.unregister("_batch")
    if not any_conflict:  # the common case (new exports): every key is new and unique
        return
    # the few rows of repeated keys, taken out by Polars (zero-copy view of the batch): a
    # second DuckDB scan of the whole batch to find them cost ~0.15 µs per batch row
    rows = pl.from_arrow(batch, rechunk=False).filter(pl.col("_conflict"))
    del batch
    conn.register(
        "_conflicting_rows", rows.drop("_conflict", "_key_hash").to_arrow(compat_level=ARROW)
    )
    conn.execute("create or replace temp table _conflicting as select * from _conflicting_rows")
    conn.unregister("_conflicting_rows")
    # no key of the batch is in staging yet: skip every scan of staging below
    current = None if n_existing else f"(select * from staging.{table} where false)"  # noqa: S608 (identifiers from the contracts)
    conn.execute(
        f"create or replace temp table _classified as {classify_sql(contract=contract, current=current)}"
    )
    conn.execute(
        f"""
        insert into meta.duplicates
        select ?, _province, _file_id, _row_no, 'exact_duplicate', {key_sql(contract=contract)},
            _prev_file, _prev_row
        from _classified where _dup
        """,  # noqa: S608 (identifiers from the contracts; data values are parameters)
        [table],
    )
    if n_existing:  # move the current version of every key that gets a new one to history
        join = " and ".join(f"s.{c} = n.{c}" for c in keys)
        conn.execute(
            f"""
            insert into history.{table}
            select {", ".join("s." + n for n, _ in contract.staging_schema())},
                n._file_id, n._row_no
            from staging.{table} as s
            inner join (select * from _classified where _first) as n on {join}
            """  # noqa: S608 (identifiers from the contracts; data values are parameters)
        )
        key_list = ", ".join(keys)
        conn.execute(
            f"delete from staging.{table} as s using (select {key_list} from _classified "  # noqa: S608 (identifiers from the contracts; data values are parameters)
            f"where _first) as n where {join}"
        )
    conn.execute(
        f"insert into history.{table} select {cols}, _next_file, _next_row from _classified "  # noqa: S608 (identifiers from the contracts; data values are parameters)
        "where not _dup and not _last"
    )
    conn.execute(f"insert into staging.{table} select {cols} from _classified where _last")  # noqa: S608 (identifiers from the contracts; data values are parameters)
    # per file: duplicates, and versions superseded by this file (in staging or in the batch)
    dups = dict(
        conn.execute(
            "select _file_id, count(*) from _classified where _dup group by all"
        ).fetchall()
    )
    superseded = dict(
        conn.execute(
            f"""
            select _superseded_by_file, count(*) from history.{table}
            where _superseded_by_file in (select distinct _file_id from _classified)
            group by all
            """  # noqa: S608 (identifiers from the contracts; data values are parameters)
        ).fetchall()
    )
    for f in files:
        f.rows_duplicate = int(dups.get(f.sha256, 0))
        f.rows_loaded -= f.rows_duplicate
        f.rows_superseded = int(superseded.get(f.sha256, 0))


@dataclass
class Batch:
    """Accepted rows of the files of one table batch, merged into staging once, and the
    reference values the flag-only checks (`cast_frame(known_refs=…)`) look up."""

    known_refs: dict[str, pl.Series]
    frames: list[pa.Table] = field(default_factory=list)  # Arrow: the Polars frames are freed


def _known_refs(conn: duckdb.DuckDBPyConnection, contract: Contract) -> dict[str, pl.Series]:
    """Per 'ref' flag: the values present in the referenced staging table (read once)."""
    out: dict[str, pl.Series] = {}
    for f in contract.flags:
        if f.kind == "ref" and f.ref:
            ref_table, ref_col = f.ref.split(".")
            ensure_schema(conn, (ref_table,))
            rows = conn.execute(
                f"select distinct {ref_col} from staging.{ref_table} where {ref_col} is not null"  # noqa: S608 (identifiers from the contracts; data values are parameters)
            ).fetchall()
            out[f.ref] = pl.Series([r[0] for r in rows], dtype=pl.String)
    return out


def refresh_reference_flags(conn: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Drop a reference flag from stored rows whose reference has arrived since (a stations
    file loaded after the weigh records that name its stations): the flag then reads the same
    whatever the arrival order. References are never removed, so flags only ever clear."""
    for f in contract.flags:
        if f.kind != "ref" or not f.ref:
            continue
        ref_table, ref_col = f.ref.split(".")
        ensure_schema(conn, (ref_table,))
        for rel in (f"staging.{contract.table}", f"history.{contract.table}"):
            for c in f.columns:
                conn.execute(
                    f"""
                    update {rel} set _flags = list_filter(_flags, lambda x: x <> ?)
                    where list_contains(_flags, ?)
                      and {c} in (select {ref_col} from staging.{ref_table})
                    """,  # noqa: S608 (identifiers from the contracts; data values are parameters)
                    [f.flag, f.flag],
                )


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
