"""Identity numbers of parties, checked with python-stdnum.

居民身份证号 (GB 11643-1999, docs/rules.md §6): 18 characters, the ISO 7064 MOD 11-2 check character,
a real birth date between 1900-01-01 and today (the court clock), and a region code whose first two
digits are a province-level code of GB/T 2260. The region is where the number was issued — from the
mid-1980s on, and again on re-issue after a move — not where the holder was born, and codes are
created and retired every year: a person born in 1950 holds a code created decades later, and a
code newer than any table we ship is still a real one. So the region is checked only for being
well-formed (6 digits, a province that exists), never against the birth year and never against a
county list (``stdnum.cn.ric.validate`` does both, and refuses real citizens).
统一社会信用代码: GB 32100, mod-31 check character (``stdnum.cn.uscc``).
"""

from __future__ import annotations

from datetime import date

from stdnum import exceptions
from stdnum.cn import ric, uscc

from shared import clock

# 省级行政区划代码 (GB/T 2260): the first two digits of every region code.
PROVINCES = frozenset({
    "11", "12", "13", "14", "15",              # 北京 天津 河北 山西 内蒙古
    "21", "22", "23",                          # 辽宁 吉林 黑龙江
    "31", "32", "33", "34", "35", "36", "37",  # 上海 江苏 浙江 安徽 福建 江西 山东
    "41", "42", "43", "44", "45", "46",        # 河南 湖北 湖南 广东 广西 海南
    "50", "51", "52", "53", "54",              # 重庆 四川 贵州 云南 西藏
    "61", "62", "63", "64", "65",              # 陕西 甘肃 青海 宁夏 新疆
    "71", "81", "82",                          # 台湾 香港 澳门
})
EARLIEST_BIRTH = date(1900, 1, 1)


def check_resident_id(value: str, today: date | None = None) -> str:
    """The normalised 18-character ID number, or ValueError with a Chinese reason.

    ``today`` (default: the court clock's) bounds the birth date: nobody is born in the future.
    """
    compact = ric.compact(value or "")
    if len(compact) != 18:
        raise ValueError("居民身份证号应为 18 位")
    if not compact[:-1].isdigit() or not (compact[-1].isdigit() or compact[-1] == "X"):
        raise ValueError("居民身份证号格式不正确")
    if compact[-1] != ric.calc_check_digit(compact):
        raise ValueError("居民身份证号校验位不正确，请核对号码")
    try:
        born = ric.get_birth_date(compact)
    except exceptions.ValidationError:
        raise ValueError("居民身份证号中的出生日期无效") from None
    if born < EARLIEST_BIRTH or born > (today or clock.today()):
        raise ValueError("居民身份证号中的出生日期无效（应在 1900-01-01 至今天之间）")
    if compact[:2] not in PROVINCES:
        raise ValueError("居民身份证号中的地区码不存在（前两位不是省级行政区划代码）")
    return compact


def check_credit_code(value: str) -> str:
    """The normalised 18-character 统一社会信用代码, or ValueError with a Chinese reason."""
    compact = uscc.compact(value or "")
    if len(compact) != 18:
        raise ValueError("统一社会信用代码应为 18 位")
    try:
        return str(uscc.validate(compact))
    except exceptions.InvalidChecksum:
        raise ValueError("统一社会信用代码校验位不正确，请核对代码") from None
    except exceptions.ValidationError:
        raise ValueError("统一社会信用代码格式不正确") from None
