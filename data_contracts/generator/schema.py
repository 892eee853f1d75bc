"""Canonical column lists, types and Chinese headers (INTERFACES §2) used by the writers."""

from __future__ import annotations

import polars as pl

S, N, F, B, D, T, L = (
    pl.String,
    pl.Int64,
    pl.Float64,
    pl.Boolean,
    pl.Date,
    pl.Datetime("us"),
    pl.List(pl.Int64),
)

TABLES: dict[str, list[tuple[str, object, str]]] = {
    "stations": [("station_id", S, "站点编号"), ("name", S, "站点名称"), ("province_code", S, "省份代码"),
                 ("area_code", S, "行政区划代码"), ("kind", S, "站点类型"), ("lon", F, "经度"), ("lat", F, "纬度"),
                 ("road", S, "所在路线"), ("device_id", S, "设备编号"), ("calibrated_on", D, "检定日期"),
                 ("tolerance_pct", F, "允许误差(%)")],
    "weigh_records": [("record_id", S, "检测单号"), ("station_id", S, "站点编号"), ("passed_at", T, "检测时间"),
                      ("plate", S, "车牌号码"), ("plate_color", S, "车牌颜色"), ("plate_confidence", F, "识别置信度"),
                      ("axle_count", N, "轴数"), ("is_combination", B, "是否汽车列车"),
                      ("single_drive_axle", B, "牵引车单驱动轴"), ("gross_kg", N, "车货总重(kg)"),
                      ("axle_weights_kg", L, "轴重(kg)"), ("length_m", F, "长"), ("width_m", F, "宽"),
                      ("height_m", F, "高"), ("speed_kmh", F, "车速(km/h)"), ("lane", N, "车道"),
                      ("outcome", S, "处理结果"), ("waybill_id", S, "运单号"), ("driver_id", S, "驾驶员证件号")],
    "vehicles": [("plate", S, "车牌号码"), ("plate_color", S, "车牌颜色"), ("vin", S, "车辆识别代号"),
                 ("vehicle_type", S, "车辆类型"), ("axle_count", N, "轴数"), ("curb_kg", N, "整备质量"),
                 ("rated_load_kg", N, "核定载质量"), ("total_mass_kg", N, "总质量"),
                 ("registered_province", S, "车籍省份"), ("registered_area", S, "车籍地行政区划"),
                 ("operator_uscc", S, "业户统一社会信用代码"), ("transport_cert_no", S, "道路运输证号"),
                 ("cert_valid_to", D, "运输证有效期至"), ("inspection_valid_to", D, "检验有效期至"),
                 ("status", S, "状态"), ("cert_first_issued_on", D, "道路运输证初次领取日期"),
                 ("seats", N, "核定载客人数")],
    "operators": [("uscc", S, "统一社会信用代码"), ("name", S, "业户名称"), ("province_code", S, "所在省份"),
                  ("area_code", S, "行政区划代码"), ("address", S, "经营地址"), ("legal_rep", S, "法定代表人"),
                  ("phone", S, "联系电话"), ("scope", S, "经营范围"), ("license_no", S, "经营许可证号"),
                  ("fleet_size", N, "车辆数")],
    "drivers": [("driver_id", S, "身份证号"), ("name", S, "姓名"), ("qualification_no", S, "从业资格证号"),
                ("qualification_class", S, "从业资格类别"), ("employer_uscc", S, "所属业户"), ("phone", S, "联系电话"),
                ("qualification_first_issued_on", D, "从业资格证初次领取日期")],
    "sources": [("source_id", S, "源头单位编号"), ("name", S, "单位名称"), ("uscc", S, "统一社会信用代码"),
                ("kind", S, "类型"), ("province_code", S, "所在省份"), ("area_code", S, "行政区划代码"),
                ("lon", F, "经度"), ("lat", F, "纬度"), ("key_source", B, "重点源头")],
    "loadings": [("waybill_id", S, "运单号"), ("source_id", S, "源头单位编号"), ("plate", S, "车牌号码"),
                 ("plate_color", S, "车牌颜色"), ("loaded_at", T, "出场时间"), ("cargo", S, "货物名称"),
                 ("declared_kg", N, "申报重量(kg)"), ("measured_gross_kg", N, "出场称重(kg)"),
                 ("driver_id", S, "驾驶员证件号"), ("escort_id", S, "押运员证件号"), ("un_number", S, "联合国编号")],
    "monitoring_events": [("event_id", S, "报警编号"), ("plate", S, "车牌号码"), ("plate_color", S, "车牌颜色"),
                          ("event_type", S, "报警类型"), ("started_at", T, "开始时间"), ("ended_at", T, "结束时间"),
                          ("lon", F, "经度"), ("lat", F, "纬度"), ("speed_kmh", F, "速度"), ("limit_kmh", F, "限速"),
                          ("handled", B, "是否处理"), ("handled_at", T, "处理时间"),
                          ("passenger_count", N, "实载人数")],
    "gps_points": [("plate", S, "车牌号码"), ("plate_color", S, "车牌颜色"), ("ts", T, "定位时间"),
                   ("lon", F, "经度"), ("lat", F, "纬度"), ("speed_kmh", F, "速度")],
    "cases": [("case_id", S, "案件编号"), ("province_code", S, "办案省份"), ("agency", S, "执法机构"),
              ("violation_code", S, "违法行为代码"), ("violation_name", S, "违法行为名称"),
              ("occurred_at", T, "违法时间"), ("decided_on", D, "处罚决定日期"), ("plate", S, "车牌号码"),
              ("plate_color", S, "车牌颜色"), ("operator_uscc", S, "业户统一社会信用代码"),
              ("driver_id", S, "当事人证件号"), ("excess_kg", N, "超限重量(kg)"), ("excess_pct", F, "超限率(%)"),
              ("penalty_yuan", F, "罚款金额(元)"), ("decision", S, "处罚种类"), ("first_offence", B, "是否首违"),
              ("lead_id", S, "来源线索编号")],
}  # fmt: skip
PLATE_TABLES = {"weigh_records", "vehicles", "loadings", "monitoring_events", "gps_points", "cases"}
RID = {
    "weigh_records": "record_id",
    "loadings": "waybill_id",
    "monitoring_events": "event_id",
    "cases": "case_id",
}
KEY = {"stations": "station_id", "weigh_records": "record_id", "vehicles": "plate", "operators": "uscc",
       "drivers": "driver_id", "sources": "source_id", "loadings": "waybill_id", "monitoring_events": "event_id",
       "gps_points": "plate", "cases": "case_id"}  # fmt: skip


