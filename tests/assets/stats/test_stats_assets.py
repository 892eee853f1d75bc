"""Materialise the stats assets through Dagster into a temp work dir and check the outputs:
Parquet tables, the XLSX workbook, and two self-contained offline HTML reports."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import openpyxl
import pytest
from dagster_duckdb import DuckDBResource

from assets.stats import ASSETS, CHECKS
from assets.stats.build import EXPORT_TABLES, GUIDE_TABLES, OVERVIEW_TABLES
from pipelines.resources import XiansuoSettings
from reports.stats.labels import TABLE_LABELS

GUIDE_CHARTS = {
    "chart-top-by-province",
    "chart-trend",
    "chart-reconciliation",
    "chart-reconciliation-monthly",
    "chart-severity-axle",
    "chart-disparity",
    "chart-band-1",
    "chart-recidivism",
    "chart-tiers",
}
OVERVIEW_CHARTS = {"chart-leads", "chart-stations"}
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


class ResourceAudit(HTMLParser):
    """Collects what a browser would fetch: script src, link href, img src, CSS url()/@import."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.inline_scripts = 0
        self.plotly_bundles = 0
        self.div_ids: set[str] = set()
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href", "data", "poster"):
            if a.get(key) and EXTERNAL.match(a[key]):
                self.external.append(f"{tag} {key}={a[key]}")
        if tag == "link":
            self.external.append(f"link {a}")  # no <link> at all: styles are inline
        if tag == "div" and a.get("id"):
            self.div_ids.add(a["id"])
        if tag in ("script", "style"):
            self._in = tag
            if tag == "script":
                self.inline_scripts += 1

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style":
            for m in re.findall(r"(?:url\(|@import)\s*['\"]?([^'\")\s]+)", data):
                if EXTERNAL.match(m) or m.startswith("http"):
                    self.external.append(f"css {m}")
            if "@font-face" in data:
                self.external.append("css @font-face")
        if self._in == "script" and "Plotly.register" in data and len(data) > 1_000_000:
            self.plotly_bundles += 1


@pytest.fixture(scope="module")
def materialised(tmp_path_factory, world_builder) -> Path:
    builder = world_builder
    workdir = tmp_path_factory.mktemp("stats_work")
    db = builder(workdir / "xiansuo.duckdb")
    result = dg.materialize(
        [*ASSETS, *CHECKS],
        resources={
            "duckdb": DuckDBResource(database=str(db)),
            "settings": XiansuoSettings(
                workdir=str(workdir), landing=str(workdir / "none"), as_of="2025-12-31"
            ),
        },
    )
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert len(checks) == len(CHECKS) and all(c.passed for c in checks)
    return workdir


def test_module_exposes_assets_and_checks() -> None:
    keys = {k.to_user_string() for a in ASSETS for k in a.keys}
    assert {"discretion_stats", "discretion_guide_report", "overview_report"} <= keys
    assert "stats_disparity" in keys
    assert isinstance(CHECKS, list)


def test_parquet_tables_written(materialised: Path) -> None:
    stats = materialised / "out" / "stats"
    for table in EXPORT_TABLES:
        assert (stats / f"{table}.parquet").exists(), table


def test_workbook_opens_with_expected_sheets(materialised: Path) -> None:
    wb = openpyxl.load_workbook(materialised / "out" / "stats" / "discretion_stats.xlsx")
    assert wb.sheetnames == ["说明", *[TABLE_LABELS[t] for t in GUIDE_TABLES]]
    overview = openpyxl.load_workbook(materialised / "out" / "stats" / "overview.xlsx")
    assert overview.sheetnames == ["说明", *[TABLE_LABELS[t] for t in OVERVIEW_TABLES]]
    ws = wb[TABLE_LABELS["disparity"]]
    headers = [c.value for c in ws[1]]
    assert "差异度" in headers and "违法事项" in headers
    assert ws.max_row > 1
    for sheet in [*wb.worksheets, *overview.worksheets]:
        for row in sheet.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v.startswith("=")), (sheet.title, v)


@pytest.mark.parametrize(
    ("name", "charts"),
    [("discretion_guide.html", GUIDE_CHARTS), ("overview.html", OVERVIEW_CHARTS)],
)
def test_html_is_self_contained_and_has_every_chart(
    materialised: Path, name: str, charts: set[str]
) -> None:
    html = (materialised / "out" / "stats" / name).read_text(encoding="utf-8")
    audit = ResourceAudit()
    audit.feed(html)
    audit.close()
    assert audit.external == []
    assert audit.plotly_bundles == 1, "plotly.js must be embedded exactly once"
    assert charts <= audit.div_ids
    assert html.count("cdn.plot.ly/plotly") == 0
    assert "数据来源：out/stats/" in html


def test_guide_labels_proposals_and_never_prints_unverified_law(materialised: Path) -> None:
    html = (materialised / "out" / "stats" / "discretion_guide.html").read_text(encoding="utf-8")
    assert "建议（供工作组讨论）" in html
    # D-WB is tagged U in legal_ranges.yaml: its article must not appear as a basis
    assert "《危险货物道路运输安全管理办法》第二十四条（罚则条款未核实）" not in html
    assert "待核实（配置假设，非法律依据）" in html


def test_guide_never_waits_for_leads_or_patterns() -> None:
    """A failure in the leads or patterns layers must not block the discretion guide."""
    deps: dict[str, set[str]] = {}
    for a in ASSETS:
        for key, upstream in a.asset_deps.items():
            deps[key.to_user_string()] = {u.to_user_string() for u in upstream}
    seen, todo = set(), ["discretion_guide_report"]
    while todo:
        k = todo.pop()
        for u in deps.get(k, set()):
            if u not in seen:
                seen.add(u)
                todo.append(u)
    assert not seen & {"leads", "lead_packets", "cloned_plates", "risk_model", "convoys"}
    assert "leads" in {u for k, v in deps.items() if k == "stats_leads_summary" for u in v}


def test_hostile_values_stay_data(tmp_path: Path, world_builder) -> None:
    """An unknown violation code from a province's export is shown as is: as text in the
    workbook (never a formula) and escaped in the HTML."""
    import datetime as dt

    import duckdb

    from assets.stats.build import GUIDE_TABLES, StatsParams, build_all, export_tables
    from reports.stats.guide import build_discretion_guide
    from reports.stats.workbook import write_workbook

    db = world_builder(tmp_path / "h.duckdb")
    conn = duckdb.connect(str(db))
    hostile = "=cmd|' /C calc'!A0<script>alert(1)</script>"
    conn.execute(
        "insert into staging.cases (case_id, province_code, violation_code, violation_name, "
        "occurred_at, decision, penalty_yuan, _province, rid) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ["H1", "21", hostile, hostile, dt.datetime(2025, 5, 1), "fine", 100.0, "21", "21:H1"],
    )
    build_all(conn, StatsParams.default(dt.date(2025, 12, 31)))
    out = tmp_path / "out"
    paths = export_tables(conn, out, GUIDE_TABLES)
    conn.close()
    write_workbook({k: paths[k] for k in GUIDE_TABLES}, out / "w.xlsx", as_of="2025-12-31")
    build_discretion_guide(out, out / "g.html", as_of="2025-12-31")
    wb = openpyxl.load_workbook(out / "w.xlsx")
    values = [v for row in wb[TABLE_LABELS["top_items"]].iter_rows(values_only=True) for v in row]
    assert "'" + hostile in values
    assert hostile not in values
    html = (out / "g.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
