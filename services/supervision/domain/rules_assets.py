"""互相制约 rules about assets, money and time limits (docs/rules.md §7 rules 4, 5, 9, 10, 11; §4)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from services.supervision.domain.deadlines import tolling_pauses
from services.supervision.domain.entries import Entry
from services.supervision.domain.findings import Context, Found, current_judge, rule
from services.supervision.domain.periods import count_period

MOVABLES = frozenset({"vehicle", "movable", "vessel"})
# 延长执行期限：报请本院院长或副院长批准 (期限规定 2006 art. 1; 严格审限规定 art. 5 names the president).
EXTENSION_APPROVERS = frozenset({"president", "vice_president"})


@rule(
    "互相制约-4",
    2,  # v2: the deciding judge's own signatures (terms, rulings) are not "running the disposal"
    "处置须经承办法官决定、仅限本案控制的财产；处置人员不得是决定法官或控制人",
    "docs/rules.md §7.4；民诉法解释第484条",
)
def disposal_checks(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    controlled: dict[str, Entry] = {}
    decisions: dict[str, Entry] = {}
    flagged: set[tuple[str, str]] = set()
    for i, e in enumerate(entries):
        asset = e.text("asset_id")
        if e.event_type in ("asset_search.control_confirmed", "field_ops.asset_seized_on_site") and asset:
            controlled[asset] = e
        elif e.event_type in ("asset_search.control_released", "asset_search.control_lapsed") and asset:
            controlled.pop(asset, None)
        elif e.event_type == "disposal.disposal_decided":
            decider = e.text("judge_id") or e.officer
            judge = current_judge(entries, i)
            if decider != judge:
                found.add(f"处置由 {decider} 决定，但本案现任承办法官为 {judge or '（未分案）'}", [decider, judge], e)
            if asset not in controlled:
                found.add(f"处置的财产 {asset} 未在本案控制之下", [decider], e)
            decisions[str(e.payload.get("disposal_id"))] = e
        elif (
            e.event_type.startswith("disposal.")
            and e.officer
            and e.actor_role != "judge"  # the judge signs the rulings a disposal needs; that is no breach
            and e.text("disposal_id") in decisions
        ):
            decision = decisions[str(e.payload["disposal_id"])]
            control = controlled.get(str(decision.payload.get("asset_id")))
            controller = control and (control.text("controlled_by") or control.text("seized_by") or control.officer)
            decider = decision.text("judge_id") or decision.officer
            if e.officer in (decider, controller) and (e.officer, decision.event_id) not in flagged:
                flagged.add((e.officer, decision.event_id))
                role = "决定处置的法官" if e.officer == decider else "控制该财产的人员"
                found.add(f"{e.officer} 作为{role}又实施处置", [e.officer], decision, e)


@rule(
    "互相制约-5",
    1,
    "拍卖数字符合规定：起拍价、降价幅度、公告期、保证金、参考价有效期、竞价时长",
    "网拍规定第10、12、17、26条；参考价规定第27条",
)
def auction_numbers(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    kinds: dict[str, str] = {}
    asset_of: dict[str, str] = {}
    price: dict[str, Entry] = {}
    last_price: Entry | None = None
    previous: Entry | None = None
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
            if rnd > 1:
                need = 7 if kind in MOVABLES else 15
                if previous is not None and start * 10 < (previous.number("starting_price_fen") or 0) * 8:
                    problems.append("再次拍卖降价超过前次起拍价的20%")
            else:
                need = 15 if kind in MOVABLES else 30
            if announced and bidding and (bidding.date() - announced.date()).days < need:
                problems.append(f"公告期不足{need}日")
            if bidding and ends and ends - bidding < timedelta(hours=24):
                problems.append("竞价时间不足24小时")
            valid = ref.date_of("valid_until") if ref else None
            if valid and announced and announced.date() > valid:
                problems.append("参考价已超过有效期")
            if problems:
                found.add("拍卖不合规：" + "、".join(problems), [e.officer], *(x for x in (ref, e) if x))
            previous = e


@rule(
    "互相制约-9",
    1,
    "执行款发放须两人经手（制单≠复核）、余额不得为负、到账30日内发放",
    "docs/rules.md §7.9；执行款物管理规定(2017)",
)
def payout_checks(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    arrivals: list[list[object]] = []  # [entry, unpaid amount]
    balance = 0
    for e in entries:
        if e.event_type in ("disposal.funds_received",):
            amount = e.number("amount_fen") or 0
            balance += amount
            arrivals.append([e, amount])
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
                if (e.day - arrival.day).days > 30:
                    found.add(f"执行款于 {arrival.day.isoformat()} 到账，超过30日才发放", [maker, checker], arrival, e)
                paid = min(unpaid, remaining)
                item[1] = unpaid - paid
                remaining -= paid


@rule("互相制约-10", 1, "结案案件的控制措施须在到期前续行", "docs/rules.md §7.10；民诉法解释第485条")
def controls_renewed(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
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
        elif e.event_type == "asset_search.control_lapsed" and control and closed is not None:
            found.add(f"已结案件的控制措施 {control} 未续行而失效", [], closed, expiry.get(control), e)
        if e.event_type in ("asset_search.control_confirmed", "asset_search.control_renewed") and control:
            expiry[control] = e


# v2: a vice-president may approve too (期限规定 2006 art. 1); v1 found every approver but the president.
@rule("互相制约-11", 2, "延长执行期限须在届满5日前申请并经院长或副院长批准",
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
                reg.day, months=cfg.close_months, pauses=tolling_pauses(entries[:i]), calendar=ctx.calendar
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
