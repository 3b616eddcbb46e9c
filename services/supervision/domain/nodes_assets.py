"""Nodes of assets, money and objections (docs/rules.md §3): start the price procedure, start the
sale, re-auction, pay out, decide an objection. Each starts on its start event's business date
(nodes.business_day): a price fixed on 09-08 and entered on 12-04 starts the sale's 10 days on 09-08,
money received 40 days ago and booked today is already 10 days late. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from services.supervision.domain.entries import Entry
from services.supervision.domain.nodes import NodeBook, business_day, first
from shared.periods import OBJECTION_REVIEW_DAYS

SEIZING = {"seize", "impound"}
CONTROL_ENDS = ("asset_search.control_released", "asset_search.control_lapsed")


def control_ended(entries: Sequence[Entry], c: Entry) -> Entry | None:
    """The release or lapse of the control ``c`` confirmed, if any."""
    control = c.payload.get("control_id")
    if control is None:
        return None
    return next(
        (e for e in entries
         if e.seq > c.seq and e.event_type in CONTROL_ENDS and e.payload.get("control_id") == control),
        None,
    )


def objection_nodes(entries: Sequence[Entry], node: NodeBook) -> None:
    for obj in (e for e in entries if e.event_type == "intake.objection_registered"):
        oid = obj.payload.get("objection_case_id")
        node(f"objection:{oid}", "执行异议审查", "民诉法第236条：15日内", obj,
             done=first(entries, "intake.objection_decided", obj.seq, objection_case_id=oid),
             days=OBJECTION_REVIEW_DAYS)  # shared.periods.objection_decide_by, as intake counts it


def disposal_nodes(entries: Sequence[Entry], node: NodeBook) -> None:
    for c in (e for e in entries if e.event_type == "asset_search.control_confirmed"):
        asset = c.payload.get("asset_id")
        if c.payload.get("measure") not in SEIZING:
            continue
        decided = first(entries, "disposal.disposal_decided", c.seq, asset_id=asset)
        # A control released or lapsed needs no price any more: the node ends with it. Whichever came first
        # by business date (an imported decision reaches the trail after asset_search's imported release).
        ended = control_ended(entries, c)
        decided_first = decided is not None and (
            ended is None or (business_day(decided), decided.seq) < (business_day(ended), ended.seq))
        d = node(f"price_start:{asset}", "启动确定参考价程序", "参考价规定第1条：查封后30日内", c,
                 done=decided if decided_first else ended,
                 days=30)
        if ended is not None and d.completed_event_id == ended.event_id:
            what = "解除" if ended.event_type == "asset_search.control_released" else "到期失效"
            node.out[-1] = d._replace(explanation=[
                *d.explanation,
                f"控制措施已于 {business_day(ended).isoformat()} {what}（{ended.event_id}）："
                "无须再确定参考价，本节点终止",
            ])
    for f in (e for e in entries if e.event_type == "disposal.reference_price_fixed"):
        node(f"sale_start:{f.payload.get('disposal_id')}", "启动拍卖", "参考价规定第30条：确定参考价后10日内", f,
             done=first(entries, "disposal.auction_scheduled", f.seq), days=10)
    # Only a first round is re-auctioned: after the second, 变卖 on the platform, offset or release
    # (网拍规定 art. 26; 法明传〔2017〕455号), for which no statute sets a day here.
    for a in (e for e in entries if e.event_type == "disposal.auction_ended" and e.payload.get("result") == "unsold"
              and e.number("round") != 2):
        node(f"reauction:{a.payload.get('auction_id')}", "流拍后再次拍卖", "网拍规定第26条：流拍后30日内", a,
             done=first(entries, "disposal.auction_scheduled", a.seq)
             or first(entries, "disposal.disposal_concluded", a.seq),
             days=30)


def funds_nodes(entries: Sequence[Entry], node: NodeBook) -> None:
    """Each arrival is paid within 30 days of its ``received_on`` (执行款物管理规定 2017), not of the day
    it was booked; payouts cover arrivals in order, each done on its ``paid_on``."""
    received_total = 0
    arrivals: list[tuple[Entry, int]] = []
    payouts = [e for e in entries if e.event_type == "disposal.payout_approved"]
    for e in entries:
        if e.event_type == "disposal.funds_received":
            received_total += e.number("amount_fen") or 0
            arrivals.append((e, received_total))
    for arrival, cumulative in arrivals:
        paid_total = 0
        done = None
        for p in payouts:
            paid_total += p.number("amount_fen") or 0
            if paid_total >= cumulative:
                done = p
                break
        node(f"payout:{arrival.payload.get('entry_id')}", "执行款发放", "执行款物管理规定(2017)：到账后30日内",
             arrival, done=done, days=30)
