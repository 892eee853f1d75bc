"""Entity resolution for the 团伙 graph: normalise and resolve operators, phones, addresses.

Near-duplicate operator names ('鞍山市宏达物流有限公司' vs '鞍山宏达物流有限责任公司') and
addresses written with or without the province/city words are the same entity. Resolution is
deterministic (blocking on normalised keys + union-find), in the spirit of Splink's
cluster-at-threshold step, with the key equalities kept as the explanation of each merge.
"""

from __future__ import annotations

import re
import unicodedata

_PROVINCES = (
    "内蒙古自治区|内蒙古|黑龙江省|黑龙江|辽宁省|辽宁|吉林省|吉林|河北省|河北|山东省|山东|"
    "北京市|天津市|山西省|山西|河南省|河南"
)
_ORG_FORMS = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|责任公司|分公司|集团|公司|合作社|运输队|车队|经营部|个体)+$"
)
_PUNCT = re.compile(r"[\s\-_.,，。、·()（）\[\]【】\"'“”‘’/\\|]+")
_PROVINCE_PREFIX = re.compile(rf"^({_PROVINCES})")
_CITY_WORD = re.compile(r"^(.{2,4}?)(市|地区|盟|自治州)")


def _clean(text: str | None) -> str:
    if not text:
        return ""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(text))).upper()


def normalise_operator_name(name: str | None) -> str:
    """Blocking key for operator names: no province, no '市', no company-form suffix.

    >>> normalise_operator_name('鞍山市宏达物流有限公司') == normalise_operator_name('鞍山宏达物流有限责任公司')
    True
    """
    s = _PROVINCE_PREFIX.sub("", _clean(name))
    s = _CITY_WORD.sub(r"\1", s)
    s = _ORG_FORMS.sub("", s)
    return s


def normalise_address(address: str | None) -> str:
    """Blocking key for addresses: no province prefix, no 省/市 words, digits half-width."""
    s = _PROVINCE_PREFIX.sub("", _clean(address))
    s = s.replace("省", "").replace("市", "")
    s = re.sub(r"(号院|号楼|号)$", "号", s)
    return s


def normalise_phone(phone: str | None) -> str:
    """Digits only, without the +86 country prefix; '' when too short to identify anyone."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 7 else ""


def normalise_person(name: str | None) -> str:
    """Person names: NFKC, no spaces/punctuation."""
    return _clean(name)


class UnionFind:
    """Minimal union-find with deterministic (smallest) representatives."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def resolve_operators(rows: list[dict]) -> dict[str, str]:
    """Map each operator USCC to a resolved entity id (the smallest USCC of its group).

    Two records are one operator when they share the USCC, or the normalised name AND either
    the normalised address or the phone (a same-named firm in another city stays separate).
    """
    uf = UnionFind()
    by_key: dict[tuple, str] = {}
    for r in rows:
        uscc = r["uscc"]
        uf.find(uscc)
        name = normalise_operator_name(r.get("name"))
        if not name:
            continue
        for key in (
            ("addr", name, normalise_address(r.get("address"))),
            ("phone", name, normalise_phone(r.get("phone"))),
        ):
            if not key[2]:
                continue
            if key in by_key:
                uf.union(by_key[key], uscc)
            else:
                by_key[key] = uscc
    return {r["uscc"]: uf.find(r["uscc"]) for r in rows}
