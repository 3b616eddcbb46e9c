"""A trail event as a sentence a person reads (the dashboard's timeline, ``text`` in the trail API).

The stored ``summary`` (trail/catalogue.py) is part of the hash chain and stays as recorded; this is
rendered on read from the same templates, with every value put in plain Chinese: amounts in 元, enum
codes through the one label table (shared/labels.py), a field target as "地址 南明区某路1号" instead
of a Python dict, yes/no for booleans, "—" for what the event does not say.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from services.supervision.trail.catalogue import SUMMARIES
from shared.labels import label, yuan

# Which label table a payload field's code is read in; ``outcome`` and ``kind`` depend on the producer.
_FIELD_TABLES = {
    "agency_kind": "agency_kind", "asset_kind": "asset_kind", "measure": "measure", "track": "track",
    "closure_type": "closure_type", "method": "price_method", "source": "source", "recipient": "recipient",
    "notice_kind": "notice_kind", "party": "role", "result": "disposal_outcome", "step": "deadline_status",
}
_OUTCOME_TABLES = {
    "asset_search.agency_answered": "query_outcome", "asset_search.lead_verified": "lead_outcome",
    "field_ops.task_reported": "field_outcome", "disposal.disposal_concluded": "disposal_outcome",
}
_OBJECTION_OUTCOMES = {"upheld": "异议成立", "rejected": "驳回异议", "withdrawn": "撤回异议"}
_AUCTION_RESULTS = {"sold": "成交", "unsold": "流拍"}


def _target(value: Mapping[str, Any]) -> str:
    """A field instruction's target: 地址 南明区某路1号 / 人员 王某 / 财产 粤A12345."""
    kind = label("target_kind", value.get("kind")) if value.get("kind") else ""
    words = [str(value[k]) for k in ("name", "description", "identifier", "address") if value.get(k)]
    return " ".join([kind, *words]).strip() or "—"


def _value(event_type: str, name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_value(event_type, name, v) for v in value) or "—"
    if isinstance(value, Mapping):
        if name == "target" or "kind" in value:
            return _target(value)
        return "，".join(f"{_value(event_type, k, v)}" for k, v in value.items() if v not in (None, "")) or "—"
    if name.endswith("_fen") and isinstance(value, int | float):
        return yuan(value)
    if name == "outcome":
        if event_type == "intake.objection_decided":
            return _OBJECTION_OUTCOMES.get(str(value), str(value))
        return label(_OUTCOME_TABLES.get(event_type, ""), value)
    if name == "result" and event_type == "disposal.auction_ended":
        return _AUCTION_RESULTS.get(str(value), str(value))
    if name == "kind" and event_type.startswith("field_ops."):
        return label("field_kind", value)
    table = _FIELD_TABLES.get(name)
    return label(table, value) if table else str(value)


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def sentence(event_type: str, payload: Mapping[str, Any]) -> str:
    """The event in a plain Chinese sentence (its type when the catalogue does not know it)."""
    template = SUMMARIES.get(event_type)
    if template is None:
        return event_type
    # "执行标的 {claim_amount_fen} 分": the amount is written in 元 now, so the unit goes.
    template = template.replace("_fen} 分", "_fen}")
    values = _Values({k: _value(event_type, k, v) for k, v in payload.items()})
    try:
        return string.Formatter().vformat(template, (), values)
    except (IndexError, ValueError, AttributeError, KeyError):
        return template
