"""Province reference: GB/T 2260 codes, plate abbreviations (GA 36-2018) and the collaboration.

One table for every layer: plates derive a vehicle's registration province from it, routing
decides in-region vs `external_registration` from it, reports print the names from it.
"""

from __future__ import annotations

# The four provinces of the Northeast "三省一区" enforcement collaboration.
REGION: dict[str, str] = {"21": "辽宁", "22": "吉林", "23": "黑龙江", "15": "内蒙古"}

# 省简称 → GB/T 2260 province code (31 mainland provinces).
PROVINCE_ABBR: dict[str, str] = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22",
    "黑": "23", "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36",
    "鲁": "37", "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46",
    "渝": "50", "川": "51", "贵": "52", "云": "53", "藏": "54", "陕": "61", "甘": "62",
    "青": "63", "宁": "64", "新": "65",
}  # fmt: skip

# GB/T 2260 province code → short Chinese name.
PROVINCE_NAMES: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁",
    "22": "吉林", "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽",
    "35": "福建", "36": "江西", "37": "山东", "41": "河南", "42": "湖北", "43": "湖南",
    "44": "广东", "45": "广西", "46": "海南", "50": "重庆", "51": "四川", "52": "贵州",
    "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏",
    "65": "新疆",
}  # fmt: skip
