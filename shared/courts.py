"""Courts and case numbers (案号).

Case number: （year）court code + type code + sequence + 号, e.g. ``（2026）黔01执123号``
(最高人民法院关于人民法院案件案号的若干规定, 2016). Court code: province abbreviation, + 2 digits
for an intermediate court, + 4 for a basic court. Half-width parentheses are accepted on input;
full-width ones are printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A starter registry; a deployment loads its province's full table (法院代字表) the same way.
COURTS: dict[str, str] = {
    "最高法": "最高人民法院",
    "黔": "贵州省高级人民法院",
    "黔01": "贵州省贵阳市中级人民法院",
    "黔0102": "贵阳市南明区人民法院",
    "黔0103": "贵阳市云岩区人民法院",
    "黔0111": "贵阳市花溪区人民法院",
    "黔03": "贵州省遵义市中级人民法院",
    "赣": "江西省高级人民法院",
    "赣05": "江西省新余市中级人民法院",
    "赣0502": "新余市渝水区人民法院",
    "京": "北京市高级人民法院",
    "京01": "北京市第一中级人民法院",
    "京0105": "北京市朝阳区人民法院",
    "沪": "上海市高级人民法院",
    "沪0115": "上海市浦东新区人民法院",
    "粤03": "广东省深圳市中级人民法院",
    "粤0304": "深圳市福田区人民法院",
    "苏05": "江苏省苏州市中级人民法院",
    "浙01": "浙江省杭州市中级人民法院",
}

# Enforcement case-type codes (人民法院案件类型及其代字标准).
CASE_TYPES: dict[str, str] = {
    "执": "首次执行",
    "执恢": "恢复执行",
    "执保": "财产保全执行",
    "执异": "执行异议",
    "执复": "执行复议",
    "执监": "执行监督",
    "执协": "执行协调",
    "执他": "其他执行",
}

_PATTERN = re.compile(
    r"^[（(](?P<year>\d{4})[)）](?P<court>[\u4e00-\u9fff]{1,3}\d{0,4})"
    r"(?P<type>执恢|执保|执异|执复|执监|执协|执他|执)(?P<seq>\d+)号$"
)


@dataclass(frozen=True)
class CaseNumber:
    year: int
    court: str
    type_code: str
    sequence: int

    def __str__(self) -> str:
        return f"（{self.year}）{self.court}{self.type_code}{self.sequence}号"


def parse_case_number(text: str) -> CaseNumber:
    """Parse ``（2026）黔01执123号`` (half-width parentheses accepted); ValueError if malformed."""
    m = _PATTERN.match(text.strip())
    if not m or m["court"] not in COURTS or int(m["seq"]) < 1:
        raise ValueError("案号格式不正确，应如（2026）黔01执123号")
    return CaseNumber(int(m["year"]), m["court"], m["type"], int(m["seq"]))


def is_known_court(code: str) -> bool:
    return code in COURTS
