"""Word lists for synthetic names and addresses, and the hostile values planted as plain data."""

from __future__ import annotations

WORDS = list("宏达顺通鑫源恒远金鹏华运盛吉祥安泰广腾飞长路聚永丰发天成隆兴旺昌荣富利")
SUFFIX = {
    "freight": [
        "物流有限公司",
        "运输有限公司",
        "货运有限责任公司",
        "汽车运输有限公司",
        "物流有限责任公司",
    ],
    "hazmat": ["危险货物运输有限公司", "化工物流有限公司", "危货运输有限责任公司"],
    "passenger_route": ["客运有限公司", "汽车客运有限责任公司"],
    "passenger_charter": ["旅游客运有限公司", "旅游汽车有限公司"],
}
SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎常武乔贺"
)
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
         "秀英", "霞", "平", "刚", "国庆", "建华", "志强", "海波", "宝山", "铁柱", "立新", "春生",
         "振宇", "晓东", "德明", "玉兰", "凤霞", "长江", "永利", "树林", "红梅", "金龙", "双喜"]  # fmt: skip
ROADS = [
    "建设",
    "人民",
    "中山",
    "解放",
    "胜利",
    "和平",
    "工业",
    "迎宾",
    "北京",
    "友谊",
    "光明",
    "新华",
]
HOSTILE = {
    "operator_name": '=cmd|" /C calc"!A0',
    "address": "<script>alert(1)</script>",
    "cargo": "'; drop table x; --",
    "name": "../../etc/passwd",
}
