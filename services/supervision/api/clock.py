"""The drill clock: an administrator moves the court clock forward, every service follows.

Only where the drill clock is configured (``COURT_CLOCK_DRILL=1``, refused in the production
profile): a drill or a test lives months in minutes (终本 after three months, the 6-monthly
re-search, escalations over weeks). The move is a record on the clock topic that every process
applies (``shared/clock_topic.py``); the deadline scanner runs at once on the new day.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field, model_validator

from services.supervision.api.trail import Rt
from shared import clock
from shared.auth import POWERS_LIST, Principal, Role, require_roles
from shared.clock_topic import ClockFollower, ClockMove, clock_topic, publish_move
from shared.errors import Conflict, FieldError, InvalidInput
from shared.openapi import ResponseModel, problems
from shared.text import RequestModel

router = APIRouter(tags=["演练时钟 drill clock"])
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN, rule=POWERS_LIST))]


class ClockMoveIn(RequestModel):
    """拨快法院时钟（仅演练/测试环境）：按天数，或拨到某一时刻；只能向前。"""

    days: int | None = Field(default=None, ge=1, le=3660, description="向前拨的天数")
    to: datetime | None = Field(default=None, description="拨到的时刻（ISO 8601；不带时区按北京时间）")
    reason: str = Field(min_length=2, max_length=500, description="拨动理由（记入时钟记录）")

    @model_validator(mode="after")
    def _one_way(self) -> ClockMoveIn:
        if (self.days is None) == (self.to is None):
            raise ValueError("请给出 days（向前拨的天数）或 to（拨到的时刻）之一")
        return self


class ClockMoveOut(ResponseModel):
    event_id: uuid.UUID
    moved_from: datetime
    moved_to: datetime
    offset_s: float
    actor_id: str
    actor_name: str
    reason: str
    recorded_at: datetime


class ClockState(ResponseModel):
    now: datetime = Field(description="法院时钟当前时刻")
    today: str = Field(description="法院时钟当前日期")
    drill: bool = Field(description="是否演练时钟（可拨动）")
    moved: bool
    offset_s: float
    moves: list[ClockMoveOut] = Field(description="时钟拨动记录（最早在前）")


def _follower(rt: Rt) -> ClockFollower | None:
    follower: ClockFollower | None = rt.extras.get("clock")
    return follower


def _state(rt: Rt) -> ClockState:
    follower = _follower(rt)
    now = clock.now()
    return ClockState.model_validate({
        "now": now, "today": now.date().isoformat(), "drill": clock.CLOCK.drill, "moved": clock.CLOCK.moved,
        "offset_s": round(clock.CLOCK.offset_s, 3),
        "moves": [m.model_dump(exclude={"event_type"}) for m in (follower.moves if follower else [])],
    })


@router.get("/admin/clock", summary="法院时钟：当前时刻、是否演练时钟、拨动记录")
async def get_clock(officer: Admin, rt: Rt) -> ClockState:
    return _state(rt)


@router.post("/admin/clock", summary="拨快演练时钟（仅演练/测试环境）：五个服务与模拟器随之一致",
             responses=problems(409))
async def move_clock(body: ClockMoveIn, officer: Admin, rt: Rt) -> ClockState:
    follower = _follower(rt)
    if not clock.CLOCK.drill or follower is None:
        raise Conflict("本环境使用真实时钟，不能拨动（仅演练/测试环境配置 COURT_CLOCK_DRILL=1 时可拨动）",
                       code="clock_not_movable")
    before = clock.now()
    if body.days is not None:
        target = before + timedelta(days=body.days)
    else:
        assert body.to is not None
        target = body.to if body.to.tzinfo else body.to.replace(tzinfo=clock.SHANGHAI)
    if target <= before:
        raise InvalidInput("时钟只能向前拨动", code="clock_backwards",
                           errors=[FieldError("to", f"拨到的时刻须晚于当前法院时钟 {before.isoformat()}",
                                              "clock_backwards")])
    move = ClockMove(
        event_id=uuid.uuid4(), offset_s=clock.CLOCK.offset_s + (target - before).total_seconds(),
        moved_from=before, moved_to=target.astimezone(clock.SHANGHAI), recorded_at=datetime.now(clock.SHANGHAI),
        actor_id=officer.officer_id, actor_name=officer.name, reason=body.reason,
    )
    await publish_move(rt.producer, clock_topic(rt.settings.case_events_topic), move)
    await follower.applied(move.event_id, within_s=10)
    return _state(rt)
