"""National judicial aid (国家司法救助) on an enforcement case: the aggregate (stream
``intake.aid:<aid_id>``), the amount cap and the panel. Pure.

Source: 最高人民法院关于加强和规范人民法院国家司法救助工作的意见（法发〔2016〕16号）; docs/rules.md §13.
- who may be aided (第三条): among others an applicant whose case cannot be enforced because the
  debtor has no means to perform, and who is in hardship as a result;
- the amount (第八条): based on the average monthly wage of the employees of the province the court
  is in, of the previous year, generally not above 36 months of it; and never above the amount the
  judgment awarded that was not enforced;
- the decision is taken collectively (合议) and the funds are reported to the higher court.
互相制约 reading (this system's): the panel has at least 3 different members, the member who records
the decision is one of them, and the case's handling judge never records it (he may sit on the panel
as one voice of three or more, so he never decides alone on aid in his own case).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.intake.domain.commands import Who
from services.intake.domain.petitions import PetitionRuleBroken
from services.intake.events_petitions import (
    AidApplicant,
    JudicialAidApplied,
    JudicialAidDecided,
    JudicialAidExamined,
    JudicialAidFundsRequested,
)
from shared.commands import TableDecider
from shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, in_court
from shared.events import DomainEvent

CAP_MONTHS = 36  # 意见 2016 第八条
PANEL_MIN = 3
RULE_CAP = "司法救助意见-8"
RULE_ELIGIBLE = "司法救助意见-3"
RULE_PANEL = "司法救助-合议"


def aid_cap_fen(monthly_wage_fen: int) -> int:
    """The ordinary cap: 36 months of the previous year's average monthly wage (integer fen)."""
    return CAP_MONTHS * monthly_wage_fen


def amount_problem(amount_fen: int, monthly_wage_fen: int, unpaid_fen: int) -> tuple[str, str] | None:
    """(code, message) when ``amount_fen`` is above what the opinion allows, else None."""
    cap = aid_cap_fen(monthly_wage_fen)
    if amount_fen > cap:
        return "aid_above_cap", f"救助金额不得超过上一年度职工月平均工资的 {CAP_MONTHS} 个月（{cap} 分）"
    if amount_fen > unpaid_fen:
        return "aid_above_unpaid", f"救助金额不得超过未执行到位的标的金额（{unpaid_fen} 分）"
    return None


def panel_problem(panel: tuple[str, ...], decided_by: str, case_judge: str | None) -> tuple[str, str] | None:
    members = tuple(dict.fromkeys(panel))
    if len(members) < PANEL_MIN:
        return "panel_too_small", f"司法救助须合议决定，合议庭至少 {PANEL_MIN} 名不同成员"
    if decided_by not in members:
        return "not_panel_member", "只有合议庭成员可以记录司法救助决定"
    if case_judge is not None and decided_by == case_judge:
        return "case_judge_decides", "本案承办法官不得主持（记录）本案的司法救助决定"
    return None


@dataclass(frozen=True)
class ApplyForAid:
    who: Who
    aid_id: str
    case_id: str
    court: str | None  # None: intake does not know the case
    case_number: str | None
    case_judge_id: str | None
    claim_amount_fen: int
    applicant: AidApplicant
    amount_requested_fen: int
    grounds: str
    applied_on: date
    petition_id: str | None = None
    petition_case_id: str | None = None


@dataclass(frozen=True)
class ExamineAid:
    who: Who
    case_judge_id: str | None  # the case's current judge (intake's read model)
    case_unenforceable: bool
    hardship_grounds: tuple[str, ...]
    findings: str


@dataclass(frozen=True)
class DecideAid:
    who: Who
    granted: bool
    amount_fen: int
    panel: tuple[str, ...]
    reason: str
    monthly_wage_fen: int | None  # the court's configured wage of the previous year
    paid_to_applicant_fen: int = 0


@dataclass(frozen=True)
class ReportAidFunds:
    who: Who
    higher_court: str


@dataclass(frozen=True)
class AidState:
    status: str = "new"  # new → applied → examined → decided → reported
    aid_id: str | None = None
    case_id: str | None = None
    court: str | None = None
    case_judge_id: str | None = None
    claim_amount_fen: int = 0
    amount_requested_fen: int = 0
    eligible: bool | None = None
    granted: bool | None = None
    amount_fen: int = 0


def evolve(s: AidState, e: DomainEvent) -> AidState:
    if isinstance(e, JudicialAidApplied):
        return replace(s, status="applied", aid_id=e.aid_id, case_id=e.case_id, court=e.court,
                       case_judge_id=e.case_judge_id, claim_amount_fen=e.claim_amount_fen,
                       amount_requested_fen=e.amount_requested_fen)
    if isinstance(e, JudicialAidExamined):
        return replace(s, status="examined", eligible=e.eligible)
    if isinstance(e, JudicialAidDecided):
        return replace(s, status="decided", granted=e.granted, amount_fen=e.amount_fen)
    if isinstance(e, JudicialAidFundsRequested):
        return replace(s, status="reported")
    return s


def _known(s: AidState, who: Who) -> None:
    if s.status == "new" or not in_court(who.court, s.court):
        raise NotFound("未找到该司法救助申请", code="aid_not_found")


