"""One imported case (docs/import.md): the record's shape, its checks, and the events it becomes (pure).

A record carries the history intake owns of a case the court handled in its old system: the
application, registration under its original number, triage, assignment, notices, pauses, the
interview and closure, each with its original date. :func:`plan` checks the whole record (every
error at once, with the field's path and a Chinese message) and turns it into the same events a
live case records, dated by the original business dates (09:00 Asia/Shanghai) with deterministic
ids, so that importing the record twice gives the same events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from services.intake import events as ev
from services.intake.config import CourtRoster
from services.intake.domain.decider import stream_id
from services.intake.domain.filing import decide_by, limitation_warning
from services.intake.importing.models import OTHER_SECTIONS, ImportRecord
from services.intake.importing.still_moving import still_moving_conditions
from shared.courts import CaseNumber, is_known_court, parse_case_number
from shared.envelope import Actor, Envelope
from shared.errors import FieldError
from shared.events import DomainEvent
from shared.import_sections import EARLIEST, check_sections
from shared.importing import (
    IMPORT_NAMESPACE,
    IMPORTER_ROLE,
    RecordRefused,
    business_instant,
    case_id_for,
    event_id,
)
from shared.importing import fingerprint as content_hash
from shared.problems import validation_field_errors

__all__ = ["IMPORTER_ROLE", "IMPORT_NAMESPACE", "Importer", "Plan", "RecordRefused", "case_id_for", "event_id",
           "fingerprint", "parse", "plan"]

# A performance deadline may lie ahead of the application, but not absurdly far.
LATEST_DEADLINE = date(2100, 12, 31)
# Case types a record may have in this version (执恢 and 执异 need their original case: not yet).
IMPORT_CASE_TYPES = ("执", "执保")


@dataclass(frozen=True)
class Importer:
    """Who imports, where, when: the importing officer, their court, today's business date and the roster."""

    officer_id: str
    name: str
    court: str
    today: date
    roster: CourtRoster


@dataclass
class Plan:
    """A checked record: its case, the events it becomes (with their business dates) and its fingerprint."""

    court: str
    case_number: CaseNumber
    case_id: str
    record_hash: str
    events: list[tuple[str, date, DomainEvent]]  # (step, business date, payload), in stream order
    people: list[tuple[str, str | None, str]] = field(default_factory=list)  # (officer, role, event type)

    def envelopes(self, actor: Actor, correlation_id: str, recorded_at: datetime) -> list[Envelope]:
        sid = stream_id(self.case_id)
        return [
            Envelope(
                event_id=event_id(self.court, str(self.case_number), step), event_type=e.event_type,
                schema_version=e.schema_version, case_id=self.case_id, stream_id=sid, stream_version=i,
                occurred_at=business_instant(day), recorded_at=recorded_at, producer="intake", actor=actor,
                court=self.court, correlation_id=correlation_id, causation_id=None,
                payload=e.model_dump(mode="json"),
            )
            for i, (step, day, e) in enumerate(self.events, start=1)
        ]


def fingerprint(record: ImportRecord) -> str:
    """Intake's part of the record, normalised (trimmed text, parsed dates, sorted keys): same content,
    same hash. The other services' sections are theirs to fingerprint."""
    return content_hash(record.model_dump(mode="json", by_alias=True, exclude=set(OTHER_SECTIONS)))


def parse(raw: Any) -> ImportRecord:
    """The record's fields, or :class:`RecordRefused` listing every field error."""
    if not isinstance(raw, dict):
        raise RecordRefused([FieldError("", "每一行应为一个 JSON 对象（一个案件）", "not_an_object")])
    try:
        return ImportRecord.model_validate(raw)
    except ValidationError as exc:
        number = raw.get("case_number") if isinstance(raw.get("case_number"), str) else None
        raise RecordRefused(validation_field_errors([dict(e) for e in exc.errors()]), number) from None


def plan(raw: Any, who: Importer) -> Plan:
    """Check a record completely and turn it into its events; :class:`RecordRefused` lists every error."""
    record = parse(raw)
    errors: list[FieldError] = []

    def err(path: str, message: str, code: str) -> None:
        errors.append(FieldError(path, message, code))

    number = _check_identity(record, who, err)
    team_id = _check_dates_and_people(record, who, err)
    errors += check_sections(record, who.today)
    if errors or number is None:
        raise RecordRefused(errors, record.case_number)
    return _events(record, number, team_id, who)


