"""Small helpers shared by the rules-area assets: read/render SQL, write tables, preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg

from models.rules import PLATE_PREFIX_PROVINCE, PROVINCE_NAMES, RuleBook, load_rules

HERE = Path(__file__).parent


def read_sql(name: str, folder: Path = HERE) -> str:
    return (folder / name).read_text(encoding="utf-8")


def render(sql: str, **fragments: str) -> str:
    """Insert generated SQL fragments (from models.*_sql) at `{{name}}` markers."""
    for key, value in fragments.items():
        sql = sql.replace("{{" + key + "}}", value)
    if "{{" in sql:
        raise ValueError("unrendered SQL fragment: " + sql[sql.index("{{") : sql.index("{{") + 40])
    return sql


def used_params(sql: str, params: dict) -> dict:
    """Only the $parameters a statement references (DuckDB rejects unused named parameters)."""
    import re

    names = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", sql))
    missing = names - params.keys()
    if missing:
        raise KeyError(f"missing SQL parameters: {sorted(missing)}")
    return {k: v for k, v in params.items() if k in names}


def qualified(table: str) -> str:
    """A schema.table name from our own code (never from data); rejects anything else."""
    import re

    if not re.fullmatch(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*", table):
        raise ValueError(f"not a table name: {table!r}")
    return table


def create_table(
    conn, table: str, sql: str, params: dict | None = None, *, unordered: bool = False
) -> int:
    """`create or replace table <table> as <sql>`; returns the row count.

    `sql` is one of our .sql files (values are $parameters), `table` a checked identifier.
    `unordered` lets DuckDB write a large table in parallel without keeping insertion order
    (the setting is restored right after).
    """
    name = qualified(table)
    if unordered:
        conn.execute("set preserve_insertion_order = false")
    try:
        conn.execute(f"create or replace table {name} as {sql}", used_params(sql, params or {}))
    finally:
        if unordered:
            conn.execute("reset preserve_insertion_order")
    return conn.execute(f"select count(*) from {name}").fetchall()[0][0]  # noqa: S608


def table_exists(conn, schema: str, name: str) -> bool:
    q = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    return conn.execute(q, [schema, name]).fetchall()[0][0] > 0


def columns_of(conn, schema: str, name: str) -> set[str]:
    q = "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
    return {r[0] for r in conn.execute(q, [schema, name]).fetchall()}


def preview(conn, table: str, limit: int = 5) -> dg.MetadataValue:
    df = conn.execute(f"select * from {qualified(table)} limit {int(limit)}").df()  # noqa: S608
    try:
        text = df.to_markdown(index=False)
    except ImportError:  # tabulate not installed
        text = "```\n" + df.to_string(index=False) + "\n```"
    return dg.MetadataValue.md(text)


def ensure_schemas(conn, *schemas: str) -> None:
    for s in schemas:
        conn.execute(f"create schema if not exists {s}")


def write_rule_tables(conn, book: RuleBook | None = None) -> None:
    """facts.rule_catalogue, facts.rule_gvw_limits, facts.rule_tolerance and a plate→province map."""
    from models.limits import gvw_limit_rows

    book = book or load_rules()
    ensure_schemas(conn, "facts")
    conn.execute(
        "create or replace table facts.rule_catalogue (rule_id varchar, title_zh varchar,"
        " title_en varchar, tag varchar, enabled boolean, effective_from date,"
        " effective_to date, legal_basis varchar, citation varchar, params_json json)"
    )
    rows = book.catalogue_rows()
    conn.executemany(
        "insert into facts.rule_catalogue values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [list(r.values()) for r in rows],
    )
    conn.execute(
        "create or replace table facts.rule_gvw_limits (province varchar, axles_min bigint,"
        " axles_max bigint, combination boolean, single_drive_axle boolean, limit_kg bigint,"
        " clause varchar, specificity integer)"
    )
    conn.executemany(
        "insert into facts.rule_gvw_limits values (?, ?, ?, ?, ?, ?, ?, ?)",
        [list(r.values()) for r in gvw_limit_rows(book)],
    )
    conn.execute(
        "create or replace table facts.rule_tolerance"
        " (province varchar, kind varchar, tolerance_pct double)"
    )
    tol_rows = []
    for prov in [None, *book.override_provinces("R08")]:
        for kind, pct in book.params("R08", prov)["default_pct_by_kind"].items():
            tol_rows.append([prov, kind, float(pct)])
    conn.executemany("insert into facts.rule_tolerance values (?, ?, ?)", tol_rows)
    conn.execute("create or replace table facts.plate_provinces (prefix varchar, province varchar)")
    conn.executemany(
        "insert into facts.plate_provinces values (?, ?)", list(PLATE_PREFIX_PROVINCE.items())
    )
    conn.execute("create or replace table facts.province_names (code varchar, name varchar)")
    conn.executemany("insert into facts.province_names values (?, ?)", list(PROVINCE_NAMES.items()))


def as_of_date(context, conn) -> date:
    return context.resources.settings.as_of_date(conn)


# The findings contract (DESIGN.md "Findings contract"), in order, with DuckDB types.
FINDINGS_COLUMNS: list[tuple[str, str]] = [
    ("finding_key", "varchar"),
    ("lead_type", "varchar"),
    ("subject_kind", "varchar"),
    ("subject_keys", "varchar[]"),
    ("subject_provinces", "varchar[]"),
    ("origin_provinces", "varchar[]"),
    ("legal_trigger", "boolean"),
    ("severity", "double"),
    ("risk_score", "double"),
    ("risk_lo", "double"),
    ("risk_hi", "double"),
    ("legal_basis", "varchar"),
    ("evidence_record_ids", "varchar[]"),
    ("first_evidence_at", "timestamp"),
    ("last_evidence_at", "timestamp"),
    ("explanation", "varchar"),
    ("explanation_en", "varchar"),
    ("details", "json"),
    ("as_of", "date"),
]


def write_findings(conn, lead_type: str, sql: str, params: dict | None = None) -> int:
    """findings.<lead_type> with exactly the contract columns and types."""
    ensure_schemas(conn, "findings")
    cols = ", ".join(
        f"round(cast({c} as double), 4) as {c}" if t == "double" else f"cast({c} as {t}) as {c}"
        for c, t in FINDINGS_COLUMNS
    )
    wrapped = f"select {cols} from ({sql})"  # noqa: S608 — constant column list around our .sql
    return create_table(conn, f"findings.{lead_type}", wrapped, params)


def write_findings_file(
    conn, lead_type: str, name: str, params: dict, *, rule_id: str, risk_kind: str, **fragments
) -> int:
    """findings.<lead_type> from one of our findings_*.sql files: the shared preamble
    (findings_preamble.sql — province names `pm`, the citation of `rule_id` as `cite`, the
    `risk_kind` risk scores as `risk`) rendered at its `{{findings_preamble}}` marker."""
    preamble = read_sql("findings_preamble.sql").split("\n", 1)[1].strip()  # minus its purpose line
    sql = render(read_sql(name), findings_preamble=preamble, **fragments)
    shared = {"finding_rule_id": rule_id, "risk_entity_kind": risk_kind}
    return write_findings(conn, lead_type, sql, {**params, **shared})


def ensure_risk_table(conn) -> None:
    """An empty scores.risk_scores when scoring has not run (isolated asset runs)."""
    ensure_schemas(conn, "scores")
    conn.execute(
        "create table if not exists scores.risk_scores (entity_kind varchar, entity_key varchar,"
        " status varchar, score double, score_lo double, score_hi double, percentile double,"
        " breakdown_zh varchar)"
    )


def materialize_findings_step(context, build, table: str, **kw) -> dg.MaterializeResult:
    """Run `build(conn, as_of, **kw)` in one transaction; report its rows, findings and a preview."""
    with context.resources.duckdb.get_connection() as conn:
        as_of = as_of_date(context, conn)
        conn.execute("begin")
        counts = build(conn, as_of, **kw)
        conn.execute("commit")
        return dg.MaterializeResult(
            metadata={
                "rows": counts["rows"],
                "findings": counts["findings"],
                "as_of": str(as_of),
                "preview": preview(conn, table),
            }
        )
