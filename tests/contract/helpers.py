"""Helpers of the contract tests: events made by each producer's own domain code, each service's
consumer run on them on its own real database, and the payload fields its reactions read.

- ``produced()`` (``PRODUCED``, ``BY_TYPE``): every event the four deciders make along an ordinary
  course of their commands (intake: filing, notices, clock, closure, resumption, objection;
  asset_search: search, controls, leads, an on-site seizure, a re-search; field_ops: an instruction and
  its task; disposal: a disposal auctioned and sold, one offset, one sold directly, one released, and
  the case account), in envelopes as the command runner builds them; in this order, the log.
- ``Tracked``: a payload that records every field read from it (``basis.kind``, ``found_assets[].asset_id``).
- ``schema_paths(model)``: every field path a payload model publishes.
- ``CONSUMERS``: each consuming service as its app composes it (reactions, migrations); ``CONSUMED``
  the types each has handlers for; ``TOLERATED`` the unpublished fields a reader may fall back on.
- ``consume(pool, consumer, log)``: the log through a service's consumer on a database migrated as its
  app migrates it (real PostgreSQL, real ``EventStore``), so each reaction reads what the events
  before it left there; ``react(conn, consumer, store, envelope)``: one event of it. Each gives, per
  event, the fields read, the rows written and the events appended.
"""

from __future__ import annotations

import types
import typing
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

import asyncpg
from pydantic import BaseModel

from services.asset_search import events as search_ev
from services.asset_search import main as asset_search_main
from services.asset_search.agencies.registry import AgencyRegistry
from services.asset_search.consumer import build_reactions as asset_search_reactions
from services.asset_search.domain import commands as search
from services.asset_search.domain.decider import SearchFileDecider
from services.asset_search.projections import make_projector
from services.asset_search.settings import DEV_AGENCIES
from services.disposal import main as disposal_main
from services.disposal.consumer import reactions as disposal_reactions
from services.disposal.domain import commands as disposal
from services.disposal.domain.decider import DisposalDecider, LedgerDecider
from services.field_ops import events as field_ev
from services.field_ops import main as field_ops_main
from services.field_ops.consumer import reactions as field_ops_reactions
from services.field_ops.domain import commands as fo
from services.field_ops.domain.decider import InstructionDecider
from services.field_ops.domain.routing import Route
from services.intake import events as intake_ev
from services.intake import main as intake_main
from services.intake.consumer import reactions as intake_reactions
from services.intake.domain import CaseDecider
from services.intake.domain import commands as intake
from services.intake.projections import project as intake_project
from services.supervision import main as supervision_main
from services.supervision.consumer import build_reactions as supervision_reactions
from services.supervision.settings import Settings as SupervisionSettings
from shared.commands import Decider, Projector
from shared.envelope import SHANGHAI, Actor, Envelope
from shared.events import REGISTRY, DomainEvent
from shared.eventstore import EventStore
from shared.reactions import ReactionContext, Reactions
from tests.helpers import HASH, RESPONDENT, envelopes_of
from tests.intake.helpers import COMPLETE, CONFIG, ROSTER, application, item, party, routing

CASE = "case-1"
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


class Course:
    """One stream of a producer: commands decided in order on the folded state, each command's
    events in envelopes (contiguous versions, the command's actor and time)."""

    def __init__(self, decider: Decider[Any, Any], stream_id: str, case_id: str = CASE) -> None:
        self.decider, self.state = decider, decider.initial_state()
        self.stream_id, self.case_id = stream_id, case_id
        self.envelopes: list[Envelope] = []
        self.events: list[DomainEvent] = []

    def __call__(self, command: object, actor: Actor | str = "system", role: str | None = None,
                 when: datetime = T0) -> list[DomainEvent]:
        events = list(self.decider.decide(command, self.state))
        for e in events:
            self.state = self.decider.evolve(self.state, e)
        self.events += events
        self.envelopes += envelopes_of(events, self.case_id, stream_id=self.stream_id,
                                       version=len(self.envelopes) + 1, actor=actor, role=role, occurred_at=when)
        return events


# ---- intake ------------------------------------------------------------------------------------------

def _who(officer: str, days: float = 0) -> intake.Who:
    return intake.Who(officer, "黔01", at(days))