def _check_identity(record: ImportRecord, who: Importer, err: Any) -> CaseNumber | None:
    number: CaseNumber | None = None
    if not is_known_court(record.court):
        err("court", f"未知的法院代字：{record.court}", "unknown_court")
    elif record.court != who.court:
        err("court", f"只能导入本院（{who.court}）的案件", "court_mismatch")
    try:
        number = parse_case_number(record.case_number)
    except ValueError as exc:
        err("case_number", str(exc), "invalid_case_number")
        return None
    if number.court != record.court:
        err("case_number", f"案号中的法院代字（{number.court}）与 court（{record.court}）不一致", "court_mismatch")
    if number.type_code not in IMPORT_CASE_TYPES:
        err("case_number", f"本版本只导入 {'、'.join(IMPORT_CASE_TYPES)} 字号的案件（执恢、执异等关联案件暂不导入）",
            "case_type_not_supported")
    if number.year != record.registration.date.year:
        err("case_number", f"案号年度（{number.year}）应与立案日期的年度（{record.registration.date.year}）相同",
            "year_mismatch")
    return number


def _check_dates_and_people(record: ImportRecord, who: Importer, err: Any) -> str | None:
    """Every date in range and in the order the procedure takes; the judge's team. Returns the team."""
    app, reg, tri, asg, closure = (record.application, record.registration, record.triage, record.assignment,
                                   record.closure)
    dated: list[tuple[str, date | None]] = [
        ("application.application_date", app.application_date),
        ("application.basis.effective_date", app.basis.effective_date),
        ("registration.date", reg.date), ("triage.date", tri.date),
        ("assignment.date", asg.date if asg else None),
        *((f"notices.{i}.signed_on", n.signed_on) for i, n in enumerate(record.notices)),
        *((f"pauses.{i}.from", p.from_) for i, p in enumerate(record.pauses)),
        *((f"pauses.{i}.to", p.to) for i, p in enumerate(record.pauses)),
        ("interview.date", record.interview.date if record.interview else None),
        ("closure.date", closure.date if closure else None),
    ]
    for path, day in dated:
        if day is not None and day > who.today:
            err(path, f"日期 {day} 晚于今天（{who.today}），旧案件的日期应已过去", "future_date")
        elif day is not None and day < EARLIEST:
            err(path, f"日期 {day} 早于 {EARLIEST}，请核对", "too_early")
    deadline = app.basis.performance_deadline
    if deadline is not None and deadline < app.basis.effective_date:
        err("application.basis.performance_deadline", "履行期限不能早于生效日期", "before_effective")
    if deadline is not None and deadline > LATEST_DEADLINE:
        err("application.basis.performance_deadline", f"履行期限不能晚于 {LATEST_DEADLINE}", "too_late")
    if app.basis.effective_date > app.application_date:
        err("application.basis.effective_date", "执行依据的生效日期不能晚于申请日期", "not_yet_effective")
    if app.applicant.id_number == app.respondent.id_number:
        err("application.respondent.id_number", "被执行人不能与申请执行人相同", "same_party")
    if reg.date < app.application_date:
        err("registration.date", f"立案日期不能早于申请日期（{app.application_date}）", "before_application")
    triaged = tri.date or reg.date
    if triaged < reg.date:
        err("triage.date", f"分流日期不能早于立案日期（{reg.date}）", "before_registration")
    team_id: str | None = None
    if asg is not None:
        if asg.date < triaged:
            err("assignment.date", f"分案日期不能早于立案和分流日期（{triaged}）", "before_triage")
        team = who.roster.team_of(asg.judge_id)
        team_id = asg.team_id or (team.team_id if team else None)
        if team_id is None:
            err("assignment.team_id", f"承办法官 {asg.judge_id} 不在本院名册中，请填写其所在团队（team_id）",
                "required")
    after_assignment = [
        *((f"notices.{i}.signed_on", n.signed_on) for i, n in enumerate(record.notices)),
        *((f"pauses.{i}.from", p.from_) for i, p in enumerate(record.pauses)),
        ("interview.date", record.interview.date if record.interview else None),
        ("closure.date", closure.date if closure else None),
    ]
    for path, day in after_assignment:
        if day is None:
            continue
        if asg is None:
            err(path.split(".")[0], "未分案的案件不能有文书、中止暂缓、约谈或结案；请填写 assignment", "not_assigned")
            break
        if day < asg.date:
            err(path, f"不能早于分案日期（{asg.date}）", "before_assignment")
    _check_pauses(record, err)
    if closure is not None:
        for path, day in dated:
            if day is not None and path not in ("closure.date", "application.basis.effective_date") \
                    and day > closure.date:
                err(path, f"不能晚于结案日期（{closure.date}）", "after_closure")
        if any(p.to is None for p in record.pauses):
            err("closure", "中止或暂缓尚未结束的案件不能结案；请填写其结束日期（to）", "paused")
    return team_id


