"""The other coercive measures (docs/rules.md §9), one stream each (``intake.coercive:<id>``): a referral
for refusal to perform (拒执罪) and what follows it, a reward notice (悬赏), an exposure (曝光). Pure: time,
ids, the actor and the case's facts arrive on the command.

Sources: 刑法 art. 313 (拒不执行判决、裁定罪); 拒执罪解释 (法释〔2024〕13号) art. 14 (the applicant's private
prosecution once the police or procuratorate declined); 财产调查规定 2017 arts. 21–26 (reward notices on the
applicant's application, decided within 10 days — art. 21; the reward is the applicant's money — art. 24;
both checked in the text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from services.intake import coercive_events as ev
from services.intake.domain.measures import OPEN_CASE, period_end
from services.intake.domain.state import CaseState
from services.intake.measure_events import MeasureSubject
from shared.commands import TableDecider
from shared.errors import Conflict, DomainError, FieldError, Forbidden, InvalidInput, NotFound, in_court
from shared.events import DomainEvent

RULE_JUDGE = "互相制约-2"
RULE_PRIVATE_PROSECUTION = "拒执罪解释-14"
RULE_REWARD = "财产调查规定-21"
REWARD_DECISION_DAYS = 10
OUTCOME_ZH = {"convicted": "判决构成拒执罪", "acquitted": "判决无罪", "not_prosecuted": "未予追诉",
              "withdrawn": "撤回自诉", "performed": "被执行人履行后撤案"}
CHANNEL_ZH = {"court_website": "法院网站", "wechat": "微信公众号", "newspaper": "报纸", "television": "电视",
              "outdoor_screen": "户外大屏", "other": "其他"}


@dataclass(frozen=True)
class Who:
    officer_id: str
    court: str
    today: date
    case: CaseState | None = None  # read in the command's transaction where the case's judge matters


@dataclass(frozen=True)
class Refer:
    who: Who
    referral_id: str
    subject: MeasureSubject
    facts: str
    evidence: tuple[str, ...]
    police_organ: str
    referred_on: date | None


@dataclass(frozen=True)
class AnswerReferral:
    who: Who
    accepted: bool
    answered_on: date
    reason: str


@dataclass(frozen=True)
class FilePrivateProsecution:
    who: Who
    filed_on: date
    applicant_name: str
    guidance: str


@dataclass(frozen=True)
class ConcludeReferral:
    who: Who
    outcome: str
    concluded_on: date
    note: str


@dataclass(frozen=True)
class ApplyReward:
    who: Who
    reward_id: str
    applicant_name: str
    reward_fen: int
    applied_on: date | None


@dataclass(frozen=True)
class DecideReward:
    who: Who
    granted: bool
    decided_on: date | None
    reason: str
    channels: tuple[str, ...]


@dataclass(frozen=True)
class ReceiveRewardLead:
    who: Who
    lead_id: str
    informant: str
    description: str
    asset_kind: str | None
    target: str
    region: str | None
    received_on: date


@dataclass(frozen=True)
class PayReward:
    who: Who
    amount_fen: int
    paid_on: date
    lead_id: str | None


@dataclass(frozen=True)
class PublishExposure:
    who: Who
    exposure_id: str
    subject: MeasureSubject
    channel: str
    content: str
    published_on: date | None


@dataclass(frozen=True)
class RestrictExit:
    who: Who
    restriction_id: str
    subject: MeasureSubject
    on_behalf_of: str | None
    reason: str
    decided_on: date | None


@dataclass(frozen=True)
class LiftExitRestriction:
    who: Who
    reason: str
    lifted_on: date | None


@dataclass(frozen=True)
class CoerciveState:
    kind: str | None = None  # referral | reward | exposure | exit_restriction
    id: str | None = None
    police: str = "none"  # referral: none → accepted | refused
    private_prosecution: bool = False
    concluded: bool = False
    referred_on: date | None = None
    reward_status: str = "none"  # reward: none → applied → granted | refused
    reward_fen: int = 0
    applied_on: date | None = None
    paid_fen: int = 0
    decided_on: date | None = None
    lifted: bool = False


def evolve(s: CoerciveState, e: DomainEvent) -> CoerciveState:
    match e:
        case ev.RefusalReferred():
            return replace(s, kind="referral", id=e.referral_id, referred_on=e.referred_on)
        case ev.ReferralAnswered():
            return replace(s, police="accepted" if e.accepted else "refused")
        case ev.PrivateProsecutionFiled():
            return replace(s, private_prosecution=True)
        case ev.ReferralConcluded():
            return replace(s, concluded=True)
        case ev.RewardApplied():
            return replace(s, kind="reward", id=e.reward_id, reward_status="applied", reward_fen=e.reward_fen,
                           applied_on=e.applied_on)
        case ev.RewardDecided():
            return replace(s, reward_status="granted" if e.granted else "refused")
        case ev.RewardPaid():
            return replace(s, paid_fen=s.paid_fen + e.amount_fen)
        case ev.ExposurePublished():
            return replace(s, kind="exposure", id=e.exposure_id)
        case ev.ExitRestrictionDecided():
            return replace(s, kind="exit_restriction", id=e.restriction_id, decided_on=e.decided_on)
        case ev.ExitRestrictionLifted():
            return replace(s, lifted=True)
    return s


def _same_court(who: Who) -> CaseState:
    """权责清单-本院: another court's case (or none) is answered as a case that does not exist."""
    case = who.case
    if case is None or case.status == "new" or not in_court(who.court, case.court):
        raise NotFound("未找到该案件", code="case_not_found")
    return case


