"""Identity numbers of parties, checked with python-stdnum.

居民身份证号: GB 11643, ISO 7064 MOD 11-2 check digit, with a real birth date (``stdnum.cn.ric``).
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
    try:
        return str(ric.validate(compact))
    except exceptions.InvalidChecksum:
        raise ValueError("居民身份证号校验位不正确，请核对号码") from None
    except exceptions.InvalidComponent:
        raise ValueError("居民身份证号中的出生日期或地区码无效") from None
    except exceptions.ValidationError:
        raise ValueError("居民身份证号格式不正确") from None


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
