"""Decisions of filing and routing: application, supplement, register/refuse, triage, assignment."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from services.intake import events as ev
from services.intake.domain import commands as c
from services.intake.domain.filing import (
    TriageFacts,
    choose_judge,
    decide_by,
    limitation_warning,
    missing_materials,
    triage,
)
from services.intake.domain.guards import same_court, status_in
from services.intake.domain.state import CaseState, evolve
from shared.errors import Conflict, DomainError, FieldError, Forbidden, InvalidInput
from shared.events import DomainEvent


def receive(cmd: c.ReceiveApplication, state: CaseState) -> list[DomainEvent]:
    if state.status != "new":
        raise Conflict("该执行申请已收案，不能重复提交", code="already_received")
    today = cmd.who.today
    errors: list[FieldError] = []
    if cmd.application_date > today:
        errors.append(FieldError("application_date", "申请日期不能晚于今天", "future_date"))
    if cmd.basis.effective_date > cmd.application_date:
        errors.append(FieldError("basis.effective_date", "执行依据的生效日期不能晚于申请日期", "not_yet_effective"))
    deadline = cmd.basis.performance_deadline
    if deadline is not None and deadline < cmd.basis.effective_date:
        errors.append(FieldError("basis.performance_deadline", "履行期限不能早于生效日期", "before_effective"))
    if cmd.applicant.id_number == cmd.respondent.id_number:
        errors.append(FieldError("respondent.id_number", "被执行人不能与申请执行人相同", "same_party"))
    if cmd.court != cmd.who.court:
        errors.append(FieldError("court", f"只能向本院（{cmd.who.court}）提交执行申请", "court_mismatch"))
    if errors:
        raise InvalidInput(f"执行申请有 {len(errors)} 处不符合要求", errors=errors)
    missing = [] if cmd.materials_checked_at_counter else missing_materials(
        cmd.applicant, cmd.basis, cmd.materials
    )
    out: list[DomainEvent] = [ev.ApplicationReceived(
        case_id=cmd.case_id, court=cmd.court, case_type=cmd.case_type, applicant=cmd.applicant,
        respondent=cmd.respondent, basis=cmd.basis, claim_amount_fen=cmd.claim_amount_fen,
        application_date=cmd.application_date, decide_by=decide_by(cmd.application_date),
        materials=list(cmd.materials), missing=missing,
        service_address_confirmed=cmd.service_address_confirmed,
        real_estate_disposal_expected=cmd.real_estate_disposal_expected, conflicts=list(cmd.conflicts),
        received_by=cmd.who.officer_id, linked_case_id=cmd.linked_case_id,
        materials_checked_at_counter=cmd.materials_checked_at_counter,
    )]
    out.extend(contact_events(cmd.contacts, cmd.who))
    if missing:  # 一次性告知: one notice listing every missing item, with a deadline
        out.append(ev.SupplementRequested(
            missing=missing, deadline=today + timedelta(days=cmd.supplement_deadline_days),
            requested_by=cmd.who.officer_id,
        ))
    return out


def contact_events(contacts: tuple[c.PartyContact, ...], who: c.Who) -> list[DomainEvent]:
    """The parties' mobile numbers and SMS opt-outs given with the application."""
    out: list[DomainEvent] = []
    for contact in contacts:
        if contact.mobile:
            out.append(ev.PartyMobileRecorded(party=contact.party,  # type: ignore[arg-type]
                                              mobile=contact.mobile, recorded_by=who.officer_id,
                                              recorded_on=who.today))
        if contact.sms_opt_out:
            out.append(ev.PartySmsOptOutChanged(party=contact.party,  # type: ignore[arg-type]
                                                opted_out=True, changed_by=who.officer_id, changed_on=who.today))
    return out