def intake_course() -> list[Envelope]:
    judge, later = "qz-j-201", 175
    case = Course(CaseDecider(), f"intake.case:{CASE}")
    incomplete = tuple(m for m in COMPLETE if m.material_class != "asset_leads")
    case(application(who=_who("clerk-1"), case_id=CASE, materials=incomplete), "clerk-1", "intake_clerk")
    case(intake.SupplementMaterials(_who("clerk-1"), (item("asset_leads", "asset_lead"),)), "clerk-1", "intake_clerk")
    case(intake.RegisterCase(_who("clerk-1"), routing(loads={"qz-j-202": 5, "qz-j-203": 5}),
                             case_number="（2026）黔01执1号"), "clerk-1", "intake_clerk")
    recipient = intake_ev.Recipient(kind="person", name="王某", address="贵阳市南明区某路 1 号")
    for i, kind in enumerate(("enforcement_notice", "consumption_restriction", "blacklisting")):
        by_hand = kind == "enforcement_notice"
        case(intake.PrepareNotice(_who("affairs-1"), f"n{i}", kind, HASH,  # type: ignore[arg-type]
                                  "by_hand" if by_hand else "electronic", recipient if by_hand else None,
                                  "520102" if by_hand else None), "affairs-1", "affairs_clerk")
        case(intake.SignNotice(_who(judge), f"n{i}"), judge, "judge")
    case(intake.Suspend(_who(judge, 1), "案外人提出异议"), judge, "judge", at(1))
    case(intake.LiftSuspension(_who(judge, 2), "异议审查完毕"), judge, "judge", at(2))
    case(intake.Postpone(_who(judge, 3), "申请执行人同意暂缓", at(33).date()), judge, "judge", at(3))
    case(intake.LiftPostponement(_who(judge, 4), "暂缓期满"), judge, "judge", at(4))
    case(intake.RecordInterview(_who(judge, 5), HASH, at(5).date()), judge, "judge", at(5))
    case(intake.RecordSettlement(_who(judge, 6), False, HASH), judge, "judge", at(6))
    case(intake.RequestExtension(_who(judge, 170), 3, "财产处置中"), judge, "judge", at(170))
    case(intake.ApproveExtension(_who("president-1", 171)), "president-1", "president", at(171))
    paid = intake.ClosureFacts(paid_in_full=True)
    case(intake.ProposeClosure(_who(judge, later), "执行完毕", "已付", paid, CONFIG.closure), judge, "judge", at(later))
    case(intake.RejectClosure(_who("chief-1", later), "材料不全"), "chief-1", "bureau_chief", at(later))
    answered = tuple((f"q{i}", kind, "nothing_found") for i, kind in enumerate(CONFIG.closure.required_agency_kinds))
    facts = intake.ClosureFacts(queries=answered, field_reports=1)
    case(intake.ProposeClosure(_who(judge, later), "终本", "穷尽财产调查措施", facts, CONFIG.closure, True),
         judge, "judge", at(later))
    case(intake.ApproveClosure(_who("chief-1", later), facts, CONFIG.closure), "chief-1", "bureau_chief", at(later))
    case(intake.ResumeCase(_who("qz-rev-01", later + 30), "case-2", "（2027）黔01执恢1号", "applicant_new_lead",
                           "发现新财产", frozenset({"qz-rev-01", "qz-rev-02"}), frozenset()),
         "qz-rev-01", "reviewer", at(later + 30))

    other = Course(CaseDecider(), "intake.case:case-3", "case-3")
    other(application(who=_who("clerk-1"), case_id="case-3"), "clerk-1", "intake_clerk")
    other(intake.RegisterCase(_who("clerk-1"), routing(), case_number="（2026）黔01执3号"), "clerk-1", "intake_clerk")
    other(intake.OverrideTriage(_who("qz-lead-01"), "fast", "标的小、事实清楚", routing()), "qz-lead-01", "team_lead")
    other(intake.ChangePartyContact(_who("clerk-1"), "applicant", mobile="13800000001", sms_opt_out=True),
          "clerk-1", "intake_clerk")
    other(intake.Reassign(_who("qz-lead-01"), "qz-j-102", "原承办法官回避", ROSTER), "qz-lead-01", "team_lead")
    objector = party("person", name="案外人赵某", id_number="11010519491231002X")
    panel = ("qz-rev-01", "qz-rev-02", "qz-rev-03")
    other(intake.RegisterObjection(_who("clerk-1"), "case-4", "（2026）黔01执异1号", objector, "车辆属于案外人", panel,
                                   frozenset(), ("asset-1",)), "clerk-1", "intake_clerk")
    other(intake.HoldObjectionHearing(_who("qz-rev-02"), "case-4", _who("qz-rev-02").today, "双方到庭陈述"),
          "qz-rev-02", "reviewer")
    other(intake.DecideObjection(_who("qz-rev-02"), "case-4", "rejected", "异议不成立"), "qz-rev-02", "reviewer")

    refused = Course(CaseDecider(), "intake.case:case-5", "case-5")
    refused(application(who=_who("clerk-1"), case_id="case-5"), "clerk-1", "intake_clerk")
    refused(intake.RefuseApplication(_who("clerk-1"), "not_effective", "执行工作规定第16条", "执行依据尚未生效"),
            "clerk-1", "intake_clerk")
    return case.envelopes + other.envelopes + refused.envelopes