def _check_pauses(record: ImportRecord, err: Any) -> None:
    previous_end: date | None = None
    for i, p in enumerate(record.pauses):
        if p.kind == "postponement" and p.until is None:
            err(f"pauses.{i}.until", "暂缓执行应写明暂缓期限（until）", "required")
        if p.until is not None and p.until <= p.from_:
            err(f"pauses.{i}.until", "暂缓期限应晚于开始日期", "not_after_start")
        if p.to is not None and p.to <= p.from_:
            err(f"pauses.{i}.to", "结束日期应晚于开始日期", "not_after_start")
        if previous_end is not None and p.from_ < previous_end:
            err(f"pauses.{i}.from", f"与前一次中止或暂缓重叠（前一次结束于 {previous_end}）；请按时间顺序填写",
                "overlap")
        if p.to is None and i != len(record.pauses) - 1:
            err(f"pauses.{i}.to", "只有最后一次中止或暂缓可以尚未结束", "required")
        previous_end = p.to or p.from_
    # Notices are signed and the applicant interviewed while the case runs, not while it is paused
    # (on the day a pause starts or ends is fine: that day's step comes before it starts, after it ends).
    acts = [*((f"notices.{i}.signed_on", n.signed_on) for i, n in enumerate(record.notices)),
            *((("interview.date", record.interview.date),) if record.interview else ())]
    for path, day in acts:
        for p in record.pauses:
            if p.from_ < day and (p.to is None or day < p.to):
                what = "中止" if p.kind == "suspension" else "暂缓"
                err(path, f"不能在{what}执行期间（{p.from_} 至 {p.to or '今'}）", "while_paused")


# On one day: a pause ends, then notices are signed and the applicant interviewed, then a pause starts.
_ENDS, _ACTS, _STARTS = 0, 1, 2


def _contacts(app: Any, registrar: str) -> list[tuple[str, date, DomainEvent]]:
    """The parties' mobile numbers and SMS opt-outs the old system kept, recorded with the
    application as intake records them live (a record without them: no event, ids unchanged)."""
    out: list[tuple[str, date, DomainEvent]] = []
    roles: tuple[tuple[ev.PartyRole, Any], ...] = (("applicant", app.applicant), ("respondent", app.respondent))
    for role, party in roles:
        if party.mobile:
            out.append((f"contact:{role}:mobile", app.application_date, ev.PartyMobileRecorded(
                party=role, mobile=party.mobile, recorded_by=registrar, recorded_on=app.application_date)))
        if party.sms_opt_out:
            out.append((f"contact:{role}:opt_out", app.application_date, ev.PartySmsOptOutChanged(
                party=role, opted_out=True, changed_by=registrar, changed_on=app.application_date)))
    return out


