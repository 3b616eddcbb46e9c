"""互相制约 rules about assets, money and time limits (docs/rules.md §7 rules 4, 5, 9, 10, 11; §4)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta

from services.supervision.domain.deadlines import tolling_pauses
from services.supervision.domain.entries import Entry
from services.supervision.domain.findings import Context, Found, current_judge, rule
from services.supervision.domain.imported_closure import attested, standing_at
from services.supervision.domain.nodes import business_day
from services.supervision.domain.periods import count_period
from services.supervision.domain.rules_people import IMPORTER_ROLE
from shared.schemas import published_fields

MOVABLES = frozenset({"vehicle", "movable", "vessel"})
# 延长执行期限：报请本院院长或副院长批准 (期限规定 2006 art. 1; 严格审限规定 art. 5 names the president).
EXTENSION_APPROVERS = frozenset({"president", "vice_president"})


# The steps of a disposal that dispose of (or prepare to dispose of) its asset: each needs the asset still
# under control in the case and no third-party objection in the way (docs/rules.md §4, §7.4).
DISPOSAL_STEPS = {
    "disposal.price_procedure_started": "启动询价或评估",
    "disposal.price_procedure_extended": "延长询价或评估",
    "disposal.reference_price_fixed": "确定参考价",
    "disposal.auction_terms_fixed": "确定起拍价",
    "disposal.auction_scheduled": "排期拍卖",
    "disposal.auction_ended": "拍卖成交",  # only a sale: a round without a buyer disposes of nothing
    "disposal.online_sale_announced": "发布网络变卖公告",
    "disposal.direct_sale_completed": "变卖成交",
    "disposal.sale_ruling_signed": "签发成交裁定",
    "disposal.disposal_concluded": "以物抵债",  # only offset in kind: a sale's conclusion goes with its ruling
}
STEP_DATES = ("started_on", "requested_on", "determined_on", "announcement_start", "bidding_start", "ended_at",
              "sold_on", "signed_on", "announced_on", "sale_start")
OBJECTION_HOLD_DAYS = 15  # 民诉法解释 (2022) art. 463


@functools.cache
def _step_dates(event_type: str) -> tuple[str, ...]:
    """The business dates of STEP_DATES that ``event_type`` publishes (supervision reads nothing else:
    tests/contract checks it)."""
    fields = published_fields(event_type)
    return tuple(f for f in STEP_DATES if f in fields)


def _is_step(e: Entry) -> bool:
    if e.event_type == "disposal.auction_ended":
        return e.payload.get("result") == "sold"
    if e.event_type == "disposal.disposal_concluded":
        return e.payload.get("outcome") == "offset_in_kind"
    return e.event_type in DISPOSAL_STEPS


@rule(
    "互相制约-4",
    4,  # v2: the deciding judge's own signatures are not "running the disposal"; v3: every step re-checks the
    # control and third-party objections (pending, upheld, within 15 days of a rejection); v4: an imported
    # decision or step (actor role importer) is judged by business dates: the asset under a control in effect
    # on its day (its part reaches the trail after asset_search's whole part, releases included)
    "处置须经承办法官决定、仅限本案控制的财产，每一步均须仍在控制之下、无案外人异议审查中或驳回后十五日内；"
    "处置人员不得是决定法官或控制人",
    "docs/rules.md §4、§7.4；民诉法解释第484、463条；民诉法执行程序解释第15条；民诉法第238条",
)
def disposal_checks(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    controlled: dict[str, Entry] = {}
    active: dict[str, dict[str, Entry]] = {}  # asset → its controls in effect in the case
    ended: dict[str, Entry] = {}  # asset → the release or lapse that ended its last control
    pending: dict[str, dict[str, Entry]] = {}  # asset → objections under review
    upheld: dict[str, Entry] = {}
    rejected: dict[str, list[tuple[Entry, date, date]]] = {}  # asset → (decision, decided on, last day of hold)
    decisions: dict[str, Entry] = {}
    flagged: set[tuple[str, str]] = set()
    spans = _control_spans(entries)

    def standing(asset: str, e: Entry, what: str) -> None:
        """Findings when ``e`` (a decision or a step) met an asset out of control or held by an objection."""
        if e.actor_role == IMPORTER_ROLE:
            day = business_day(e)
            if not any(start <= day and (end is None or day <= end.day) for start, end in spans.get(asset, [])):
                last_end = max((end for _, end in spans.get(asset, []) if end is not None), default=None,
                               key=lambda x: x.seq)
                found.add(f"{what}时（{day.isoformat()}）财产 {asset} 不在本案控制之下（按导入的业务日期）",
                          [e.officer], last_end, e)
        elif not active.get(asset):
            found.add(f"{what}时财产 {asset} 已不在本案控制之下（控制已解除或失效）", [e.officer], ended.get(asset), e)
        if asset in upheld:
            found.add(f"案外人异议成立后仍{what}（财产 {asset}）", [e.officer], upheld[asset], e)
        for objection in pending.get(asset, {}).values():
            found.add(f"案外人异议审查期间{what}（财产 {asset}）", [e.officer], objection, e)
        days = {e.day, *(d for d in (e.date_of(f) for f in _step_dates(e.event_type)) if d is not None)}
        for decision, on, until in rejected.get(asset, []):
            if any(on <= d <= until for d in days):
                found.add(f"案外人异议于 {on.isoformat()} 被驳回，十五日内（至 {until.isoformat()}）"
                          f"{what}（财产 {asset}）", [e.officer], decision, e)

    for i, e in enumerate(entries):
        asset = e.text("asset_id")
        if e.event_type in ("asset_search.control_confirmed", "field_ops.asset_seized_on_site") and asset:
            controlled[asset] = e
            active.setdefault(asset, {})[e.text("control_id") or f"field_ops:{asset}"] = e
        elif e.event_type in ("asset_search.control_released", "asset_search.control_lapsed") and asset:
            control_id = e.text("control_id")
            left = active.get(asset, {})
            if control_id in left:
                left.pop(control_id)
            else:  # a control this trail did not see begin: the asset's controls are taken to end
                left.clear()
            if not left:
                controlled.pop(asset, None)
                ended[asset] = e
        elif e.event_type == "intake.objection_registered":
            for a in e.payload.get("asset_ids") or []:
                pending.setdefault(str(a), {})[e.text("objection_case_id") or e.event_id] = e
        elif e.event_type == "intake.objection_decided":
            oid, outcome = e.text("objection_case_id"), e.text("outcome")
            for a in e.payload.get("asset_ids") or []:
                pending.get(str(a), {}).pop(oid or "", None)
                if outcome == "upheld":
                    upheld[str(a)] = e
                elif outcome == "rejected":
                    on = e.date_of("decided_on") or e.day
                    until = count_period(on, days=OBJECTION_HOLD_DAYS, calendar=ctx.calendar).due or on
                    rejected.setdefault(str(a), []).append((e, on, until))
        elif e.event_type == "disposal.disposal_decided":
            decider = e.text("judge_id") or e.officer
            judge = current_judge(entries, i)
            if decider != judge:
                found.add(f"处置由 {decider} 决定，但本案现任承办法官为 {judge or '（未分案）'}", [decider, judge], e)
            if e.actor_role == IMPORTER_ROLE and asset and asset in spans:
                standing(asset, e, "决定处置")
            elif asset not in controlled:
                found.add(f"处置的财产 {asset} 未在本案控制之下", [decider], e)
            elif asset:
                standing(asset, e, "决定处置")
            decisions[str(e.payload.get("disposal_id"))] = e
        if (
            e.event_type.startswith("disposal.")
            and e.event_type != "disposal.disposal_decided"
            and e.text("disposal_id") in decisions
        ):
            decision = decisions[str(e.payload["disposal_id"])]
            if _is_step(e):
                standing(str(decision.payload.get("asset_id")), e, DISPOSAL_STEPS[e.event_type])
            if not e.officer or e.actor_role == "judge":  # the judge signs the rulings a disposal needs
                continue
            control = controlled.get(str(decision.payload.get("asset_id")))
            controller = control and (control.text("controlled_by") or control.text("seized_by") or control.officer)
            decider = decision.text("judge_id") or decision.officer
            if e.officer in (decider, controller) and (e.officer, decision.event_id) not in flagged:
                flagged.add((e.officer, decision.event_id))
                role = "决定处置的法官" if e.officer == decider else "控制该财产的人员"
                found.add(f"{e.officer} 作为{role}又实施处置", [e.officer], decision, e)


# v2: an imported round (actor role importer, docs/import.md §6) is judged on what was imported: every
# number is the record's own (nothing defaulted); its bidding is known by day (the old system keeps
# dates), so it is short when it ends on the day it starts; a later round is compared with the previous
# round of the same disposal.
def _control_spans(entries: Sequence[Entry]) -> dict[str, list[tuple[date, Entry | None]]]:
    """Per asset, each control's first day in effect and the release or lapse that ended it (if any),
    over the whole trail: how an imported disposal is judged (by business dates, not trail order)."""
    started: dict[str, tuple[str, date]] = {}  # control → (asset, effective from)
    ends: dict[str, Entry] = {}
    for e in entries:
        control = e.text("control_id")
        if not control:
            continue
        if e.event_type == "asset_search.control_confirmed" and e.text("asset_id"):
            started[control] = (str(e.payload["asset_id"]), e.date_of("effective_date") or e.day)
        elif e.event_type in ("asset_search.control_released", "asset_search.control_lapsed"):
            ends.setdefault(control, e)
    out: dict[str, list[tuple[date, Entry | None]]] = {}
    for control, (asset, start) in started.items():
        out.setdefault(asset, []).append((start, ends.get(control)))
    return out


# v3: live rounds too are compared with the previous round of their own disposal (a lawful second round of
# one asset is no longer judged against another asset's round), falling back to the case's previous round
# only for events that name no disposal; the reference price's validity is judged for the first round
# only (参考价规定 art. 27: the first auction's announcement must fall within it; later rounds follow the
# first one's price, 网拍规定 art. 26).
@rule(
    "互相制约-5",
    3,
    "拍卖数字符合规定：起拍价、降价幅度、公告期、保证金、参考价有效期、竞价时长",
    "网拍规定第10、12、17、26条；参考价规定第27条",
)
def auction_numbers(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    kinds: dict[str, str] = {}
    asset_of: dict[str, str] = {}
    price: dict[str, Entry] = {}
    last_price: Entry | None = None
    previous: Entry | None = None
    previous_of: dict[str, Entry] = {}  # disposal → its last round (the imported reading)
    for e in entries:
        if e.text("asset_id") and e.text("asset_kind"):
            kinds[str(e.payload["asset_id"])] = str(e.payload["asset_kind"])
        if e.event_type == "disposal.disposal_decided":
            asset_of[str(e.payload.get("disposal_id"))] = str(e.payload.get("asset_id"))
        elif e.event_type == "disposal.reference_price_fixed":
            price[str(e.payload.get("disposal_id"))] = e
            last_price = e
        elif e.event_type == "disposal.auction_scheduled":
            problems: list[str] = []
            disposal = e.text("disposal_id")
            ref = price.get(disposal) if disposal else last_price
            start = e.number("starting_price_fen") or 0
            deposit = e.number("deposit_fen")
            if (e.number("round") or 1) == 1 and ref is not None and start * 10 < (ref.number("amount_fen") or 0) * 7:
                problems.append("起拍价低于参考价的70%")
            if deposit is not None and not (start * 5 <= deposit * 100 <= start * 20):
                problems.append("保证金不在起拍价的5%至20%之间")
            kind = kinds.get(asset_of.get(disposal or "", ""), "")
            announced, bidding = e.instant_of("announcement_start"), e.instant_of("bidding_start")
            ends = e.instant_of("bidding_end")
            rnd = e.number("round") or 1
            imported = e.actor_role == IMPORTER_ROLE
            before = previous_of.get(disposal) if disposal else previous
            if rnd > 1:
                need = 7 if kind in MOVABLES else 15
                if before is not None and start * 10 < (before.number("starting_price_fen") or 0) * 8:
                    problems.append("再次拍卖降价超过前次起拍价的20%")
            else:
                need = 15 if kind in MOVABLES else 30
            if announced and bidding and (bidding.date() - announced.date()).days < need:
                problems.append(f"公告期不足{need}日")
            short = (ends.date() <= bidding.date() if imported else ends - bidding < timedelta(hours=24)) \
                if bidding and ends else False
            if short:
                problems.append("竞价时间不足24小时")
            valid = ref.date_of("valid_until") if ref and rnd == 1 else None
            if valid and announced and announced.date() > valid:
                problems.append("参考价已超过有效期")
            if problems:
                found.add("拍卖不合规：" + "、".join(problems), [e.officer], *(x for x in (ref, e) if x))
            previous = e
            previous_of[disposal or ""] = e


PAYOUT_DAYS = 30  # 执行款物管理规定 (2017): 到账后30日内发放


@rule(
    "互相制约-9",
    3,
    "执行款、司法救助金发放须两人经手（制单≠复核）、余额不得为负、执行款到账30日内发放",
    "docs/rules.md §7.9、§9；执行款物管理规定(2017)；民诉法第85条",
)
def payout_checks(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    """v2: the 30 days run from the day the money was received (``received_on``) to the day it was paid
    (``paid_on``), not between the days they were entered, and a last day on a rest day moves to the
    next working day (民诉法 art. 85), as the ledger's ``pay_by`` and the payout node count them.
    v3: judicial aid paid through the case account has two officers too (``judicial_aid_paid`` v2:
    ``proposed_by`` ≠ ``paid_by``); a v1 payment (one officer, before the rule) names no proposer and
    is not judged. Aid money is apart: it enters neither the balance nor the 30 days."""
    arrivals: list[list[object]] = []  # [entry, unpaid amount]
    balance = 0
    for e in entries:
        if e.event_type in ("disposal.funds_received",):
            amount = e.number("amount_fen") or 0
            balance += amount
            arrivals.append([e, amount])
        elif e.event_type == "disposal.judicial_aid_paid":
            maker, checker = e.text("proposed_by"), e.text("paid_by") or e.officer
            if maker and maker == checker:
                found.add(f"司法救助金发放的制单人与复核人相同（{maker}）", [maker, checker], e)
        elif e.event_type == "disposal.payout_approved":
            amount = e.number("amount_fen") or 0
            maker, checker = e.text("proposed_by"), e.text("approved_by") or e.officer
            if not maker or maker == checker:
                found.add(f"执行款发放的制单人与复核人相同（{maker or '缺失'}）", [maker, checker], e)
            balance -= amount
            if balance < 0:
                found.add(f"发放后案款余额为负（{balance} 分）", [maker, checker], e)
            remaining = amount
            for item in arrivals:
                arrival, unpaid = item[0], int(str(item[1]))
                if remaining <= 0 or unpaid <= 0:
                    continue
                assert isinstance(arrival, Entry)
                received = business_day(arrival)
                due = count_period(received, days=PAYOUT_DAYS, calendar=ctx.calendar).due
                if due is not None and business_day(e) > due:
                    found.add(f"执行款于 {received.isoformat()} 到账，应于 {due.isoformat()} 前发放，"
                              f"{business_day(e).isoformat()} 才发放", [maker, checker], arrival, e)
                paid = min(unpaid, remaining)
                item[1] = unpaid - paid
                remaining -= paid


# v2: a closure that ends the case (终结执行, 销案, 不予执行, 驳回申请) leaves no control in effect and no
# disposal open (_ending_closure_checks; docs/rules.md §5). v3: an imported one is judged by business dates
# over the whole trail (imported_closure.py; docs/import.md §6), one finding per control or disposal.
@rule("互相制约-10", 3, "结案案件的控制措施须在到期前续行；终结执行等结案前须解除控制并结束处置",
      "docs/rules.md §7.10、§5；民诉法解释第485条；查扣冻规定(2020)第28条")
def controls_renewed(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    _ending_closure_checks(entries, found)
    expiry: dict[str, Entry] = {}
    closed: Entry | None = None
    for e in entries:
        control = e.text("control_id")
        if e.event_type == "intake.case_closed":
            closed = e
        elif e.event_type == "asset_search.control_renewed" and control:
            before = expiry.get(control)
            due = before.date_of("expiry_date") if before else None
            if due is not None and e.day > due:
                found.add(f"控制措施 {control} 于 {due.isoformat()} 到期后才续行", [e.officer], before, e)
        elif e.event_type == "asset_search.control_lapsed" and control and closed is not None \
                and e.occurred_at >= closed.occurred_at:  # an imported lapse before the closure: not after it
            found.add(f"已结案件的控制措施 {control} 未续行而失效", [], closed, expiry.get(control), e)
        if e.event_type in ("asset_search.control_confirmed", "asset_search.control_renewed") and control:
            expiry[control] = e


# v2: a vice-president may approve too (期限规定 2006 art. 1); v1 found every approver but the president.
# v3: the 6 months count from the registration's business date (registered_on) to the request's day, as
# intake's check and the close node count them (shared.periods; docs/rules.md §3, §10).
@rule("互相制约-11", 3, "延长执行期限须在届满5日前申请并经院长或副院长批准",
      "docs/rules.md §7.11；严格审限规定第5条；期限规定(2006)第1条")
def extension_checks(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    requested: Entry | None = None
    cfg = ctx.deadlines
    for i, e in enumerate(entries):
        if e.event_type == "intake.extension_requested":
            requested = e
            reg = next((b for b in entries[:i] if b.event_type == "intake.case_registered"), None)
            if reg is None:
                continue
            period = count_period(
                business_day(reg), months=cfg.close_months, pauses=tolling_pauses(entries[:i]), calendar=ctx.calendar
            )
            if period.due is not None and (period.due - e.day).days < 5:
                found.add(
                    f"延长审限申请晚于届满日 {period.due.isoformat()} 前5日", [e.text("requested_by") or e.officer], e
                )
        elif e.event_type == "intake.extension_approved":
            approver = e.text("approved_by") or e.officer
            if e.actor_role not in EXTENSION_APPROVERS:
                found.add(f"延长审限由 {approver} 批准，非院长或副院长", [approver], requested, e)
            if requested is None:
                found.add("延长审限没有申请即获批准", [approver], e)


# Closures that end a case without the debt paid or the search exhausted (intake's ENDING_CLOSURES).
ENDING_CLOSURES = frozenset({"终结执行", "销案", "不予执行", "驳回申请"})
CONTROL_STARTS = ("asset_search.control_confirmed", "asset_search.control_renewed")
CONTROL_ENDS = ("asset_search.control_released", "asset_search.control_lapsed")


def _imported_ending_closure(entries: Sequence[Entry], closure: Entry, found: Found) -> None:
    kind, people = closure.payload.get("closure_type"), [closure.text("approved_by") or closure.officer,
                                                        closure.text("judge_id")]
    said = attested(closure)
    if said is not None:  # what its record says stood on its day (intake's import): one finding
        if said:
            found.add(f"{kind}结案时（{business_day(closure).isoformat()}）{'；'.join(said)}（旧系统结案，按导入的记录判断）",
                      people, closure)
        return
    at = standing_at(entries, closure)
    for control, start in sorted(at.controls.items()):
        found.add(f"{kind}结案时（{at.day.isoformat()}）控制措施 {control} 未解除（按导入的业务日期）", people,
                  closure, start)
    for disposal, decided in sorted(at.disposals.items()):
        found.add(f"{kind}结案时（{at.day.isoformat()}）财产处置 {disposal} 未结束（按导入的业务日期）", people,
                  closure, decided)


def _ending_closure_checks(entries: Sequence[Entry], found: Found) -> None:
    """Checked over the whole trail: at such a closure no control of the case is still in effect and no
    disposal is still open (a control confirmed or renewed and not released or lapsed before it; a
    disposal decided and not concluded before it)."""
    active: dict[str, Entry] = {}
    open_: dict[str, Entry] = {}
    for e in entries:
        control, disposal = e.text("control_id"), e.text("disposal_id")
        if e.event_type in CONTROL_STARTS and control:
            active[control] = e
        elif e.event_type in CONTROL_ENDS and control:
            active.pop(control, None)
        elif e.event_type == "disposal.disposal_decided" and disposal:
            open_[disposal] = e
        elif e.event_type == "disposal.disposal_concluded" and disposal:
            open_.pop(disposal, None)
        elif e.event_type == "intake.case_closed" and e.payload.get("closure_type") in ENDING_CLOSURES \
                and e.actor_role == IMPORTER_ROLE:
            _imported_ending_closure(entries, e, found)
        elif e.event_type == "intake.case_closed" and e.payload.get("closure_type") in ENDING_CLOSURES:
            parts = ([f"控制措施 {'、'.join(sorted(active))} 未解除"] if active else [])
            parts += [f"财产处置 {'、'.join(sorted(open_))} 未结束"] if open_ else []
            if parts:
                found.add(f"{e.payload.get('closure_type')}结案时" + "，".join(parts),
                          [e.text("approved_by") or e.officer, e.text("judge_id")], e,
                          *active.values(), *open_.values())