def columns(table: str) -> list[str]:
    return [c for c, _, _ in TABLES[table]]


def zh(table: str) -> dict[str, str]:
    return {c: z for c, _, z in TABLES[table]}


def canonical(table: str, df: pl.DataFrame) -> pl.DataFrame:
    """Staging-schema frame: canonical columns with types + _province, _file_id, _row_no, _flags,
    plate_key / plate_readable, rid."""
    exprs = [
        pl.col(c).cast(t) if c in df.columns else pl.lit(None, dtype=t).alias(c)
        for c, t, _ in TABLES[table]
    ]
    out = df.select(exprs + [pl.col("_province").cast(pl.String)])
    out = out.with_columns(
        pl.lit(None, dtype=pl.String).alias("_file_id"),
        pl.lit(None, dtype=pl.Int64).alias("_row_no"),
        pl.lit([], dtype=pl.List(pl.String)).alias("_flags"),
    )
    if table in PLATE_TABLES:
        out = out.with_columns(
            pl.when(pl.col("plate").is_not_null())
            .then(pl.col("plate") + "|" + pl.col("plate_color"))
            .otherwise(None)
            .alias("plate_key"),
            pl.col("plate").is_not_null().alias("plate_readable"),
        )
    if table in RID:
        out = out.with_columns((pl.col("_province") + ":" + pl.col(RID[table])).alias("rid"))
    return out
