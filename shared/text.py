"""Only text that can be stored is accepted: one rule for every request, in one place.

PostgreSQL cannot store NUL in text or jsonb, and control, bidirectional-override and zero-width
characters let a name look like another (or hide part of it) on a clerk's screen. A request body,
a path or a query that carries one is refused with 422 naming the field; nothing is written.
Newlines and tabs are allowed in free text. Integers must fit PostgreSQL's bigint; a yes/no field
takes a JSON boolean only (not "yes", 1 or "true").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, get_args
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

BIGINT_MAX = 2**63 - 1

# C0 controls except \t \n \r, DEL, C1 controls; bidirectional embeddings, overrides and isolates;
# zero-width characters and the byte-order mark.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def bad_character(value: str) -> str | None:
    """A description of the first character that cannot be accepted, or None."""
    m = _FORBIDDEN.search(value)
    if m is None:
        return None
    ch = m.group(0)
    name = unicodedata.name(ch, "")
    kind = "控制字符" if unicodedata.category(ch) == "Cc" else "不可见的格式字符"
    return f"包含{kind} U+{ord(ch):04X}{f'（{name}）' if name else ''}，请删除后重新提交"


def _check(value: Any, path: str = "") -> str | None:
    """The first problem in a (nested) value, with where it is inside the field."""
    if isinstance(value, str):
        problem = bad_character(value)
        return f"{path}{problem}" if problem else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not -BIGINT_MAX - 1 <= value <= BIGINT_MAX:
        return f"{path}数值超出允许范围"
    if isinstance(value, dict):
        for k, v in value.items():
            found = _check(k, path) or _check(v, f"{path}{k}：")
            if found:
                return found
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            found = _check(v, f"{path}第 {i + 1} 项：")
            if found:
                return found
    return None


def url_problems(path: str, query_string: bytes) -> list[dict[str, str]]:
    """Field errors for characters that cannot be accepted in a request's path or query."""
    errors = []
    problem = bad_character(path)
    if problem:
        errors.append({"field": "path", "message": f"地址{problem}", "code": "forbidden_character"})
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, errors="replace"):
        problem = bad_character(key) or bad_character(value)
        if problem:
            errors.append({"field": f"query.{key}", "message": problem, "code": "forbidden_character"})
    return errors


def _holds_request_model(annotation: Any) -> bool:
    """Whether a field's type is, or contains (list[...], ... | None), a request model."""
    if isinstance(annotation, type) and issubclass(annotation, RequestModel):
        return True
    return any(_holds_request_model(arg) for arg in get_args(annotation))


class RequestModel(BaseModel):
    """Base of every request body: unknown fields refused, text trimmed, and the rules above."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and field.annotation in (bool, bool | None) and value is not None \
                and not isinstance(value, bool):
            raise ValueError("应为 true 或 false")
        if field is not None and _holds_request_model(field.annotation):
            return value  # nested request models check their own fields, and name them (items.0.value_fen)
        problem = _check(value)
        if problem:
            raise ValueError(problem)
        return value