def change_contact(cmd: c.ChangePartyContact, state: CaseState) -> list[DomainEvent]:
    """A party's mobile number or SMS choice changed (any time after the application)."""
    same_court(state, cmd.who)
    out: list[DomainEvent] = []
    if cmd.mobile is not None or cmd.clear_mobile:
        out.append(ev.PartyMobileRecorded(party=cmd.party,  # type: ignore[arg-type]
                                          mobile=cmd.mobile, recorded_by=cmd.who.officer_id,
                                          recorded_on=cmd.who.today))
    if cmd.sms_opt_out is not None:
        out.append(ev.PartySmsOptOutChanged(party=cmd.party,  # type: ignore[arg-type]
                                            opted_out=cmd.sms_opt_out, changed_by=cmd.who.officer_id,
                                            changed_on=cmd.who.today))
    if not out:
        raise InvalidInput("请填写手机号（mobile）或短信通知选择（sms_opt_out）",
                           errors=[FieldError("mobile", "手机号与短信通知选择至少填一项", "missing")])
    return out


def supplement(cmd: c.SupplementMaterials, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "补正材料", "awaiting_supplement")
    assert state.application is not None
    if not cmd.items:
        raise InvalidInput("请至少提交一项补正材料", errors=[FieldError("items", "至少 1 项", "too_short")])
    materials = [*state.application.materials, *cmd.items]
    still = missing_materials(state.application.applicant, state.application.basis, materials)
    # 登记立案规定 (2015) art. 7: once the supplement completes the materials, the 7 days to register or
    # refuse run again from its receipt.
    received = cmd.who.today
    return [ev.MaterialsSupplemented(items=list(cmd.items), still_missing=still,
                                     supplemented_by=cmd.who.officer_id, received_on=received,
                                     decide_by=None if still else decide_by(received))]


def route(state: CaseState, routing: c.Routing, decided_by: str = "system", previous_judge: str | None = None
          ) -> list[DomainEvent]:
    """Triage then assignment, both automatic at registration (docs/rules.md §2)."""
    app, reg = state.application, state.registered
    assert reg is not None
    outcome = triage(routing.triage, TriageFacts(
        case_type=reg.case_type, basis_kind=reg.basis.kind, claim_amount_fen=reg.claim_amount_fen,
        service_address_confirmed=bool(app and app.service_address_confirmed),
        real_estate_disposal_expected=bool(app and app.real_estate_disposal_expected),
    ))
    out: list[DomainEvent] = [ev.CaseTriaged(track=outcome.track,  # type: ignore[arg-type]
                                             rule_ids=outcome.rule_ids, reasons=outcome.reasons,
                                             decided_by=decided_by)]
    out.extend(_assign(state, outcome.track, routing, reason=None, previous_judge=previous_judge))
    return out


def _assign(state: CaseState, track: str, routing: c.Routing, reason: str | None,
            previous_judge: str | None = None) -> list[DomainEvent]:
    # 互相制约-1: the registering officer is never the judge; 回避: nobody on the conflict list.
    exclude = routing.exclude | state.conflicts | {state.registered_by or ""}
    pick = choose_judge(routing.roster, track, strategy=routing.roster.strategy, loads=routing.loads,
                        draw=routing.draw, exclude=frozenset(exclude))
    if pick is None:
        return []
    lead = next((t.lead_id for t in routing.roster.teams if t.team_id == pick.team_id), None)
    return [ev.CaseAssigned(judge_id=pick.judge_id, team_id=pick.team_id, track=track,  # type: ignore[arg-type]
                            assigned_by="system", strategy=routing.roster.strategy, reason=reason,
                            previous_judge_id=state.judge_id or previous_judge, excluded=pick.excluded,
                            team_lead_id=lead)]


