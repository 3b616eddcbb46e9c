"""The timeline's own wording where the recorded summary (trail/catalogue.py, part of the hash chain,
never changed) names things by id: read-side templates over the payload's fields and the names
trail/sentences.py derives (``agency``, ``round``, ``asset``, ``control``, ``lead``, ``task``,
``team``, ``payout``, ``objection``, ``request``, ``sms``, ``lookup``). An officer field is written
as the officer's name where the trail knows it, else the id after its role word. Types not listed
here read as their catalogue template. Pure data.
"""

from __future__ import annotations

READ_TEMPLATES: dict[str, str] = {
    # intake
    "intake.extension_requested": "承办法官 {requested_by} 申请延长执行期限 {months} 个月",
    "intake.extension_approved": "院领导 {approved_by} 批准延长执行期限 {months} 个月",
    "intake.party_sms_opt_out_changed": "当事人（{party}）{sms}，经办 {changed_by}",
    "intake.case_resumed": "恢复执行，新案号 {new_case_number}，审查人 {reviewer_id}",
    "intake.objection_registered": "执行异议立案 {objection}，合议庭 {reviewers}",
    "intake.closure_rejected": "结案申请未获批准（{closure_type}）：{reason}，审批人 {rejected_by}",
    "intake.objection_hearing_held": "执行异议 {objection} 听证（{held_on}），主持 {held_by}",
    "intake.objection_decided": "执行异议 {objection} 审查结论：{outcome}",
    "intake.reward_decided": "承办法官 {decided_by} 对悬赏申请：{decision_zh}（{decided_on}），渠道 {channels}",
    "intake.reward_lead_received": "悬赏收到财产线索（提供人 {informant}）：{description}",
    "intake.petition_acknowledged": "承办人 {acknowledged_by} 受理信访事项并告知信访人，{conclude_by} 前办结",
    "intake.petition_escalated": "信访督办：{escalated_role} {escalated_to} 批示「{instruction}」，限 {due_on} 前办理",
    "intake.petition_extended": "经 {approved_by} 批准，信访办理期限延长 {days} 日至 {conclude_by}：{reason}",
    "intake.judicial_aid_funds_requested": "经办人 {reported_by} 报请 {higher_court} 拨付司法救助资金 {amount_fen}",
    # asset_search
    "asset_search.query_dispatched": "第 {round} 轮网络查控：向 {agency} 发出查询",
    "asset_search.agency_answered": "{agency} 答复第 {round} 轮查询：{outcome}，{item_count} 项",
    "asset_search.control_ordered": "裁定控制：{measure} {asset}，限额 {amount_limit_fen}，承办法官 {judge_id}",
    "asset_search.control_confirmed": "控制到位：{measure} {asset}，至 {expiry_date}",
    "asset_search.control_renewed": "续行控制：{asset}，至 {expiry_date}",
    "asset_search.control_released": "解除控制：{asset}",
    "asset_search.control_lapsed": "控制措施到期失效：{asset}（{expiry_date}）",
    "asset_search.deduction_confirmed": "扣划到账：{amount_fen}（{asset}）",
    "asset_search.lead_recorded": "登记申请人提供的{lead}",
    "asset_search.lead_verified": "核查{lead}：{outcome}",
    "asset_search.field_check_requested": "提请外勤核查{lead}：{target}",
    "asset_search.request_delivered": "{request}已送达 {agency}",
    "asset_search.query_overdue": "{agency} 逾期未答复第 {round} 轮查询",
    "asset_search.control_refused": "联动单位未能执行对 {control} 的控制：{reason}",
    "asset_search.control_renewal_ordered": "承办法官 {judge_id} 裁定续行控制 {control}",
    "asset_search.exit_restriction_requested": "请求边控机关{action_zh}：{subject_name}（{agency}）",
    "asset_search.exit_restriction_confirmed": "边控机关回执：{action_zh}{outcome_zh}（{agency}，{effective_date}）",
    # field_ops
    "field_ops.task_routed": "{task}分派至 {team}",
    "field_ops.task_rerouted": "{task}改派至 {team}：{reason}",
    "field_ops.task_accepted": "外勤人员 {officer_id} 接受{task}",
    "field_ops.task_returned": "{task}退回：{reason}",
    "field_ops.task_reported": "{task}回报：{outcome}",
    "field_ops.proposal_received": "收到外勤建议：{kind}，对象 {target}",
    "field_ops.attempt_recorded": "{task}第{attempt_no}次执行：{place}，{note}",
    "field_ops.family_notified": "拘留后通知家属：{result_zh}（外勤人员 {officer_id}）",
    # disposal
    "disposal.disposal_decided": "决定处置 {asset}，承办法官 {judge_id}",
    "disposal.sale_ruling_signed": "承办法官 {judge_id} 签发成交裁定：{asset}，{price_fen}",
    "disposal.payout_rejected": "执行款发放（{payout}）被退回：{reason}，复核 {rejected_by}",
    "disposal.price_objection_ruled": "参考价异议审查：成立 {upheld}，承办法官 {judge_id}",
    # supervision
    "supervision.party_lookup_made": "当事人查询（执行公开）：{party}，{lookup}，证件号 {id_number}，来自 {client}",
}