def intake_measures_course() -> list[Envelope]:
    """Coercive measures on case-3 (its judge after the re-assignment): a detention through service,
    reconsideration and effect; a fine the president refuses."""
    from services.intake.domain import measure_release as mr
    from services.intake.domain import measures as m
    from services.intake.domain.state import CaseState
    from services.intake.measure_events import MeasureSubject

    judge, day = "qz-j-102", T0.date()
    case = CaseState(status="in_progress", case_id="case-3", court="黔01", judge_id=judge)
    person = MeasureSubject(kind="person", name="王某", id_number="11010519491231002X")
    detention = Course(m.MeasureDecider(), "intake.measure:measure-1", "case-3")
    detention(m.Propose(judge, "黔01", day, "measure-1", person, "refuse_to_perform", "拒不履行", None, 10, "520102",
                        case), judge, "judge")
    detention(m.Approve("president-1", "黔01", day, "（2026）黔01司惩1号"), "president-1", "president")
    detention(m.Serve("affairs-1", "黔01", day, day), "affairs-1", "affairs_clerk")
    detention(m.ApplyReconsideration("clerk-1", "黔01", day, day, "不服", "贵州省高级人民法院"),
              "clerk-1", "intake_clerk")
    detention(m.DecideReconsideration("clerk-1", "黔01", day, "upheld", day, "事实清楚"), "clerk-1", "intake_clerk")
    detention(m.RecordEffect(judge, "黔01", day, "paid", "拘留期间履行", 100_000, judge), judge, "judge")
    # the president's approval of an early release, on the same stream (its own decider over the measure's events)
    release = Course(mr.EarlyReleaseDecider(), "intake.measure:measure-1", "case-3")
    release.state, release.envelopes = release.decider.given(*detention.events), list(detention.envelopes)
    release(mr.ApproveEarlyRelease("president-1", "黔01", day, "拘留期间履行"), "president-1", "president")
    fine = Course(m.MeasureDecider(), "intake.measure:measure-2", "case-3")
    fine(m.Propose(judge, "黔01", day, "measure-2", person, "conceal_property", "转移财产", 1_000_000, None, None,
                   case), judge, "judge")
    fine(m.Reject("president-1", "黔01", day, "事实不清"), "president-1", "president")
    return release.envelopes + fine.envelopes + intake_coercive_course(case, person)


def intake_coercive_course(case: Any, person: Any) -> list[Envelope]:
    """Referral (police decline → private prosecution → outcome), a granted reward with a lead and its
    payment, an exposure — on case-3."""
    from services.intake.domain import coercive as co

    day = T0.date()
    judge, clerk = co.Who("qz-j-102", "黔01", day, case), co.Who("clerk-1", "黔01", day, case)
    referral = Course(co.CoerciveDecider(), "intake.coercive:referral-1", "case-3")
    referral(co.Refer(judge, "referral-1", person, "拒不履行", (HASH,), "南明分局", day), "qz-j-102", "judge")
    referral(co.AnswerReferral(clerk, False, day, "不予立案"), "clerk-1", "intake_clerk")
    referral(co.FilePrivateProsecution(clerk, day, "甲公司", "告知自诉条件"), "clerk-1", "intake_clerk")
    referral(co.ConcludeReferral(clerk, "convicted", day, "判处有期徒刑"), "clerk-1", "intake_clerk")
    reward = Course(co.CoerciveDecider(), "intake.coercive:reward-1", "case-3")
    reward(co.ApplyReward(clerk, "reward-1", "甲公司", 500_000, day), "clerk-1", "intake_clerk")
    reward(co.DecideReward(judge, True, day, "符合条件", ("court_website",)), "qz-j-102", "judge")
    reward(co.ReceiveRewardLead(clerk, "lead-9", "知情人", "车辆停放于某小区", "vehicle", "贵A12345", "520102", day),
           "clerk-1", "intake_clerk")
    reward(co.PayReward(clerk, 500_000, day, "lead-9"), "clerk-1", "intake_clerk")
    exposure = Course(co.CoerciveDecider(), "intake.coercive:exposure-1", "case-3")
    exposure(co.PublishExposure(judge, "exposure-1", person, "wechat", "曝光失信被执行人", day), "qz-j-102", "judge")
    exit_ = Course(co.CoerciveDecider(), "intake.coercive:exit-1", "case-3")
    exit_(co.RestrictExit(judge, "exit-1", person, None, "拒不履行", day), "qz-j-102", "judge")
    exit_(co.LiftExitRestriction(judge, "已履行", day), "qz-j-102", "judge")
    return referral.envelopes + reward.envelopes + exposure.envelopes + exit_.envelopes


# ---- asset_search --------------------------------------------------------------------------------------

