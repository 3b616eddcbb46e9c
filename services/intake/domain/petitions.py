"""Enforcement petitions (涉执信访): the aggregate (stream ``intake.petition:<petition_id>``), its
time limits and who may act on it. Pure: time, ids, the officer and the case's facts arrive on the
command.

Time limits (信访工作条例 2022; docs/rules.md §12):
- accept or not, and tell the petitioner, within 15 days of receiving the petition (第二十三条: a body
  other than a 信访部门 tells in writing within 15 days of receipt; checked in the text, docs/rules.md §9);
- conclude within 60 days of acceptance; where it is complex, the head of the body may extend it
  once, by at most 30 days, telling the petitioner why (第三十四条).
Days are counted from the day after the start day (民法典 第二百零一条), and a last day on a rest day
moves to the next workday (民法典 第二百零三条) — shared/periods.py, so intake and supervision's nodes agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.intake.domain.commands import Who
from services.intake.events_petitions import (
    Channel,
    PetitionAcknowledged,
    PetitionClosed,
    PetitionDiscussed,
    Petitioner,
    PetitionEscalated,
    PetitionExtended,
    PetitionOutcome,
    PetitionRegistered,
)
from shared.commands import TableDecider
from shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, in_court
from shared.events import DomainEvent
from shared.holidays import COURT
from shared.periods import (
    PETITION_ACCEPT_DAYS,
    PETITION_CONCLUDE_DAYS,
    PETITION_EXTENSION_MAX_DAYS,
    petition_accept_by,
    petition_conclude_by,
)

ACCEPT_DAYS = PETITION_ACCEPT_DAYS  # 信访工作条例 2022 第二十三条
CONCLUDE_DAYS = PETITION_CONCLUDE_DAYS  # 信访工作条例 2022 第三十四条
EXTENSION_MAX_DAYS = PETITION_EXTENSION_MAX_DAYS  # 同条：延长不得超过30日（一次）
OUTCOME_ZH: dict[str, str] = {
    "settled": "达成和解",
    "enforced": "已执行到位",
    "judicial_aid": "司法救助",
    "explained": "解释说明、息诉罢访",
    "referred": "转交有权机关处理",
}
CHANNEL_ZH: dict[str, str] = {"visit": "来访", "letter": "来信", "phone": "来电", "online": "网上信访"}
RULE_ASSIGNED = "信访-谁办理谁接待"
RULE_ACCEPT = "信访工作条例-23"
RULE_CONCLUDE = "信访工作条例-34"


class PetitionRuleBroken(InvalidInput):
    """A rule of the petition procedure refused the command (422, the rule and the wrong field)."""

    def __init__(self, rule: str, field: str, message: str, code: str) -> None:
        super().__init__(message, code=code, rule=rule, errors=[FieldError(field, message, code)])


def accept_by(received_on: date) -> date:
    """Last day to decide whether to accept (and tell the petitioner): 15 days after receipt, a last
    day on a rest day moved to the next working day (shared/periods.py, as supervision's node counts)."""
    due = petition_accept_by(received_on, COURT).due
    assert due is not None
    return due


def conclude_by(accepted_on: date, extension_days: int = 0) -> date:
    """Last day to conclude: 60 days after acceptance, plus an extension of at most 30 days, counted from
    the acceptance in one go and moved past a rest day (shared/periods.py, as supervision's node counts)."""
    if not 0 <= extension_days <= EXTENSION_MAX_DAYS:
        raise ValueError("extension_days must be 0..30")
    due = petition_conclude_by(accepted_on, extension_days, COURT).due
    assert due is not None
    return due


# ---- commands -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseOfPetition:
    """What intake knows of the case the petition is about (from its ``cases`` read model)."""

    case_id: str
    court: str
    case_number: str | None
    team_id: str | None
    judge_id: str | None


@dataclass(frozen=True)
class RegisterPetition:
    who: Who
    petition_id: str
    case: CaseOfPetition | None
    petitioner: Petitioner
    request: str
    channel: Channel
    received_on: date


@dataclass(frozen=True)
class AcknowledgePetition:
    who: Who
    acknowledged_on: date
    note: str | None = None
    is_leader: bool = False


@dataclass(frozen=True)
class EscalatePetition:
    who: Who
    role: str  # bureau_chief / vice_president (the token's)
    instruction: str
    due_on: date


@dataclass(frozen=True)
class DiscussPetition:
    who: Who
    participants: tuple[str, ...]
    conclusion: str
    discussed_on: date
    is_leader: bool = False


@dataclass(frozen=True)
class ExtendPetition:
    who: Who
    days: int
    reason: str


@dataclass(frozen=True)
class ClosePetition:
    who: Who
    outcome: PetitionOutcome
    petition_stopped: bool
    details: str
    closed_on: date
    aid_id: str | None = None
    aid_case_id: str | None = None  # the case of that aid application, as intake's read model has it
    is_leader: bool = False


# ---- state ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PetitionState:
    status: str = "new"  # new → registered → acknowledged → closed
    petition_id: str | None = None
    case_id: str | None = None
    court: str | None = None
    officer_id: str | None = None
    team_id: str | None = None
    received_on: date | None = None
    accept_by: date | None = None
    acknowledged_on: date | None = None
    conclude_by: date | None = None
    extended_days: int = 0
    escalations: int = 0
    discussions: int = 0
    outcome: str | None = None
    petition_stopped: bool | None = None


def evolve(s: PetitionState, e: DomainEvent) -> PetitionState:
    if isinstance(e, PetitionRegistered):
        return replace(s, status="registered", petition_id=e.petition_id, case_id=e.case_id, court=e.court,
                       officer_id=e.officer_id, team_id=e.team_id, received_on=e.received_on, accept_by=e.accept_by)
    if isinstance(e, PetitionAcknowledged):
        return replace(s, status="acknowledged", acknowledged_on=e.acknowledged_on, conclude_by=e.conclude_by)
    if isinstance(e, PetitionEscalated):
        return replace(s, escalations=s.escalations + 1)
    if isinstance(e, PetitionDiscussed):
        return replace(s, discussions=s.discussions + 1)
    if isinstance(e, PetitionExtended):
        return replace(s, extended_days=s.extended_days + e.days, conclude_by=e.conclude_by)
    if isinstance(e, PetitionClosed):
        return replace(s, status="closed", outcome=e.outcome, petition_stopped=e.petition_stopped)
    return s


# ---- decisions ------------------------------------------------------------------------------------------

def _known(s: PetitionState, who: Who) -> None:
    if s.status == "new" or not in_court(who.court, s.court):
        raise NotFound("未找到该信访事项", code="petition_not_found")


def _open(s: PetitionState, action: str) -> None:
    if s.status == "closed":
        raise Conflict(f"该信访事项已办结，不能{action}", code="petition_closed")


def _handler(s: PetitionState, who: Who, is_leader: bool, action: str) -> None:
    """谁办理谁接待: the officer the petition was assigned to (the case's judge) handles it; a leader
    (bureau chief, vice president) may step in."""
    if who.officer_id != s.officer_id and not is_leader:
        raise Forbidden(f"信访事项由本案承办人（{s.officer_id or '未分案'}）接待办理，其他人员不能{action}",
                        code="not_petition_handler", rule=RULE_ASSIGNED)


def _not_before(day: date, start: date | None, field: str, what: str, today: date | None = None) -> None:
    """A business date is not before the step it follows, nor (given ``today``) in the future."""
    if today is not None and day > today:
        raise InvalidInput(f"{what}不能晚于今天", code="date_in_future",
                           errors=[FieldError(field, f"{what}不能晚于今天", "date_in_future")])
    if start is not None and day < start:
        raise InvalidInput(f"{what}不能早于 {start.isoformat()}", code="date_before_start",
                           errors=[FieldError(field, f"{what}不能早于 {start.isoformat()}", "date_before_start")])


def register(c: RegisterPetition, s: PetitionState) -> list[DomainEvent]:
    if s.status != "new":
        raise Conflict("该信访事项已登记", code="petition_exists")
    if c.case is None or not in_court(c.who.court, c.case.court):
        raise NotFound("未找到信访所涉案件（请核对案件编号或案号）", code="case_not_found")
    if c.received_on > c.who.today:
        raise InvalidInput("收到日期不能晚于今天", code="date_in_future",
                           errors=[FieldError("received_on", "收到日期不能晚于今天", "date_in_future")])
    return [PetitionRegistered(
        petition_id=c.petition_id, case_id=c.case.case_id, court=c.case.court, case_number=c.case.case_number,
        petitioner=c.petitioner, request=c.request, channel=c.channel, channel_label=CHANNEL_ZH[c.channel],
        received_on=c.received_on,
        team_id=c.case.team_id, officer_id=c.case.judge_id, accept_by=accept_by(c.received_on),
        registered_by=c.who.officer_id,
    )]


def acknowledge(c: AcknowledgePetition, s: PetitionState) -> list[DomainEvent]:
    _known(s, c.who)
    _handler(s, c.who, c.is_leader, "受理告知")
    if s.status != "registered":
        raise Conflict("该信访事项已受理或已办结", code="petition_already_acknowledged")
    _not_before(c.acknowledged_on, s.received_on, "acknowledged_on", "受理日期", c.who.today)
    return [PetitionAcknowledged(petition_id=s.petition_id or "", acknowledged_on=c.acknowledged_on,
                                 acknowledged_by=c.who.officer_id, conclude_by=conclude_by(c.acknowledged_on),
                                 note=c.note)]


def escalate(c: EscalatePetition, s: PetitionState) -> list[DomainEvent]:
    _known(s, c.who)
    _open(s, "督办")
    if c.due_on < c.who.today:
        raise PetitionRuleBroken("信访-督办", "due_on", "督办期限不能早于今天", "due_in_past")
    role = "vice_president" if c.role == "vice_president" else "bureau_chief"
    return [PetitionEscalated(petition_id=s.petition_id or "", escalated_to=c.who.officer_id,
                              escalated_to_role=role, instruction=c.instruction, due_on=c.due_on,  # type: ignore[arg-type]
                              escalated_on=c.who.today)]


def discuss(c: DiscussPetition, s: PetitionState) -> list[DomainEvent]:
    _known(s, c.who)
    _open(s, "记录会商")
    _handler(s, c.who, c.is_leader, "记录会商")
    people = tuple(dict.fromkeys(c.participants))
    if len(people) < 2:
        raise PetitionRuleBroken("信访-会商", "participants", "会商至少须有两名不同的参加人员", "too_few_participants")
    _not_before(c.discussed_on, s.received_on, "discussed_on", "会商日期", c.who.today)
    return [PetitionDiscussed(petition_id=s.petition_id or "", participants=list(people), conclusion=c.conclusion,
                              discussed_on=c.discussed_on, recorded_by=c.who.officer_id)]


def extend(c: ExtendPetition, s: PetitionState) -> list[DomainEvent]:
    _known(s, c.who)
    _open(s, "延长办理期限")
    if s.status != "acknowledged" or s.conclude_by is None:
        raise Conflict("信访事项尚未受理，无办理期限可延长", code="petition_not_acknowledged")
    if s.extended_days:
        raise PetitionRuleBroken(RULE_CONCLUDE, "days", "办理期限只能延长一次", "already_extended")
    if not 1 <= c.days <= EXTENSION_MAX_DAYS:
        raise PetitionRuleBroken(RULE_CONCLUDE, "days", f"延长期限不得超过 {EXTENSION_MAX_DAYS} 日",
                                 "extension_too_long")
    if c.who.today > s.conclude_by:
        raise PetitionRuleBroken(RULE_CONCLUDE, "days",
                                 f"办理期限已于 {s.conclude_by.isoformat()} 届满，须在届满前批准延长", "limit_passed")
    assert s.acknowledged_on is not None
    return [PetitionExtended(petition_id=s.petition_id or "", days=c.days, reason=c.reason,
                             conclude_by=conclude_by(s.acknowledged_on, s.extended_days + c.days),
                             approved_by=c.who.officer_id)]


def close(c: ClosePetition, s: PetitionState) -> list[DomainEvent]:
    _known(s, c.who)
    _open(s, "再次办结")
    _handler(s, c.who, c.is_leader, "办结")
    if s.status != "acknowledged":
        raise Conflict("信访事项须先受理告知，才能办结", code="petition_not_acknowledged")
    _not_before(c.closed_on, s.acknowledged_on, "closed_on", "办结日期", c.who.today)
    if c.outcome == "judicial_aid":
        if c.aid_id is None:
            raise PetitionRuleBroken("信访-司法救助", "aid_id", "以司法救助办结须指明本案的司法救助申请",
                                     "aid_required")
        if c.aid_case_id != s.case_id:
            raise PetitionRuleBroken("信访-司法救助", "aid_id", "未找到本案的该司法救助申请", "aid_not_of_case")
    elif c.aid_id is not None:
        raise PetitionRuleBroken("信访-司法救助", "aid_id", "只有以司法救助办结时才能关联救助申请", "aid_not_expected")
    return [PetitionClosed(petition_id=s.petition_id or "", outcome=c.outcome, outcome_label=OUTCOME_ZH[c.outcome],
                           petition_stopped=c.petition_stopped, details=c.details, closed_on=c.closed_on,
                           closed_by=c.who.officer_id, aid_id=c.aid_id)]


class PetitionDecider(TableDecider[PetitionState]):
    """The petition aggregate (stream ``intake.petition:<petition_id>``)."""

    def __init__(self) -> None:
        super().__init__(PetitionState, evolve, {
            RegisterPetition: register, AcknowledgePetition: acknowledge, EscalatePetition: escalate,
            DiscussPetition: discuss, ExtendPetition: extend, ClosePetition: close,
        })


def petition_stream_id(petition_id: str) -> str:
    return f"intake.petition:{petition_id}"
