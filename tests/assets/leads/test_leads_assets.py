"""Leads assets on a constructed world: routing, packets, ledger, masking, injection."""

from __future__ import annotations

import html.parser
from datetime import timedelta

import duckdb
import pyarrow.parquet as pq
from leads_world import (  # noqa: E402  (loaded by conftest.load_world)
    AS_OF,
    DRIVER_A,
    DRIVER_B,
    HB,
    HL,
    HOSTILE_SOURCE,
    HOSTILE_STATION,
    JL,
    LN,
    PHONE,
    finding,
    packet,
    query,
    run_leads,
    weigh,
    write_findings,
)
from openpyxl import load_workbook

from models.leads.deadlines import notice_due
from models.leads.privacy import find_unmasked
from reports.packets.manifest import verify_manifest
from reports.packets.write import validate_packet

REGION = ("21", "22", "23", "15")


def leads_by_subject(db) -> dict:
    rows = query(
        db,
        "select subject_keys, receiving_province, lead_id, external_registration, member_share, "
        "lead_types from leads.leads order by receiving_province, rank",
    )
    out = {}
    for keys, prov, lid, ext, share, types in rows:
        out.setdefault(tuple(keys), []).append(
            {"prov": prov, "lead_id": lid, "external": ext, "share": share, "types": types}
        )
    return out


def test_packets_are_written_valid_and_verified(world_db):
    run_leads(world_db, dagster=True)
    for prov in REGION:
        folder = world_db.parent / "out" / "leads" / prov / AS_OF.isoformat()
        assert {p.name for p in folder.iterdir()} == {
            "packet.json", "packet.html", "packet.xlsx", "MANIFEST.sha256"
        }  # fmt: skip
        validate_packet(packet(world_db, prov))
        assert verify_manifest(folder) == []
    table = pq.read_table(world_db.parent / "out" / "leads" / "leads.parquet")
    needed = {"lead_id", "lead_type", "subject_keys", "receiving_province", "origin_provinces",
              "priority", "rank", "category", "legal_basis", "evidence_record_ids", "status",
              "first_seen_on", "explanation"}  # fmt: skip
    assert needed <= set(table.column_names)
    assert (world_db.parent / "out" / "leads" / "leads.jsonl").read_text(encoding="utf-8").count(
        "\n"
    ) == table.num_rows


def test_manifest_detects_tampering(world_db):
    run_leads(world_db)
    folder = world_db.parent / "out" / "leads" / "21" / AS_OF.isoformat()
    (folder / "packet.html").write_text("tampered", encoding="utf-8")
    assert verify_manifest(folder) == ["packet.html: checksum mismatch"]


def test_routing_in_region_out_of_region_and_cluster(world_db):
    """R36: 车籍地 in the region; else the violation province (flagged); clusters split."""
    run_leads(world_db)
    leads = leads_by_subject(world_db)
    # registered in 21 → 21, merged with the cloned-plate finding: one lead, two reasons
    assert [r["prov"] for r in leads[(LN,)]] == ["21"]
    assert set(leads[(LN,)][0]["types"]) == {"vehicle_repeat", "cloned_plate"}
    assert not leads[(LN,)][0]["external"]
    # registered in 13 (outside), 3 of 4 records in 22 → 22, flagged
    assert [(r["prov"], r["external"]) for r in leads[(HB,)]] == [("22", True)]
    # a convoy spanning 21/22 (+ an outside member) → both provinces, same id, own share
    convoy = leads[(LN, JL, HB)]
    assert {r["prov"] for r in convoy} == {"21", "22"}
    assert len({r["lead_id"] for r in convoy}) == 1
    shares = {r["prov"]: set(r["share"]) for r in convoy}
    assert shares == {"21": {LN}, "22": {JL, HB}}
    # the driver (ID prefix 21, employer in 21) → 21
    assert [r["prov"] for r in leads[(DRIVER_A,)]] == ["21"]


def test_stale_lead_is_retired(world_db):
    run_leads(world_db)
    status, reason = query(
        world_db,
        "select status, status_reason from leads.ledger where list_contains(subject_keys, ?)"
        " and item_kind = 'lead' and lead_type = 'vehicle_repeat'",
        [HL],
    )[0]
    assert status == "retired" and "第三十六条" in reason
    assert all(lead["subject_keys"] != [HL] for lead in packet(world_db, "23")["leads"])