def asset_search_course() -> list[Envelope]:
    f = Course(SearchFileDecider(), f"asset_search.case:{CASE}")
    subject = search_ev.Subject(**RESPONDENT)
    agencies = (search.AgencyTarget("bank-network", "bank_deposit", "push", 3600),
                search.AgencyTarget("real-estate-center", "real_estate", "pull", 3600))
    f(search.DispatchSearch(("q1", "q2"), agencies, subject, "（2026）黔01执1号", "case_assigned", T0, 1))
    f(search.RecordDelivery("request-q1", "query", "q1", "bank-network", "push", 1))
    from services.asset_search.domain import border

    f(border.RequestExitRestriction("exit-request-1", "exit-1", "restrict", "border-control", subject,
                                    "（2026）黔01执1号"))
    f(search.RecordDelivery("exit-request-1", "exit_restriction", "exit-request-1", "border-control", "push", 1))
    f(border.ConfirmExitRestriction("exit-request-1", "border-control", "effective", T0.date(), None, HASH),
      Actor(kind="agency", id="border-control"))
    f(search.MarkOverdue("q2", at(1)), when=at(1))
    account = search_ev.FoundItem(asset_kind="bank_deposit", identifier="6222 0000 1111", value_fen=5_000_000,
                                  holder_id=RESPONDENT["id_number"], holder_name="王某")
    agency = Actor(kind="agency", id="bank-network")
    f(search.RecordAnswer(CASE, "q1", "bank-network", "partial", (account,), HASH, "m1", at(1)), agency, when=at(1))
    f(search.RecordAnswer(CASE, "q1", "bank-network", "found", (account,), HASH, "m2", at(1)), agency, when=at(1))
    corrected = account.model_copy(update={"value_fen": 4_000_000})
    f(search.RecordAnswer(CASE, "q1", "bank-network", "correction", (corrected,), HASH, "m3", at(1)), agency,
      when=at(1))
    f(search.RecordAnswer(CASE, "q2", "real-estate-center", "nothing_found", (), HASH, "m4", at(2)),
      Actor(kind="agency", id="real-estate-center"), when=at(2))
    asset = next(e.payload["asset_id"] for e in f.envelopes if e.event_type == "asset_search.asset_found")
    facts = search.CaseFacts("黔01", "judge-1", 12_345_600)
    ruling = search.Ruling("judge-1", "黔01", facts, "（2026）黔01执1号之一")
    f(search.OrderControl("c1", asset, "freeze", 4_000_000, None, ruling), "judge-1", "judge", at(2))
    f(search.ConfirmControl("c1", "bank-network", "effective", at(3).date(), None, 4_000_000, None, None, HASH),
      agency, when=at(3))
    f(search.OrderRenewal("c1", ruling, at(300).date()), "judge-1", "judge", at(300))
    f(search.ConfirmControl("c1", "bank-network", "effective", at(301).date(), at(600).date(), 4_000_000, None, None,
                            HASH), agency, when=at(301))
    f(search.ReleaseControl("c1", "申请执行人同意解除", ruling), "judge-1", "judge", at(302))
    f(search.OrderControl("c2", asset, "deduct", 4_000_000, None, ruling), "judge-1", "judge", at(303))
    f(search.ConfirmControl("c2", "bank-network", "effective", at(304).date(), None, 4_000_000, None, None, HASH),
      agency, when=at(304))
    f(search.OrderControl("c3", asset, "freeze", 1_000, None, ruling), "judge-1", "judge", at(305))
    f(search.ConfirmControl("c3", "bank-network", "refused", None, None, None, None, "账户已销户", HASH),
      agency, when=at(305))
    f(search.RecordLead("lead-1", False, "被执行人名下车辆", "vehicle", "贵A12345", "520102", "search-1", T0.date()),
      "search-1", "search_officer")
    f(search.VerifyLead("lead-1", "needs_field_check", "需现场核查", "search-1", at(2).date()),
      "search-1", "search_officer", at(2))
    f(search.RecordLead("lead-2", True, "银行账户", "bank_deposit", "6222 9999", None, "search-1", T0.date()),
      "search-1", "search_officer")
    f(search.VerifyLead("lead-2", "not_found", "账户不存在", "search-1", at(1).date()), "search-1", "search_officer",
      at(1))
    f(search.RecordOnSiteSeizure("fa-1", "vehicle", "白色轿车", "贵A12345", "花溪区某仓库", 8_000_000, "fo-1a",
                                 at(10).date(), "task-1", "ins-1", "judge-1", HASH), when=at(10))
    lapsing = Course(SearchFileDecider(), "asset_search.case:case-6", "case-6")
    lapsing(search.RecordOnSiteSeizure("fa-2", "movable", "机床", None, "仓库", None, "fo-1a", T0.date(), "task-2",
                                       "ins-2", "judge-1", HASH))
    lapsing(search.LapseControl("field_ops:fa-2", at(800).date()), when=at(800))
    agencies_again = (search.AgencyTarget("vehicle-admin", "vehicle", "push", 3600),)
    lapsing(search.DispatchSearch(("q9",), agencies_again, subject, None, "after_closure", at(900)), when=at(900))
    car = search_ev.FoundItem(asset_kind="vehicle", identifier="贵A99999", value_fen=3_000_000)
    lapsing(search.RecordAnswer("case-6", "q9", "vehicle-admin", "found", (car,), HASH, "m9", at(901)),
            Actor(kind="agency", id="vehicle-admin"), when=at(901))
    return f.envelopes + lapsing.envelopes


# ---- field_ops -----------------------------------------------------------------------------------------

