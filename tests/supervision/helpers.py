"""Helpers of supervision's tests: other services' events as they would publish them (``Story``, on the
run's topic) and given-histories for the pure checks (``History``, a trail built event by event).

Both build every payload through the event registry (``tests.helpers.payload``): a test names the
fields that matter, the type's example gives the rest, and the payload model validates the whole."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from deploy.system import System
from services.supervision.domain.entries import Entry
from shared.envelope import SHANGHAI, Actor, Envelope
from shared.events import REGISTRY
from tests.conftest import auth
from tests.helpers import payload as registered_payload

SUPERVISOR = auth("sup-001", "supervisor")
ADMIN = auth("admin-001", "admin")


class Story:
    """One case's events from every service, each service's stream with contiguous versions."""

    def __init__(self, court: str = "黔01", start: datetime | None = None) -> None:
        self.case_id = f"case-{uuid.uuid4().hex[:12]}"
        self.court = court
        self.now = start or datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
        self.versions: dict[str, int] = {}
        self.envelopes: list[Envelope] = []

    def on(self, day: str) -> Story:
        self.now = datetime.combine(datetime.fromisoformat(day).date(), time(9, 0), SHANGHAI)
        return self

    def add(
        self,
        event_type: str,
        by: str = "system",
        role: str | None = None,
        *,
        cause: Envelope | None = None,
        **payload: Any,
    ) -> Envelope:
        """The next event of the case, its payload built through the registry (validated)."""
        if "case_id" in REGISTRY.get(event_type).model.model_fields:
            payload.setdefault("case_id", self.case_id)
        at = self.now + timedelta(minutes=5)
        body = registered_payload(event_type, at.date(), **payload)
        return self._append(event_type, REGISTRY.get(event_type).version, by, role, cause, body)

    def unchecked(self, event_type: str, by: str = "system", role: str | None = None, **payload: Any) -> Envelope:
        """An event no registered producer publishes (an unknown type, hostile content), as it is: what
        supervision must still keep when some producer breaks the contract. Only for such tests."""
        assert event_type not in REGISTRY, f"{event_type} is registered: use add()"
        return self._append(event_type, 1, by, role, None, payload)

    def _append(
        self, event_type: str, version: int, by: str, role: str | None, cause: Envelope | None, body: dict[str, Any]
    ) -> Envelope:
        producer = event_type.split(".")[0]
        stream = f"{producer}.story:{self.case_id}"  # never a real service's stream
        self.versions[stream] = self.versions.get(stream, 0) + 1
        self.now += timedelta(minutes=5)
        actor = (
            Actor.system(producer)
            if by == "system"
            else Actor(kind="officer", id=by, name=by, role=role, court=self.court)
        )
        env = Envelope(
            event_id=uuid.uuid4(),
            event_type=event_type,
            schema_version=version,
            case_id=self.case_id,
            stream_id=stream,
            stream_version=self.versions[stream],
            occurred_at=self.now,
            recorded_at=self.now,
            producer=producer,
            actor=actor,
            court=self.court,
            correlation_id=self.case_id,
            causation_id=str(cause.event_id) if cause else None,
            payload=body,
        )
        self.envelopes.append(env)
        return env

    def registered(self, clerk: str = "clerk-1", **extra: Any) -> Envelope:
        return self.add(
            "intake.case_registered",
            clerk,
            "intake_clerk",
            case_id=self.case_id,
            case_number=f"（2026）黔01执{uuid.uuid4().int % 10000}号",
            case_type="执",
            court=self.court,
            claim_amount_fen=12_345_600,
            application_date=self.now.date().isoformat(),
            registered_by=clerk,
            **extra,
        )

    def assigned(self, judge: str = "judge-1", by: str = "affairs-1") -> Envelope:
        return self.add(
            "intake.case_assigned",
            by,
            "affairs_clerk",
            judge_id=judge,
            team_id="team-1",
            track="ordinary",
            assigned_by=by,
        )


async def publish(system: System, envelopes: Sequence[Envelope]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=system.bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for env in envelopes:
            await producer.send(system.topic, env.to_bytes(), key=env.case_id.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def wait_trail(
    http: httpx.AsyncClient,
    system: System,
    case_id: str,
    count: int,
    headers: dict[str, str] = SUPERVISOR,
    tries: int = 300,
    **params: Any,
) -> list[dict[str, Any]]:
    """The case's trail once it holds at least ``count`` events matching ``params`` (``tries`` reads,
    0.1 s apart)."""
    events: list[dict[str, Any]] = []
    for _ in range(tries):
        r = await http.get(f"{system.url('supervision')}/cases/{case_id}/trail", headers=headers, params=params)
        if r.status_code == 200:
            events = r.json()["events"]
            if len(events) >= count:
                return events
        await asyncio.sleep(0.1)
    raise AssertionError(f"case {case_id}: {len(events)} of {count} events reached supervision's trail")


async def wait_story(
    http: httpx.AsyncClient, system: System, story: Story, headers: dict[str, str] = SUPERVISOR, **params: Any
) -> list[dict[str, Any]]:
    """The case's trail (matching ``params``) once it holds every event of ``story``. It may hold more:
    the services react to the story's events as they would to any (a registered and assigned case is
    searched by asset_search at once, so its queries join the trail)."""
    ids = {str(e.event_id) for e in story.envelopes}
    events: list[dict[str, Any]] = []
    for _ in range(300):
        r = await http.get(f"{system.url('supervision')}/cases/{story.case_id}/trail", headers=headers, params=params)
        if r.status_code == 200:
            events = r.json()["events"]
            if ids <= {e["event_id"] for e in events}:
                return events
        await asyncio.sleep(0.1)
    raise AssertionError(f"case {story.case_id}: {len(events)} events in the trail, not every one of the story's")


def of_story(events: list[dict[str, Any]], story: Story) -> list[dict[str, Any]]:
    """The trail's events that ``story`` published, in trail order."""
    ids = {str(e.event_id) for e in story.envelopes}
    return [e for e in events if e["event_id"] in ids]