def _open_case_judge(who: Who, doing: str) -> None:
    case = _same_court(who)
    if case.status not in OPEN_CASE:
        raise Conflict(f"案件未在执行中，不能{doing}", code="invalid_state", extra={"case_status": case.status})
    if case.judge_id != who.officer_id:
        raise Forbidden(f"只有本案承办法官（{case.judge_id or '尚未分案'}）可以{doing}", code="not_case_judge",
                        rule=RULE_JUDGE)


def _fresh(s: CoerciveState) -> None:
    if s.kind is not None:
        raise Conflict("该措施已登记", code="measure_exists")


def _is(s: CoerciveState, kind: str, zh: str, who: Who) -> None:
    _same_court(who)
    if s.kind != kind:
        raise NotFound(f"未找到该{zh}", code=f"{kind}_not_found")


def _date(day: date | None, who: Who, field: str, not_before: date | None = None) -> date:
    day = day or who.today
    if day > who.today:
        raise InvalidInput("日期不能晚于今天", code="date_in_future",
                           errors=[FieldError(field, "不能晚于今天", "future")])
    if not_before is not None and day < not_before:
        raise InvalidInput(f"日期不能早于 {not_before}", code="date_too_early",
                           errors=[FieldError(field, f"不能早于 {not_before}", "too_early")])
    return day


# ---- refusal to perform (拒执罪) ---------------------------------------------------------------------

def refer(c: Refer, s: CoerciveState) -> list[DomainEvent]:
    _fresh(s)
    _open_case_judge(c.who, "移送拒执罪线索")
    if not c.evidence:
        raise InvalidInput("移送公安机关须附证据材料", code="evidence_required",
                           errors=[FieldError("evidence", "至少附一份证据材料（内容哈希）", "required")])
    return [ev.RefusalReferred(referral_id=c.referral_id, subject=c.subject, facts=c.facts.strip(),
                               evidence=list(c.evidence), police_organ=c.police_organ.strip(),
                               referred_on=_date(c.referred_on, c.who, "referred_on"), referred_by=c.who.officer_id)]


def answer_referral(c: AnswerReferral, s: CoerciveState) -> list[DomainEvent]:
    _is(s, "referral", "拒执罪移送", c.who)
    if s.police != "none":
        raise Conflict("已记录公安机关的答复", code="referral_answered")
    assert s.id is not None
    answer = "立案侦查" if c.accepted else "不予立案"
    return [ev.ReferralAnswered(referral_id=s.id, accepted=c.accepted, answer_zh=answer,
                                answered_on=_date(c.answered_on, c.who, "answered_on", s.referred_on),
                                reason=c.reason.strip(), recorded_by=c.who.officer_id)]