def field_ops_course() -> list[Envelope]:
    judge, team = "judge-1", frozenset({"fo-t1"})
    target = field_ev.Target(kind="address", description="花溪区某仓库", address="花溪区某路 9 号")

    def issue(instruction_id: str, task_id: str, kind: str) -> fo.IssueInstruction:
        return fo.IssueInstruction(
            instruction_id=instruction_id, task_id=task_id, case_id=CASE, kind=kind, target=target, region="520111",
            region_name="贵州省贵阳市花溪区", deadline=at(14).date(), notes=None, officer_id=judge, now=T0,
            route=Route("fo-t1", "外勤一组", "区划 520111"), current_judge_id=judge, lead_id="lead-1")

    seize = Course(InstructionDecider(), "field_ops.instruction:ins-1")
    seize(issue("ins-1", "task-1", "seize_on_site"), judge, "judge")
    seize(fo.RerouteTask("fl-1", team, "fo-t2", "外勤二组", "辖区调整"), "fl-1", "field_lead")
    seize(fo.RerouteTask("fl-2", frozenset({"fo-t2"}), "fo-t1", "外勤一组", "人员回调"), "fl-2", "field_lead")
    seize(fo.AcceptTask("fo-1a", team, judge), "fo-1a", "field_officer")
    photo = field_ev.EvidenceItem(content_hash=HASH, media_type="image/jpeg", taken_at=at(1), place="花溪区某仓库")
    seize(fo.RecordAttempt("fo-1a", team, judge, at(1), "花溪区某仓库", "无人在场", (photo,)), "fo-1a",
          "field_officer", at(1))
    car = field_ev.FoundAsset(asset_id="fa-1", asset_kind="vehicle", description="白色轿车", identifier="贵A12345",
                              location="花溪区某仓库", value_fen=8_000_000, seized=True, seal_date=at(2).date())
    person = field_ev.FoundPerson(name="王某", id_number=RESPONDENT["id_number"], address="花溪区某路 9 号")
    seize(fo.ReportTask("fo-1a", team, judge, at(2), "completed", "已查封车辆", (car,), (person,), (photo,)),
          "fo-1a", "field_officer", at(2))
    returned = Course(InstructionDecider(), "field_ops.instruction:ins-2")
    returned(issue("ins-2", "task-2", "investigate"), judge, "judge")
    returned(fo.AcceptTask("fo-1b", team, judge), "fo-1b", "field_officer")
    returned(fo.ReturnTask("fo-1b", team, "地址不在辖区"), "fo-1b", "field_officer")
    return seize.envelopes + returned.envelopes


def field_ops_detention_course() -> list[Envelope]:
    """The detention of intake_measures_course (case-3, measure-1) carried out in the field."""
    from services.field_ops.domain import detention as det

    judge, team = "qz-j-102", frozenset({"fo-t1"})
    facts = det.DetentionFacts("measure-1", "（2026）黔01司惩1号", 10, judge, "president-1")
    detain = Course(InstructionDecider(), "field_ops.instruction:ins-9", "case-3")
    detain(fo.IssueInstruction(
        instruction_id="ins-9", task_id="task-9", case_id="case-3", kind="detain",
        target=field_ev.Target(kind="person", description="王某"), region="520102", region_name="贵州省贵阳市南明区",
        deadline=at(3).date(), notes=None, officer_id=judge, now=T0, route=Route("fo-t1", "外勤一组", "区划 520102"),
        current_judge_id=judge, proposal_id="proposal-9", detention=facts), judge, "judge")
    detain(fo.AcceptTask("fo-1a", team, judge), "fo-1a", "field_officer")
    detain(det.StartCustody("fo-1a", team, at(1), at(1), "南明区拘留所", None), "fo-1a", "field_officer", at(1))
    detain(det.NotifyFamily("fo-1a", team, at(1.5), True, at(1.2), None), "fo-1a", "field_officer", at(1.5))
    detain(det.EndCustody("fo-1a", team, at(4), at(4).date(), "已履行全部义务", None, T0.date()), "fo-1a",
           "field_officer", at(4))
    return detain.envelopes


# ---- disposal ------------------------------------------------------------------------------------------

UNAVAILABLE: list[tuple[Any, str]] = [
    ("agreement", "双方未能议价"), ("targeted_enquiry", "无计税基准价"), ("online_enquiry", "平台无数据")]


