"""The contract course of petitions (涉执信访) and judicial aid (国家司法救助): every event their
deciders make, on case-3 of intake's course (its judge after the re-assignment), and the aid paid
through disposal's case account. Part of ``tests.contract.helpers.produced()``."""

from __future__ import annotations

from services.disposal.domain.aid import AidGrant, ApproveAid, ProposeAid, RejectAid
from services.disposal.domain.decider import LedgerDecider
from services.intake.domain import aid as ad
from services.intake.domain import petitions as pt
from services.intake.domain.commands import Who
from services.intake.events_petitions import AidApplicant, Petitioner
from shared.envelope import Envelope
from tests.contract.helpers import T0, Course, at


def petitions_course() -> list[Envelope]:
    judge, case_id = "qz-j-102", "case-3"
    who = lambda officer, days=0: Who(officer, "黔01", at(days))  # noqa: E731
    case = pt.CaseOfPetition(case_id, "黔01", "（2026）黔01执3号", "黔01-快执组", judge)
    petitioner = Petitioner(name="张某", role="applicant", contact="13800000000")
    petition = Course(pt.PetitionDecider(), "intake.petition:petition-1", case_id)
    petition(pt.RegisterPetition(who("clerk-1"), "petition-1", case, petitioner, "要求尽快执行", "visit", T0.date()),
             "clerk-1", "intake_clerk")
    petition(pt.AcknowledgePetition(who(judge, 1), at(1).date()), judge, "judge", at(1))
    petition(pt.EscalatePetition(who("chief-1", 2), "bureau_chief", "十日内答复", at(12).date()), "chief-1",
             "bureau_chief", at(2))
    petition(pt.DiscussPetition(who(judge, 3), (judge, "chief-1"), "启动司法救助", at(3).date()), judge, "judge", at(3))
    petition(pt.ExtendPetition(who("chief-1", 50), 30, "情况复杂"), "chief-1", "bureau_chief", at(50))

    aid = Course(ad.AidDecider(), "intake.aid:aid-1", case_id)
    aid(ad.ApplyForAid(who("clerk-1", 4), "aid-1", case_id, "黔01", "（2026）黔01执3号", judge, 12_345_600,
                       AidApplicant(name="张某"), 5_000_000, "丧失劳动能力", at(4).date(), "petition-1", case_id),
        "clerk-1", "intake_clerk", at(4))
    aid(ad.ExamineAid(who(judge, 5), judge, True, ("丧失劳动能力",), "被执行人无财产可供执行"), judge, "judge", at(5))
    aid(ad.DecideAid(who("qz-rev-01", 6), True, 3_000_000, ("qz-rev-01", "qz-rev-02", judge), "符合救助条件", 900_000),
        "qz-rev-01", "reviewer", at(6))
    aid(ad.ReportAidFunds(who("chief-1", 7), "贵州省高级人民法院"), "chief-1", "bureau_chief", at(7))
    petition(pt.ClosePetition(who(judge, 60), "judicial_aid", True, "发放救助金", at(60).date(), "aid-1", case_id),
             judge, "judge", at(60))

    ledger = Course(LedgerDecider(), f"disposal.ledger:{case_id}", case_id)
    grant = AidGrant("aid-1", 3_000_000, True)
    ledger(ProposeAid("aid-payment-0", "aid-1", 3_000_000, at(29).date(), "fin-1", grant), "fin-1", "finance_officer",
           at(29))
    ledger(RejectAid("aid-payment-0", "fin-2", "账号有误"), "fin-2", "finance_officer", at(29))
    ledger(ProposeAid("aid-payment-1", "aid-1", 3_000_000, at(30).date(), "fin-1", grant), "fin-1", "finance_officer",
           at(30))
    ledger(ApproveAid("aid-payment-1", "fin-2", at(30).date()), "fin-2", "finance_officer", at(30))
    return petition.envelopes + aid.envelopes + ledger.envelopes