def file_private_prosecution(c: FilePrivateProsecution, s: CoerciveState) -> list[DomainEvent]:
    _is(s, "referral", "拒执罪移送", c.who)
    if s.police != "refused":
        msg = "公安机关或者人民检察院不予追究刑事责任的，申请执行人方可提起自诉（拒执罪解释第14条）"
        raise DomainError(msg, code="private_prosecution_premature", rule=RULE_PRIVATE_PROSECUTION,
                          errors=[FieldError("filed_on", msg, "police_not_refused")])
    if s.private_prosecution:
        raise Conflict("已登记自诉", code="private_prosecution_filed")
    assert s.id is not None
    return [ev.PrivateProsecutionFiled(referral_id=s.id, filed_on=_date(c.filed_on, c.who, "filed_on"),
                                       applicant_name=c.applicant_name.strip(), guidance=c.guidance.strip(),
                                       recorded_by=c.who.officer_id)]


def conclude_referral(c: ConcludeReferral, s: CoerciveState) -> list[DomainEvent]:
    _is(s, "referral", "拒执罪移送", c.who)
    if s.concluded:
        raise Conflict("已记录结果", code="referral_concluded")
    if s.police != "accepted" and not s.private_prosecution:
        raise Conflict("公安机关尚未立案、也没有自诉，无结果可记录", code="nothing_to_conclude")
    assert s.id is not None
    return [ev.ReferralConcluded(referral_id=s.id, outcome=c.outcome,  # type: ignore[arg-type]
                                 outcome_zh=OUTCOME_ZH[c.outcome],
                                 concluded_on=_date(c.concluded_on, c.who, "concluded_on"), note=c.note.strip(),
                                 recorded_by=c.who.officer_id)]


# ---- reward notices (悬赏) -------------------------------------------------------------------------

def apply_reward(c: ApplyReward, s: CoerciveState) -> list[DomainEvent]:
    _fresh(s)
    case = _same_court(c.who)
    if case.status not in OPEN_CASE:
        raise Conflict("案件未在执行中，不能申请悬赏", code="invalid_state", extra={"case_status": case.status})
    applied = _date(c.applied_on, c.who, "applied_on")
    return [ev.RewardApplied(reward_id=c.reward_id, applicant_name=c.applicant_name.strip(), reward_fen=c.reward_fen,
                             applied_on=applied, decide_by=period_end(applied, REWARD_DECISION_DAYS),
                             recorded_by=c.who.officer_id)]


def decide_reward(c: DecideReward, s: CoerciveState) -> list[DomainEvent]:
    _is(s, "reward", "悬赏申请", c.who)
    _open_case_judge(c.who, "决定悬赏")
    if s.reward_status != "applied":
        raise Conflict("该悬赏申请已决定", code="reward_decided")
    assert s.id is not None and s.applied_on is not None
    decided = _date(c.decided_on, c.who, "decided_on", s.applied_on)
    if c.granted and not c.channels:
        raise InvalidInput("准许悬赏须写明发布渠道", code="channels_required",
                           errors=[FieldError("channels", "至少一个发布渠道", "required")])
    decision = "准许并发布悬赏公告" if c.granted else "不予准许"
    return [ev.RewardDecided(reward_id=s.id, granted=c.granted, decision_zh=decision,
                             decided_on=decided,
                             decided_within_limit=decided <= period_end(s.applied_on, REWARD_DECISION_DAYS),
                             reason=c.reason.strip(), channels=list(c.channels) if c.granted else [],  # type: ignore[arg-type]
                             decided_by=c.who.officer_id)]


def _granted(s: CoerciveState, doing: str, who: Who) -> None:
    _is(s, "reward", "悬赏", who)
    if s.reward_status != "granted":
        raise DomainError(f"悬赏未经准许发布，不能{doing}", code="reward_not_granted", rule=RULE_REWARD)


