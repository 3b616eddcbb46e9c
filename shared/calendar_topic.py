"""The court's holiday calendar as records every process of every service applies.

When an administrator loads a year's schedule (supervision's ``PUT /admin/holidays/{year}``), one
record goes on ``<case-events topic>.calendar`` (one partition, kept for ever): the year, its days
off and make-up working days, who loaded it, why and from which publication (e.g. 国办发明电〔2030〕
N号). Every process of every service and the agencies' simulator follows the topic as it follows the
drill clock (``shared/topic_follower.py``): it applies every load before it serves, then each new one
within a poll, into its court calendar (``shared.holidays.COURT``), which consults a loaded year first
and the package otherwise. The latest load of a year replaces the earlier ones.

Why a topic, not a case event: every process must apply it (two instances of one service share the
case partitions), and it belongs to no case. Unlike the clock it is followed on the wall clock too.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, Literal

import structlog
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel, ConfigDict, Field

from shared.holidays import COURT_YEARS, CourtYears, LoadedYear, YearSchedule
from shared.topic_follower import TopicFollower, publish_record

log = structlog.get_logger()

CALENDAR_LOADED = "court.calendar_loaded"


class CalendarYear(BaseModel):
    """One year's holiday schedule as loaded by an administrator, as recorded on the calendar topic."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: uuid.UUID
    event_type: Literal["court.calendar_loaded"] = "court.calendar_loaded"
    year: int = Field(ge=2000, le=2100)
    holidays: list[date] = Field(description="放假日期（含调休放假的工作日）")
    workdays: list[date] = Field(default_factory=list, description="调休上班的周末日期")
    source: str = Field(description="依据：国务院办公厅关于该年节假日安排的通知（文号）")
    actor_id: str
    actor_name: str
    reason: str
    recorded_at: datetime = Field(description="导入的实际时间（墙上时钟）")

    def loaded_year(self) -> LoadedYear:
        return LoadedYear(YearSchedule(self.year, frozenset(self.holidays), frozenset(self.workdays)),
                          source=self.source, loaded_by=self.actor_id, reason=self.reason,
                          event_id=str(self.event_id), recorded_at=self.recorded_at.isoformat())


def calendar_topic(case_events_topic: str) -> str:
    return f"{case_events_topic}.calendar"


class CalendarFollower(TopicFollower[CalendarYear]):
    """Follows the calendar topic and loads each year into this process's court calendar."""

    def __init__(self, bootstrap: str, topic: str, years: CourtYears = COURT_YEARS,
                 on_load: Callable[[CalendarYear], Awaitable[None]] | None = None) -> None:
        super().__init__(bootstrap, topic, CalendarYear, self._load, name="court-calendar")
        self.years = years
        self.on_load = on_load

    async def _load(self, record: CalendarYear) -> None:
        self.years.load(record.loaded_year())
        log.info("court_calendar_loaded", year=record.year, holidays=len(record.holidays), by=record.actor_id)
        if self.on_load is not None:
            await self.on_load(record)


async def publish_year(producer: AIOKafkaProducer, topic: str, record: CalendarYear) -> None:
    """The load on the calendar topic, acknowledged by the brokers (key: the year)."""
    await publish_record(producer, topic, record, str(record.year).encode())


def describe(follower: CalendarFollower | None, years: CourtYears = COURT_YEARS) -> dict[str, Any]:
    """For /readyz: the years loaded (source per year), the package's years, and whether this process
    applied every load on the topic."""
    return {**years.describe(), "caught_up": follower.caught_up.is_set() if follower else None,
            **({"topic_missing": True} if follower and follower.missing else {})}
