"""Importing the disposals of a court's existing cases (docs/import.md §2d): each ``disposals[i]`` of
a record becomes the events a live disposal records, in its own stream ``disposal.disposal:<id>``,
dated by the old system's days, attributed to the importing officer (role ``importer``).

The disposal id, the auction ids and every event id are derived from the court, the original case
number and the position in the record (``shared.importing.item_id`` / ``event_id``): a rerun writes
nothing new. The asset and the control are those asset_search imported for ``controls[control]``
(the same ids). A round's bidding runs from 10:00 (Asia/Shanghai) of its first day to 10:00 of its
last (the platforms' custom; the old system keeps days): the trail shows what the record says, and
rule 5 judges those numbers (supervision ``rules_assets.auction_numbers``). Pure.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from services.disposal import events as ev
from services.disposal.domain import rules
from services.disposal.domain.decider import stream_id
from shared.clock import SHANGHAI
from shared.events import DomainEvent
from shared.import_disposals import DisposalRec
from shared.import_sections import CaseView
from shared.importing import item_id

Steps = list[tuple[str, date, DomainEvent]]
# asset_search domain.rules.ASSET_NAMESPACE (the asset ids of imported controls)
_ASSET_NAMESPACE = uuid.UUID("0b7d4f0e-5a3c-4b61-8e0d-3f1a9c2b7e55")
BIDDING_TIME = time(10, 0)  # a round opens and closes at 10:00 on its days (the platforms' custom)


def _at(day: date) -> datetime:
    return datetime.combine(day, BIDDING_TIME, tzinfo=SHANGHAI)


def disposal_streams(case: CaseView, officer_id: str) -> list[tuple[str, Steps]]:
    """One (stream, events) per disposal of the record, in the record's order."""
    return [_one(case, i, d, officer_id) for i, d in enumerate(case.disposals)]


def _one(case: CaseView, i: int, d: DisposalRec, officer_id: str) -> tuple[str, Steps]:
    assert case.assignment is not None  # checked (not_assigned)
    number, court = case.number, case.court
    c = case.controls[d.control]
    disposal_id = item_id("disposal", court, number, str(i))
    asset_id = _asset_id(case.case_id, c.asset.kind, c.asset.identifier)
    judge = d.judge_id or case.assignment.judge_id
    at = f"disposal:{i}"
    out: Steps = [(f"{at}:decided", d.decided_on, ev.DisposalDecided(
        disposal_id=disposal_id, asset_id=asset_id, asset_kind=c.asset.kind,
        asset_class=rules.asset_class(c.asset.kind),
        control_ids=[item_id("control", court, number, str(d.control))], controlled_by=[f"legacy-{c.asset.kind}"],
        judge_id=judge, decided_on=d.decided_on))]

    def add(step: str, day: date, e: DomainEvent) -> None:
        out.append((f"{at}:{step}", day, e))

    if d.price is not None:
        p = d.price
        add("price", p.fixed_on, ev.ReferencePriceFixed(
            disposal_id=disposal_id, method=p.method, amount_fen=p.amount_fen, determined_on=p.fixed_on,
            received_on=p.fixed_on, valid_until=rules.price_valid_until(p.fixed_on), fixed_by=p.fixed_by or officer_id))
    for r, a in enumerate(d.auctions, start=1):
        auction_id = item_id("auction", court, number, f"{i}:{r}")
        increment = a.increment_fen or 0
        add(f"auction:{r}:terms", a.announced_on, ev.AuctionTermsFixed(
            disposal_id=disposal_id, round=r, starting_price_fen=a.starting_price_fen, deposit_fen=a.deposit_fen,
            increment_fen=increment, judge_id=judge))
        add(f"auction:{r}:scheduled", a.announced_on, ev.AuctionScheduled(
            disposal_id=disposal_id, asset_id=asset_id, auction_id=auction_id, round=r, platform=a.platform,
            starting_price_fen=a.starting_price_fen, deposit_fen=a.deposit_fen, increment_fen=increment,
            announcement_start=a.announced_on, bidding_start=_at(a.start_date), bidding_end=_at(a.end_date),
            scheduled_by=officer_id))
        add(f"auction:{r}:ended", a.end_date, ev.AuctionEnded(
            disposal_id=disposal_id, asset_id=asset_id, auction_id=auction_id, round=r, result=a.result,
            price_fen=a.price_fen, buyer=a.buyer, ended_at=_at(a.end_date), recorded_by=officer_id))
    if d.direct_sale is not None:
        s = d.direct_sale
        add("direct_sale", s.sold_on, ev.DirectSaleCompleted(
            disposal_id=disposal_id, price_fen=s.price_fen, buyer=s.buyer, sold_on=s.sold_on, recorded_by=officer_id))
    if d.sale_ruling is not None:
        sold = d.direct_sale if d.direct_sale is not None else d.auctions[-1]
        price, buyer = sold.price_fen, sold.buyer or ""
        assert price is not None  # checked (nothing_sold, required)
        signer = d.sale_ruling.judge_id or judge
        day = d.sale_ruling.signed_on
        add("sale_ruling", day, ev.SaleRulingSigned(
            disposal_id=disposal_id, asset_id=asset_id, price_fen=price, buyer=buyer, judge_id=signer, signed_on=day))
        add("concluded", day, ev.DisposalConcluded(
            disposal_id=disposal_id, asset_id=asset_id, outcome="direct_sale" if d.direct_sale is not None else "sold",
            price_fen=price, judge_id=signer))
    elif d.offset_in_kind is not None:
        add("concluded", d.offset_in_kind.date, ev.DisposalConcluded(
            disposal_id=disposal_id, asset_id=asset_id, outcome="offset_in_kind", price_fen=d.offset_in_kind.price_fen,
            judge_id=judge))
    elif d.release is not None:
        add("concluded", d.release.date, ev.DisposalConcluded(
            disposal_id=disposal_id, asset_id=asset_id, outcome="released", judge_id=judge, reason=d.release.reason))
    return stream_id(disposal_id), out


def _asset_id(case_id: str, kind: str, identifier: str) -> str:
    """The asset's id as asset_search gives it (asset_search ``domain.rules.asset_id_for``: one asset
    per case, kind and normalised identifier; a pure test checks they agree); disposal reads it from the
    control, live."""
    normalised = "".join(identifier.split()).replace("·", "").upper()
    return str(uuid.uuid5(_ASSET_NAMESPACE, f"{case_id}|{kind}|{normalised}"))
