"""HTTP: resumption of a 终本 case (new 执恢 case) and objections (new 执异 case).

Each writes two streams in one transaction (the shared runner's unit of work): the old case
records the decision, the new case is registered, linked to it. An objection's decision, recorded on
the case objected to, closes its 执异 case in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Request, Response
from fastapi.encoders import jsonable_encoder
from pydantic import Field

from services.intake import events as ev
from services.intake.api.common import (
    DECIDER,
    Body,
    Clerk,
    ObjectionReviewer,
    ReasonIn,
    ResumptionReviewer,
    Rt,
    answer,
    config,
    next_case_number,
    routing,
    run,
    who,
)
from services.intake.api.filing import PartyIn
from services.intake.api.models import CaseWritten, LinkedWritten
from services.intake.domain import CaseState
from services.intake.domain import commands as c
from services.intake.domain.decider import stream_id
from services.intake.reads import acted_on_case, handlers
from shared.api import expected_version
from shared.app import Runtime
from shared.auth import Principal, Role
from shared.commands import CommandMeta, CommandResult, IdempotencyRequest, fold

router = APIRouter(tags=["恢复执行与执行异议 resumption & objection"])

Build = Callable[[asyncpg.Connection, CaseState, c.Who], Awaitable[tuple[Any, Any]]]


async def execute_linked(request: Request, rt: Runtime, officer: Principal, role: str, case_id: str,
                         new_case_id: str, build: Build) -> dict[str, Any]:
    meta = CommandMeta.for_request(request, officer.actor(role), officer.court)
    idem = await IdempotencyRequest.from_request(request, officer)
    async with rt.commands.unit_of_work(meta, idem) as uow:
        if uow.replay is not None:
            return uow.replay[1]
        await uow.lock(case_id, new_case_id)
        old_state, version = await uow.load(stream_id(case_id), DECIDER, expected_version(request))
        old_cmd, new_cmd = await build(uow.conn, old_state, who(officer, meta))
        old_envs = await uow.append(stream_id(case_id), case_id, version, DECIDER.decide(old_cmd, old_state))
        new_envs = await uow.append(stream_id(new_case_id), new_case_id, 0,
                                    DECIDER.decide(new_cmd, DECIDER.initial_state()))
        new_state = fold(DECIDER, new_envs)
        body = {
            "case_id": case_id, "version": version + len(old_envs),
            "events": [e.event_type for e in old_envs],
            "new_case": {"case_id": new_case_id, "case_number": new_state.case_number,
                         "case_type": new_state.case_type, "status": new_state.status,
                         "track": new_state.track, "judge_id": new_state.judge_id,
                         "team_id": new_state.team_id, "linked_case_id": case_id,
                         "events": [e.event_type for e in new_envs]},
        }
        await uow.answer(201, body)
    return body


def _linked(response: Response, out: dict[str, Any]) -> LinkedWritten:
    """201 with the new case's address (a replayed Idempotency-Key: the case the first request created)."""
    written = LinkedWritten.model_validate(out)
    response.headers["Location"] = f"/cases/{written.new_case.case_id}"
    return written


class ResumptionIn(ReasonIn):
    ground: Literal["applicant_new_lead", "ex_officio_research", "settlement_breached"] = Field(
        description="applicant_new_lead 申请执行人提供新线索 / ex_officio_research 依职权复查发现财产 / "
                    "settlement_breached 被执行人不履行执行和解协议，申请执行人申请恢复执行（执行和解规定第9条）"
    )
    breach: str | None = Field(default=None, max_length=4000,
                               description="不履行或不完全履行和解协议的情况（settlement_breached 必填）")
    settlement_due_on: date | None = Field(
        default=None, description="和解协议约定的履行期限最后一日（settlement_breached 必填；二年申请期间自该日起算）")
    applied_on: date | None = Field(default=None, description="申请执行人提出恢复执行申请的日期；默认今天")


@router.post("/cases/{case_id}/resumption", status_code=201,
             summary="恢复执行：终本案件，或不履行执行和解协议（指定审查人；新立执恢案件并分给非原结案法官）")
async def resume(case_id: str, body: ResumptionIn, request: Request, response: Response, officer: ResumptionReviewer,
                 rt: Rt) -> LinkedWritten:
    cfg = config(request)
    new_case_id = str(uuid.uuid4())

    async def build(conn: asyncpg.Connection, old: CaseState, w: c.Who) -> tuple[Any, Any]:
        roster = cfg.roster(old.court or officer.court)
        wanted = "终结执行" if body.ground == "settlement_breached" else "终本"
        resumable = old.status == "closed" and old.closure_type == wanted and old.court == w.court
        number = await next_case_number(conn, old.court or "", "执恢", w.now.year) if resumable else "（未分配）"
        resume_cmd = c.ResumeCase(w, new_case_id, number, body.ground, body.reason,
                                  frozenset(roster.reviewers), await handlers(conn, case_id),
                                  body.breach, body.settlement_due_on, body.applied_on)
        exclude = frozenset({old.closed_by_judge or ""})
        register = c.RegisterLinkedCase(w, new_case_id, number, "执恢", old,
                                        await routing(conn, cfg, old.court or officer.court, exclude))
        return resume_cmd, register

    out = await execute_linked(request, rt, officer, Role.REVIEWER, case_id, new_case_id, build)
    return _linked(response, out)