def _registration(state: CaseState, who: c.Who, number: str) -> ev.CaseRegistered:
    app = state.application
    assert app is not None
    limit = decide_by(state.decide_from or app.application_date)
    return ev.CaseRegistered(
        case_id=app.case_id, case_number=number, case_type=app.case_type, court=app.court,
        applicant=app.applicant, respondent=app.respondent, basis=app.basis,
        claim_amount_fen=app.claim_amount_fen, application_date=app.application_date,
        registered_by=who.officer_id,
        limitation_warning=limitation_warning(app.case_type, app.basis, app.application_date),
        linked_case_id=app.linked_case_id, decide_by=limit, decided_within_limit=who.today <= limit,
        registered_on=who.today,
    )


def register(cmd: c.RegisterCase, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    if state.status == "awaiting_supplement":
        items = "、".join(m.description for m in state.missing)
        raise DomainError(f"材料不齐，不能立案；仍缺：{items}", code="materials_missing", rule="一次性告知",
                          errors=[FieldError(f"materials.{m.material_class}", m.description, "missing")
                                  for m in state.missing])
    status_in(state, "立案", "applied")
    assert cmd.case_number is not None
    registered = _registration(state, cmd.who, cmd.case_number)
    return [registered, *route(evolve(state, registered), cmd.routing)]


def file_and_register(cmd: c.FileAndRegister, state: CaseState) -> list[DomainEvent]:
    received = receive(cmd.application, state)
    after = state
    for e in received:
        after = evolve(after, e)
    return [*received, *register(cmd.register, after)]


def refuse(cmd: c.RefuseApplication, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "裁定不予受理", "applied", "awaiting_supplement")
    assert state.application is not None
    if cmd.ground_code == "materials_not_supplemented" and (
        state.supplement_deadline is None or cmd.who.today <= state.supplement_deadline
    ):
        raise DomainError(
            f"补正期限（{state.supplement_deadline or '未发出补正通知'}）届满前不能以逾期未补正为由不予受理",
            code="supplement_deadline_open", rule="一次性告知",
        )
    limit = decide_by(state.decide_from or state.application.application_date)
    return [ev.ApplicationRefused(ground_code=cmd.ground_code, legal_ground=cmd.legal_ground, reason=cmd.reason,
                                  refused_by=cmd.who.officer_id, decide_by=limit,
                                  decided_within_limit=cmd.who.today <= limit)]


def override_triage(cmd: c.OverrideTriage, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "调整繁简分流", "registered", "in_progress")
    if cmd.who.officer_id not in cmd.routing.roster.leads():
        raise Forbidden("只有本院执行团队的团队长可以调整繁简分流", code="not_team_lead", rule="繁简分流-团队长")
    if len(cmd.reason.strip()) < MIN_REASON_CHARS:
        raise InvalidInput("调整繁简分流须写明理由", code="reason_required", rule="繁简分流-团队长",
                           errors=[FieldError("reason", f"理由不能为空（至少 {MIN_REASON_CHARS} 个字）", "missing")])
    if cmd.track == state.track:
        raise Conflict("案件已在该轨道，无需调整", code="same_track")
    triaged = ev.CaseTriaged(track=cmd.track, rule_ids=["TR-OVERRIDE"],  # type: ignore[arg-type]
                             reasons=[f"团队长调整：{cmd.reason}"], decided_by=cmd.who.officer_id,
                             override=True, previous_track=state.track)  # type: ignore[arg-type]
    after = evolve(state, triaged)
    routing = replace(cmd.routing, exclude=cmd.routing.exclude | {state.judge_id or ""})
    return [triaged, *_assign(after, cmd.track, routing, reason=f"繁简分流调整后重新分案：{cmd.reason}")]


# 互相制约-12: a manual re-assignment gives its reason (docs/rules.md §7.12).
MIN_REASON_CHARS = 2


def reassign(cmd: c.Reassign, state: CaseState) -> list[DomainEvent]:
    same_court(state, cmd.who)
    status_in(state, "改派承办法官", "registered", "in_progress", "suspended", "postponed")
    roster = cmd.roster
    if not (cmd.is_bureau_chief or cmd.who.officer_id in roster.leads() | set(roster.leaders)):
        raise Forbidden("只有团队长或执行局领导可以改派承办法官", code="not_a_leader", rule="互相制约-12")
    if len(cmd.reason.strip()) < MIN_REASON_CHARS:
        raise InvalidInput("改派承办法官须写明理由", code="reason_required", rule="互相制约-12",
                           errors=[FieldError("reason", f"理由不能为空（至少 {MIN_REASON_CHARS} 个字）", "missing")])
    if cmd.judge_id not in roster.judges():
        raise InvalidInput("该法官不在本院执行团队名册中",
                           errors=[FieldError("judge_id", "不在本院执行团队名册中", "unknown_judge")])
    if cmd.judge_id == state.registered_by:
        raise DomainError("立案人员不得担任本案承办法官", code="registrar_cannot_judge", rule="互相制约-1")
    if cmd.judge_id in state.conflicts:
        raise DomainError("该法官在本案回避名单中", code="judge_in_conflict_list", rule="回避")
    if cmd.judge_id == state.judge_id:
        raise Conflict("该法官已是本案承办法官", code="same_judge")
    team = roster.team_of(cmd.judge_id)
    assert team is not None
    if state.track is not None and team.track != state.track:
        # 繁简分流: the track is the team lead's triage decision (override_triage, with its reason and a
        # triage event); a re-assignment may not change it on the side.
        raise DomainError(f"该法官属于{'快执' if team.track == 'fast' else '普执'}团队，本案为"
                          f"{'快执' if state.track == 'fast' else '普执'}案件：须先由团队长调整繁简分流",
                          code="track_change_needs_triage", rule="繁简分流-团队长",
                          errors=[FieldError("judge_id", "不在本案轨道的团队中", "other_track")])
    return [ev.CaseAssigned(judge_id=cmd.judge_id, team_id=team.team_id, track=team.track,
                            assigned_by=cmd.who.officer_id, strategy="manual", reason=cmd.reason,
                            previous_judge_id=state.judge_id, team_lead_id=team.lead_id)]


def register_linked(cmd: c.RegisterLinkedCase, state: CaseState) -> list[DomainEvent]:
    """The new 执恢 / 执异 case, carrying the old case's parties and basis, linked to it."""
    if state.status != "new":
        raise Conflict("新案件编号已被占用", code="already_registered")
    old = cmd.linked
    assert isinstance(old, CaseState) and old.registered is not None
    base = old.registered
    conflicts = set(old.conflicts)
    if cmd.case_type == "执恢" and old.closed_by_judge:
        conflicts.add(old.closed_by_judge)  # 双循环 (互相制约-7): never the judge who closed it
    applicant = cmd.objector or base.applicant
    received = ev.ApplicationReceived(
        case_id=cmd.case_id, court=base.court, case_type=cmd.case_type, applicant=applicant,
        respondent=base.respondent, basis=base.basis, claim_amount_fen=base.claim_amount_fen,
        application_date=cmd.who.today, decide_by=decide_by(cmd.who.today),
        materials=old.application.materials if old.application else [], missing=[],
        service_address_confirmed=bool(old.application and old.application.service_address_confirmed),
        real_estate_disposal_expected=bool(old.application and old.application.real_estate_disposal_expected),
        conflicts=sorted(conflicts), received_by=cmd.who.officer_id, linked_case_id=old.case_id,
    )
    after = evolve(state, received)
    registered = _registration(after, cmd.who, cmd.case_number)
    out: list[DomainEvent] = [received, registered]
    if cmd.routing is not None:
        # A 执恢 case's first assignment names the judge who closed the old case (互相制约-7, 双循环), so
        # that supervision can check it did not go back to them.
        closing = (old.closed_by_judge or old.judge_id) if cmd.case_type == "执恢" else None
        out.extend(route(evolve(after, registered), cmd.routing, previous_judge=closing))
    return out
