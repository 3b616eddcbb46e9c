"""One table of Chinese labels for every code a person may see (roles, tracks, agency kinds, measures,
asset kinds, closure types, deadline nodes, statuses, …), used by every service's worklist and by
supervision's dashboard and timeline sentences. Pure data: no service imports another's code, so
the labels of every service's enums live here, once.

``label(kind, code)`` answers the label, or the code itself when the table does not know it (a new
enum value shows up as its code rather than breaking a screen).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ROLES = {
    "intake_clerk": "立案登记人员", "affairs_clerk": "事务集约人员", "team_lead": "团队长", "judge": "承办法官",
    "search_officer": "查控人员", "disposal_officer": "财产处置人员", "finance_officer": "执行款管理人员",
    "field_officer": "外勤人员", "field_lead": "外勤组长", "reviewer": "审查人员", "supervisor": "监管人员",
    "bureau_chief": "执行局长", "vice_president": "分管副院长", "president": "院长", "admin": "系统管理员",
    "applicant": "申请执行人", "respondent": "被执行人",
}
TRACKS = {"fast": "快执", "ordinary": "普执", "others": "未分流"}
SERVICES = {"intake": "立案", "asset_search": "查控", "disposal": "处置", "field_ops": "外勤", "supervision": "监管"}
AGENCY_KINDS = {
    "bank_deposit": "银行存款", "real_estate": "不动产", "vehicle": "车辆", "securities": "证券",
    "equity": "股权", "housing_fund": "住房公积金", "online_payment": "网络支付账户", "vessel": "船舶",
    "movable": "动产", "field_ops": "外勤现场", "border": "出入境边控",
}
ASSET_KINDS = AGENCY_KINDS
MEASURES = {"freeze": "冻结", "seize": "查封", "impound": "扣押", "deduct": "扣划"}
CLOSURE_TYPES = {  # intake's closure types are Chinese already; the table names them for completeness
    "执行完毕": "执行完毕", "终本": "终结本次执行程序", "终结执行": "终结执行", "销案": "销案",
    "不予执行": "不予执行", "驳回申请": "驳回申请",
    # an objection case's (执异) own end, its ruling (intake.case_closed v2)
    "裁定异议成立": "裁定异议成立", "裁定驳回异议": "裁定驳回异议", "裁定准许撤回异议": "裁定准许撤回异议",
}
CASE_STATUSES = {
    "applied": "待立案审查", "awaiting_supplement": "待补正材料", "refused": "不予受理", "registered": "已立案",
    "in_progress": "执行中", "suspended": "中止执行", "postponed": "暂缓执行", "closure_proposed": "结案待批",
    "closed": "已结案",
}
NODES = {  # supervision's deadline nodes (the part of a key before ":")
    "register": "立案或不予受理", "assign": "分案至承办法官", "notice": "发出执行通知书及报告财产令",
    "first_search": "首次网络查控", "investigation": "财产调查完成", "verify_lead": "核查财产线索",
    "objection": "执行异议审查", "price_start": "启动确定参考价程序", "sale_start": "启动拍卖",
    "reauction": "流拍后再次拍卖", "payout": "执行款发放", "close": "执行结案", "fast_target": "快执内部目标结案",
    "renew": "控制措施续行", "zhongben_search": "终本案件定期网络查控",
}
TARGET_KINDS = {"person": "人员", "asset": "财产", "address": "地址"}
FIELD_KINDS = {
    "investigate": "现场调查", "seize_on_site": "现场查封扣押", "serve_documents": "送达文书",
    "search_premises": "搜查", "summon": "传唤", "other": "其他",
}
FIELD_OUTCOMES = {"completed": "已完成", "partially_completed": "部分完成", "not_found": "未找到", "failed": "未能执行"}
QUERY_OUTCOMES = {"found": "查得财产", "nothing_found": "未查得财产", "partial": "部分反馈", "correction": "更正"}
LEAD_OUTCOMES = {"confirmed": "属实", "not_found": "未发现", "needs_field_check": "需外勤核查"}
PRICE_METHODS = {
    "agreement": "当事人议价", "targeted_enquiry": "定向询价", "online_enquiry": "网络询价", "valuation": "委托评估",
}
DISPOSAL_OUTCOMES = {
    "sold": "拍卖成交", "direct_sale": "变卖成交", "offset_in_kind": "以物抵债", "released": "解除处置",
}
DISPOSAL_STATUSES = {
    "decided": "已决定处置（待定参考价）", "priced": "已定参考价（待定拍卖条件）", "auction_scheduled": "拍卖中",
    "auction_sold": "拍卖成交（待签发成交裁定）", "auction_unsold": "流拍（待再次拍卖或变卖、抵债）",
    "sold": "变卖成交（待签发成交裁定）", "ruling_signed": "成交裁定已签发", "concluded": "处置终结",
}
FUNDS_SOURCES = {
    "bank_deduction": "银行扣划", "auction_proceeds": "拍卖价款", "sale_proceeds": "变卖价款",
    "voluntary_payment": "自动履行", "offset_in_kind": "以物抵债",
}
RECIPIENTS = {"applicant": "申请执行人", "court_fee": "诉讼费用"}
NOTICE_KINDS = {
    "enforcement_notice": "执行通知书", "consumption_restriction": "限制消费令", "blacklisting": "纳入失信名单决定",
    "disposal_notice": "处置通知", "auction_notice": "拍卖公告", "price_report": "参考价报告",
}
PARTY_KINDS = {"person": "自然人", "organisation": "法人或其他组织"}
BASIS_KINDS = {
    "judgment": "判决书", "mediation": "调解书", "arbitral_award": "仲裁裁决书", "notarised_debt": "公证债权文书",
    "other": "其他执行依据",
}
DEADLINE_STATUSES = {"met": "按期完成", "late": "逾期完成", "open": "办理中", "warning": "临期", "overdue": "超期",
                     "paused": "期限中止"}
BOOLEANS = {"True": "是", "False": "否", "true": "是", "false": "否"}

TABLES: dict[str, Mapping[str, str]] = {
    "role": ROLES, "track": TRACKS, "service": SERVICES, "agency_kind": AGENCY_KINDS, "asset_kind": ASSET_KINDS,
    "measure": MEASURES, "closure_type": CLOSURE_TYPES, "case_status": CASE_STATUSES, "node": NODES,
    "target_kind": TARGET_KINDS, "field_kind": FIELD_KINDS, "field_outcome": FIELD_OUTCOMES,
    "query_outcome": QUERY_OUTCOMES, "lead_outcome": LEAD_OUTCOMES, "price_method": PRICE_METHODS,
    "disposal_outcome": DISPOSAL_OUTCOMES, "disposal_status": DISPOSAL_STATUSES, "source": FUNDS_SOURCES,
    "recipient": RECIPIENTS, "notice_kind": NOTICE_KINDS, "party_kind": PARTY_KINDS, "basis_kind": BASIS_KINDS,
    "deadline_status": DEADLINE_STATUSES, "boolean": BOOLEANS,
}


def label(kind: str, code: Any) -> str:
    """The Chinese label of ``code`` in table ``kind`` (a deadline node key such as ``verify_lead:L1``
    is labelled by its node); the code itself when unknown, "—" for none."""
    if code is None or code == "":
        return "—"
    text = str(code)
    table = TABLES.get(kind, {})
    if kind == "node":
        text = text.split(":", 1)[0]
    return table.get(text, str(code))


def roles(codes: Any) -> str:
    """Several roles as one phrase: 承办法官、团队长."""
    return "、".join(label("role", c) for c in (codes or []))


def all_tables() -> dict[str, dict[str, str]]:
    """Every table, for a screen that labels codes itself (served by supervision as ``/labels``)."""
    return {k: dict(v) for k, v in TABLES.items()}


def yuan(fen: Any) -> str:
    """An amount in fen as 元 with two decimals and thousands separators: 123,456.00 元."""
    try:
        return f"{int(fen) / 100:,.2f} 元"
    except (TypeError, ValueError):
        return "？"
