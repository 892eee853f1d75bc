"""Vocabulary and tunables of the leads layer (one place; all values documented)."""

from __future__ import annotations

# The four collaborating provinces, plate abbreviations and province names: one reference table.
from data_contracts.regions import PROVINCE_ABBR
from data_contracts.regions import PROVINCE_NAMES as PROVINCE_NAMES
from data_contracts.regions import REGION as REGION

LEAD_TYPE_NAMES: dict[str, str] = {
    "vehicle_repeat": "车辆一年内违法超限超过3次",
    "driver_repeat": "驾驶人一年内违法超限超过3次",
    "operator_fleet_ratio": "企业违法超限车辆超过车辆总数10%",
    "source_overloading": "源头单位放行超限车辆",
    "cloned_plate": "套牌嫌疑",
    "convoy": "结伴通行（车队）",
    "network_cluster": "关联团伙",
    "registration_mismatch": "车辆与登记信息不符",
    "station_evasion": "绕行逃避检测",
    "passenger_hazmat_operator": "两客一危企业违规",
    "high_risk_vehicle": "高风险车辆（模型评分）",
    "control": "随机对照抽查",
}

SUBJECT_KIND_NAMES: dict[str, str] = {
    "vehicle": "车辆",
    "driver": "驾驶人",
    "operator": "经营业户",
    "source": "源头单位",
    "group": "团伙",
}

# Follow-up an officer of the receiving province can take, per lead type (一超四罚, R44).
# Leads, not decisions; only verified articles are cited.
LEAD_TYPE_ACTIONS: dict[str, str] = {
    "vehicle_repeat": "建议车籍地道路运输管理机构依照《公路安全保护条例》第六十六条对该车依法处理",
    "driver_repeat": "建议依照《公路安全保护条例》第六十六条对该驾驶人依法处理",
    "operator_fleet_ratio": "建议依照《公路安全保护条例》第六十六条对该企业依法处理",
    "source_overloading": "建议对源头单位装载、出场环节开展检查，依法查处放行超限车辆行为",
    "cloned_plate": "建议核查号牌真伪，涉嫌使用其他车辆号牌的移交公安机关交通管理部门",
    "convoy": "建议协同相关省份对该车队开展联合核查",
    "network_cluster": "建议对关联企业的实际经营关系与车辆来源开展联合核查",
    "registration_mismatch": "建议核查行驶证登记信息与车辆实际结构，不符的记录并抄告公安机关交通管理部门",
    "station_evasion": "建议在相关检测站上下游布控，核查绕行、号牌遮挡或夜间异常通行情况",
    "passenger_hazmat_operator": "建议对该企业动态监控与安全生产管理开展检查",
    "high_risk_vehicle": "建议在其常行线路的检测站重点检查（模型评分，尚未达到法定情形）",
}
DEFAULT_ACTION = "建议核查"

# Categories in precedence order (a lead with several reasons takes the first that applies).
# The specific buckets (hazard, gang) win over the general 突出违法乱象; 跨省车籍源头 is the
# bucket for source-unit leads and for repeat-type leads whose subject is registered elsewhere.
CATEGORIES: tuple[str, ...] = ("重大隐患", "团伙性质", "突出违法乱象", "跨省车籍源头")
CATEGORY_BY_TYPE: dict[str, str] = {
    "passenger_hazmat_operator": "重大隐患",
    "registration_mismatch": "重大隐患",
    "cloned_plate": "团伙性质",
    "convoy": "团伙性质",
    "network_cluster": "团伙性质",
    "vehicle_repeat": "突出违法乱象",
    "driver_repeat": "突出违法乱象",
    "operator_fleet_ratio": "突出违法乱象",
    "station_evasion": "突出违法乱象",
    "high_risk_vehicle": "突出违法乱象",
    "source_overloading": "跨省车籍源头",
}
DEFAULT_CATEGORY = "突出违法乱象"
CROSS_PROVINCE_CATEGORY = "跨省车籍源头"

# Lead types whose finding describes gang-like behaviour (priority: gang membership).
GANG_TYPES: frozenset[str] = frozenset({"convoy", "network_cluster", "cloned_plate"})

# Priority weights inside a band (see models/leads/priority.py).
LEGAL_BAND = 50
WEIGHT_SEVERITY = 0.45
WEIGHT_RISK = 0.30
WEIGHT_GANG = 0.15
WEIGHT_CROSS = 0.10
UNKNOWN_INTERVAL_FACTOR = 0.75  # a risk score without an interval counts at 75 %

# 行政处罚法第三十六条 (R34): not discovered within two years → no penalty.
LIMITATION_YEARS = 2
# 超限规定第四十四条 (R13): 抄告 within 7 working days of closing the case.
NOTICE_WORKING_DAYS = 7
NOTICE_LOOKBACK_DAYS = 30
# Public holidays and make-up working days (调休) for the working-day count are reference data:
# data_contracts/reference/cn_public_holidays.yaml (models.leads.deadlines.load_calendar).

# Control sample (prior-art §8.4: ISS holds out ~1 %; DVSA random checks).
CONTROL_RATE = 0.01
CONTROL_MIN_PER_PROVINCE = 2
CONTROL_MAX_PER_PROVINCE = 50
CONTROL_SEED = 20260101

# Plate prefix → province code (GA 36-2018 abbreviations), fallback when staging has no row.
PLATE_PREFIX_PROVINCE = PROVINCE_ABBR


def province_name(code: str | None) -> str:
    return PROVINCE_NAMES.get(code or "", code or "未知")
