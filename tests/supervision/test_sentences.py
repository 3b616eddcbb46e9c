"""Pure tests of the timeline sentences (services/supervision/trail/sentences.py): plain Chinese, never
a Python dict, amounts in 元, codes through the one label table, never a UUID — officers by name where
the trail carries it, agencies by name and kind, queries by their round (trail/names.py)."""

from __future__ import annotations

import uuid
from typing import Any

from services.supervision.trail.catalogue import SUMMARIES
from services.supervision.trail.names import OFFICER_FIELDS, UUID, Names
from services.supervision.trail.sentences import sentence
from tests.helpers import event_types_with_examples, example


def test_a_field_target_is_written_out_not_printed_as_a_dict() -> None:
    text = sentence("field_ops.instruction_issued", {
        "judge_id": "j1", "kind": "investigate", "deadline": "2026-12-31",
        "target": {"kind": "address", "description": "南明区某路1号", "id_number": None, "address": None},
    })
    assert text == "承办法官 j1 下达外勤指令：现场调查，对象 地址 南明区某路1号，期限 2026-12-31"


def test_amounts_are_in_yuan_and_codes_in_chinese() -> None:
    assert sentence("intake.case_registered", {"case_number": "（2026）黔01执1号", "claim_amount_fen": 12_345_600}) == (
        "立案登记，案号 （2026）黔01执1号，执行标的 123,456.00 元"
    )
    ordered = {"measure": "freeze", "asset_id": "A1", "amount_limit_fen": 100, "judge_id": "j"}
    assert sentence("asset_search.control_ordered", ordered) == "裁定控制：冻结 财产 A1，限额 1.00 元，承办法官 j"
    triaged = sentence("intake.case_triaged", {"track": "fast", "rule_ids": ["R1", "R2"]})
    assert triaged == "繁简分流：快执（规则 R1、R2）"
    assert sentence("disposal.auction_ended", {"round": 1, "result": "unsold", "price_fen": None}) == (
        "第1次拍卖结束：流拍，成交价 —"
    )
    assert sentence("unknown.event", {"x": 1}) == "unknown.event"


def test_no_example_event_reads_as_code() -> None:
    for event_type in sorted(event_types_with_examples() & set(SUMMARIES)):
        text = sentence(event_type, example(event_type))
        assert "{'" not in text and "None" not in text and "_fen" not in text, (event_type, text)


# ---- no UUID: every id an event carries is written as what it names --------------------------------

_IDS: dict[str, str] = {}


# Codes people read as they are (a team, a rule, a leader's title), never UUIDs.
_READABLE = {"team_id", "from_team_id", "rule_id", "rule_ids", "escalated_to"}


def _is_id(key: str) -> bool:
    return (key.endswith(("_id", "_ids")) or key in OFFICER_FIELDS) and key not in _READABLE


def _as_uuid(value: Any) -> Any:
    if isinstance(value, list):
        return [_as_uuid(v) for v in value]
    if isinstance(value, str) and value:
        return _IDS.setdefault(value, str(uuid.uuid4()))
    return value


def with_uuids(event_type: str) -> dict[str, Any]:
    """The example payload with every id in it a UUID, as in production (the same example id, the same UUID)."""
    return {k: _as_uuid(v) if _is_id(k) else v for k, v in example(event_type).items()}


def trail_rows() -> list[dict[str, Any]]:
    """Every example event as a trail row of one case: officers act under their names, agencies under theirs."""
    rows = []
    for event_type in sorted(event_types_with_examples() & set(SUMMARIES)):
        p = with_uuids(event_type)
        agency = event_type == "asset_search.agency_answered"
        rows.append({"case_id": "case-1", "event_type": event_type, "payload": p,
                     "actor_kind": "agency" if agency else "officer",
                     "actor_id": p["agency_id"] if agency else _as_uuid("judge-1"),
                     "actor_name": "不动产登记中心" if agency else "张法官"})
    return rows


def test_no_sentence_prints_a_uuid_with_or_without_the_case_s_names() -> None:
    rows = trail_rows()
    names = Names.from_rows(rows)
    for row in rows:
        for known in (None, names):
            text = sentence(row["event_type"], row["payload"], known)
            assert not UUID.search(text), (row["event_type"], text)
            assert "{'" not in text and "None" not in text and "_fen" not in text, (row["event_type"], text)


def test_a_delivered_request_names_the_agency_its_kind_and_the_round() -> None:
    q, r, a = str(uuid.uuid4()), str(uuid.uuid4()), "real-estate-center"
    rows = [
        {"case_id": "c", "event_type": "asset_search.query_dispatched", "actor_kind": "system",
         "actor_id": "asset_search", "actor_name": None,
         "payload": {"query_id": q, "agency_id": a, "agency_kind": "real_estate", "round": 2}},
        {"case_id": "c", "event_type": "asset_search.agency_answered", "actor_kind": "agency", "actor_id": a,
         "actor_name": "某市自然资源局", "payload": {"query_id": q, "agency_id": a, "agency_kind": "real_estate",
                                                "outcome": "found", "item_count": 1}},
    ]
    names = Names.from_rows(rows)
    delivered = {"request_id": r, "request_kind": "query", "ref_id": q, "agency_id": a}
    assert sentence("asset_search.request_delivered", delivered, names) == (
        "第 2 轮网络查控的查询请求已送达 某市自然资源局（不动产）")
    assert sentence("asset_search.agency_answered", rows[1]["payload"], names) == (
        "某市自然资源局（不动产） 答复第 2 轮查询：查得财产，1 项")
    # Before the agency has answered anything: its kind, never the request's id.
    assert sentence("asset_search.request_delivered", delivered, Names.from_rows(rows[:1])) == (
        "第 2 轮网络查控的查询请求已送达 不动产查控单位 real-estate-center")


def test_an_officer_is_named_where_the_trail_carries_the_name_else_by_role_and_id() -> None:
    names = Names.from_rows([{"event_type": "intake.notice_issued", "actor_kind": "officer", "actor_id": "qz-j-201",
                              "actor_name": "李明", "payload": {}}])
    assigned = {"judge_id": "qz-j-201", "team_id": "黔01-普执一组", "track": "ordinary"}
    assert sentence("intake.case_assigned", assigned, names) == "分案：承办法官 李明，团队 黔01-普执一组，普执"
    assert sentence("intake.case_assigned", assigned) == "分案：承办法官 qz-j-201，团队 黔01-普执一组，普执"
    approved = {"months": 3, "approved_by": "qz-vp-01"}
    assert sentence("intake.extension_approved", approved, names) == "院领导 qz-vp-01 批准延长执行期限 3 个月"
