"""Builders for intake's pure tests: commands and past events with sensible defaults."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from services.intake import events as ev
from services.intake.config import load_config
from services.intake.domain import CaseDecider, CaseState, given
from services.intake.domain import commands as c
from shared.envelope import SHANGHAI

CONFIG = load_config()
ROSTER = CONFIG.roster("黔01")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
DECIDER = CaseDecider()
H = "ab" * 32


def who(officer: str = "clerk-1", *, court: str = "黔01", now: datetime = NOW) -> c.Who:
    return c.Who(officer, court, now)


def party(kind: str = "organisation", **kw: Any) -> ev.PartyRecord:
    ids = {"organisation": "91110000600037341L", "person": "11010519491231002X"}
    return ev.PartyRecord(kind=kind, name=kw.pop("name", "某公司"), id_number=kw.pop("id_number", ids[kind]), **kw)


def basis(kind: str = "judgment", **kw: Any) -> ev.BasisRecord:
    return ev.BasisRecord(kind=kind, issuing_body="南明区法院", document_number="（2025）黔0102民初1号",
                          effective_date=kw.pop("effective_date", date(2025, 9, 1)),
                          performance_deadline=kw.pop("performance_deadline", date(2025, 9, 15)), **kw)


def item(cls: str, kind: str) -> ev.MaterialItem:
    return ev.MaterialItem(material_class=cls, kind=kind, content_hash=H)  # type: ignore[arg-type]


COMPLETE = (
    item("application_form", "application"), item("basis_document", "basis_copy"),
    item("basis_document", "effectiveness_proof"), item("identity", "business_licence"),
    item("identity", "legal_rep_certificate"), item("asset_leads", "asset_lead"),
)


def application(**kw: Any) -> c.ReceiveApplication:
    base: dict[str, Any] = dict(
        who=who(), case_id="case-1", court="黔01", case_type="执", applicant=party("organisation"),
        respondent=party("person", name="王某"), basis=basis(), claim_amount_fen=12_345_600,
        application_date=date(2026, 11, 20), materials=COMPLETE, supplement_deadline_days=15,
    )
    base.update(kw)
    return c.ReceiveApplication(**base)


def routing(**kw: Any) -> c.Routing:
    return c.Routing(triage=CONFIG.triage, roster=kw.pop("roster", ROSTER), **kw)


def decide(command: object, state: CaseState) -> list[Any]:
    return list(DECIDER.decide(command, state))


def run(state: CaseState, command: object) -> CaseState:
    for e in decide(command, state):
        state = DECIDER.evolve(state, e)
    return state


def registered(**kw: Any) -> CaseState:
    """A case received complete, registered by clerk-1, triaged and assigned (judge: qz-j-201)."""
    state = run(given(), application(**kw))
    return run(state, c.RegisterCase(who(), routing(loads={"qz-j-202": 5, "qz-j-203": 5}),
                                     case_number="（2026）黔01执1号"))


def days_later(days: int) -> datetime:
    return NOW + timedelta(days=days)
