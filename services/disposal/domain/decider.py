"""disposal's two aggregates: one routing table each from command type to decision.

:class:`DisposalDecider` decides one asset's disposal (stream ``disposal.disposal:<disposal_id>``,
:func:`stream_id`); :class:`LedgerDecider` the case account, 一案一账号 (stream
``disposal.ledger:<case_id>``, :func:`ledger_stream_id`). Commands carry time, the acting officer
and what this service knows about the case from its own projections; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.disposal.domain import aid
from services.disposal.domain import commands as c
from services.disposal.domain import decide_ledger as ledger
from services.disposal.domain import decide_price as price
from services.disposal.domain import decide_sale as sale
from services.disposal.domain.state import DisposalState, LedgerState, evolve, evolve_ledger
from shared.commands import TableDecider
from shared.events import DomainEvent

DECISIONS: dict[type, Callable[[Any, DisposalState], list[DomainEvent]]] = {
    c.DecideDisposal: price.decide_disposal,
    c.ServeNotice: price.serve_notice,
    c.MarkMethodUnavailable: price.mark_method_unavailable,
    c.StartPriceProcedure: price.start_price_procedure,
    c.ExtendPriceProcedure: price.extend_price_procedure,
    c.FixReferencePrice: price.fix_reference_price,
    c.RaisePriceObjection: price.raise_price_objection,
    c.RuleOnPriceObjection: price.rule_on_price_objection,
    c.FixAuctionTerms: sale.fix_auction_terms,
    c.ScheduleAuction: sale.schedule_auction,
    c.RecordAuctionResult: sale.record_auction_result,
    c.AnnounceOnlineSale: sale.announce_online_sale,
    c.RecordOnlineSaleUnsold: sale.record_online_sale_unsold,
    c.RecordDirectSale: sale.record_direct_sale,
    c.SignSaleRuling: sale.sign_sale_ruling,
    c.OffsetInKind: sale.offset_in_kind,
    c.ReleaseAsset: sale.release_asset,
}

LEDGER_DECISIONS: dict[type, Callable[[Any, LedgerState], list[DomainEvent]]] = {
    c.ReceiveFunds: ledger.receive,
    c.ProposePayout: ledger.propose,
    c.ApprovePayout: ledger.approve,
    c.RejectPayout: ledger.reject,
    aid.ProposeAid: aid.propose_aid,
    aid.ApproveAid: aid.approve_aid,
    aid.RejectAid: aid.reject_aid,
}


class DisposalDecider(TableDecider[DisposalState]):
    """One asset's disposal (stream ``disposal.disposal:<disposal_id>``)."""

    def __init__(self) -> None:
        super().__init__(DisposalState, evolve, DECISIONS)


class LedgerDecider(TableDecider[LedgerState]):
    """The case account, 一案一账号 (stream ``disposal.ledger:<case_id>``)."""

    def __init__(self) -> None:
        super().__init__(LedgerState, evolve_ledger, LEDGER_DECISIONS)


def stream_id(disposal_id: str) -> str:
    return f"disposal.disposal:{disposal_id}"


def ledger_stream_id(case_id: str) -> str:
    return f"disposal.ledger:{case_id}"


def given(*events: DomainEvent) -> DisposalState:
    """The state after ``events`` (for tests and replays)."""
    return DisposalDecider().given(*events)


def given_ledger(*events: DomainEvent) -> LedgerState:
    """The state after ``events`` (for tests and replays)."""
    return LedgerDecider().given(*events)