class History:
    """A case's trail, written the way the services would record it."""

    def __init__(self, case_id: str = "case-1", start: date = date(2026, 1, 5)) -> None:
        self.case_id = case_id
        self.day = start
        self.entries: list[Entry] = []

    def on(self, day: date) -> History:
        self.day = day
        return self

    def later(self, days: int) -> History:
        self.day += timedelta(days=days)
        return self

    def add(self, event_type: str, by: str = "system", role: str | None = None, **payload: Any) -> Entry:
        if "case_id" in REGISTRY.get(event_type).model.model_fields:
            payload.setdefault("case_id", self.case_id)
        entry = Entry(
            seq=len(self.entries) + 1,
            event_id=str(uuid.uuid4()),
            event_type=event_type,
            occurred_at=datetime.combine(self.day, time(10, 0), SHANGHAI),
            actor_kind="system" if by == "system" else "officer",
            actor_id=by,
            actor_role=role,
            payload=registered_payload(event_type, self.day, **payload),
            case_id=self.case_id,
        )
        self.entries.append(entry)
        return entry

    def registered(self, clerk: str = "clerk-1", **extra: Any) -> Entry:
        payload = {
            "case_id": self.case_id,
            "case_number": "（2026）黔01执1号",
            "case_type": "执",
            "court": "黔01",
            "claim_amount_fen": 100_000,
            "application_date": self.day.isoformat(),
            "registered_by": clerk,
            "registered_on": self.day.isoformat(),
        } | extra
        return self.add("intake.case_registered", clerk, "intake_clerk", **payload)

    def assigned(
        self, judge: str = "judge-1", by: str = "affairs-1", role: str = "affairs_clerk", **extra: Any
    ) -> Entry:
        return self.add(
            "intake.case_assigned",
            by,
            role,
            judge_id=judge,
            team_id="team-1",
            track="ordinary",
            assigned_by=by,
            **extra,
        )

    def opened(self) -> History:
        """Registered and assigned to judge-1 (the usual start)."""
        self.registered()
        self.assigned()
        return self
