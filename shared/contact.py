"""Parties' contact details: mainland mobile numbers (checked, masked) and masked ID numbers.

A mainland mobile number is 11 digits starting with 1 and a second digit 3–9 (工业和信息化部
电信网码号资源: the 13x–19x number blocks); a leading +86 / 0086 / 86 and spaces or hyphens are
accepted and dropped. Numbers and ID numbers are masked wherever a read shows them to someone
who is not their holder (个人信息保护法 arts. 28, 51: sensitive personal data, minimum disclosure).
"""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-]")


def check_mobile(value: str) -> str:
    """The normalised 11-digit number, or ValueError with a Chinese reason."""
    compact = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086", "86"):
        if compact.startswith(prefix) and len(compact) == len(prefix) + 11:
            compact = compact[len(prefix):]
            break
    if not compact.isdigit():
        raise ValueError("手机号只能由数字组成（可带 +86 前缀）")
    if len(compact) != 11:
        raise ValueError("手机号应为 11 位")
    if not _MOBILE.match(compact):
        raise ValueError("手机号应以 13–19 开头（大陆手机号段）")
    return compact


def mask_mobile(value: str | None) -> str | None:
    """138****0001: the first three and the last four digits."""
    if not value:
        return value
    return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_id_number(value: str | None) -> str | None:
    """An ID number or credit code with only its first 4 and last 2 characters shown."""
    if not value:
        return value
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]
