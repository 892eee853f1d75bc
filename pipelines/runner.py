"""Run the whole asset graph in process — the engine behind `xiansuo run` and the tests."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines.landing import file_sha256, landing_files
from pipelines.settings import Settings, prepare_dagster_home

Progress = Callable[[int, int, str], None]

_RUN_LOG_DDL = """
create schema if not exists meta;
create table if not exists meta.run_log (
    run_id varchar primary key,
    started_at timestamp,
    finished_at timestamp,
    as_of date,
    new_files integer,
    status varchar
);
"""


# The event log keeps everything; the terminal shows warnings and errors only.
_QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class RunSummary:
    run_id: str | None
    status: str  # 'success' | 'failure' | 'nothing_to_do'
    new_files: int
    total_files: int
    as_of: date | None
    seconds: float
    failed_steps: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("success", "nothing_to_do")


def pending_work(settings: Settings) -> tuple[int, int, bool]:
    """(new files, all files, whether anything must run) for this landing folder and as_of."""
    files = landing_files(settings.landing)
    if not settings.db_path.exists():
        return len(files), len(files), True
    with _connect(settings) as conn:
        known = _known_hashes(conn)
        last = _last_run(conn)
    new = sum(1 for item in files if file_sha256(item.path) not in known)
    as_of_changed = last is None or last[1] != "success" or last[0] != settings.as_of
    return new, len(files), bool(new) or as_of_changed


def run_pipeline(
    landing: Path,
    workdir: Path,
    as_of: date | None = None,
    *,
    progress: Progress | None = None,
    force: bool = False,
    quiet: bool = True,
) -> RunSummary:
    """Materialise every asset (and its checks) for the landing folder into the work dir.

    Does nothing when no file is new and the reference date is unchanged since the last
    successful run, unless `force` is set.
    """
    settings = Settings(Path(workdir).resolve(), Path(landing).resolve(), as_of)
    settings.workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    new, total, needed = pending_work(settings)
    if not needed and not force:
        return RunSummary(None, "nothing_to_do", 0, total, as_of, time.monotonic() - started)

    prepare_dagster_home(settings)
    import dagster as dg

    from pipelines.definitions import ALL_ASSETS_JOB, build_definitions

    defs = build_definitions(settings)
    job = defs.resolve_job_def(ALL_ASSETS_JOB)
    instance = dg.DagsterInstance.get()
    run_id = str(uuid.uuid4())
    total_steps = len(job.graph.node_defs)
    started_at = datetime.now()

    result_box: dict[str, object] = {}

    def _execute() -> None:
        try:
            result_box["result"] = job.execute_in_process(
                run_config=_QUIET_CONSOLE if quiet else None,
                instance=instance,
                run_id=run_id,
                raise_on_error=False,
            )
        except BaseException as exc:  # surfaced to the caller below
            result_box["error"] = exc

    worker = threading.Thread(target=_execute, name="xiansuo-run", daemon=True)
    worker.start()
    done_steps: set[str] = set()
    while worker.is_alive():
        worker.join(0.5)
        if progress is not None:
            for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_SUCCESS):
                step = record.step_key or ""
                if step not in done_steps:
                    done_steps.add(step)
                    progress(len(done_steps), total_steps, step)
    if "error" in result_box:
        raise result_box["error"]  # type: ignore[misc]
    result = result_box["result"]
    failed = [
        event.step_key or ""
        for event in result.all_events  # type: ignore[attr-defined]
        if event.event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    status = "success" if result.success else "failure"  # type: ignore[attr-defined]
    _log_run(settings, run_id, started_at, as_of, new, status)
    return RunSummary(run_id, status, new, total, as_of, time.monotonic() - started, failed)


def _connect(settings: Settings):
    """A connection configured exactly like the assets' (DuckDB refuses two configurations of one
    file in one process, and the assets' connections may still be open in this process)."""
    from pipelines.resources import duckdb_resource

    return duckdb_resource(settings).get_connection()


def _known_hashes(conn: duckdb.DuckDBPyConnection) -> set[str]:
    try:
        return {row[0] for row in conn.execute("select sha256 from meta.file_ledger").fetchall()}
    except duckdb.Error:
        return set()


def _last_run(conn: duckdb.DuckDBPyConnection) -> tuple[date | None, str] | None:
    try:
        row = conn.execute(
            "select as_of, status from meta.run_log order by finished_at desc limit 1"
        ).fetchone()
    except duckdb.Error:
        return None
    return (row[0], row[1]) if row else None


def _log_run(
    settings: Settings, run_id: str, started_at: datetime, as_of: date | None, new: int, status: str
) -> None:
    with _connect(settings) as conn:
        conn.execute(_RUN_LOG_DDL)
        conn.execute(
            "insert into meta.run_log values (?, ?, ?, ?, ?, ?)",
            [run_id, started_at, datetime.now(), as_of, new, status],
        )