def test_lead_ids_stable_across_runs_and_unrelated_data(world_db):
    """Receiving provinces answer by lead_id: an id must never change under their feet."""
    run_leads(world_db)
    first = query(world_db, "select lead_id, receiving_province from leads.leads order by 1, 2")
    run_leads(world_db)
    assert (
        query(world_db, "select lead_id, receiving_province from leads.leads order by 1, 2")
        == first
    )
    with duckdb.connect(str(world_db)) as conn:
        conn.execute(
            "insert into findings.vehicle_repeat select * from findings.vehicle_repeat limit 0"
        )
        write_findings(conn, "station_evasion", [
            finding("station_evasion", "vehicle", ["蒙A55555|黄"], ["15"], ["15:W900"],
                    legal=False, severity=0.5),
        ])  # fmt: skip
    run_leads(world_db, AS_OF + timedelta(days=1))
    after = set(query(world_db, "select lead_id, receiving_province from leads.leads"))
    assert set(first) <= after and len(after) == len(first) + 1


def test_no_resend_without_new_evidence(world_db):
    """Officers must not get the same lead every day; only new evidence re-opens it."""
    run_leads(world_db)
    sent_first = {lead["lead_id"] for lead in packet(world_db, "21")["leads"]}
    assert sent_first
    # same day again: the same packet is rebuilt, not a second send
    run_leads(world_db)
    assert {lead["lead_id"] for lead in packet(world_db, "21")["leads"]} == sent_first
    assert query(world_db, "select max(times_sent) from leads.ledger")[0][0] == 1
    # next day, nothing new → nothing re-sent
    day2 = AS_OF + timedelta(days=1)
    run_leads(world_db, day2)
    assert packet(world_db, "21", day2)["leads"] == []
    # new evidence on the 辽A vehicle → re-sent once, flagged as new evidence
    with duckdb.connect(str(world_db)) as conn:
        conn.execute(
            "insert into staging.weigh_records (record_id, rid, station_id, passed_at, plate, "
            "plate_color, plate_key, gross_kg, _province) values ('W99', '21:W99', 'S21', ?, "
            "'辽A10001', '黄', ?, 61000, '21')",
            [weigh("21", 99, LN, 0, "S21")["passed_at"], LN],
        )
        conn.execute(
            "update findings.vehicle_repeat set evidence_record_ids = "
            "list_append(evidence_record_ids, '21:W99') where subject_keys[1] = ?",
            [LN],
        )
    day3 = AS_OF + timedelta(days=2)
    run_leads(world_db, day3)
    resent = packet(world_db, "21", day3)["leads"]
    assert [lead["subject_keys"] for lead in resent] == [[LN]]
    assert resent[0]["send_reason"] == "new_evidence"
    assert "21:W99" in resent[0]["evidence_record_ids"]
    assert resent[0]["new_evidence_record_ids"] == ["21:W99"]
    run_leads(world_db, day3)  # rebuilding that day gives the same packet
    assert packet(world_db, "21", day3)["leads"] == resent


