"""Identity numbers of parties, checked with python-stdnum.

居民身份证号: GB 11643, ISO 7064 MOD 11-2 check digit, a real birth date, and a region code that
exists or existed (``stdnum.cn.ric``'s parts). The region is where the number was issued — from the
mid-1980s on, and again on re-issue after a move — not where the holder was born, so the code is
not tied to the birth date: a person born in 1950 holds a code created decades later.
统一社会信用代码: GB 32100, mod-31 check character (``stdnum.cn.uscc``).
"""

from __future__ import annotations

from stdnum import exceptions
from stdnum.cn import ric, uscc


def check_resident_id(value: str) -> str:
    """The normalised 18-character ID number, or ValueError with a Chinese reason."""
    compact = ric.compact(value or "")
    if len(compact) != 18:
        raise ValueError("居民身份证号应为 18 位")
    if not compact[:-1].isdigit() or not (compact[-1].isdigit() or compact[-1] == "X"):
        raise ValueError("居民身份证号格式不正确")
    if compact[-1] != ric.calc_check_digit(compact):
        raise ValueError("居民身份证号校验位不正确，请核对号码")
    try:
        ric.get_birth_date(compact)
    except exceptions.ValidationError:
        raise ValueError("居民身份证号中的出生日期无效") from None
    if not _region_ever_existed(compact[:6]):
        raise ValueError("居民身份证号中的地区码不存在") from None
    return compact


def _region_ever_existed(code: str) -> bool:
    """Whether a 6-digit administrative division code was ever assigned (GB/T 2260, any year)."""
    from stdnum import numdb

    return any(props for _, props in numdb.get("cn/loc").info(code))


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