def disposal_course() -> list[Envelope]:
    judge_id, officer_id = "judge-1", "disp-1"
    view = disposal.CaseView(CASE, "黔01", judge_id=judge_id, registered_by="clerk-1")
    asset = disposal.AssetView("fa-1", "vehicle", ("field_ops:fa-1",), ("fo-1a", "judge-1"), pending_objection=False)
    now = datetime.fromisoformat("2026-06-20T10:00:00+08:00")
    standing = disposal.AssetStanding("fa-1", (("field_ops:fa-1", "active"),))  # still under control, no objection
    judge, officer = disposal.Acting(judge_id, view, now, standing), disposal.Acting(officer_id, view, now, standing)
    bid = datetime.fromisoformat("2026-08-01T10:00:00+08:00")
    bid_2 = datetime.fromisoformat("2026-08-20T10:00:00+08:00")

    def priced(course: Course, disposal_id: str) -> None:
        course(disposal.DecideDisposal(judge, disposal_id, asset), judge_id, "judge")
        for method, reason in UNAVAILABLE[:2]:
            course(disposal.MarkMethodUnavailable(officer, method, reason), officer_id, "disposal_officer")
        course(disposal.StartPriceProcedure(officer, "online_enquiry", ("平台甲", "平台乙"), date(2026, 7, 1)),
               officer_id, "disposal_officer")
        course(disposal.FixReferencePrice(officer, "online_enquiry", None, (1_000_000, 1_000_001), date(2026, 7, 3),
                                          date(2026, 7, 4)), officer_id, "disposal_officer")
        for party_ in ("applicant", "respondent"):
            course(disposal.ServeNotice(officer, "auction_notice", party_, date(2026, 7, 10)), officer_id,
                   "disposal_officer")
        course(disposal.FixAuctionTerms(judge, 700_001, 70_000, 10_000), judge_id, "judge")
        course(disposal.ScheduleAuction(officer, f"{disposal_id}-a1", "平台甲", date(2026, 7, 15), bid,
                                        bid + timedelta(days=1)), officer_id, "disposal_officer")

    sold = Course(DisposalDecider(), "disposal.disposal:d1")
    priced(sold, "d1")
    sold(disposal.RecordAuctionResult(officer, 1, "sold", 800_000, "买受人某", bid + timedelta(days=1)), officer_id,
         "disposal_officer")
    sold(disposal.SignSaleRuling(judge, date(2026, 8, 10)), judge_id, "judge")

    objected = Course(DisposalDecider(), "disposal.disposal:d2")
    objected(disposal.DecideDisposal(judge, "d2", asset), judge_id, "judge")
    for method, reason in UNAVAILABLE:
        objected(disposal.MarkMethodUnavailable(officer, method, reason), officer_id, "disposal_officer")
    objected(disposal.StartPriceProcedure(officer, "valuation", ("评估机构甲",), date(2026, 7, 1)), officer_id,
             "disposal_officer")
    objected(disposal.ExtendPriceProcedure(officer, date(2026, 7, 20)), officer_id, "disposal_officer")
    objected(disposal.FixReferencePrice(officer, "valuation", 900_000, (), date(2026, 7, 25), date(2026, 7, 26)),
             officer_id, "disposal_officer")
    objected(disposal.RaisePriceObjection(officer, "respondent", date(2026, 7, 28), "价格过低"), officer_id,
             "disposal_officer")
    objected(disposal.RuleOnPriceObjection(judge, False, "异议不成立"), judge_id, "judge")

    offset = Course(DisposalDecider(), "disposal.disposal:d3")
    priced(offset, "d3")
    offset(disposal.RecordAuctionResult(officer, 1, "unsold", None, None, bid + timedelta(days=1)), officer_id,
           "disposal_officer")
    offset(disposal.OffsetInKind(judge, True), judge_id, "judge")

    def twice_unsold(course: Course, disposal_id: str) -> None:
        priced(course, disposal_id)
        course(disposal.RecordAuctionResult(officer, 1, "unsold", None, None, bid + timedelta(days=1)), officer_id,
               "disposal_officer")
        course(disposal.FixAuctionTerms(judge, 560_001, 56_001, 10_000), judge_id, "judge")
        course(disposal.ScheduleAuction(officer, f"{disposal_id}-a2", "平台甲", date(2026, 8, 5), bid_2,
                                        bid_2 + timedelta(days=1)), officer_id, "disposal_officer")
        course(disposal.RecordAuctionResult(officer, 2, "unsold", None, None, bid_2 + timedelta(days=1)), officer_id,
               "disposal_officer")

    direct = Course(DisposalDecider(), "disposal.disposal:d4")
    twice_unsold(direct, "d4")
    direct(disposal.RecordDirectSale(officer, 600_000, "买受人某", date(2026, 9, 1)), officer_id, "disposal_officer")
    released = Course(DisposalDecider(), "disposal.disposal:d5")
    twice_unsold(released, "d5")
    released(disposal.ReleaseAsset(judge, "无人竞买，申请人不接受以物抵债"), judge_id, "judge")
    online = Course(DisposalDecider(), "disposal.disposal:d6")
    twice_unsold(online, "d6")
    online(disposal.AnnounceOnlineSale(officer, "平台甲", date(2026, 8, 22), date(2026, 8, 29)), officer_id,
           "disposal_officer")
    online(disposal.RecordOnlineSaleUnsold(officer, date(2026, 10, 29)), officer_id, "disposal_officer")
    online_sold = Course(DisposalDecider(), "disposal.disposal:d7")  # sold during its online sale
    twice_unsold(online_sold, "d7")
    online_sold(disposal.AnnounceOnlineSale(officer, "平台甲", date(2026, 8, 22), date(2026, 8, 29)), officer_id,
                "disposal_officer")
    online_sold(disposal.RecordDirectSale(officer, 560_001, "买受人某", date(2026, 9, 10)), officer_id,
                "disposal_officer")

    facts = disposal.CaseFacts(claim_fen=1_000_000, deadline=date(2026, 1, 1))
    today = date(2026, 1, 11)
    ledger = Course(LedgerDecider(), f"disposal.ledger:{CASE}")
    ledger(disposal.ReceiveFunds("e1", 2_000_000, "auction_proceeds", today, "fin-1", facts, disposal_id="d1",
                                 proceeds_limit_fen=2_000_000), "fin-1", "finance_officer")
    ledger(disposal.ProposePayout("p1", 100_000, "applicant", "fin-1", today, facts), "fin-1", "finance_officer")
    ledger(disposal.RejectPayout("p1", "fin-2", "收款账户有误"), "fin-2", "finance_officer")
    # the claim with 10 days' interest to the applicant, the fee to the court: paid in full
    ledger(disposal.ProposePayout("p2", 1_001_750, "applicant", "fin-1", today, facts), "fin-1", "finance_officer")
    ledger(disposal.ApprovePayout("p2", "fin-2", today, facts), "fin-2", "finance_officer")
    ledger(disposal.ProposePayout("p3", 5_000, "court_fee", "fin-1", today, facts), "fin-1", "finance_officer")
    ledger(disposal.ApprovePayout("p3", "fin-2", today, facts), "fin-2", "finance_officer")
    return (sold.envelopes + objected.envelopes + offset.envelopes + direct.envelopes + released.envelopes
            + online.envelopes + online_sold.envelopes + ledger.envelopes)


