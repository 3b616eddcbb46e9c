"""Pure tests of the timeline sentences (services/supervision/trail/sentences.py): plain Chinese, never
a Python dict, amounts in 元, codes through the one label table."""

from __future__ import annotations

from services.supervision.trail.catalogue import SUMMARIES
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
    assert sentence("asset_search.control_ordered", {"measure": "freeze", "asset_id": "A1", "amount_limit_fen": 100,
                                                     "judge_id": "j"}) == "裁定控制：冻结 财产 A1，限额 1.00 元，法官 j"
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