class ObjectionIn(Body):
    objector: PartyIn
    grounds: str = Field(min_length=2, max_length=4000, description="异议理由")
    reviewers: list[str] = Field(min_length=1, max_length=7, description="合议庭成员（审查人员）")
    asset_ids: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=50, description="案外人主张权利的财产（查控或外勤登记的财产编号）")
    received_on: date | None = Field(
        default=None, description="收到书面异议的日期（十五日审查期限自该日起算，民诉法第236条）；默认今天")


class HearingIn(Body):
    held_on: date = Field(description="听证日期")
    notes: str = Field(min_length=2, max_length=4000, description="听证情况摘要")


class ObjectionDecisionIn(ReasonIn):
    outcome: Literal["upheld", "rejected", "withdrawn"] = Field(
        description="upheld 异议成立 / rejected 驳回异议 / withdrawn 异议人撤回")


@router.post("/cases/{case_id}/objections", status_code=201,
             summary="登记执行异议（新立执异案件；审查人员不得为办理过本案的人员）")
async def register_objection(case_id: str, body: ObjectionIn, request: Request, response: Response, officer: Clerk,
                             rt: Rt) -> LinkedWritten:
    new_case_id = str(uuid.uuid4())

    async def build(conn: asyncpg.Connection, old: CaseState, w: c.Who) -> tuple[Any, Any]:
        acting = old.status != "new" and old.court == w.court
        number = await next_case_number(conn, old.court or "", "执异", w.now.year) if acting else "（未分配）"
        objection = c.RegisterObjection(w, new_case_id, number, body.objector.record(), body.grounds,
                                        tuple(body.reviewers), await handlers(conn, case_id), tuple(body.asset_ids),
                                        body.received_on)
        register = c.RegisterLinkedCase(w, new_case_id, number, "执异", old, None, body.objector.record())
        return objection, register

    out = await execute_linked(request, rt, officer, Role.INTAKE_CLERK, case_id, new_case_id, build)
    return _linked(response, out)


@router.post("/cases/{case_id}/objections/{objection_case_id}/decision",
             summary="执行异议审查结论或撤回（仅该异议的合议庭成员）")
async def decide_objection(case_id: str, objection_case_id: str, body: ObjectionDecisionIn, request: Request,
                           response: Response, officer: ObjectionReviewer, rt: Rt) -> CaseWritten:
    meta = CommandMeta.for_request(request, officer.actor(Role.REVIEWER), officer.court)
    idem = await IdempotencyRequest.from_request(request, officer)
    async with rt.commands.unit_of_work(meta, idem) as uow:
        if uow.replay is not None:
            status, out = uow.replay
        else:
            await uow.lock(case_id, objection_case_id)
            state, version = await uow.load(stream_id(case_id), DECIDER, expected_version(request))
            w = who(officer, meta)
            cmd = c.DecideObjection(w, objection_case_id, body.outcome, body.reason,
                                    acted=await acted_on_case(uow.conn, case_id))
            decided = DECIDER.decide(cmd, state)
            envs = await uow.append(stream_id(case_id), case_id, version, decided)
            for e in decided:
                state = DECIDER.evolve(state, e)
            # The 执异 case's own end: its ruling closes it on the decision's day (docs/rules.md §8).
            objection_case, oversion = await uow.load(stream_id(objection_case_id), DECIDER)
            if objection_case.case_type == "执异" and objection_case.registered is not None \
                    and objection_case.status != "closed":
                on = next(e.decided_on for e in decided if isinstance(e, ev.ObjectionDecided))
                close = c.CloseObjectionCase(w, case_id, body.outcome, body.reason, on)
                await uow.append(stream_id(objection_case_id), objection_case_id, oversion,
                                 DECIDER.decide(close, objection_case))
            status, out = answer(CommandResult(state, version + len(envs), envs))
            await uow.answer(status, out)
    response.status_code = status
    if isinstance(out.get("version"), int):
        response.headers["ETag"] = f'"{out["version"]}"'
    return CaseWritten.model_validate(jsonable_encoder(out))


@router.post("/cases/{case_id}/objections/{objection_case_id}/hearing",
             summary="执行异议听证（仅该异议的合议庭成员；执行异议复议规定第12条）")
async def objection_hearing(case_id: str, objection_case_id: str, body: HearingIn, request: Request,
                            response: Response, officer: ObjectionReviewer, rt: Rt) -> CaseWritten:
    return await run(request, response, rt, officer, Role.REVIEWER, case_id,
                     lambda w: c.HoldObjectionHearing(w, objection_case_id, body.held_on, body.notes),
                     out=CaseWritten)
