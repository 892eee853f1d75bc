"""Leads on the generated tiny world after a full pipeline run (lead's `tiny_run` fixture)."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
from openpyxl import load_workbook

from models.leads.config import REGION
from models.leads.privacy import find_unmasked
from pipelines.resources import duckdb_resource
from pipelines.settings import Settings
from reports.packets.manifest import verify_manifest
from reports.packets.write import validate_packet


def test_leads_routed_packets_valid_and_masked(tiny_run):
    # the in-process pipeline may still hold the database open: join it with its own config
    store = duckdb_resource(Settings(tiny_run, tiny_run / "landing"))
    with store.get_connection() as conn:
        rows = conn.execute(
            "select l.receiving_province, l.external_registration, v.registered_province "
            "from leads.leads as l left join staging.vehicles as v "
            "on l.subject_kind = 'vehicle' and v.plate_key = l.subject_keys[1]"
        ).fetchall()
        assert rows, "no leads on the tiny world"
        assert {r[0] for r in rows} <= set(REGION)
        for prov, external, registered in rows:
            if registered in REGION:
                assert (prov, external) == (registered, False)
            elif registered is not None:
                assert external
    root = tiny_run / "out" / "leads"
    folders = sorted(p.parent for p in root.glob("*/*/packet.json"))
    assert {f.parent.name for f in folders} == set(REGION)
    for folder in folders:
        validate_packet(json.loads((folder / "packet.json").read_text(encoding="utf-8")))
        assert verify_manifest(folder) == []
    for path in (p for p in root.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True)
            text = "\n".join(
                str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r
            )
        elif path.suffix == ".parquet":
            text = pq.read_table(path).to_pandas().to_csv()
        else:
            text = path.read_text(encoding="utf-8", errors="ignore")
        if path.name != "MANIFEST.sha256":  # sha256 digests may look like digit runs
            assert find_unmasked(text) == [], path
