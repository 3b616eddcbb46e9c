"""A trail event as a sentence a person reads (the dashboard's timeline, ``text`` in the trail API).

The stored ``summary`` (trail/catalogue.py) is part of the hash chain and stays as recorded; this is
rendered on read from the same templates, with every value put in plain Chinese: amounts in 元, enum
codes through the one label table (shared/labels.py), a field target as "地址 南明区某路1号" instead
of a Python dict, yes/no for booleans, "—" for what the event does not say. Things named by id are
named as a person would (trail/names.py): officers by name where the trail carries it, an agency by
its name and kind, a query by its round, an asset by its kind and identifier; where the recorded
template prints an id, the timeline has its own wording (trail/sentence_templates.py). No sentence
prints a UUID.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from services.supervision.trail.catalogue import SUMMARIES
from services.supervision.trail.names import OFFICER_FIELDS, UUID, Names
from services.supervision.trail.sentence_templates import READ_TEMPLATES
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
_LOOKUP_OUTCOMES = {"code_sent": "发送验证码", "granted": "凭验证码查询", "refused": "验证码错误，拒绝查询"}
_CHANNELS = {"court_website": "法院网站", "wechat": "微信公众号", "newspaper": "报纸", "television": "电视"}
_NO_NAMES = Names()


def _target(value: Mapping[str, Any]) -> str:
    """A field instruction's target: 地址 南明区某路1号 / 人员 王某 / 财产 粤A12345."""
    kind = label("target_kind", value.get("kind")) if value.get("kind") else ""
    words = [str(value[k]) for k in ("name", "description", "identifier", "address") if value.get(k)]
    return " ".join([kind, *words]).strip() or "—"


def _value(event_type: str, name: str, value: Any, names: Names = _NO_NAMES) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_value(event_type, name, v, names) for v in value) or "—"
    if name in OFFICER_FIELDS and isinstance(value, str):
        return names.officer(value)
    if name == "channels" and isinstance(value, str):
        return _CHANNELS.get(value, value)
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


def _derived(event_type: str, p: Mapping[str, Any], names: Names) -> dict[str, str]:
    """The names the read templates use beside the payload's own fields."""
    out: dict[str, str] = {}
    agency, rnd = names.query(p.get("query_id"))
    if event_type == "asset_search.request_delivered":
        out["request"], agency, rnd = names.request(p.get("request_id"), p.get("request_kind"), p.get("ref_id"))
    out["agency"] = names.agency(p.get("agency_id") or agency, p.get("agency_kind"))
    r = p.get("round") if isinstance(p.get("round"), int) else rnd
    out["round"] = "—" if r is None else str(r)
    out["asset"] = names.asset(p.get("asset_id") or names.disposals.get(str(p.get("disposal_id"))), p.get("asset_kind"))
    out["control"] = names.control(p.get("control_id"), p.get("asset_id"), p.get("asset_kind"))
    out["lead"] = names.lead(p.get("lead_id"))
    out["task"] = names.task(p.get("instruction_id"))
    out["team"] = str(p.get("team_name") or p.get("team_id") or "—")
    out["payout"] = names.payout(p.get("payout_id"))
    out["objection"] = names.objection(p.get("objection_case_id"), p.get("objection_case_number"))
    out["sms"] = "不再接收短信通知" if p.get("opted_out") else "恢复接收短信通知"
    out["lookup"] = _LOOKUP_OUTCOMES.get(str(p.get("outcome")), str(p.get("outcome") or "—"))
    out["escalated_role"] = label("role", p.get("escalated_to_role")) if p.get("escalated_to_role") else "院领导"
    return out


def sentence(event_type: str, payload: Mapping[str, Any], names: Names | None = None) -> str:
    """The event in a plain Chinese sentence (its type when the catalogue does not know it); ``names``
    (trail/names.py, from the case's trail) names officers, agencies, queries, assets … as people do."""
    template = READ_TEMPLATES.get(event_type) or SUMMARIES.get(event_type)
    if template is None:
        return event_type
    names = names or _NO_NAMES
    # "执行标的 {claim_amount_fen} 分": the amount is written in 元 now, so the unit goes.
    template = template.replace("_fen} 分", "_fen}")
    values = _Values(_derived(event_type, payload, names))
    values.update({k: _value(event_type, k, v, names) for k, v in payload.items()})
    try:
        text = string.Formatter().vformat(template, (), values)
    except (IndexError, ValueError, AttributeError, KeyError):
        text = template
    return UUID.sub("（编号略）", text)  # never a bare id, whatever a producer put in a free-text field