def _all_text(path) -> str:
    if path.suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        return "\n".join(
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pandas().to_csv()
    return path.read_text(encoding="utf-8", errors="ignore")


def test_no_unmasked_personal_identifiers_anywhere(world_db):
    """个人信息保护法: the planted driver ID and phone sit in staging, findings and free text."""
    run_leads(world_db)
    files = [p for p in (world_db.parent / "out" / "leads").rglob("*") if p.is_file()]
    assert len(files) >= 16
    for path in files:
        text = _all_text(path)
        if path.name != "MANIFEST.sha256":  # sha256 digests may look like digit runs
            assert find_unmasked(text) == [], path
        assert DRIVER_A not in text and DRIVER_B not in text and PHONE not in text, path
    notice = packet(world_db, "22")["copy_notices"][0]
    assert notice["driver"]["driver_id_masked"] == DRIVER_B[:6] + "********" + DRIVER_B[-4:]
    assert notice["driver"]["name"] == "李四"  # §44(二): the receiving agency needs the name


def test_formulas_neutralised_in_xlsx(world_db):
    """Station, operator and source names come from provincial exports: never trust them."""
    run_leads(world_db)
    path = world_db.parent / "out" / "leads" / "21" / AS_OF.isoformat() / "packet.xlsx"
    book = load_workbook(path)
    values = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    values.append(cell.value)
                    assert not cell.value.startswith(("=", "+", "@")), cell.value
                    assert not (cell.value.startswith("-") and not cell.value[1:2].isdigit())
    assert "'" + HOSTILE_SOURCE in values  # the hostile source id survives as text
    assert any(v.startswith("'+cmd") for v in values)  # hostile operator name in 抄告


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_escapes_hostile_values(world_db):
    run_leads(world_db)
    path = world_db.parent / "out" / "leads" / "21" / AS_OF.isoformat() / "packet.html"
    raw = path.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(raw)
    assert "script" not in parser.tags
    assert HOSTILE_STATION in "".join(parser.text)  # shown as text, not markup
    assert "&lt;script&gt;" in raw
    assert parser.tags.count("section") >= 4  # one page per lead (+ notices, controls)


def test_copy_notice_has_section_44_fields_and_deadline(world_db):
    """超限规定第四十四条: the statutory minimum content, within 7 working days, sent once."""
    run_leads(world_db)
    notices = {n["case_id"]: n for n in packet(world_db, "22")["copy_notices"]}
    n = notices["C1"]
    assert n["vehicle"]["plate"] == "吉B20002" and n["vehicle"]["vehicle_type"] == "truck"
    assert n["vehicle"]["operator_name"] == "长春运输有限公司"
    assert n["vehicle"]["transport_cert_no"]
    assert n["driver"]["qualification_no"] == "ZG22000123"
    assert n["driver"]["employer_name"] == "长春运输有限公司"
    assert n["source"]["name"] == "吉林某矿山" and n["source"]["waybill_id"] == "WB22"
    assert n["decision"]["decision_name"] == "罚款" and n["decision"]["penalty_yuan"] == 5500.0
    assert n["due_on"] == notice_due(AS_OF - timedelta(days=2)).isoformat()
    assert not n["overdue"]
    # the 辽A case was decided 20 days ago: past the 7 working days → flagged overdue;
    # its speeding case (not 违法超限运输) is no §44 notice
    assert [(n["case_id"], n["overdue"]) for n in packet(world_db, "21")["copy_notices"]] == [
        ("C2", True)
    ]
    # a notice is sent once
    day2 = AS_OF + timedelta(days=1)
    run_leads(world_db, day2)
    assert packet(world_db, "22", day2)["copy_notices"] == []


def _lead_id(db, key, prov):
    return query(
        db,
        "select lead_id from leads.leads where subject_keys = [?] and receiving_province = ?",
        [key, prov],
    )[0][0]


def test_feedback_import_updates_statuses_and_hit_rates(world_db):
    """GB18030 CSV with Chinese headers and values, a bad row, an unknown id, a re-import."""
    from assets.leads.feedback import import_feedback_file

    run_leads(world_db)
    ln, hb = _lead_id(world_db, LN, "21"), _lead_id(world_db, HB, "22")
    control = query(
        world_db,
        "select lead_id, receiving_province from leads.ledger where item_kind = 'control' limit 1",
    )[0]
    csv_file = world_db.parent / "feedback.csv"
    csv_file.write_text(
        "线索编号,接收省份,接收时间,办理结果,案件编号,罚款金额,备注\n"
        f"{ln},21,2026-07-05 09:00:00,查实,,,=cmd|' /C calc'!A0\n"
        f"{hb},22,2026/7/10 10:00,已处罚,C9,5000,\n"
        f"{control[0]},{control[1]},2026-07-03,不实,,,\n"
        "XS0000000000000000,21,2026-07-03,重复,,,\n"
        f"{ln},99,2026-07-03,查实,,,\n",
        encoding="gb18030",
    )
    result = import_feedback_file(world_db, csv_file)
    assert result["imported"] == 4 and result["rejected"] == {"bad_value": 1}
    assert result["unknown_lead"] == 1 and result["status_changes"] == 3
    status = dict(query(world_db, "select lead_id, status from leads.ledger"))
    assert status[ln] == "confirmed" and status[hb] == "penalized"
    assert status[control[0]] == "unfounded"
    # importing the same file again changes nothing
    again = import_feedback_file(world_db, csv_file)
    assert again["imported"] == 0 and again["duplicates"] == 4
    rates = {
        (t, p): (sent, answered, confirmed, hit, days)
        for t, p, sent, answered, confirmed, hit, days in query(
            world_db,
            "select lead_type, receiving_province, sent, answered, confirmed, hit_rate, "
            "mean_days_to_answer from leads.hit_rates",
        )
    }
    assert rates[("vehicle_repeat", "22")][:4] == (2, 1, 1, 1.0)
    assert rates[("vehicle_repeat", "22")][4] == 10
    assert rates[("control", "全部")][1:4] == (1, 0, 0.0)
    assert (world_db.parent / "out" / "leads" / "hit_rates.xlsx").exists()
    # XLSX feedback: English headers, pending does not reopen an answered lead
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["lead_id", "receiving_province", "received_at", "outcome"])
    book.active.append([ln, "21", "2026-07-20 08:00:00", "pending"])
    book.active.append([hb, 22, "2026-07-21 08:00:00", "confirmed"])
    xlsx = world_db.parent / "feedback.xlsx"
    book.save(xlsx)
    result = import_feedback_file(world_db, xlsx)
    assert result["imported"] == 2 and result["status_changes"] == 0
    status = dict(query(world_db, "select lead_id, status from leads.ledger"))
    assert status[ln] == "confirmed" and status[hb] == "penalized"


