"""Events as their producers publish them, for every test folder: no test writes a payload by hand.

- ``example(event_type, on)``: one complete payload of the type's current version, dated around the
  day ``on`` — what its producer would publish in an ordinary case (ids, people and amounts chosen so
  that they break no 互相制约 rule on their own: judge ``judge-1``, team ``team-1``, agencies by id).
- ``payload(event_type, **fields)``: the example with ``fields`` over it, validated by the type's
  payload model from the event registry (an unknown field, a missing required one or a wrong value
  fails here, naming the field) and dumped exactly as the producer dumps it.
- ``make_event(event_type, case_id, **fields)``: that payload in an envelope, as the producing service
  builds it (schema version from the registry, producer from the type's prefix).
- ``envelopes_of(events, ...)``: events made by a producer's own domain code, in envelopes.
- ``opened_by_intake(case_id, judge_id)``: what intake's own decider publishes when a clerk registers
  a case at the counter (received, registered, triaged, assigned to ``judge_id``).
- ``seized_on_site_by(case_id, asset_id, officer)``: what asset_search's own decider publishes for an
  asset a field officer sealed on site (the asset, and a control in effect controlled by that officer).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from services.asset_search.domain.commands import RecordOnSiteSeizure
from services.asset_search.domain.decider import SearchFileDecider
from services.asset_search.domain.decider import given as search_file
from services.intake.config import CourtRoster, Team, load_config
from services.intake.domain import CaseDecider
from services.intake.domain import commands as intake
from services.intake.events import BasisRecord, MaterialItem, PartyRecord
from shared import clock
from shared.envelope import SHANGHAI, Actor, Envelope
from shared.events import REGISTRY, DomainEvent
from shared.schemas import load_all_event_modules

load_all_event_modules()

COURT = "黔01"
HASH = "ab" * 32
APPLICANT = {"kind": "organisation", "name": "贵州某某建材有限公司", "id_number": "91110000600037341L"}
RESPONDENT = {"kind": "person", "name": "王某", "id_number": "11010519491231002X"}


def _at(on: date, hour: int = 10) -> datetime:
    return datetime.combine(on, time(hour), SHANGHAI)


def _iso(value: date | datetime) -> str:
    return value.isoformat()


def _examples(on: date) -> dict[str, dict[str, Any]]:
    """Every registered event type's example, dated around ``on`` (dates after ``on`` are due dates)."""
    d = lambda days=0: _iso(on + timedelta(days=days))  # noqa: E731
    t = lambda days=0, hour=10: _iso(_at(on + timedelta(days=days), hour))  # noqa: E731
    basis = {"kind": "judgment", "issuing_body": "贵阳市南明区人民法院", "document_number": "（2025）黔0102民初1234号",
             "effective_date": d(-90), "performance_deadline": d(-76)}
    materials = [
        {"material_class": "application_form", "kind": "application", "content_hash": HASH},
        {"material_class": "basis_document", "kind": "basis_copy", "content_hash": HASH},
        {"material_class": "basis_document", "kind": "effectiveness_proof", "reference": "档案 118"},
        {"material_class": "identity", "kind": "business_licence", "content_hash": HASH},
        {"material_class": "identity", "kind": "legal_rep_certificate", "content_hash": HASH},
        {"material_class": "asset_leads", "kind": "no_lead_statement", "content_hash": HASH},
    ]
    missing = [{"material_class": "identity", "kind": "legal_rep_certificate", "description": "法定代表人身份证明书"}]
    evidence = {"content_hash": HASH, "media_type": "image/jpeg", "taken_at": t(), "place": "南明区某路 1 号"}
    bank_item = {"asset_kind": "bank_deposit", "identifier": "6222 0000 1111", "holder_id": RESPONDENT["id_number"],
                 "holder_name": "王某", "value_fen": 5_000_000, "location": None, "encumbrances": [],
                 "existing_seizures": []}
    overdue = {"key": "first_search", "node": "first_search", "node_name": "首次网络查控", "due": d(-1),
               "days_overdue": 1, "level": 1, "judge_id": "judge-1", "team_id": "team-1", "as_of": d()}
    return {
        # intake
        "intake.application_received": {
            "case_id": "case-1", "court": COURT, "case_type": "执", "applicant": APPLICANT, "respondent": RESPONDENT,
            "basis": basis, "claim_amount_fen": 12_345_600, "application_date": d(), "decide_by": d(7),
            "materials": materials, "missing": [], "received_by": "clerk-1"},
        "intake.supplement_requested": {"missing": missing, "deadline": d(15), "requested_by": "clerk-1"},
        "intake.materials_supplemented": {"items": materials[4:5], "still_missing": [], "supplemented_by": "clerk-1"},
        "intake.case_registered": {
            "case_id": "case-1", "case_number": f"（{on.year}）黔01执1号", "case_type": "执", "court": COURT,
            "applicant": APPLICANT, "respondent": RESPONDENT, "basis": basis, "claim_amount_fen": 12_345_600,
            "application_date": d(), "registered_by": "clerk-1", "decide_by": d(7), "registered_on": d()},
        "intake.application_refused": {
            "ground_code": "not_effective", "legal_ground": "执行工作规定第16条", "reason": "执行依据尚未生效",
            "refused_by": "clerk-1", "decide_by": d(7), "decided_within_limit": True},
        "intake.case_triaged": {"track": "ordinary", "rule_ids": ["TR-DEFAULT-ORDINARY"],
                                "reasons": ["TR-DEFAULT-ORDINARY：未命中任何规则，按默认"], "decided_by": "system"},
        "intake.case_assigned": {"judge_id": "judge-1", "team_id": "team-1", "track": "ordinary",
                                 "assigned_by": "system", "strategy": "least_loaded", "team_lead_id": "lead-1"},
        "intake.notice_prepared": {"notice_id": "notice-1", "notice_kind": "enforcement_notice", "document_hash": HASH,
                                   "prepared_by": "affairs-1", "service_method": "electronic"},
        "intake.notice_issued": {"notice_id": "notice-1", "notice_kind": "enforcement_notice", "document_hash": HASH,
                                 "prepared_by": "affairs-1", "signed_by": "judge-1", "service_method": "electronic"},
        "intake.case_suspended": {"reason": "案外人提出异议", "decided_by": "judge-1", "on": d()},
        "intake.suspension_lifted": {"reason": "异议审查完毕", "decided_by": "judge-1", "on": d()},
        "intake.case_postponed": {"reason": "申请执行人同意暂缓", "until": d(30), "decided_by": "judge-1", "on": d()},
        "intake.postponement_lifted": {"reason": "暂缓期满", "decided_by": "judge-1", "on": d()},
        "intake.extension_requested": {"months": 3, "reason": "财产处置尚未完成", "requested_by": "judge-1",
                                       "current_due": d(20)},
        "intake.extension_approved": {"months": 3, "approved_by": "pres-1", "new_due": d(110)},
        "intake.applicant_interviewed": {"interviewed_by": "judge-1", "summary_hash": HASH, "interviewed_on": d()},
        "intake.party_mobile_recorded": {"party": "applicant", "mobile": "13800000001", "recorded_by": "clerk-1",
                                         "recorded_on": d()},
        "intake.party_sms_opt_out_changed": {"party": "applicant", "opted_out": True, "changed_by": "clerk-1",
                                             "changed_on": d()},
        "intake.settlement_recorded": {"performed": False, "agreement_hash": HASH, "recorded_by": "judge-1"},
        "intake.closure_proposed": {"closure_type": "执行完毕", "judge_id": "judge-1", "reason": "执行款已足额支付",
                                    "conditions": [{"code": "claim_paid", "met": True, "detail": "已足额支付"}]},
        "intake.closure_rejected": {"closure_type": "执行完毕", "rejected_by": "chief-1", "reason": "条件不具备"},
        "intake.case_closed": {"closure_type": "执行完毕", "judge_id": "judge-1", "approved_by": "chief-1",
                               "reason": "执行款已足额支付", "claim_amount_fen": 12_345_600, "registered_on": d(-60),
                               "closed_on": d(), "track": "ordinary"},
        "intake.case_resumed": {"new_case_id": "case-2", "new_case_number": f"（{on.year}）黔01执恢1号",
                                "reviewer_id": "rev-1", "previous_judge_id": "judge-1", "ground": "applicant_new_lead",
                                "reason": "申请执行人提供新的财产线索"},
        "intake.objection_registered": {
            "objection_case_id": "objection-1", "objection_case_number": f"（{on.year}）黔01执异1号",
            "objector": {"kind": "person", "name": "案外人赵某", "id_number": "11010519491231002X"},
            "grounds": "被查封财产属于案外人", "reviewers": ["rev-1", "rev-2", "rev-3"], "registered_by": "clerk-1",
            "asset_ids": [], "received_on": d(), "decide_by": d()},
        "intake.objection_hearing_held": {"objection_case_id": "objection-1", "held_on": d(), "held_by": "rev-1",
                                          "notes": "异议人、申请执行人到庭陈述"},
        "intake.objection_decided": {"objection_case_id": "objection-1", "outcome": "rejected", "decided_by": "rev-1",
                                     "reason": "异议不成立", "asset_ids": [], "decided_on": d()},
        "intake.measure_proposed": {
            "measure_id": "measure-1", "court": COURT, "subject": {"kind": "person", "name": "王某",
                                                                   "id_number": RESPONDENT["id_number"]},
            "ground": "refuse_to_perform", "ground_zh": "拒不履行生效判决、裁定", "facts": "拒不履行",
            "detention_days": 10, "measure_zh": "拘留 10 日", "region": "520102", "proposed_by": "judge-1",
            "proposed_on": d()},
        "intake.measure_approved": {
            "measure_id": "measure-1", "decision_number": f"（{on.year}）黔01司惩1号",
            "subject": {"kind": "person", "name": "王某", "id_number": RESPONDENT["id_number"]}, "detention_days": 10,
            "measure_zh": "拘留 10 日", "region": "520102", "judge_id": "judge-1", "proposed_by": "judge-1",
            "approved_by": "pres-1", "approved_on": d()},
        "intake.measure_rejected": {"measure_id": "measure-1", "rejected_by": "pres-1", "reason": "事实不清",
                                    "rejected_on": d()},
        "intake.measure_served": {"measure_id": "measure-1", "decision_number": f"（{on.year}）黔01司惩1号",
                                  "served_on": d(), "served_by": "affairs-1", "reconsider_by": d(3)},
        "intake.measure_reconsideration_applied": {"measure_id": "measure-1", "applied_on": d(), "grounds": "不服",
                                                   "higher_court": "贵州省高级人民法院", "recorded_by": "clerk-1",
                                                   "decide_by": d(5)},
        "intake.measure_reconsideration_decided": {
            "measure_id": "measure-1", "result": "upheld", "result_zh": "维持原决定", "decided_on": d(),
            "decided_within_limit": True, "reason": "事实清楚", "detention_days": 10, "recorded_by": "clerk-1"},
        "intake.refusal_referred": {
            "referral_id": "referral-1",
            "subject": {"kind": "person", "name": "王某", "id_number": RESPONDENT["id_number"]},
            "facts": "有能力履行而拒不履行", "evidence": [HASH], "police_organ": "南明分局", "referred_on": d(),
            "referred_by": "judge-1"},
        "intake.referral_answered": {"referral_id": "referral-1", "accepted": False, "answer_zh": "不予立案",
                                     "answered_on": d(), "reason": "不予立案", "recorded_by": "clerk-1"},
        "intake.private_prosecution_filed": {"referral_id": "referral-1", "filed_on": d(),
                                             "applicant_name": "甲公司", "guidance": "告知自诉条件",
                                             "recorded_by": "clerk-1"},
        "intake.referral_concluded": {"referral_id": "referral-1", "outcome": "convicted",
                                      "outcome_zh": "判决构成拒执罪", "concluded_on": d(), "note": "判处有期徒刑一年",
                                      "recorded_by": "clerk-1"},
        "intake.reward_applied": {"reward_id": "reward-1", "applicant_name": "甲公司", "reward_fen": 500_000,
                                  "applied_on": d(), "decide_by": d(10), "recorded_by": "clerk-1"},
        "intake.reward_decided": {"reward_id": "reward-1", "granted": True, "decision_zh": "准许并发布悬赏公告",
                                  "decided_on": d(), "decided_within_limit": True, "reason": "符合条件",
                                  "channels": ["court_website"], "decided_by": "judge-1"},
        "intake.reward_lead_received": {"reward_id": "reward-1", "lead_id": "lead-9", "informant": "知情人",
                                        "description": "车辆停放于某小区", "asset_kind": "vehicle",
                                        "target": "贵A12345", "region": "520102", "received_on": d(),
                                        "recorded_by": "clerk-1"},
        "intake.reward_paid": {"reward_id": "reward-1", "amount_fen": 500_000, "paid_on": d(), "lead_id": "lead-9",
                               "recorded_by": "clerk-1"},
        "intake.exposure_published": {
            "exposure_id": "exposure-1",
            "subject": {"kind": "person", "name": "王某", "id_number": RESPONDENT["id_number"]},
            "channel": "wechat", "channel_zh": "微信公众号", "content": "曝光失信被执行人", "published_on": d(),
            "decided_by": "judge-1"},
        "intake.exit_restriction_decided": {
            "restriction_id": "exit-1",
            "subject": {"kind": "person", "name": "王某", "id_number": RESPONDENT["id_number"]},
            "subject_name": "王某", "reason": "拒不履行", "decided_on": d(), "judge_id": "judge-1"},
        "intake.exit_restriction_lifted": {"restriction_id": "exit-1", "reason": "已履行", "lifted_on": d(),
                                           "judge_id": "judge-1"},
        "intake.measure_effect_recorded": {"measure_id": "measure-1", "effect": "paid", "effect_zh": "已履行",
                                           "amount_paid_fen": 100_000, "note": "拘留期间履行", "recorded_on": d(),
                                           "recorded_by": "judge-1"},
        "intake.measure_early_release_approved": {"measure_id": "measure-1",
                                                  "decision_number": f"（{on.year}）黔01司惩1号",
                                                  "approved_by": "pres-1", "approved_on": d(), "reason": "认错悔改"},
        # intake: petitions (涉执信访) and judicial aid (国家司法救助)
        "intake.petition_registered": {
            "petition_id": "petition-1", "case_id": "case-1", "court": COURT, "case_number": f"（{on.year}）黔01执1号",
            "petitioner": {"name": "张某", "role": "applicant", "contact": "13800000000"}, "request": "要求尽快执行",
            "channel": "visit", "channel_label": "来访", "received_on": d(), "team_id": "team-1",
            "officer_id": "judge-1",
            "accept_by": d(15), "registered_by": "clerk-1"},
        "intake.petition_acknowledged": {"petition_id": "petition-1", "acknowledged_on": d(),
                                         "acknowledged_by": "judge-1", "conclude_by": d(60), "note": None},
        "intake.petition_escalated": {"petition_id": "petition-1", "escalated_to": "chief-1",
                                      "escalated_to_role": "bureau_chief", "instruction": "十日内答复", "due_on": d(10),
                                      "escalated_on": d()},
        "intake.petition_discussed": {"petition_id": "petition-1", "participants": ["judge-1", "chief-1"],
                                      "conclusion": "启动司法救助", "discussed_on": d(), "recorded_by": "judge-1"},
        "intake.petition_extended": {"petition_id": "petition-1", "days": 30, "reason": "情况复杂",
                                     "conclude_by": d(90), "approved_by": "chief-1"},
        "intake.petition_closed": {"petition_id": "petition-1", "outcome": "judicial_aid", "outcome_label": "司法救助",
                                   "petition_stopped": True, "details": "发放救助金", "closed_on": d(),
                                   "closed_by": "judge-1", "aid_id": "aid-1"},
        "intake.judicial_aid_applied": {
            "aid_id": "aid-1", "case_id": "case-1", "court": COURT, "case_number": f"（{on.year}）黔01执1号",
            "case_judge_id": "judge-1", "claim_amount_fen": 12_345_600,
            "applicant": {"name": "张某", "id_number": None, "contact": None}, "amount_requested_fen": 5_000_000,
            "grounds": "丧失劳动能力", "applied_on": d(), "recorded_by": "clerk-1", "petition_id": "petition-1"},
        "intake.judicial_aid_examined": {"aid_id": "aid-1", "eligible": True, "case_unenforceable": True,
                                         "hardship_grounds": ["丧失劳动能力"], "findings": "被执行人无财产",
                                         "examined_on": d(), "examined_by": "judge-1"},
        "intake.judicial_aid_decided": {"aid_id": "aid-1", "granted": True, "amount_fen": 3_000_000,
                                        "cap_fen": 32_400_000, "monthly_wage_fen": 900_000, "wage_year": on.year - 1,
                                        "panel": ["rev-1", "rev-2", "judge-1"], "reason": "符合救助条件",
                                        "decided_on": d(), "decided_by": "rev-1"},
        "intake.judicial_aid_funds_requested": {"aid_id": "aid-1", "amount_fen": 3_000_000,
                                                "higher_court": "贵州省高级人民法院", "reported_on": d(),
                                                "reported_by": "chief-1"},
        # asset_search
        "asset_search.query_dispatched": {
            "query_id": "query-1", "agency_id": "bank-network", "agency_kind": "bank_deposit", "channel": "push",
            "round": 1, "reason": "case_assigned", "subject": RESPONDENT, "case_number": f"（{on.year}）黔01执1号",
            "dispatched_at": t(), "due_at": t(3)},
        "asset_search.request_delivered": {"request_id": "request-1", "request_kind": "query", "ref_id": "query-1",
                                           "agency_id": "bank-network", "channel": "push", "attempts": 1},
        "asset_search.agency_answered": {
            "query_id": "query-1", "agency_id": "bank-network", "agency_kind": "bank_deposit",
            "outcome": "nothing_found", "item_count": 0, "items": [], "raw_hash": HASH, "message_id": "message-1",
            "response_seconds": 60.0, "late": False},
        "asset_search.query_overdue": {"query_id": "query-1", "agency_id": "bank-network",
                                       "agency_kind": "bank_deposit", "due_at": t(-1)},
        "asset_search.search_completed": {"round": 1, "agency_kinds": ["bank_deposit"], "query_count": 1,
                                          "asset_count": 0},
        "asset_search.asset_found": {**bank_item, "asset_id": "asset-1", "query_id": "query-1",
                                     "agency_id": "bank-network"},
        "asset_search.asset_updated": {"asset_id": "asset-1", "identifier": "6222 0000 1111", "value_fen": 4_000_000,
                                       "encumbrances": [], "existing_seizures": [], "query_id": "query-1"},
        "asset_search.assets_found_after_closure": {"round": 2, "asset_ids": ["asset-1"]},
        "asset_search.field_asset_recorded": {
            "asset_id": "asset-1", "asset_kind": "vehicle", "description": "白色轿车", "identifier": "贵A12345",
            "location": "花溪区某仓库", "value_fen": 8_000_000, "seized_by": "field-1", "seal_date": d(),
            "task_id": "task-1", "instruction_id": "instruction-1", "judge_id": "judge-1"},
        "asset_search.control_ordered": {
            "control_id": "control-1", "asset_id": "asset-1", "asset_kind": "bank_deposit", "measure": "freeze",
            "amount_limit_fen": 12_345_600, "control_value_fen": 5_000_000, "judge_id": "judge-1",
            "ruling_number": f"（{on.year}）黔01执1号之一", "agency_id": "bank-network", "requested_by": "judge-1"},
        "asset_search.control_confirmed": {
            "control_id": "control-1", "asset_id": "asset-1", "asset_kind": "bank_deposit", "measure": "freeze",
            "effective_date": d(), "expiry_date": d(365), "amount_fen": 5_000_000, "queue_position": None,
            "controlled_by": "bank-network", "raw_hash": HASH, "controller_kind": "agency", "requested_by": "judge-1"},
        "asset_search.control_refused": {"control_id": "control-1", "asset_id": "asset-1", "reason": "账户已销户",
                                         "controlled_by": "bank-network", "raw_hash": HASH},
        "asset_search.control_renewal_ordered": {"control_id": "control-1", "asset_id": "asset-1",
                                                 "judge_id": "judge-1", "ruling_number": f"（{on.year}）黔01执1号之二",
                                                 "agency_id": "bank-network"},
        "asset_search.control_renewed": {"control_id": "control-1", "asset_id": "asset-1",
                                         "asset_kind": "bank_deposit", "previous_expiry_date": d(),
                                         "expiry_date": d(365), "controlled_by": "bank-network", "raw_hash": HASH},
        "asset_search.control_released": {"control_id": "control-1", "asset_id": "asset-1", "expiry_date": d(365),
                                          "judge_id": "judge-1", "ruling_number": f"（{on.year}）黔01执1号之三",
                                          "reason": "案件执行完毕", "agency_id": "bank-network"},
        "asset_search.control_lapsed": {"control_id": "control-1", "asset_id": "asset-1", "expiry_date": d(-1)},
        "asset_search.deduction_confirmed": {"control_id": "control-1", "asset_id": "asset-1",
                                             "amount_fen": 5_000_000, "agency_id": "bank-network"},
        "asset_search.lead_recorded": {"lead_id": "lead-1", "urgent": False, "description": "被执行人名下车辆",
                                       "asset_kind": "vehicle", "target": "贵A12345", "region": "520102",
                                       "due_date": d(7), "recorded_by": "search-1"},
        "asset_search.exit_restriction_requested": {
            "request_id": "exit-request-1", "restriction_id": "exit-1", "action": "restrict", "action_zh": "限制出境",
            "agency_id": "border-control",
            "subject": {"kind": "person", "name": "王某", "id_number": RESPONDENT["id_number"]}, "subject_name": "王某",
            "case_number": f"（{on.year}）黔01执1号"},
        "asset_search.exit_restriction_confirmed": {
            "request_id": "exit-request-1", "restriction_id": "exit-1", "action": "restrict", "action_zh": "限制出境",
            "agency_id": "border-control", "outcome": "effective", "outcome_zh": "已生效", "effective_date": d(),
            "raw_hash": HASH},
        "asset_search.lead_verified": {"lead_id": "lead-1", "urgent": False, "outcome": "not_found",
                                       "note": "车辆登记系统无记录", "verified_by": "search-1", "late": False},
        "asset_search.field_check_requested": {"lead_id": "lead-1", "target": "南明区某路 1 号", "region": "520102",
                                               "reason": "申请执行人财产线索需现场核查"},
        # field_ops
        "field_ops.proposal_received": {
            "proposal_id": "proposal-1", "source_event_id": str(uuid.UUID(int=1)),
            "source_event_type": "asset_search.field_check_requested", "kind": "investigate",
            "target": {"kind": "address", "description": "南明区某路 1 号"}, "region": "520102",
            "reason": "申请执行人财产线索需现场核查", "lead_id": "lead-1"},
        "field_ops.instruction_issued": {
            "instruction_id": "instruction-1", "case_id": "case-1", "kind": "investigate", "judge_id": "judge-1",
            "target": {"kind": "person", "description": "被执行人王某", "id_number": RESPONDENT["id_number"],
                       "address": "贵阳市南明区某路 1 号"},
            "region": "520102", "region_name": "贵州省贵阳市南明区", "deadline": d(14), "notes": "核实居住情况"},
        "field_ops.task_routed": {"task_id": "task-1", "instruction_id": "instruction-1", "team_id": "fo-team-1",
                                  "team_name": "外勤一组", "rule": "region", "reason": "区划 520102",
                                  "deadline": d(14)},
        "field_ops.task_rerouted": {"task_id": "task-1", "instruction_id": "instruction-1", "from_team_id": "fo-team-1",
                                    "team_id": "fo-team-2", "team_name": "外勤二组", "reason": "人手不足",
                                    "rerouted_by": "flead-1"},
        "field_ops.task_accepted": {"task_id": "task-1", "instruction_id": "instruction-1", "officer_id": "field-1",
                                    "team_id": "fo-team-1"},
        "field_ops.attempt_recorded": {"task_id": "task-1", "instruction_id": "instruction-1", "attempt_no": 1,
                                       "officer_id": "field-1", "attempted_at": t(), "place": "南明区某路 1 号",
                                       "note": "无人在家", "evidence": [evidence]},
        "field_ops.task_reported": {"task_id": "task-1", "instruction_id": "instruction-1", "kind": "investigate",
                                    "officer_id": "field-1", "team_id": "fo-team-1", "outcome": "not_found",
                                    "details": "被执行人不在住所", "evidence": [evidence]},
        "field_ops.task_returned": {"task_id": "task-1", "instruction_id": "instruction-1", "officer_id": "field-1",
                                    "team_id": "fo-team-1", "reason": "地址不在本组辖区"},
        "field_ops.asset_seized_on_site": {
            "asset_id": "asset-1", "asset_kind": "vehicle", "description": "白色轿车", "identifier": "贵A12345",
            "location": "花溪区某仓库", "value_fen": 8_000_000, "seized_by": "field-1", "seal_date": d(),
            "task_id": "task-1", "instruction_id": "instruction-1", "judge_id": "judge-1", "evidence": [HASH]},
        "field_ops.detention_instructed": {
            "task_id": "task-1", "instruction_id": "instruction-1", "measure_id": "measure-1",
            "decision_number": f"（{on.year}）黔01司惩1号", "detention_days": 10, "judge_id": "judge-1",
            "approved_by": "pres-1"},
        "field_ops.custody_started": {
            "task_id": "task-1", "instruction_id": "instruction-1", "measure_id": "measure-1", "officer_id": "field-1",
            "started_at": t(), "started_on": d(), "custody_organ": "南明区拘留所", "detention_days": 10,
            "release_by": d(9)},
        "field_ops.family_notified": {
            "task_id": "task-1", "instruction_id": "instruction-1", "measure_id": "measure-1", "officer_id": "field-1",
            "notified": True, "notified_at": t(), "within_24h": True, "result_zh": "已在 24 小时内通知"},
        "field_ops.custody_ended": {
            "task_id": "task-1", "instruction_id": "instruction-1", "measure_id": "measure-1", "officer_id": "field-1",
            "released_on": d(9), "days_in_custody": 10, "early": False, "end_zh": "拘留期满解除"},
        # disposal
        "disposal.disposal_decided": {"disposal_id": "disposal-1", "asset_id": "asset-1", "asset_kind": "vehicle",
                                      "asset_class": "movable", "control_ids": ["control-1"],
                                      "controlled_by": ["judge-1"], "judge_id": "judge-1", "decided_on": d()},
        "disposal.notice_served": {"disposal_id": "disposal-1", "notice_kind": "disposal_notice", "party": "respondent",
                                   "served_on": d(), "served_by": "disp-1"},
        "disposal.price_method_unavailable": {"disposal_id": "disposal-1", "method": "agreement",
                                              "reason": "双方未在期限内议价", "recorded_by": "disp-1"},
        "disposal.price_procedure_started": {"disposal_id": "disposal-1", "method": "online_enquiry",
                                             "providers": ["平台甲", "平台乙"], "started_on": d(), "due_on": d(3),
                                             "started_by": "disp-1"},
        "disposal.price_procedure_extended": {"disposal_id": "disposal-1", "method": "online_enquiry",
                                              "extensions": 1, "due_on": d(6)},
        "disposal.reference_price_fixed": {
            "disposal_id": "disposal-1", "method": "online_enquiry", "amount_fen": 1_000_000,
            "platform_results_fen": [1_000_000, 1_000_001], "determined_on": d(), "received_on": d(),
            "valid_until": d(365), "fixed_by": "disp-1"},
        "disposal.price_objection_raised": {"disposal_id": "disposal-1", "party": "respondent", "filed_on": d(),
                                            "grounds": "参考价过低", "recorded_by": "disp-1"},
        "disposal.price_objection_ruled": {"disposal_id": "disposal-1", "upheld": False, "judge_id": "judge-1",
                                           "reason": "异议不成立"},
        "disposal.auction_terms_fixed": {"disposal_id": "disposal-1", "round": 1, "starting_price_fen": 700_000,
                                         "deposit_fen": 70_000, "increment_fen": 10_000, "judge_id": "judge-1"},
        "disposal.auction_scheduled": {
            "disposal_id": "disposal-1", "asset_id": "asset-1", "auction_id": "auction-1", "round": 1,
            "platform": "平台甲", "starting_price_fen": 700_000, "deposit_fen": 70_000, "increment_fen": 10_000,
            "announcement_start": d(), "bidding_start": t(31), "bidding_end": t(32), "scheduled_by": "disp-1"},
        "disposal.auction_ended": {"disposal_id": "disposal-1", "asset_id": "asset-1", "auction_id": "auction-1",
                                   "round": 1, "result": "unsold", "ended_at": t(), "recorded_by": "disp-1"},
        "disposal.online_sale_announced": {"disposal_id": "disposal-1", "asset_id": "asset-1", "platform": "平台甲",
                                           "price_fen": 560_000, "announced_on": d(), "sale_start": d(),
                                           "sale_end": d(), "announced_by": "disp-1"},
        "disposal.online_sale_unsold": {"disposal_id": "disposal-1", "asset_id": "asset-1", "ended_on": d(),
                                        "recorded_by": "disp-1"},
        "disposal.direct_sale_completed": {"disposal_id": "disposal-1", "price_fen": 600_000, "buyer": "买受人某",
                                           "sold_on": d(), "recorded_by": "disp-1"},
        "disposal.sale_ruling_signed": {"disposal_id": "disposal-1", "asset_id": "asset-1", "price_fen": 700_000,
                                        "buyer": "买受人某", "judge_id": "judge-1", "signed_on": d()},
        "disposal.disposal_concluded": {"disposal_id": "disposal-1", "asset_id": "asset-1", "outcome": "sold",
                                        "price_fen": 700_000, "judge_id": "judge-1"},
        "disposal.funds_received": {"entry_id": "entry-1", "amount_fen": 700_000, "source": "auction_proceeds",
                                    "received_on": d(), "disposal_id": "disposal-1", "recorded_by": "fin-1"},
        "disposal.payout_proposed": {"payout_id": "payout-1", "amount_fen": 700_000, "recipient": "applicant",
                                     "proposed_by": "fin-1"},
        "disposal.payout_approved": {"payout_id": "payout-1", "amount_fen": 700_000, "recipient": "applicant",
                                     "proposed_by": "fin-1", "approved_by": "fin-2", "paid_on": d(),
                                     "balance_after_fen": 0},
        "disposal.payout_rejected": {"payout_id": "payout-1", "rejected_by": "fin-2", "reason": "收款账户有误"},
        "disposal.claim_paid_in_full": {"amount_fen": 12_445_600, "claim_amount_fen": 12_345_600, "fee_fen": 100_000,
                                        "interest_fen": 0, "paid_on": d()},
        "disposal.judicial_aid_payment_proposed": {"payment_id": "aid-payment-1", "aid_id": "aid-1",
                                                   "amount_fen": 3_000_000, "granted_fen": 3_000_000, "paid_on": d(),
                                                   "proposed_by": "fin-1"},
        "disposal.judicial_aid_payment_rejected": {"payment_id": "aid-payment-0", "aid_id": "aid-1",
                                                   "rejected_by": "fin-2", "reason": "收款账户有误"},
        "disposal.judicial_aid_paid": {"payment_id": "aid-payment-1", "aid_id": "aid-1", "amount_fen": 3_000_000,
                                       "granted_fen": 3_000_000, "paid_on": d(), "paid_by": "fin-2",
                                       "proposed_by": "fin-1"},
        # supervision
        "supervision.finding_raised": {"finding_id": str(uuid.UUID(int=2)), "rule_id": "互相制约-1", "rule_version": 1,
                                       "people": ["clerk-1"], "event_ids": [str(uuid.UUID(int=3))],
                                       "message": "立案人员不得担任本案承办法官"},
        "supervision.deadline_overdue": {**overdue, "escalated_to": None},
        "supervision.escalated": {**overdue, "escalated_to": "团队长"},
        "supervision.party_lookup_made": {"party": "respondent", "outcome": "granted",
                                          "id_number": "1101************2X", "client": "127.0.0.1", "mobile": None},
    }