def produced() -> list[Envelope]:
    """Every service's course, in one list (each stream in order)."""
    from tests.contract.petitions_course import petitions_course

    return (intake_course() + intake_measures_course() + petitions_course() + asset_search_course()
            + field_ops_course() + field_ops_detention_course() + disposal_course())


# ---- reading what a reaction reads -------------------------------------------------------------------

class Tracked(dict[str, Any]):
    """A payload (or a nested object of one) that records the path of every field read from it."""

    def __init__(self, data: dict[str, Any], reads: set[str], prefix: str = "") -> None:
        super().__init__(data)
        self.reads, self.prefix = reads, prefix

    def _wrap(self, key: str, value: Any) -> Any:
        path = f"{self.prefix}{key}"
        if isinstance(value, dict):
            return Tracked(value, self.reads, f"{path}.")
        if isinstance(value, list):
            return [Tracked(v, self.reads, f"{path}[].") if isinstance(v, dict) else v for v in value]
        return value

    def __getitem__(self, key: str) -> Any:
        self.reads.add(f"{self.prefix}{key}")
        return self._wrap(key, super().__getitem__(key))

    def get(self, key: str, default: Any = None) -> Any:
        self.reads.add(f"{self.prefix}{key}")
        return self._wrap(key, super().__getitem__(key)) if super().__contains__(key) else default

    def __contains__(self, key: object) -> bool:
        self.reads.add(f"{self.prefix}{key}")
        return super().__contains__(key)


def _models(annotation: Any, in_list: bool = False) -> Iterator[tuple[type[BaseModel], bool]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, in_list
        return
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, Sequence):
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis:
                yield from _models(arg, True)
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _models(arg, in_list)


