"""Online search: dispatching queries, recording deliveries, agencies' answers, found assets."""

from __future__ import annotations

from datetime import timedelta

from services.asset_search import events as ev
from services.asset_search.domain.commands import DispatchSearch, MarkOverdue, RecordAnswer, RecordDelivery
from services.asset_search.domain.rules import asset_id_for
from services.asset_search.domain.state import SearchFile
from shared.errors import Conflict, FieldError, InvalidInput, NotFound
from shared.events import DomainEvent


def dispatch(cmd: DispatchSearch, state: SearchFile) -> list[DomainEvent]:
    round_ = cmd.round if cmd.round is not None else state.rounds + 1
    if state.round_queries(round_):
        return []  # this round went out already (a redelivered trigger changes nothing)
    return [
        ev.QueryDispatched(
            query_id=qid, agency_id=a.agency_id, agency_kind=a.kind, channel=a.channel,  # type: ignore[arg-type]
            round=round_, reason=cmd.reason, subject=cmd.subject,  # type: ignore[arg-type]
            case_number=cmd.case_number, dispatched_at=cmd.now,
            due_at=cmd.now + timedelta(seconds=a.answer_within_s),
        )
        for qid, a in zip(cmd.query_ids, cmd.agencies, strict=True)
    ]


def record_delivery(cmd: RecordDelivery, state: SearchFile) -> list[DomainEvent]:
    if cmd.request_id in state.delivered:
        return []
    return [
        ev.RequestDelivered(
            request_id=cmd.request_id, request_kind=cmd.request_kind, ref_id=cmd.ref_id,  # type: ignore[arg-type]
            agency_id=cmd.agency_id, channel=cmd.channel, attempts=cmd.attempts,  # type: ignore[arg-type]
        )
    ]


def _check_items(cmd: RecordAnswer) -> None:
    if cmd.outcome == "nothing_found" and cmd.items:
        raise InvalidInput(
            "答复为“未查到”时不应包含财产项", code="items_with_nothing_found",
            errors=[FieldError("items", "答复为 nothing_found 时 items 应为空")],
        )
    if cmd.outcome in ("found", "partial") and not cmd.items:
        raise InvalidInput(
            "答复为“查到”或“部分结果”时至少应有一项财产", code="found_without_items",
            errors=[FieldError("items", "至少应有一项财产")],
        )


def answer(cmd: RecordAnswer, state: SearchFile) -> list[DomainEvent]:
    q = state.queries.get(cmd.query_id)
    if q is None or q.agency_id != cmd.agency_id:
        raise NotFound("未找到该查询", code="query_not_found")
    _check_items(cmd)
    if cmd.outcome == "correction" and q.status == "open":
        raise Conflict("尚未答复的查询不能更正；请先提交答复", code="correction_before_answer")
    if cmd.outcome != "correction" and q.status == "answered":
        raise Conflict("该查询已完整答复；如需修改请以 correction 提交更正", code="query_already_answered")
    out: list[DomainEvent] = [
        ev.AgencyAnswered(
            query_id=q.query_id, agency_id=q.agency_id, agency_kind=q.agency_kind,
            outcome=cmd.outcome, item_count=len(cmd.items), items=list(cmd.items),  # type: ignore[arg-type]
            raw_hash=cmd.raw_hash, message_id=cmd.message_id,
            response_seconds=round((cmd.now - q.dispatched_at).total_seconds(), 3), late=cmd.now > q.due_at,
        )
    ]
    seen: dict[str, ev.FoundItem] = {}
    for item in cmd.items:
        seen[asset_id_for(cmd.case_id, item.asset_kind, item.identifier)] = item
    new_ids: list[str] = []
    for asset_id, item in seen.items():
        known = state.assets.get(asset_id)
        if known is None:
            new_ids.append(asset_id)
            out.append(ev.AssetFound(
                asset_id=asset_id, asset_kind=item.asset_kind, identifier=item.identifier,
                holder_id=item.holder_id, holder_name=item.holder_name, value_fen=item.value_fen,
                location=item.location, encumbrances=item.encumbrances,
                existing_seizures=item.existing_seizures, query_id=q.query_id, agency_id=q.agency_id,
            ))
        elif (known.value_fen, known.encumbrances, known.existing_seizures) != (
            item.value_fen, item.encumbrances, item.existing_seizures
        ):
            out.append(ev.AssetUpdated(
                asset_id=asset_id, identifier=known.identifier, value_fen=item.value_fen,
                encumbrances=item.encumbrances, existing_seizures=item.existing_seizures, query_id=q.query_id,
            ))
    out.extend(_round_completion(state, q.round, q.query_id, cmd.outcome, new_ids))
    return out


def _round_completion(
    state: SearchFile, round_: int, query_id: str, outcome: str, new_ids: list[str]
) -> list[DomainEvent]:
    """When the last query of a round is answered in full, the round's search is complete."""
    if round_ in state.completed_rounds or outcome == "partial":
        return []
    queries = state.round_queries(round_)
    if any(q.status != "answered" for q in queries if q.query_id != query_id):
        return []
    asset_ids = sorted({a for q in queries for a in q.asset_ids} | set(new_ids))
    out: list[DomainEvent] = [
        ev.SearchCompleted(
            round=round_, agency_kinds=sorted({q.agency_kind for q in queries}),
            query_count=len(queries), asset_count=len(asset_ids),
        )
    ]
    if queries and queries[0].reason == "after_closure" and asset_ids:
        out.append(ev.AssetsFoundAfterClosure(round=round_, asset_ids=asset_ids))
    return out


def mark_overdue(cmd: MarkOverdue, state: SearchFile) -> list[DomainEvent]:
    q = state.queries.get(cmd.query_id)
    if q is None or q.overdue or q.status == "answered" or cmd.now <= q.due_at:
        return []
    return [ev.QueryOverdue(query_id=q.query_id, agency_id=q.agency_id, agency_kind=q.agency_kind, due_at=q.due_at)]