def receive_reward_lead(c: ReceiveRewardLead, s: CoerciveState) -> list[DomainEvent]:
    _granted(s, "登记悬赏线索", c.who)
    assert s.id is not None
    return [ev.RewardLeadReceived(reward_id=s.id, lead_id=c.lead_id, informant=c.informant.strip(),
                                  description=c.description.strip(), asset_kind=c.asset_kind,  # type: ignore[arg-type]
                                  target=c.target.strip(), region=c.region,
                                  received_on=_date(c.received_on, c.who, "received_on"),
                                  recorded_by=c.who.officer_id)]


def pay_reward(c: PayReward, s: CoerciveState) -> list[DomainEvent]:
    _granted(s, "登记支付悬赏金", c.who)
    if s.paid_fen + c.amount_fen > s.reward_fen:
        msg = f"支付金额超过悬赏金额（悬赏 {s.reward_fen} 分，已付 {s.paid_fen} 分）"
        raise InvalidInput(msg, code="reward_overpaid", errors=[FieldError("amount_fen", msg, "above_reward")])
    assert s.id is not None
    return [ev.RewardPaid(reward_id=s.id, amount_fen=c.amount_fen, paid_on=_date(c.paid_on, c.who, "paid_on"),
                          lead_id=c.lead_id, recorded_by=c.who.officer_id)]


# ---- exposure (曝光) -------------------------------------------------------------------------------

def publish_exposure(c: PublishExposure, s: CoerciveState) -> list[DomainEvent]:
    _fresh(s)
    _open_case_judge(c.who, "决定曝光")
    return [ev.ExposurePublished(exposure_id=c.exposure_id, subject=c.subject, channel=c.channel,  # type: ignore[arg-type]
                                 channel_zh=CHANNEL_ZH[c.channel], content=c.content.strip(),
                                 published_on=_date(c.published_on, c.who, "published_on"),
                                 decided_by=c.who.officer_id)]


# ---- exit restriction (限制出境) ----------------------------------------------------------------------

def restrict_exit(c: RestrictExit, s: CoerciveState) -> list[DomainEvent]:
    """民诉法 2023 art. 266; a unit is restricted through a natural person (its legal representative)."""
    _fresh(s)
    _open_case_judge(c.who, "决定限制出境")
    if c.subject.kind != "person":
        raise InvalidInput("限制出境的对象应为自然人（单位的，限制其法定代表人、主要负责人或直接责任人员）",
                           code="exit_restriction_of_unit",
                           errors=[FieldError("subject.kind", "应为自然人", "not_a_person")])
    return [ev.ExitRestrictionDecided(restriction_id=c.restriction_id, subject=c.subject, subject_name=c.subject.name,
                                      on_behalf_of=(c.on_behalf_of or "").strip() or None, reason=c.reason.strip(),
                                      decided_on=_date(c.decided_on, c.who, "decided_on"), judge_id=c.who.officer_id)]


def lift_exit_restriction(c: LiftExitRestriction, s: CoerciveState) -> list[DomainEvent]:
    _is(s, "exit_restriction", "限制出境决定", c.who)
    _open_case_judge(c.who, "解除限制出境")
    if s.lifted:
        raise Conflict("限制出境已解除", code="exit_restriction_lifted")
    assert s.id is not None
    return [ev.ExitRestrictionLifted(restriction_id=s.id, reason=c.reason.strip(),
                                     lifted_on=_date(c.lifted_on, c.who, "lifted_on", s.decided_on),
                                     judge_id=c.who.officer_id)]


DECISIONS: dict[type, Callable[[Any, CoerciveState], list[DomainEvent]]] = {
    Refer: refer, AnswerReferral: answer_referral, FilePrivateProsecution: file_private_prosecution,
    ConcludeReferral: conclude_referral, ApplyReward: apply_reward, DecideReward: decide_reward,
    ReceiveRewardLead: receive_reward_lead, PayReward: pay_reward, PublishExposure: publish_exposure,
    RestrictExit: restrict_exit, LiftExitRestriction: lift_exit_restriction,
}


class CoerciveDecider(TableDecider[CoerciveState]):
    """A referral, reward notice or exposure (stream ``intake.coercive:<id>``)."""

    def __init__(self) -> None:
        super().__init__(CoerciveState, evolve, DECISIONS)


def stream_id(measure_id: str) -> str:
    return f"intake.coercive:{measure_id}"