def schema_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field path of a payload model: ``basis``, ``basis.kind``, ``found_assets[].asset_id``."""
    paths = set()
    for name, info in model.model_fields.items():
        paths.add(f"{prefix}{name}")
        for inner, in_list in _models(info.annotation):
            paths |= schema_paths(inner, f"{prefix}{name}{'[].' if in_list else '.'}")
    return paths


# ---- the services that consume, as their apps compose them ------------------------------------------

SERVICES = Path(__file__).resolve().parents[2] / "services"
_REGISTRY = AgencyRegistry.load(DEV_AGENCIES)


@dataclass(frozen=True)
class Consumer:
    """A consuming service as its ``main.py`` composes it: its reactions and the migrations its app
    applies (after ``db.SHARED_MIGRATIONS``). ``own_projector``: the service's own events are written
    to its database by its command runner (the store and this inline projector) before it consumes
    them, for a service whose reactions change what its own events built."""

    service: str
    reactions: Reactions
    migrations: tuple[Path, ...]
    own_projector: Projector | None = None


CONSUMERS: dict[str, Consumer] = {
    # intake's reaction to a claim paid in full updates its ``cases`` row, which its own events build
    "intake": Consumer("intake", intake_reactions, intake_main.MIGRATIONS, intake_project),
    "asset_search": Consumer("asset_search", asset_search_reactions(_REGISTRY, make_projector(_REGISTRY)),
                             asset_search_main.MIGRATIONS),
    "disposal": Consumer("disposal", disposal_reactions, disposal_main.MIGRATIONS),
    "field_ops": Consumer("field_ops", field_ops_reactions,
                          field_ops_main.MIGRATIONS),
    "supervision": Consumer("supervision", supervision_reactions(SupervisionSettings()),
                            supervision_main.MIGRATIONS),
}
# (service, event type) for every type a service has handlers of its own for (supervision takes any)
CONSUMED = sorted((c.service, t) for c in CONSUMERS.values() for t in c.reactions.event_types())
PRODUCED = produced()
BY_TYPE: dict[str, list[Envelope]] = defaultdict(list)
for _env in PRODUCED:
    BY_TYPE[_env.event_type].append(_env)

# Fields a reaction reads that its producer does not publish: tolerant readers' fallbacks, each one
# read only when the published field is missing. Listed so that they stay few and known; a field read
# that is neither published nor listed here fails (a rename in the producer, a typo in the consumer).
TOLERATED: dict[tuple[str, str], set[str]] = {
    # one handler for both lead events: a recorded lead has no outcome yet (read as null)
    ("intake", "asset_search.lead_recorded"): {"outcome"},
    # field_ops reads a notice's recipient with the reader it uses for a lead's target too
    ("field_ops", "intake.notice_issued"): {"recipient.description", "recipient.id_number"},
    # documented fallbacks for a seizure that names its control (field_ops never does): the control id
    # (else field_ops:<asset_id>), the measure (else seize) and the expiry (asset_search's confirmation
    # of the same control brings it)
    ("disposal", "field_ops.asset_seized_on_site"): {"measure", "control_id", "expiry_date"},
}
# What supervision's checks and figures probe on every event of a trail (a field an event does not have
# reads as null). For the types the checks rely on, the field must be published (test_event_contracts).
READ_FROM_ANY_EVENT = {"asset_id", "asset_kind", "disposal_id", "control_id", "query_id"}


def unpublished(event_type: str, reads: set[str]) -> set[str]:
    """The fields read that the type's current payload model does not publish."""
    return reads - schema_paths(REGISTRY.get(event_type).model)


# ---- a service's consumer on its own database ----------------------------------------------------------

# Rows the current transaction has inserted, updated or deleted so far (PostgreSQL's own count).
_ROWS_WRITTEN = "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint FROM pg_stat_xact_user_tables"


@dataclass
class Reaction:
    """What a service's consumer did with one event: the payload fields its handlers read, the rows
    the handlers of the event's type (not those every event gets) wrote, and the events it appended."""

    envelope: Envelope
    reads: set[str]
    written: int
    emitted: list[Envelope]


async def react(conn: asyncpg.Connection, consumer: Consumer, store: EventStore, envelope: Envelope,
                offset: int = 0) -> Reaction:
    """The consumer's work on one event in the open transaction, as ``shared/consumer.py`` does it (its
    handlers in order on a ``ReactionContext``, then ``finish_batch``), the payload tracked."""
    reads: set[str] = set()
    tracked = envelope.model_copy(update={"payload": Tracked(envelope.payload, reads)})
    ctx = ReactionContext(conn, tracked, store, consumer.service, 0, offset)
    every_event = consumer.reactions.handlers_for("")  # ``on_any``: not the type's own
    last = await conn.fetchval("SELECT coalesce(max(position), 0) FROM events")
    written = 0
    for handler in consumer.reactions.handlers_for(envelope.event_type):
        before = await conn.fetchval(_ROWS_WRITTEN)
        await handler(ctx)
        if handler not in every_event:
            written += await conn.fetchval(_ROWS_WRITTEN) - before
    await consumer.reactions.finish_batch(conn, [ctx])
    rows = await conn.fetch("SELECT envelope FROM events WHERE position > $1 ORDER BY position", last)
    return Reaction(envelope, reads, written, [Envelope.model_validate(r["envelope"]) for r in rows])


async def consume(pool: asyncpg.Pool, consumer: Consumer, log: Sequence[Envelope]) -> list[Reaction]:
    """Every event of ``log`` the service has handlers for through its consumer, in log order, each in
    a transaction of its own (a batch of one). With ``own_projector``, each command's events of the
    service's own are first appended and projected in one transaction, as its command runner does."""
    store = EventStore()
    done: list[Reaction] = []
    for (stream_id, _), command in groupby(enumerate(log), key=lambda e: (e[1].stream_id, e[1].correlation_id)):
        commanded = list(command)
        envelopes = [env for _, env in commanded]
        if consumer.own_projector is not None and envelopes[0].producer == consumer.service:
            async with pool.acquire() as conn, conn.transaction():
                await store.lock_case(conn, envelopes[0].case_id)
                await store.append(conn, stream_id, envelopes[0].stream_version - 1, envelopes)
                await consumer.own_projector(conn, envelopes)
        for offset, env in commanded:
            if not consumer.reactions.handlers_for(env.event_type):
                continue  # the runner skips what no handler wants
            async with pool.acquire() as conn, conn.transaction():
                done.append(await react(conn, consumer, store, env, offset))
            store.committed()
    return done