def _in_state(s: AidState, wanted: str, action: str) -> None:
    if s.status != wanted:
        raise Conflict(f"司法救助申请当前为「{s.status}」，不能{action}", code="invalid_aid_state",
                       extra={"aid_status": s.status})


def apply(c: ApplyForAid, s: AidState) -> list[DomainEvent]:
    if s.status != "new":
        raise Conflict("该司法救助申请已登记", code="aid_exists")
    if c.court is None or not in_court(c.who.court, c.court) or c.case_number is None:
        raise NotFound("未找到已立案的该案件", code="case_not_found")
    if c.applied_on > c.who.today:
        raise InvalidInput("申请日期不能晚于今天", code="date_in_future",
                           errors=[FieldError("applied_on", "申请日期不能晚于今天", "date_in_future")])
    if c.amount_requested_fen <= 0:
        raise InvalidInput("申请金额应大于 0", code="amount_not_positive",
                           errors=[FieldError("amount_requested_fen", "申请金额应大于 0", "amount_not_positive")])
    if c.petition_id is not None and c.petition_case_id != c.case_id:
        raise PetitionRuleBroken("信访-司法救助", "petition_id", "未找到本案的该信访事项", "petition_not_of_case")
    return [JudicialAidApplied(
        aid_id=c.aid_id, case_id=c.case_id, court=c.court, case_number=c.case_number, case_judge_id=c.case_judge_id,
        claim_amount_fen=c.claim_amount_fen, applicant=c.applicant, amount_requested_fen=c.amount_requested_fen,
        grounds=c.grounds, applied_on=c.applied_on, recorded_by=c.who.officer_id, petition_id=c.petition_id)]


def examine(c: ExamineAid, s: AidState) -> list[DomainEvent]:
    _known(s, c.who)
    if c.case_judge_id is None or c.who.officer_id != c.case_judge_id:
        raise Forbidden(f"司法救助申请由本案承办法官（{c.case_judge_id or '尚未分案'}）审查",
                        code="not_case_judge", rule="互相制约-2")
    _in_state(s, "applied", "审查")
    grounds = [g for g in dict.fromkeys(c.hardship_grounds) if g.strip()]
    return [JudicialAidExamined(
        aid_id=s.aid_id or "", eligible=c.case_unenforceable and bool(grounds), case_unenforceable=c.case_unenforceable,
        hardship_grounds=grounds, findings=c.findings, examined_on=c.who.today, examined_by=c.who.officer_id)]


def decide(c: DecideAid, s: AidState) -> list[DomainEvent]:
    _known(s, c.who)
    _in_state(s, "examined", "作出决定")
    panel = panel_problem(c.panel, c.who.officer_id, s.case_judge_id)
    if panel is not None:
        code, message = panel
        raise Forbidden(message, code=code, rule=RULE_PANEL,
                        errors=[FieldError("panel", message, code)])
    if c.monthly_wage_fen is None and c.granted:
        raise PetitionRuleBroken(RULE_CAP, "amount_fen",
                                 f"本院未配置 {c.who.today.year - 1} 年度职工月平均工资，无法确定救助上限",
                                 "wage_not_configured")
    wage, amount = c.monthly_wage_fen or 0, c.amount_fen if c.granted else 0
    if c.granted:
        if not s.eligible:
            raise PetitionRuleBroken(RULE_ELIGIBLE, "granted",
                                     "审查认定不符合救助条件（案件可执行或无生活困难情形），不能决定给予救助",
                                     "not_eligible")
        if amount <= 0:
            raise PetitionRuleBroken(RULE_CAP, "amount_fen", "救助金额应大于 0", "amount_not_positive")
        if amount > s.amount_requested_fen:
            raise PetitionRuleBroken(RULE_CAP, "amount_fen",
                                     f"救助金额不得超过申请金额（{s.amount_requested_fen} 分）", "aid_above_request")
        problem = amount_problem(amount, wage, max(0, s.claim_amount_fen - c.paid_to_applicant_fen))
        if problem is not None:
            raise PetitionRuleBroken(RULE_CAP, "amount_fen", problem[1], problem[0])
    return [JudicialAidDecided(
        aid_id=s.aid_id or "", granted=c.granted, amount_fen=amount, cap_fen=aid_cap_fen(wage),
        monthly_wage_fen=wage, wage_year=c.who.today.year - 1, panel=list(dict.fromkeys(c.panel)),
        reason=c.reason, decided_on=c.who.today, decided_by=c.who.officer_id)]


def report(c: ReportAidFunds, s: AidState) -> list[DomainEvent]:
    _known(s, c.who)
    _in_state(s, "decided", "报请拨付资金")
    if not s.granted:
        raise PetitionRuleBroken("司法救助-拨付", "aid_id", "未决定给予救助，无资金可报请", "aid_not_granted")
    return [JudicialAidFundsRequested(aid_id=s.aid_id or "", amount_fen=s.amount_fen, higher_court=c.higher_court,
                                      reported_on=c.who.today, reported_by=c.who.officer_id)]


class AidDecider(TableDecider[AidState]):
    """The judicial aid aggregate (stream ``intake.aid:<aid_id>``)."""

    def __init__(self) -> None:
        super().__init__(AidState, evolve, {ApplyForAid: apply, ExamineAid: examine, DecideAid: decide,
                                            ReportAidFunds: report})


def aid_stream_id(aid_id: str) -> str:
    return f"intake.aid:{aid_id}"