def example(event_type: str, on: date | None = None) -> dict[str, Any]:
    """The example payload of ``event_type`` (as given; ``payload`` validates it)."""
    return dict(_examples(on or clock.today())[event_type])


def event_types_with_examples() -> set[str]:
    return set(_examples(date(2026, 1, 5)))


def model(event_type: str, on: date | None = None, /, **fields: Any) -> DomainEvent:
    """The registry's payload model of ``event_type``: the example (dated around ``on``) with ``fields``
    over it, validated."""
    return REGISTRY.get(event_type).model.model_validate({**example(event_type, on), **fields})


def payload(event_type: str, on: date | None = None, /, **fields: Any) -> dict[str, Any]:
    """A payload of ``event_type`` exactly as its producer publishes it (validated, dumped as JSON)."""
    return model(event_type, on, **fields).model_dump(mode="json")


def actor_for(who: Actor | str, producer: str, role: str | None = None, court: str = COURT) -> Actor:
    """``"system"`` is the producing service itself; another string is an officer acting in ``role``."""
    if isinstance(who, Actor):
        return who
    if who == "system":
        return Actor.system(producer)
    return Actor(kind="officer", id=who, name=who, role=role, court=court)


def envelopes_of(
    events: Sequence[DomainEvent],
    case_id: str,
    *,
    stream_id: str | None = None,
    version: int = 1,
    actor: Actor | str = "system",
    role: str | None = None,
    court: str = COURT,
    occurred_at: datetime | None = None,
    recorded_at: datetime | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> list[Envelope]:
    """Events of one producer in envelopes as its command runner builds them (one stream, contiguous
    versions from ``version``, one actor and instant)."""
    now = occurred_at or clock.now()
    correlation = correlation_id or str(uuid.uuid4())
    out = []
    for i, e in enumerate(events):
        producer = e.event_type.split(".", 1)[0]
        assert e.event_type in REGISTRY and REGISTRY.get(e.event_type).model is type(e), e.event_type
        out.append(Envelope(
            event_id=uuid.uuid4(), event_type=e.event_type, schema_version=e.schema_version, case_id=case_id,
            stream_id=stream_id or f"{producer}.test:{case_id}", stream_version=version + i, occurred_at=now,
            recorded_at=recorded_at or now, producer=producer, actor=actor_for(actor, producer, role, court),
            court=court, correlation_id=correlation, causation_id=causation_id,
            payload=e.model_dump(mode="json"),
        ))
    return out


def make_event(
    event_type: str,
    case_id: str,
    /,
    *,
    stream_id: str | None = None,
    version: int = 1,
    actor: Actor | str = "system",
    role: str | None = None,
    court: str = COURT,
    occurred_at: datetime | None = None,
    recorded_at: datetime | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    **fields: Any,
) -> Envelope:
    """One event of ``event_type`` about ``case_id`` as its producer publishes it: the example with
    ``fields`` over it (payload fields named ``case_id`` and ``court`` are the envelope's), validated by
    the registry's model."""
    when = occurred_at or clock.now()
    published = REGISTRY.get(event_type).model.model_fields
    if "case_id" in published:
        fields.setdefault("case_id", case_id)
    if "court" in published:
        fields.setdefault("court", court)
    event = model(event_type, when.astimezone(SHANGHAI).date(), **fields)
    [env] = envelopes_of([event], case_id, stream_id=stream_id, version=version, actor=actor, role=role,
                         court=court, occurred_at=when, recorded_at=recorded_at, correlation_id=correlation_id,
                         causation_id=causation_id)
    return env


def opened_by_intake(
    case_id: str,
    judge_id: str,
    *,
    team_id: str = "team-1",
    court: str = COURT,
    clerk: str = "clerk-001",
    case_number: str | None = None,
    claim_amount_fen: int = 12_345_600,
    respondent: dict[str, str] | None = None,
    basis: dict[str, Any] | None = None,
) -> list[Envelope]:
    """What intake publishes when ``clerk`` registers a complete application at the counter: its own
    decider's events (received, registered, triaged, assigned — automatically, to ``judge_id``, the only
    judge of the roster's teams), in the stream ``intake.case:<case_id>`` from version 1. The basis is
    the example's (in force 90 days ago) unless given."""
    now = clock.now()
    today = now.astimezone(SHANGHAI).date()
    who = intake.Who(clerk, court, now)
    registered = example("intake.case_registered", today)
    registered_materials = example("intake.application_received", today)["materials"]
    roster = CourtRoster(teams=tuple(
        Team(team_id=team_id, name="执行团队", track=track, lead_id="lead-1", judges=(judge_id,))
        for track in ("fast", "ordinary")
    ))
    application = intake.ReceiveApplication(
        who=who, case_id=case_id, court=court, case_type="执", applicant=PartyRecord(**APPLICANT),
        respondent=PartyRecord(**(respondent or RESPONDENT)),
        basis=BasisRecord.model_validate(basis or registered["basis"]), claim_amount_fen=claim_amount_fen,
        application_date=today - timedelta(days=2),
        materials=tuple(MaterialItem.model_validate(m) for m in registered_materials),
        supplement_deadline_days=15, materials_checked_at_counter=True,
    )
    number = case_number or f"（{today.year}）{court}执{uuid.uuid4().int % 100000}号"
    register = intake.RegisterCase(who, intake.Routing(triage=load_config().triage, roster=roster), case_number=number)
    events = CaseDecider().decide(intake.FileAndRegister(application, register), CaseDecider().initial_state())
    assert [e.event_type for e in events][-1] == "intake.case_assigned", "intake assigned no judge"
    return envelopes_of(events, case_id, stream_id=f"intake.case:{case_id}", actor=clerk, role="intake_clerk",
                        court=court, occurred_at=now)


def seized_on_site_by(
    case_id: str,
    asset_id: str,
    officer: str,
    *,
    judge_id: str = "judge-1",
    asset_kind: str = "vehicle",
    court: str = COURT,
) -> list[Envelope]:
    """What asset_search publishes for an asset ``officer`` sealed on site on the judge's instruction:
    its own decider's events (asset recorded, control ordered and confirmed, controlled by ``officer``),
    in a stream of its own (``asset_search.test:<case_id>``, from version 1), with the system actor. Not
    ``asset_search.case:<case_id>``: the real asset_search, seeing intake's events for the same case,
    starts its search in that stream, and two writers of one stream would be a broken stream in the
    trail (``/admin/verify``)."""
    today = clock.today()
    command = RecordOnSiteSeizure(
        asset_id=asset_id, asset_kind=asset_kind, description="白色轿车", identifier="贵A12345",
        location="花溪区某仓库", value_fen=8_000_000, seized_by=officer, seal_date=today,
        task_id=f"task-{asset_id}", instruction_id=f"instruction-{asset_id}", judge_id=judge_id, raw_hash=HASH,
    )
    events = SearchFileDecider().decide(command, search_file())
    return envelopes_of(events, case_id, stream_id=f"asset_search.test:{case_id}", court=court)