def _events(record: ImportRecord, number: CaseNumber, team_id: str | None, who: Importer) -> Plan:
    app, reg, tri, asg, closure = (record.application, record.registration, record.triage, record.assignment,
                                   record.closure)
    court, text_number = record.court, str(number)
    case_id = case_id_for(court, text_number)
    me = who.officer_id
    applicant, respondent = app.applicant.record(), app.respondent.record()
    basis = ev.BasisRecord(**app.basis.model_dump())
    limit = decide_by(app.application_date)
    registrar = reg.by or me
    out: list[tuple[str, date, DomainEvent]] = [
        ("application_received", app.application_date, ev.ApplicationReceived(
            case_id=case_id, court=court, case_type=number.type_code, applicant=applicant, respondent=respondent,
            basis=basis, claim_amount_fen=app.claim_amount_fen, application_date=app.application_date,
            decide_by=limit, materials=[], missing=[], service_address_confirmed=app.service_address_confirmed,
            real_estate_disposal_expected=app.real_estate_disposal_expected, received_by=registrar,
            materials_checked_at_counter=True)),
        *_contacts(app, registrar),
        ("case_registered", reg.date, ev.CaseRegistered(
            case_id=case_id, case_number=text_number, case_type=number.type_code, court=court, applicant=applicant,
            respondent=respondent, basis=basis, claim_amount_fen=app.claim_amount_fen,
            application_date=app.application_date, registered_by=registrar,
            limitation_warning=limitation_warning(number.type_code, basis, app.application_date), decide_by=limit,
            decided_within_limit=reg.date <= limit, registered_on=reg.date)),
        ("case_triaged", tri.date or reg.date, ev.CaseTriaged(
            track=tri.track, rule_ids=["TR-IMPORT"], reasons=["旧系统的繁简分流结果（导入）"],
            decided_by=tri.by or me)),
    ]
    people: list[tuple[str, str | None, str]] = [(registrar, "intake_clerk", "intake.case_registered")]
    if asg is not None:
        assert team_id is not None
        judge = asg.judge_id
        people.append((judge, "judge", "intake.case_assigned"))
        # The team's lead as the roster names it now (the old system's record does not say who led it then).
        lead = next((t.lead_id for t in who.roster.teams if t.team_id == team_id), None)
        out.append(("case_assigned", asg.date, ev.CaseAssigned(
            judge_id=judge, team_id=team_id, track=tri.track, assigned_by=asg.by or me, strategy="manual",
            reason="旧系统分案（导入）", team_lead_id=lead)))
        middle: list[tuple[date, int, str, DomainEvent]] = []  # sorted (stably) by day, then rank
        for i, n in enumerate(record.notices):
            notice_id = str(uuid.uuid5(IMPORT_NAMESPACE, f"notice|{court}|{text_number}|{i}"))
            preparer, signer = n.prepared_by or me, n.signed_by or judge
            common = dict(notice_id=notice_id, notice_kind=n.kind, document_hash=n.document_hash or "",
                          prepared_by=preparer, service_method=n.service_method)
            middle.append((n.signed_on, _ACTS, f"notice:{i}:prepared", ev.NoticePrepared(**common)))  # type: ignore[arg-type]
            middle.append((n.signed_on, _ACTS, f"notice:{i}:issued",
                           ev.NoticeIssued(**common, signed_by=signer)))  # type: ignore[arg-type]
            people += [(preparer, "affairs_clerk", "intake.notice_prepared"), (signer, "judge", "intake.notice_issued")]
        for i, p in enumerate(record.pauses):
            by = p.by or judge
            lifted = p.lift_reason or "导入：旧系统记录已结束"
            if p.kind == "suspension":
                middle.append((p.from_, _STARTS, f"pause:{i}:start",
                               ev.CaseSuspended(reason=p.reason, decided_by=by, on=p.from_)))
                if p.to is not None:
                    middle.append((p.to, _ENDS, f"pause:{i}:end",
                                   ev.SuspensionLifted(reason=lifted, decided_by=by, on=p.to)))
            else:
                assert p.until is not None
                middle.append((p.from_, _STARTS, f"pause:{i}:start",
                               ev.CasePostponed(reason=p.reason, until=p.until, decided_by=by, on=p.from_)))
                if p.to is not None:
                    middle.append((p.to, _ENDS, f"pause:{i}:end",
                                   ev.PostponementLifted(reason=lifted, decided_by=by, on=p.to)))
            people.append((by, "judge", "intake.case_suspended" if p.kind == "suspension" else "intake.case_postponed"))
        if record.interview is not None:
            iv = record.interview
            middle.append((iv.date, _ACTS, "interview", ev.ApplicantInterviewed(
                interviewed_by=iv.by or judge, summary_hash=iv.summary_hash or "", interviewed_on=iv.date)))
            people.append((iv.by or judge, "judge", "intake.applicant_interviewed"))
        out += [(step, day, e) for day, _, step, e in sorted(middle, key=lambda m: (m[0], m[1]))]
        if closure is not None:
            closer = closure.judge_id or judge
            out.append(("case_closed", closure.date, ev.CaseClosed(
                closure_type=closure.type, judge_id=closer, approved_by=closure.approved_by, reason=closure.reason,
                conditions=[*imported_conditions(record), *still_moving_conditions(record, court, text_number)],
                claim_amount_fen=app.claim_amount_fen, registered_on=reg.date,
                closed_on=closure.date, track=tri.track)))
            people += [(closer, "judge", "intake.case_closed"), (closure.approved_by, None, "intake.case_closed")]
    return Plan(court=court, case_number=number, case_id=case_id, record_hash=fingerprint(record), events=out,
                people=people)


def imported_conditions(record: ImportRecord) -> list[ev.Condition]:
    """What the imported closure attests of the old system: its online search, when the record carries
    it (supervision's 互相制约-6 reads it for an imported closure: asset_search's imported queries reach
    the trail after intake's closure). Nothing else was checked in the old system that we know of."""
    s = record.search
    if s is None:
        return []
    detail = f"旧系统网络查控：{s.date} 发起，{s.answered_on} 全部反馈（{len(s.agency_kinds)} 类协助单位，导入）"
    return [ev.Condition(code="online_search", met=True, detail=detail)]
