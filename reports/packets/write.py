"""Write a packet folder: packet.json (schema-validated), packet.html, packet.xlsx, MANIFEST."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import xlsxwriter
from jinja2 import Environment, FileSystemLoader, select_autoescape

from models.leads.config import LEAD_TYPE_NAMES, SUBJECT_KIND_NAMES, province_name
from models.leads.merge import subject_label
from reports.packets.manifest import write_manifest
from reports.safe import neutralise_cell

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2] / "data_contracts" / "schemas" / "lead_packet.schema.json"
)
TEMPLATES = Path(__file__).resolve().parent / "templates"
HTML_EVIDENCE_LIMIT = 50
FILES = ("packet.json", "packet.html", "packet.xlsx")
EVIDENCE_KINDS = {
    "weigh": "称重检测",
    "loading": "源头装载",
    "monitoring": "动态监控报警",
    "case": "执法案件",
    "other": "其他",
}


@cache
def packet_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _inline_refs(node: Any, defs: dict) -> Any:
    """Replace local `#/$defs/<name>` references by their definitions (the schema has no
    cycles): resolving a reference per evidence record made validation 10x slower."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            target = _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
            extra = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **extra}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = packet_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    flat = _inline_refs(schema, schema.get("$defs", {}))
    return jsonschema.Draft202012Validator(
        flat, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def validate_packet(packet: dict) -> None:
    """Raise jsonschema.ValidationError when the packet breaks the shipped schema."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(packet))
    if error is not None:
        raise error


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["prov"] = province_name
    env.filters["label"] = lambda key: subject_label(None, str(key))
    env.filters["kind_zh"] = lambda kind: EVIDENCE_KINDS.get(kind, kind)
    env.globals.update(type_names=LEAD_TYPE_NAMES, kind_names=SUBJECT_KIND_NAMES)
    return env


def render_html(packet: dict) -> str:
    return _env().get_template("packet.html.j2").render(p=packet, limit=HTML_EVIDENCE_LIMIT)


def write_packet(packet: dict, folder: Path) -> dict[str, Path]:
    """Validate and write the packet files; returns their paths (incl. the manifest)."""
    validate_packet(packet)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in FILES}
    paths["packet.json"].write_text(
        json.dumps(packet, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    paths["packet.html"].write_text(render_html(packet), encoding="utf-8")
    write_xlsx(packet, paths["packet.xlsx"])
    paths["MANIFEST.sha256"] = write_manifest(folder, FILES)
    return paths


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        value = "；".join(str(v) for v in value)
    return neutralise_cell(value)


def write_sheet(book, title: str, header: list[str], rows: list[list[Any]]) -> None:
    """Strings are always written as strings (never formulas), after neutralise_cell."""
    sheet = book.add_worksheet(title)
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    for c, name in enumerate(header):
        sheet.write_string(0, c, name, bold)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            value = _cell(value)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), max(len(header) - 1, 0))


def write_xlsx(packet: dict, path: Path) -> None:
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(path), options)
    created = datetime.fromisoformat(packet["generated_at"])
    book.set_properties({"title": f"线索推送包 {packet['packet_id']}", "created": created})
    write_sheet(
        book,
        "线索汇总",
        ["排名", "线索编号", "优先级", "类别", "线索类型", "对象类型", "对象", "对象名称", "本省成员", "成员总数",
         "外省籍", "登记地", "违法发生地", "法律依据", "线索说明", "状态", "推送原因", "首次发现",
         "最近证据时间", "证据数"],
        [
            [ld["rank"], ld["lead_id"], ld["priority"], ld["category"],
             "、".join(LEAD_TYPE_NAMES.get(t, t) for t in ld["lead_types"]),
             SUBJECT_KIND_NAMES.get(ld["subject_kind"], ld["subject_kind"]), ld["subject_keys"],
             [n or "" for n in ld.get("subject_names") or []],
             ld["member_share"], ld["member_total"], "是" if ld["external_registration"] else "否",
             ld["registration_provinces"], ld["origin_provinces"], ld["legal_basis"],
             ld["explanation"], ld["status"], ld["send_reason"], ld["first_seen_on"],
             ld["last_evidence_at"], len(ld["evidence_record_ids"])]
            for ld in packet["leads"]
        ],
    )  # fmt: skip
    write_sheet(
        book,
        "证据记录",
        ["线索编号", "记录编号", "类型", "时间", "省份", "地点", "车辆", "详情"],
        [
            [ld["lead_id"], e["rid"], e["kind"], e.get("at"), e.get("province"), e.get("place"),
             e.get("plate_key"), e.get("detail")]
            for ld in packet["leads"]
            for e in ld["evidence"]
        ],
    )  # fmt: skip
    write_sheet(
        book,
        "抄告",
        ["抄告编号", "案件编号", "办案省份", "执法机构", "处罚决定日期", "抄告期限", "是否逾期",
         "号牌号码", "车牌颜色", "车型", "车辆所属企业", "企业信用代码", "道路运输证号",
         "驾驶人姓名", "从业资格证号", "驾驶人所属企业", "驾驶人证件号(脱敏)", "货运源头单位",
         "装载单号", "货物", "申报重量(kg)", "违法行为", "处罚种类", "罚款金额(元)", "超限重量(kg)"],
        [
            [n["notice_id"], n["case_id"], n["handling_province"], n["agency"], n["decided_on"],
             n["due_on"], "是" if n["overdue"] else "否", n["vehicle"]["plate"],
             n["vehicle"]["plate_color"], n["vehicle"]["vehicle_type"],
             n["vehicle"]["operator_name"], n["vehicle"]["operator_uscc"],
             n["vehicle"]["transport_cert_no"], n["driver"]["name"],
             n["driver"]["qualification_no"], n["driver"]["employer_name"],
             n["driver"]["driver_id_masked"], n["source"]["name"], n["source"]["waybill_id"],
             n["source"]["cargo"], n["source"]["declared_kg"], n["decision"]["violation_name"],
             n["decision"]["decision_name"], n["decision"]["penalty_yuan"],
             n["decision"]["excess_kg"]]
            for n in packet["copy_notices"]
        ],
    )  # fmt: skip
    write_sheet(
        book,
        "对照抽查",
        ["对照编号", "车辆", "说明"],
        [[c["control_id"], c["plate_key"], c["note"]] for c in packet["control_items"]],
    )
    book.close()
