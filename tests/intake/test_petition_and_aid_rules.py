"""Petitions (涉执信访) and judicial aid (国家司法救助): the time limits, the cap and the panel at their
boundaries, and who may act — pure (services/intake/domain/petitions.py, aid.py; disposal's aid payment)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.disposal.domain.aid import AidGrant, ApproveAid, ProposeAid, RejectAid, propose_aid
from services.disposal.domain.commands import CaseFacts
from services.disposal.domain.decider import LedgerDecider, given_ledger
from services.disposal.domain.ledger import ledger_view
from services.disposal.domain.rules import RuleBroken
from services.disposal.events import FundsReceived, JudicialAidPaid
from services.intake.domain import aid as ad
from services.intake.domain import petitions as pt
from services.intake.domain.commands import Who
from services.intake.events_petitions import AidApplicant, Petitioner
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

pytestmark = pytest.mark.unit
SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)
JUDGE = "qz-j-101"
CASE = pt.CaseOfPetition("case-1", "黔01", "（2026）黔01执1号", "黔01-快执组", JUDGE)
WAGE = 900_000  # 9,000 yuan a month
LEDGER = LedgerDecider()


def who(officer: str = JUDGE, day: date = DAY) -> Who:
    return Who(officer, "黔01", datetime(day.year, day.month, day.day, 10, tzinfo=SH))


def run(decider: object, state: object, *commands: object) -> object:
    for cmd in commands:
        for e in decider.decide(cmd, state):  # type: ignore[attr-defined]
            state = decider.evolve(state, e)  # type: ignore[attr-defined]
    return state


PETITIONS = pt.PetitionDecider()
AID = ad.AidDecider()


def registered(received: date = DAY) -> pt.PetitionState:
    cmd = pt.RegisterPetition(who("clerk-1"), "p-1", CASE, Petitioner(name="张某", role="applicant"), "要求执行",
                              "visit", received)
    return run(PETITIONS, PETITIONS.initial_state(), cmd)  # type: ignore[return-value]


def acknowledged(on: date = DAY) -> pt.PetitionState:
    return run(PETITIONS, registered(), pt.AcknowledgePetition(who(), on))  # type: ignore[return-value]


# ---- time limits (信访工作条例 2022 第二十三条、第三十四条) -----------------------------------------------

def test_acceptance_is_due_15_days_after_receipt_and_conclusion_60_days_after_acceptance() -> None:
    assert pt.accept_by(date(2026, 3, 2)) == date(2026, 3, 17)
    assert pt.conclude_by(date(2026, 3, 12)) == date(2026, 5, 11)  # a Monday: 60 days exactly
    # the 60th day, 2026-05-01, is Labour Day (05-01..05-05 off): the last day is Wednesday 05-06
    assert pt.conclude_by(date(2026, 3, 2)) == date(2026, 5, 6)
    assert pt.conclude_by(date(2026, 3, 2), 30) == date(2026, 6, 1)  # 90 days: Sunday 05-31 → Monday
    with pytest.raises(ValueError):
        pt.conclude_by(date(2026, 3, 2), 31)


def test_registration_assigns_the_case_team_and_officer_and_dates_the_acceptance_limit() -> None:
    [e] = PETITIONS.decide(pt.RegisterPetition(who("clerk-1"), "p-1", CASE, Petitioner(name="张某", role="other"),
                                               "诉求", "letter", DAY), PETITIONS.initial_state())
    assert (e.officer_id, e.team_id, e.accept_by, e.channel_label) == (JUDGE, "黔01-快执组", date(2026, 3, 17), "来信")


def test_a_petition_on_another_courts_case_or_an_unknown_case_is_not_found() -> None:
    other = pt.CaseOfPetition("case-9", "赣0502", None, None, None)
    for case in (other, None):
        with pytest.raises(NotFound):
            PETITIONS.decide(pt.RegisterPetition(who("clerk-1"), "p-1", case, Petitioner(name="张", role="other"),
                                                 "诉求", "phone", DAY), PETITIONS.initial_state())


def test_only_the_assigned_officer_or_a_leader_acknowledges() -> None:
    with pytest.raises(Forbidden) as refused:
        PETITIONS.decide(pt.AcknowledgePetition(who("qz-j-999"), DAY), registered())
    assert refused.value.rule == pt.RULE_ASSIGNED
    assert PETITIONS.decide(pt.AcknowledgePetition(who("qz-chief-01"), DAY, None, True), registered())


def test_acknowledgement_sets_the_conclusion_limit_60_days_on() -> None:
    [e] = PETITIONS.decide(pt.AcknowledgePetition(who(JUDGE, DAY + timedelta(days=15)), DAY + timedelta(days=15)),
                           registered())
    assert e.conclude_by == date(2026, 5, 18)  # 60 days from 03-17 is Saturday 05-16: moved to Monday


def test_the_extension_is_at_most_30_days_once_and_before_the_limit_passes() -> None:
    state = acknowledged()
    limit = date(2026, 5, 6)  # 60 days from 03-02 is 05-01, Labour Day (05-01..05-05 off): moved to 05-06
    assert state.conclude_by == limit
    with pytest.raises(pt.PetitionRuleBroken) as too_long:
        PETITIONS.decide(pt.ExtendPetition(who("chief", DAY), 31, "复杂"), state)
    assert too_long.value.rule == pt.RULE_CONCLUDE and too_long.value.code == "extension_too_long"
    [e] = PETITIONS.decide(pt.ExtendPetition(who("chief", limit), 30, "复杂"), state)  # on the last day: allowed
    assert e.conclude_by == date(2026, 6, 1)  # 90 days from the acceptance in one go: Sunday 05-31 → Monday
    with pytest.raises(pt.PetitionRuleBroken) as late:
        PETITIONS.decide(pt.ExtendPetition(who("chief", limit + timedelta(days=1)), 30, "复杂"), state)
    assert late.value.code == "limit_passed"
    extended = run(PETITIONS, state, pt.ExtendPetition(who("chief", DAY), 10, "复杂"))
    with pytest.raises(pt.PetitionRuleBroken) as twice:
        PETITIONS.decide(pt.ExtendPetition(who("chief", DAY), 10, "复杂"), extended)
    assert twice.value.code == "already_extended"


def test_a_discussion_needs_two_different_participants() -> None:
    with pytest.raises(pt.PetitionRuleBroken) as refused:
        PETITIONS.decide(pt.DiscussPetition(who(), (JUDGE, JUDGE), "结论", DAY), registered())
    assert refused.value.rule == "信访-会商"
    assert PETITIONS.decide(pt.DiscussPetition(who(), (JUDGE, "qz-chief-01"), "结论", DAY), registered())


def test_closing_needs_acceptance_and_a_judicial_aid_outcome_names_an_aid_of_the_same_case() -> None:
    with pytest.raises(Conflict):
        PETITIONS.decide(pt.ClosePetition(who(), "explained", True, "已解释", DAY), registered())
    state = acknowledged()
    with pytest.raises(pt.PetitionRuleBroken) as missing:
        PETITIONS.decide(pt.ClosePetition(who(), "judicial_aid", True, "救助", DAY), state)
    assert missing.value.code == "aid_required"
    with pytest.raises(pt.PetitionRuleBroken) as other_case:
        PETITIONS.decide(pt.ClosePetition(who(), "judicial_aid", True, "救助", DAY, "aid-1", "case-2"), state)
    assert other_case.value.code == "aid_not_of_case"
    [e] = PETITIONS.decide(pt.ClosePetition(who(), "judicial_aid", True, "救助", DAY, "aid-1", "case-1"), state)
    assert (e.outcome_label, e.petition_stopped, e.aid_id) == ("司法救助", True, "aid-1")
    closed = run(PETITIONS, state, pt.ClosePetition(who(), "explained", False, "已解释", DAY))
    with pytest.raises(Conflict):
        PETITIONS.decide(pt.EscalatePetition(who("chief"), "bureau_chief", "督办", DAY), closed)


# ---- judicial aid (意见 2016 第三条、第八条) ------------------------------------------------------------

def test_the_cap_is_36_months_of_the_wage_exactly_and_one_fen_above_is_refused() -> None:
    cap = ad.aid_cap_fen(WAGE)
    assert cap == 36 * 900_000 == 32_400_000
    assert ad.amount_problem(cap, WAGE, 10**12) is None
    assert ad.amount_problem(cap + 1, WAGE, 10**12) is not None
    assert ad.amount_problem(cap + 1, WAGE, 10**12)[0] == "aid_above_cap"  # type: ignore[index]
    assert ad.amount_problem(1_000_001, WAGE, 1_000_000)[0] == "aid_above_unpaid"  # type: ignore[index]


@pytest.mark.parametrize(("panel", "code"), [
    (("a", "b"), "panel_too_small"),
    (("a", "b", "b"), "panel_too_small"),
    (("b", "c", "d"), "not_panel_member"),
    ((JUDGE, "b", "c"), "case_judge_decides"),
])
def test_the_panel_has_three_members_and_the_case_judge_does_not_decide_alone(panel: tuple[str, ...],
                                                                               code: str) -> None:
    decider = JUDGE if code == "case_judge_decides" else "a"
    assert ad.panel_problem(panel, decider, JUDGE) == (code, ad.panel_problem(panel, decider, JUDGE)[1])  # type: ignore[index]
    assert ad.panel_problem(("a", "b", JUDGE), "a", JUDGE) is None  # the judge sits as one voice of three


def applied(amount: int = 40_000_000, claim: int = 100_000_000) -> ad.AidState:
    cmd = ad.ApplyForAid(who("clerk-1"), "aid-1", "case-1", "黔01", "（2026）黔01执1号", JUDGE, claim,
                         AidApplicant(name="张某"), amount, "丧失劳动能力", DAY)
    return run(AID, AID.initial_state(), cmd)  # type: ignore[return-value]


def examined(eligible: bool = True, **kw: int) -> ad.AidState:
    return run(AID, applied(**kw), ad.ExamineAid(who(), JUDGE, eligible, ("丧失劳动能力",), "无财产"))  # type: ignore[return-value]


def decide(state: ad.AidState, amount: int, granted: bool = True) -> list[object]:
    return list(AID.decide(ad.DecideAid(who("rev-1"), granted, amount, ("rev-1", "rev-2", JUDGE), "理由", WAGE),
                           state))


def test_a_decision_at_the_cap_passes_and_one_fen_above_is_refused_with_the_rule() -> None:
    [e] = decide(examined(), 32_400_000)
    assert (e.amount_fen, e.cap_fen, e.wage_year) == (32_400_000, 32_400_000, 2025)  # type: ignore[attr-defined]
    with pytest.raises(pt.PetitionRuleBroken) as refused:
        decide(examined(), 32_400_001)
    assert refused.value.rule == ad.RULE_CAP and refused.value.code == "aid_above_cap"


def test_the_amount_is_not_above_the_request_nor_the_unpaid_claim() -> None:
    with pytest.raises(pt.PetitionRuleBroken) as above_request:
        decide(examined(amount=1_000_000), 1_000_001)
    assert above_request.value.code == "aid_above_request"
    with pytest.raises(pt.PetitionRuleBroken) as above_claim:
        decide(examined(claim=2_000_000), 2_000_001)
    assert above_claim.value.code == "aid_above_unpaid"


def test_only_the_case_judge_examines_and_an_ineligible_application_is_only_refused() -> None:
    with pytest.raises(Forbidden) as refused:
        AID.decide(ad.ExamineAid(who("qz-j-999"), JUDGE, True, ("困难",), "无财产"), applied())
    assert refused.value.rule == "互相制约-2"
    state = examined(eligible=False)
    assert state.eligible is False
    with pytest.raises(pt.PetitionRuleBroken) as not_eligible:
        decide(state, 1_000_000)
    assert not_eligible.value.rule == ad.RULE_ELIGIBLE
    [e] = decide(state, 0, granted=False)
    assert e.granted is False and e.amount_fen == 0  # type: ignore[attr-defined]


def test_a_decision_by_a_panel_of_two_or_by_the_case_judge_is_refused_with_the_rule() -> None:
    with pytest.raises(Forbidden) as small:
        AID.decide(ad.DecideAid(who("rev-1"), True, 1, ("rev-1", "rev-2"), "理由", WAGE), examined())
    assert small.value.rule == ad.RULE_PANEL and small.value.code == "panel_too_small"
    with pytest.raises(Forbidden) as judge:
        AID.decide(ad.DecideAid(who(JUDGE), True, 1, (JUDGE, "rev-1", "rev-2"), "理由", WAGE), examined())
    assert judge.value.code == "case_judge_decides"


def test_funds_are_reported_only_for_a_grant() -> None:
    refused = run(AID, examined(), ad.DecideAid(who("rev-1"), False, 0, ("rev-1", "rev-2", "rev-3"), "不符合", WAGE))
    with pytest.raises(pt.PetitionRuleBroken):
        AID.decide(ad.ReportAidFunds(who("chief"), "高院"), refused)
    granted = run(AID, examined(), ad.DecideAid(who("rev-1"), True, 500, ("rev-1", "rev-2", "rev-3"), "符合", WAGE))
    [e] = AID.decide(ad.ReportAidFunds(who("chief"), "高院"), granted)
    assert e.amount_fen == 500  # type: ignore[attr-defined]


# ---- the aid paid through the case account (disposal) -------------------------------------------------

def test_aid_paid_is_kept_apart_from_enforcement_money_and_never_pays_the_case_in_full() -> None:
    grant = AidGrant("aid-1", 3_000_000, reported=True)
    before_events = [FundsReceived(entry_id="e1", amount_fen=100_000, source="voluntary_payment", received_on=DAY,
                                   recorded_by="fin-1")]
    before = given_ledger(*before_events)
    [proposed] = propose_aid(ProposeAid("pay-1", "aid-1", 3_000_000, DAY, "fin-1", grant), before)
    [paid] = LEDGER.decide(ApproveAid("pay-1", "fin-2", DAY), given_ledger(*before_events, proposed))
    after = given_ledger(*before_events, proposed, paid)
    facts = CaseFacts(claim_fen=3_000_000, deadline=DAY)
    view, was = ledger_view(after, facts, DAY), ledger_view(before, facts, DAY)
    assert view["judicial_aid"]["paid_fen"] == 3_000_000
    for key in ("balance_fen", "received_fen", "paid_to_applicant_fen", "paid_in_full", "amount_due"):
        assert view[key] == was[key]
    assert isinstance(paid, JudicialAidPaid) and (paid.proposed_by, paid.paid_by) == ("fin-1", "fin-2")


def test_aid_is_paid_only_once_reported_and_never_above_the_grant() -> None:
    state = given_ledger()
    with pytest.raises(RuleBroken) as none:
        propose_aid(ProposeAid("pay-1", "aid-1", 1, DAY, "fin-1", None), state)
    assert none.value.code == "aid_not_granted"
    with pytest.raises(RuleBroken) as unreported:
        propose_aid(ProposeAid("pay-1", "aid-1", 1, DAY, "fin-1", AidGrant("aid-1", 10, False)), state)
    assert unreported.value.code == "aid_funds_not_requested"
    grant = AidGrant("aid-1", 10, True)
    assert propose_aid(ProposeAid("pay-1", "aid-1", 10, DAY, "fin-1", grant), state)
    with pytest.raises(RuleBroken) as above:
        propose_aid(ProposeAid("pay-1", "aid-1", 11, DAY, "fin-1", grant), state)
    assert above.value.code == "aid_payment_exceeds_grant" and above.value.rule == "司法救助-拨付"
    # a pending proposal is reserved: a second one above what is left is refused too
    [first] = propose_aid(ProposeAid("pay-1", "aid-1", 6, DAY, "fin-1", grant), state)
    with pytest.raises(RuleBroken) as reserved:
        propose_aid(ProposeAid("pay-2", "aid-1", 5, DAY, "fin-1", grant), given_ledger(first))
    assert reserved.value.code == "aid_payment_exceeds_grant"


def test_aid_is_paid_by_two_finance_officers_the_proposer_never_approves() -> None:
    """互相制约-9's reading for aid money: 制单≠复核, as for enforcement payouts; aid money stays apart."""
    grant = AidGrant("aid-1", 10, True)
    [proposed] = propose_aid(ProposeAid("pay-1", "aid-1", 10, DAY, "fin-1", grant), given_ledger())
    state = given_ledger(proposed)
    assert ledger_view(state, None, DAY)["judicial_aid"]["paid_fen"] == 0  # nothing paid on the proposal
    with pytest.raises(Forbidden) as same:
        LEDGER.decide(ApproveAid("pay-1", "fin-1", DAY), state)
    assert same.value.rule == "互相制约-9" and same.value.code == "maker_is_checker"
    with pytest.raises(InvalidInput) as early:
        LEDGER.decide(ApproveAid("pay-1", "fin-2", DAY, DAY - timedelta(days=1)), state)
    assert early.value.code == "paid_on_invalid"
    [paid] = LEDGER.decide(ApproveAid("pay-1", "fin-2", DAY), state)
    view = ledger_view(given_ledger(proposed, paid), None, DAY)
    assert view["judicial_aid"]["paid_fen"] == 10 and view["judicial_aid"]["pending"] == []
    assert view["balance_fen"] == 0 and view["paid_to_applicant_fen"] == 0
    with pytest.raises(Conflict):
        LEDGER.decide(ApproveAid("pay-1", "fin-3", DAY), given_ledger(proposed, paid))
    [returned] = LEDGER.decide(RejectAid("pay-1", "fin-1", "账号有误"), state)
    assert ledger_view(given_ledger(proposed, returned), None, DAY)["judicial_aid"]["pending"] == []


def test_business_dates_are_not_in_the_future() -> None:
    tomorrow = DAY + timedelta(days=1)
    with pytest.raises(InvalidInput) as ack:
        PETITIONS.decide(pt.AcknowledgePetition(who(), tomorrow), registered())
    assert ack.value.code == "date_in_future"
    with pytest.raises(InvalidInput):
        PETITIONS.decide(pt.ClosePetition(who(), "explained", True, "已解释", tomorrow), acknowledged())
    with pytest.raises(InvalidInput):
        AID.decide(ad.ApplyForAid(who("clerk-1"), "aid-1", "case-1", "黔01", "（2026）黔01执1号", JUDGE, 1,
                                  AidApplicant(name="张某"), 1, "困难", tomorrow), AID.initial_state())
