"""Filing rules: materials, time limits, triage and assignment (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.intake.config import CourtRoster, Team, TriagePolicy, TriageRule
from services.intake.events import BasisRecord, MaterialItem, MissingItem, PartyRecord
from shared.holidays import COURT
from shared.periods import REGISTRATION_DECISION_DAYS, registration_decide_by

# 申请执行的期间为二年 (民诉法 2023 art. 250): the limit is the debtor's defence, so a late
# application is still registered, with a warning on record.
LIMITATION_YEARS = 2
# 立案或者裁定不予受理：七日内 (执行工作规定 item 16), counted as supervision counts it (one function,
# shared.periods.registration_decide_by: a last day on a rest day moves to the next working day).
DECISION_DAYS = REGISTRATION_DECISION_DAYS
# Intake's calendar is the court's (shared/holidays.py ``COURT``): the years an administrator loaded
# (applied from the calendar topic before intake serves), the holiday package otherwise, weekends for
# a year neither knows — the calendar every service counts with.
CALENDAR = COURT


def add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def limitation_expired(basis: BasisRecord, application_date: date) -> bool:
    """True when the application comes more than 2 years after the performance deadline."""
    start = basis.performance_deadline or basis.effective_date
    return application_date > add_years(start, LIMITATION_YEARS)


# Only a first application for enforcement (执) is bound by the 2 years: resumption after 终本 (执恢)
# has no time bar (民诉法解释 2022 art. 517), an objection (执异) is no application for enforcement, and
# a preservation ruling (执保) is enforced at once (民诉法 art. 103).
LIMITATION_CASE_TYPES = frozenset({"执"})


def limitation_warning(case_type: str, basis: BasisRecord, application_date: date) -> bool:
    """The warning recorded at registration: a 执 case applied for more than 2 years late."""
    return case_type in LIMITATION_CASE_TYPES and limitation_expired(basis, application_date)


def decide_by(received_on: date) -> date:
    """Last day to register or refuse an application, or a supplement that completed it, received on
    ``received_on``: 7 days, the start day not counted, a rest day moved to the next working day
    (登记立案规定 2015 arts. 7–8; 民诉法 art. 85)."""
    due = registration_decide_by(received_on, CALENDAR).due
    assert due is not None  # no pauses: never paused
    return due


def _need(cls: str, kind: str, text: str) -> MissingItem:
    return MissingItem(material_class=cls, kind=kind, description=text)  # type: ignore[arg-type]


def required_materials(applicant: PartyRecord, basis: BasisRecord) -> list[MissingItem]:
    """Every item an application needs, by class (执行工作规定 items 18–19; 民诉法 art. 62)."""
    need = [
        _need("application_form", "application", "申请执行书"),  # item 18(1)
        _need("basis_document", "basis_copy", "生效法律文书副本"),  # item 18(2)
    ]
    if basis.kind == "judgment":
        need.append(_need("basis_document", "effectiveness_proof", "判决生效证明"))
    if basis.kind == "arbitral_award":  # item 19: 仲裁协议或含仲裁条款的合同
        need.append(_need("basis_document", "arbitration_agreement", "仲裁协议书或含仲裁条款的合同"))
    if applicant.kind == "person":  # item 18(3)
        need.append(_need("identity", "id_card", "申请执行人居民身份证复印件"))
    else:
        need.append(_need("identity", "business_licence", "营业执照副本（统一社会信用代码证）"))
        need.append(_need("identity", "legal_rep_certificate", "法定代表人身份证明书"))
    if applicant.agent is not None:  # 民诉法 art. 62: 授权委托书 with the scope of the powers
        need.append(_need("identity", "authorisation", "授权委托书（载明委托事项和权限）"))
        need.append(_need("identity", "agent_identity", "委托代理人身份证明"))
    need.append(_need("asset_leads", "asset_lead|no_lead_statement", "被执行人财产线索，或不了解财产情况的书面说明"))
    return need


def missing_materials(
    applicant: PartyRecord, basis: BasisRecord, materials: Sequence[MaterialItem]
) -> list[MissingItem]:
    """Everything still missing, all at once (一次性告知)."""
    have = {(m.material_class, m.kind) for m in materials}
    return [
        item for item in required_materials(applicant, basis)
        if not any((item.material_class, k) in have for k in item.kind.split("|"))
    ]


@dataclass(frozen=True)
class TriageFacts:
    case_type: str
    basis_kind: str
    claim_amount_fen: int
    service_address_confirmed: bool
    real_estate_disposal_expected: bool


@dataclass(frozen=True)
class TriageOutcome:
    track: str
    rule_ids: list[str]
    reasons: list[str]


def _unmet(rule: TriageRule, f: TriageFacts) -> list[str]:
    w, out = rule.when, []
    if w.case_types is not None and f.case_type not in w.case_types:
        out.append(f"案件类型不是 {'/'.join(w.case_types)}")
    if w.basis_kinds is not None and f.basis_kind not in w.basis_kinds:
        out.append(f"执行依据类型不是 {'/'.join(w.basis_kinds)}")
    if w.claim_max_fen is not None and f.claim_amount_fen > w.claim_max_fen:
        out.append(f"执行标的 {f.claim_amount_fen} 分超过 {w.claim_max_fen} 分")
    if w.service_address_confirmed is not None and f.service_address_confirmed != w.service_address_confirmed:
        out.append("送达地址确认情况不符")
    if (w.real_estate_disposal_expected is not None
            and f.real_estate_disposal_expected != w.real_estate_disposal_expected):
        out.append("不动产处置情况不符")
    return out


def triage(policy: TriagePolicy, facts: TriageFacts) -> TriageOutcome:
    """繁简分流 (docs/rules.md §2): the first matching rule decides; every rule checked gives a reason."""
    reasons: list[str] = []
    for rule in policy.rules:
        unmet = _unmet(rule, facts)
        if not unmet:
            return TriageOutcome(rule.track, [rule.rule_id], [*reasons, f"{rule.rule_id}：{rule.reason}"])
        reasons.append(f"{rule.rule_id} 不适用：{'；'.join(unmet)}")
    return TriageOutcome(policy.default_track, [policy.default_rule_id],
                         [*reasons, f"{policy.default_rule_id}：未命中任何规则，按默认"])


@dataclass(frozen=True)
class Assignment:
    judge_id: str
    team_id: str
    excluded: list[str]


def choose_judge(
    roster: CourtRoster, track: str, *, strategy: str, loads: dict[str, int], draw: float,
    exclude: frozenset[str],
) -> Assignment | None:
    """分案 within the track's team(s): random or least-loaded, never an excluded person.

    The registering officer (互相制约-1) and the case's conflict list (回避) are in ``exclude``.
    None when nobody eligible is left: the case waits for a leader's manual assignment.
    """
    teams: tuple[Team, ...] = roster.teams_for(track)
    pool = [(j, t.team_id) for t in teams for j in t.judges]
    eligible = sorted((j, team) for j, team in pool if j not in exclude)
    excluded = sorted({j for j, _ in pool if j in exclude})
    if not eligible:
        return None
    if strategy == "random":
        judge, team = eligible[min(int(draw * len(eligible)), len(eligible) - 1)]
    else:
        least = min(loads.get(j, 0) for j, _ in eligible)
        tied = [(j, t) for j, t in eligible if loads.get(j, 0) == least]
        judge, team = tied[min(int(draw * len(tied)), len(tied) - 1)]
    return Assignment(judge, team, excluded)


# 不予受理 grounds: the conditions of acceptance of 执行工作规定 (1998, revised 2020) item 16, each failing
# one a ground, in the item's order: (1) the document is in force; (2) the applicant is the right-holder
# or their heir or successor; (3) it orders a payment and names the subject matter and the debtor;
# (4) the debtor has not performed within the period it sets; (5) this court has jurisdiction
# (docs/rules.md §2.1).
REFUSAL_GROUNDS: dict[str, str] = {
    "basis_not_effective": "执行依据尚未生效（执行工作规定第16条第1项）",
    "not_right_holder": "申请人不是生效法律文书确定的权利人或其继承人、权利承受人（第16条第2项）",
    "no_definite_content": "执行依据无给付内容或给付内容不明确（第16条第3项）",
    "debtor_performed": "义务人已在生效法律文书确定的期限内履行义务（第16条第4项）",
    "no_jurisdiction": "不属于本院管辖（第16条第5项）",
    "materials_not_supplemented": "经一次性告知后逾期未补正材料",
}