def test_case_with_lead_id_closes_the_lead(world_db):
    run_leads(world_db)
    jl = _lead_id(world_db, JL, "22")
    with duckdb.connect(str(world_db)) as conn:
        conn.execute(
            "insert into staging.cases (case_id, rid, province_code, violation_code, occurred_at,"
            " decided_on, plate, plate_color, plate_key, decision, penalty_yuan, lead_id, "
            "_province) values ('C7', '22:C7', '22', 'OVL', ?, ?, '吉B20002', '黄', ?, 'fine', "
            "2000, ?, '22')",
            [AS_OF, AS_OF + timedelta(days=3), JL, jl],
        )
    run_leads(world_db, AS_OF + timedelta(days=5))
    status, case_id = query(
        world_db, "select status, case_id from leads.ledger where lead_id = ?", [jl]
    )[0]
    assert (status, case_id) == ("penalized", "C7")


def test_works_without_any_findings_and_skips_broken_tables(world_db):
    with duckdb.connect(str(world_db)) as conn:
        for (name,) in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'findings'"
        ).fetchall():
            conn.execute(f"drop table findings.{name}")
        conn.execute("create table findings.broken (finding_key varchar)")
    result = run_leads(world_db, dagster=True)
    assert query(world_db, "select count(*) from leads.leads")[0][0] == 0
    meta = result.asset_materializations_for_node("leads")[0].metadata
    assert "findings.broken" in str(meta["skipped_tables"].value)
    for prov in REGION:
        assert packet(world_db, prov)["leads"] == []


def test_control_items_are_reproducible(world_db, tmp_path):
    """Same data + seed + month → the same control sample (lift must be re-computable)."""
    from leads_world import build_world

    run_leads(world_db)
    other = tmp_path / "again" / "xiansuo.duckdb"
    other.parent.mkdir()
    with duckdb.connect(str(other)) as conn:
        build_world(conn)
    run_leads(other)
    led = {k for (keys,) in query(world_db, "select subject_keys from leads.leads") for k in keys}
    for prov in REGION:
        first = [c["plate_key"] for c in packet(world_db, prov)["control_items"]]
        assert len(first) >= 2
        assert not set(first) & led
        assert [c["plate_key"] for c in packet(other, prov)["control_items"]] == first


def test_asset_metadata_has_counts_and_paths(world_db):
    result = run_leads(world_db, dagster=True)
    meta = result.asset_materializations_for_node("lead_packets")[0].metadata
    assert meta["leads_sent_by_province"].value["21"] >= 3
    assert str(meta["packet_21"].value).endswith(f"21/{AS_OF.isoformat()}")
    leads_meta = result.asset_materializations_for_node("leads")[0].metadata
    assert leads_meta["by_province"].value["22"] >= 2


def test_a_new_lead_type_flows_through_without_code_changes(world_db):
    """Detectors add findings.<lead_type> tables over time; the leads layer must not care."""
    with duckdb.connect(str(world_db)) as conn:
        write_findings(conn, "obscured_plate", [
            finding("obscured_plate", "vehicle", ["辽B77777|黄"], ["21"], ["21:W3"], legal=False),
        ])  # fmt: skip
    run_leads(world_db)
    [lead] = [x for x in packet(world_db, "21")["leads"] if x["lead_types"] == ["obscured_plate"]]
    assert lead["category"] == "突出违法乱象" and lead["explanation"]
