"""Supervision's own reading of other services' events (tolerant reader): a Chinese line each.

Supervision never imports another service's code; it knows event types by name only. A missing
payload field leaves its placeholder as "？"; unknown types are still recorded, with the type as
their summary.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from typing import Any

from shared.envelope import Envelope

SUMMARIES: dict[str, str] = {
    # intake 立案服务中心 / 事务集约中心
    "intake.application_received": "收到执行申请，执行标的 {claim_amount_fen} 分",
    "intake.supplement_requested": "一次性告知补正材料，期限至 {deadline}",
    "intake.materials_supplemented": "申请人补正材料",
    "intake.application_refused": "不予受理：{legal_ground}",
    "intake.case_registered": "立案登记，案号 {case_number}，执行标的 {claim_amount_fen} 分",
    "intake.case_triaged": "繁简分流：{track}（规则 {rule_ids}）",
    "intake.case_assigned": "分案：承办法官 {judge_id}，团队 {team_id}，{track}",
    "intake.notice_prepared": "事务中心制作文书：{notice_kind}",
    "intake.notice_issued": "发出文书：{notice_kind}，签发 {signed_by}",
    "intake.case_suspended": "中止执行：{reason}",
    "intake.suspension_lifted": "恢复计算（中止事由消除）：{reason}",
    "intake.case_postponed": "暂缓执行至 {until}：{reason}",
    "intake.postponement_lifted": "暂缓执行结束：{reason}",
    "intake.extension_requested": "申请延长执行期限 {months} 个月，申请人 {requested_by}",
    "intake.extension_approved": "批准延长执行期限 {months} 个月，批准人 {approved_by}",
    "intake.applicant_interviewed": "约谈申请执行人，约谈人 {interviewed_by}",
    "intake.party_mobile_recorded": "登记当事人（{party}）手机号，经办 {recorded_by}",
    "intake.party_sms_opt_out_changed": "当事人（{party}）短信通知设置变更：拒收={opted_out}，经办 {changed_by}",
    "intake.case_closed": "结案：{closure_type}，承办法官 {judge_id}，批准 {approved_by}",
    "intake.case_resumed": "恢复执行，新案号 {new_case_number}，审查人 {reviewer_id}",
    "intake.objection_registered": "执行异议立案 {objection_case_id}，审查人 {reviewers}",
    "intake.settlement_recorded": "记录执行和解，履行情况：{performed}，记录人 {recorded_by}",
    "intake.closure_proposed": "承办法官 {judge_id} 提请结案：{closure_type}",
    "intake.closure_rejected": "结案申请未获批准（{closure_type}）：{reason}，{rejected_by}",
    "intake.objection_hearing_held": "执行异议听证（{held_on}），主持 {held_by}",
    "intake.objection_decided": "执行异议审查结论：{outcome}",
    "intake.measure_proposed": "承办法官 {proposed_by} 提请强制措施：{measure_zh}（事由：{ground_zh}）",
    "intake.measure_approved": "院长 {approved_by} 批准强制措施：{measure_zh}，决定书 {decision_number}"
    "（提请 {proposed_by}）",
    "intake.measure_rejected": "院长 {rejected_by} 不批准强制措施：{reason}",
    "intake.measure_served": "强制措施决定书 {decision_number} 于 {served_on} 送达，复议申请期限至 {reconsider_by}",
    "intake.measure_reconsideration_applied": "被处罚人于 {applied_on} 向 {higher_court} 申请复议（不停止执行），"
    "应于 {decide_by} 前决定",
    "intake.measure_reconsideration_decided": "上级法院复议决定（{decided_on}）：{result_zh}，{reason}",
    "intake.measure_effect_recorded": "强制措施效果：{effect_zh}，{note}（记录人 {recorded_by}）",
    "intake.measure_early_release_approved": "院长 {approved_by} 批准提前解除拘留（决定书 {decision_number}，"
    "{approved_on}）：{reason}",
    "intake.refusal_referred": "承办法官 {referred_by} 将涉嫌拒不执行判决、裁定罪线索移送 {police_organ}"
    "（{referred_on}）",
    "intake.referral_answered": "公安机关答复拒执罪移送：{answer_zh}（{answered_on}）：{reason}",
    "intake.private_prosecution_filed": "申请执行人 {applicant_name} 提起拒执罪自诉（{filed_on}），"
    "法院引导：{guidance}",
    "intake.referral_concluded": "拒执罪案件结果：{outcome_zh}（{concluded_on}）",
    "intake.reward_applied": "申请执行人 {applicant_name} 申请悬赏执行，悬赏金 {reward_fen} 分，"
    "应于 {decide_by} 前决定",
    "intake.reward_decided": "承办法官 {decided_by} 对悬赏申请：{decision_zh}（{decided_on}），渠道 {channels}",
    "intake.reward_lead_received": "悬赏收到财产线索 {lead_id}（提供人 {informant}）：{description}",
    "intake.reward_paid": "申请执行人支付悬赏金 {amount_fen} 分（{paid_on}）",
    "intake.exposure_published": "承办法官 {decided_by} 决定曝光被执行人：{channel_zh}（{published_on}）",
    "intake.exit_restriction_decided": "承办法官 {judge_id} 决定限制 {subject_name} 出境（{decided_on}）：{reason}",
    "intake.exit_restriction_lifted": "承办法官 {judge_id} 解除限制出境（{lifted_on}）：{reason}",
    # 涉执信访 and 国家司法救助
    "intake.petition_registered": "登记涉执信访（{channel_label}），诉求：{request}；"
    "交承办人 {officer_id}（{team_id}）接待，{accept_by} 前告知是否受理",
    "intake.petition_acknowledged": "{acknowledged_by} 受理信访事项并告知信访人，{conclude_by} 前办结",
    "intake.petition_escalated": "信访督办：{escalated_to} 批示「{instruction}」，限 {due_on} 前办理",
    "intake.petition_discussed": "信访会商（{participants}）：{conclusion}",
    "intake.petition_extended": "{approved_by} 批准信访办理期限延长 {days} 日至 {conclude_by}：{reason}",
    "intake.petition_closed": "信访办结：{outcome_label}，是否息访：{petition_stopped}，办理人 {closed_by}",
    "intake.judicial_aid_applied": "申请国家司法救助 {amount_requested_fen} 分：{grounds}",
    "intake.judicial_aid_examined": "承办法官 {examined_by} 审查司法救助申请：符合救助条件 {eligible}（{findings}）",
    "intake.judicial_aid_decided": "合议庭（{panel}）决定司法救助：给予 {granted}，金额 {amount_fen} 分，"
    "上限 {cap_fen} 分",
    "intake.judicial_aid_funds_requested": "{reported_by} 报请 {higher_court} 拨付司法救助资金 {amount_fen} 分",
    # asset_search 查人找物 / 控制
    "asset_search.query_dispatched": "发起网络查控：{agency_kind}（{agency_id}）",
    "asset_search.agency_answered": "协助单位 {agency_id} 反馈：{outcome}，{item_count} 项",
    "asset_search.asset_found": "查得财产：{asset_kind} {identifier}，价值 {value_fen} 分",
    "asset_search.control_ordered": "裁定控制：{measure} 财产 {asset_id}，限额 {amount_limit_fen} 分，法官 {judge_id}",
    "asset_search.control_confirmed": "控制到位：{measure} 财产 {asset_id}，至 {expiry_date}",
    "asset_search.control_renewed": "续行控制：财产 {asset_id}，至 {expiry_date}",
    "asset_search.control_released": "解除控制：财产 {asset_id}",
    "asset_search.control_lapsed": "控制措施到期失效：财产 {asset_id}（{expiry_date}）",
    "asset_search.deduction_confirmed": "扣划到账：{amount_fen} 分（财产 {asset_id}）",
    "asset_search.lead_recorded": "登记申请人财产线索 {lead_id}",
    "asset_search.lead_verified": "核查财产线索 {lead_id}：{outcome}",
    "asset_search.field_check_requested": "提请外勤核查线索 {lead_id}：{target}",
    "asset_search.request_delivered": "查询请求 {request_id} 已送达联动单位 {agency_id}",
    "asset_search.query_overdue": "联动单位 {agency_id} 的查询逾期未复",
    "asset_search.asset_updated": "财产信息更新：{identifier}",
    "asset_search.search_completed": "第 {round} 轮网络查控全部答复，查得 {asset_count} 项财产",
    "asset_search.assets_found_after_closure": "终本后第 {round} 轮查询发现新财产",
    "asset_search.control_refused": "联动单位未能执行控制 {control_id}：{reason}",
    "asset_search.control_renewal_ordered": "法官 {judge_id} 裁定续行控制 {control_id}",
    "asset_search.exit_restriction_requested": "请求边控机关{action_zh}：{subject_name}（{agency_id}）",
    "asset_search.exit_restriction_confirmed": "边控机关回执：{action_zh}{outcome_zh}（{agency_id}，{effective_date}）",
    "asset_search.field_asset_recorded": "外勤现场查封的财产入卷：{asset_kind} {description}，查封人 {seized_by}",
    # field_ops 外勤事务中心
    "field_ops.instruction_issued": "承办法官 {judge_id} 下达外勤指令：{kind}，对象 {target}，期限 {deadline}",
    "field_ops.task_routed": "外勤任务 {task_id} 分派至 {team_id}",
    "field_ops.task_rerouted": "外勤任务 {task_id} 改派至 {team_id}：{reason}",
    "field_ops.task_accepted": "外勤人员 {officer_id} 接受任务 {task_id}",
    "field_ops.task_returned": "外勤任务 {task_id} 退回：{reason}",
    "field_ops.task_reported": "外勤任务 {task_id} 回报：{outcome}",
    "field_ops.proposal_received": "收到外勤建议 {proposal_id}：{kind}，对象 {target}",
    "field_ops.attempt_recorded": "外勤任务 {task_id} 第{attempt_no}次执行：{place}，{note}",
    "field_ops.asset_seized_on_site": "现场查封：{asset_kind} {description}，价值 {value_fen} 分",
    "field_ops.detention_instructed": "拘留决定 {decision_number} 交外勤执行：拘留 {detention_days} 日"
    "（决定 {judge_id}，批准 {approved_by}）",
    "field_ops.custody_started": "外勤人员 {officer_id} 将被拘留人送交 {custody_organ} 看管（{started_on}），"
    "至迟 {release_by} 解除",
    "field_ops.family_notified": "拘留后通知家属：{result_zh}（{officer_id}）",
    "field_ops.custody_ended": "解除拘留（{released_on}，共 {days_in_custody} 日）：{end_zh}",
    # disposal 财产处置中心 / 执行款
    "disposal.disposal_decided": "决定处置财产 {asset_id}，法官 {judge_id}",
    "disposal.reference_price_fixed": "确定参考价（{method}）：{amount_fen} 分，有效至 {valid_until}",
    "disposal.auction_scheduled": "第{round}次网络拍卖：起拍价 {starting_price_fen} 分，保证金 {deposit_fen} 分，"
    "竞价 {bidding_start} 至 {bidding_end}",
    "disposal.auction_ended": "第{round}次拍卖结束：{result}，成交价 {price_fen} 分",
    "disposal.disposal_concluded": "处置终结：{outcome}",
    "disposal.notice_served": "送达 {notice_kind} 给 {party}，送达人 {served_by}",
    "disposal.price_method_unavailable": "参考价方式 {method} 不可用：{reason}",
    "disposal.price_procedure_started": "启动确定参考价程序（{method}），期限至 {due_on}",
    "disposal.price_procedure_extended": "参考价程序延期至 {due_on}（第{extensions}次）",
    "disposal.price_objection_raised": "{party} 对参考价提出异议：{grounds}",
    "disposal.price_objection_ruled": "参考价异议审查：成立 {upheld}，法官 {judge_id}",
    "disposal.auction_terms_fixed": "法官 {judge_id} 确定第{round}次拍卖起拍价 {starting_price_fen} 分，"
    "保证金 {deposit_fen} 分",
    "disposal.direct_sale_completed": "变卖成交：{price_fen} 分，买受人 {buyer}",
    "disposal.online_sale_announced": "两次流拍后在 {platform} 发布网络变卖公告：变卖价 {price_fen} 分，"
    "变卖期 {sale_start} 至 {sale_end}",
    "disposal.online_sale_unsold": "网络变卖期满无人买受（{ended_on}）",
    "disposal.sale_ruling_signed": "法官 {judge_id} 签发成交裁定：财产 {asset_id}，{price_fen} 分",
    "disposal.payout_proposed": "提出执行款发放 {amount_fen} 分（{recipient}），制单 {proposed_by}",
    "disposal.payout_rejected": "执行款发放 {payout_id} 被退回：{reason}，{rejected_by}",
    "disposal.funds_received": "执行款到账 {amount_fen} 分（{source}）",
    "disposal.payout_approved": "执行款发放 {amount_fen} 分，制单 {proposed_by}，复核 {approved_by}",
    "disposal.claim_paid_in_full": "执行款足额到位 {amount_fen} 分",
    "disposal.judicial_aid_payment_proposed": "申请经本案账户发放司法救助金 {amount_fen} 分，制单 {proposed_by}"
    "（待另一名财务人员审批）",
    "disposal.judicial_aid_payment_rejected": "司法救助金发放申请被退回：{reason}（{rejected_by}）",
    "disposal.judicial_aid_paid": "经本案账户发放司法救助金 {amount_fen} 分（不计入执行到位），制单 {proposed_by}，"
    "复核 {paid_by}",
    # supervision 监管
    "supervision.finding_raised": "互相制约检查发现 {rule_id}：{message}",
    "supervision.deadline_overdue": "期限超期：{node_name}，应于 {due} 前完成，已超期 {days_overdue} 日",
    "supervision.escalated": "超期督办升级至第{level}级（{escalated_to}）：{node_name}，期限 {due}",
    "supervision.party_lookup_made": "当事人查询（执行公开）：{party}，{outcome}，证件号 {id_number}，来自 {client}",
}


class _Tolerant(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "？"


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    return "？" if value is None else str(value)


def summarize(envelope: Envelope) -> str:
    """A readable Chinese line for an event (falls back to its type for unknown ones)."""
    return summary_of(envelope.event_type, envelope.payload)


def summary_of(event_type: str, payload: Mapping[str, Any]) -> str:
    """``summarize`` from an event's type and payload (what a replay has without an ``Envelope``)."""
    compiled = _compiled(event_type)
    if compiled is None:
        template = SUMMARIES.get(event_type)
        if template is None:
            return event_type
        values = _Tolerant({k: _text(v) for k, v in payload.items()})
        try:
            return string.Formatter().vformat(template, (), values)
        except (IndexError, ValueError, AttributeError):
            return template
    parts: list[str] = []
    for literal, name in compiled:
        parts.append(literal)
        if name is not None:
            parts.append(_text(payload.get(name)))  # missing or None: "？", as _Tolerant gives
    return "".join(parts)


@functools.lru_cache(maxsize=1024)  # bounded: unknown types come from the log
def _compiled(event_type: str) -> tuple[tuple[str, str | None], ...] | None:
    """A template as (literal, field) pairs when every field is a plain name without format spec or
    conversion (then joining the pieces equals ``vformat``); None for anything else (vformat is used)."""
    template = SUMMARIES.get(event_type)
    if template is None:
        return None
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError:
        return None
    out: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in pieces:
        if name is not None and (not name.isidentifier() or spec or conversion):
            return None
        out.append((literal, name))
    return tuple(out)
