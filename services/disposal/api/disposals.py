"""HTTP surface of the disposal flow: decision → notices → reference price → auctions → outcome."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any, Literal

import asyncpg
from fastapi import APIRouter, Request, Response
from pydantic import AwareDatetime, Field

from services.disposal.api.common import (
    DisposalOfficer,
    Factory,
    Fen,
    Judge,
    PastDate,
    PastInstant,
    Rt,
    Staff,
    known_case,
    run,
)
from services.disposal.api.models import DisposalList, DisposalOut, DisposalWritten
from services.disposal.domain import commands as cmd
from services.disposal.domain.decider import DisposalDecider, stream_id
from services.disposal.domain.state import DisposalState
from services.disposal.reads import asset_standing, asset_view, disposal_asset, disposal_case
from shared.auth import Role
from shared.commands import fold
from shared.errors import NotFound
from shared.text import RequestModel

router = APIRouter(tags=["财产处置 disposal"])
DECIDER = DisposalDecider()
Method = Literal["agreement", "targeted_enquiry", "online_enquiry", "valuation"]
Text = Field(min_length=1, max_length=500)


class In(RequestModel):
    """Base of this router's request bodies (shared/text.py: only storable text, ints within bigint)."""


class DecideIn(In):
    asset_id: str = Field(min_length=1, max_length=100, description="本案已控制的财产编号")


class NoticeIn(In):
    notice_kind: Literal["disposal_notice", "auction_notice", "price_report"] = Field(
        description="disposal_notice 处置告知书 / auction_notice 网络拍卖告知书 / price_report 参考价报告")
    party: Literal["applicant", "respondent"] = Field(description="applicant 申请执行人 / respondent 被执行人")
    served_on: PastDate = Field(description="送达日期")


class UnavailableIn(In):
    method: Method
    reason: str = Text


class ProcedureIn(In):
    method: Literal["online_enquiry", "valuation"]
    providers: list[str] = Field(min_length=1, max_length=20, description="询价平台或评估机构")
    started_on: PastDate


class ExtensionIn(In):
    requested_on: PastDate


class PriceIn(In):
    method: Method
    amount_fen: Fen | None = Field(default=None, description="议价、定向询价、评估的结果（分）")
    platform_results_fen: list[Fen] = Field(default_factory=list, max_length=20, description="网络询价各平台结果")
    determined_on: PastDate = Field(description="结果作出日期")
    received_on: PastDate = Field(description="报告送达当事人日期")


class ObjectionIn(In):
    party: Literal["applicant", "respondent"]
    filed_on: PastDate
    grounds: str = Text


class ObjectionRulingIn(In):
    upheld: bool
    reason: str = Text


class TermsIn(In):
    starting_price_fen: Fen
    deposit_fen: Fen
    increment_fen: Fen


class ScheduleIn(In):
    platform: str = Field(min_length=1, max_length=100)
    announcement_start: date = Field(description="公告发布日期")
    bidding_start: AwareDatetime
    bidding_end: AwareDatetime


class ResultIn(In):
    result: Literal["sold", "unsold"]
    price_fen: Fen | None = None
    buyer: str | None = Field(default=None, max_length=200)
    ended_at: PastInstant
    last_bid_at: PastInstant | None = Field(
        default=None,
        description="最后一次出价进入平台系统的时间（网拍规定第二十条：结束前五分钟内出价的顺延五分钟）；流拍不填")


class OnlineSaleIn(In):
    platform: str = Field(min_length=1, max_length=100)
    announced_on: PastDate = Field(description="网络变卖公告日期")
    sale_start: date = Field(description="变卖期开始日期（公告后至少七日）")


class OnlineSaleUnsoldIn(In):
    ended_on: PastDate = Field(description="变卖期届满无人买受的日期")


class DirectSaleIn(In):
    price_fen: Fen
    buyer: str = Field(min_length=1, max_length=200)
    sold_on: PastDate


class RulingIn(In):
    signed_on: PastDate


class OffsetIn(In):
    applicant_accepts: bool


class ReleaseIn(In):
    reason: str = Text


def disposal_view(s: DisposalState) -> dict[str, Any]:
    return {
        "disposal_id": s.disposal_id,
        "asset_id": s.asset_id,
        "asset_class": s.asset_class,
        "judge_id": s.judge_id,
        "status": s.status,
        "outcome": s.outcome,
        "notices": sorted([{"notice_kind": k, "party": p, "served_on": d} for k, p, d in s.notices],
                          key=lambda n: (n["served_on"], n["notice_kind"], n["party"])),
        "unavailable_methods": sorted(s.unavailable),
        "price_procedure": dict(zip(("method", "started_on", "extensions"), s.procedure, strict=True))
        if s.procedure else None,
        "reference_price": s.price.model_dump() if s.price else None,
        "objection_pending": s.objection_pending,
        "auction_terms": s.terms.model_dump() if s.terms else None,
        "auctions": [a.__dict__ for a in s.auctions],
        "sale": dict(zip(("price_fen", "buyer", "via"), s.sale, strict=True)) if s.sale else None,
        "online_sale": {**s.online_sale.model_dump(include={"platform", "price_fen", "announced_on", "sale_start",
                                                              "sale_end"}),
                        "unsold": s.online_sale_unsold} if s.online_sale else None,
        "ruling_signed": s.ruling_signed,
    }


async def _on_disposal(request: Request, response: Response, rt: Rt, officer: Any, role: Role, disposal_id: str,
                       build: Factory) -> DisposalWritten:
    found = await disposal_asset(rt.pool, disposal_id)
    if found is None:
        raise NotFound("未找到该处置", code="disposal_not_found")
    case_id, asset_id = found

    async def standing(conn: asyncpg.Connection, acting: cmd.Acting) -> Any:
        """Every step re-checks where its asset stands now, read inside the command's transaction."""
        return await build(conn, replace(acting, asset=await asset_standing(conn, case_id, asset_id)))

    return await run(request, response, rt, officer, role, case_id=case_id, stream_id=stream_id(disposal_id),
                     decider=DECIDER, build=standing, view=disposal_view, out=DisposalWritten)


def _simple(make: Any) -> Factory:
    async def build(conn: asyncpg.Connection, acting: cmd.Acting) -> Any:
        return make(acting)

    return build


@router.post("/cases/{case_id}/disposals", status_code=201, summary="法官决定处置本案已控制的财产")
async def decide(case_id: str, body: DecideIn, request: Request, response: Response, officer: Judge,
                 rt: Rt) -> DisposalWritten:
    disposal_id = str(uuid.uuid4())

    async def build(conn: asyncpg.Connection, acting: cmd.Acting) -> cmd.DecideDisposal:
        return cmd.DecideDisposal(acting, disposal_id, await asset_view(conn, case_id, body.asset_id))

    return await run(request, response, rt, officer, Role.JUDGE, case_id=case_id, stream_id=stream_id(disposal_id),
                     decider=DECIDER, build=build, view=disposal_view, out=DisposalWritten, status=201)


@router.get("/cases/{case_id}/disposals", summary="本案的财产处置")
async def list_disposals(case_id: str, officer: Staff, rt: Rt) -> DisposalList:
    await known_case(rt, officer, case_id)
    rows = await rt.pool.fetch("SELECT * FROM disposals WHERE case_id = $1 ORDER BY updated_at", case_id)
    return DisposalList.model_validate({"case_id": case_id, "disposals": [dict(r) for r in rows]})


@router.get("/disposals/{disposal_id}", summary="处置详情")
async def get_disposal(disposal_id: str, officer: Staff, rt: Rt) -> DisposalOut:
    case_id = await disposal_case(rt.pool, disposal_id)
    if case_id is None:
        raise NotFound("未找到该处置", code="disposal_not_found")
    await known_case(rt, officer, case_id)
    async with rt.pool.acquire() as conn:
        state = fold(DECIDER, await rt.store.load(conn, stream_id(disposal_id)))
    return DisposalOut.model_validate({"case_id": case_id, **disposal_view(state)})


@router.post("/disposals/{disposal_id}/notices", summary="送达处置告知书、网络拍卖告知书、参考价报告")
async def serve_notice(disposal_id: str, body: NoticeIn, request: Request, response: Response, officer: DisposalOfficer,
                       rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.ServeNotice(a, body.notice_kind, body.party, body.served_on)))


@router.post("/disposals/{disposal_id}/price/unavailable", summary="记录某参考价方式不能适用及原因")
async def method_unavailable(disposal_id: str, body: UnavailableIn, request: Request, response: Response,
                             officer: DisposalOfficer, rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.MarkMethodUnavailable(a, body.method, body.reason)))


@router.post("/disposals/{disposal_id}/price/procedure", summary="启动网络询价或委托评估")
async def start_procedure(disposal_id: str, body: ProcedureIn, request: Request, response: Response,
                          officer: DisposalOfficer, rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.StartPriceProcedure(a, body.method, tuple(body.providers), body.started_on)))


@router.post("/disposals/{disposal_id}/price/procedure/extension", summary="询价或评估期限延长")
async def extend_procedure(disposal_id: str, body: ExtensionIn, request: Request, response: Response,
                           officer: DisposalOfficer, rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.ExtendPriceProcedure(a, body.requested_on)))


@router.post("/disposals/{disposal_id}/price", summary="确定参考价")
async def fix_price(disposal_id: str, body: PriceIn, request: Request, response: Response, officer: DisposalOfficer,
                    rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.FixReferencePrice(a, body.method, body.amount_fen, tuple(body.platform_results_fen),
                                        body.determined_on, body.received_on)))


@router.post("/disposals/{disposal_id}/price/objections", summary="登记当事人对参考价的异议")
async def raise_objection(disposal_id: str, body: ObjectionIn, request: Request, response: Response,
                          officer: DisposalOfficer, rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.RaisePriceObjection(a, body.party, body.filed_on, body.grounds)))


@router.post("/disposals/{disposal_id}/price/objections/ruling", summary="法官处理参考价异议")
async def rule_objection(disposal_id: str, body: ObjectionRulingIn, request: Request, response: Response,
                         officer: Judge, rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.JUDGE, disposal_id, _simple(
        lambda a: cmd.RuleOnPriceObjection(a, body.upheld, body.reason)))


@router.post("/disposals/{disposal_id}/auction-terms", summary="法官确定起拍价、保证金、加价幅度")
async def fix_terms(disposal_id: str, body: TermsIn, request: Request, response: Response, officer: Judge,
                    rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.JUDGE, disposal_id, _simple(
        lambda a: cmd.FixAuctionTerms(a, body.starting_price_fen, body.deposit_fen, body.increment_fen)))


@router.post("/disposals/{disposal_id}/auctions", summary="处置中心在平台上排期网络拍卖")
async def schedule(disposal_id: str, body: ScheduleIn, request: Request, response: Response, officer: DisposalOfficer,
                   rt: Rt) -> DisposalWritten:
    auction_id = str(uuid.uuid4())
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.ScheduleAuction(a, auction_id, body.platform, body.announcement_start, body.bidding_start,
                                      body.bidding_end)))


@router.post("/disposals/{disposal_id}/auctions/{round_no}/result", summary="记录拍卖结果：成交或流拍")
async def auction_result(disposal_id: str, round_no: int, body: ResultIn, request: Request, response: Response,
                         officer: DisposalOfficer, rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.RecordAuctionResult(a, round_no, body.result, body.price_fen, body.buyer, body.ended_at,
                                          body.last_bid_at)))


@router.post("/disposals/{disposal_id}/online-sale",
             summary="两次流拍后在同一平台发布网络变卖公告（二拍起拍价，变卖期六十日）")
async def online_sale(disposal_id: str, body: OnlineSaleIn, request: Request, response: Response,
                      officer: DisposalOfficer, rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.AnnounceOnlineSale(a, body.platform, body.announced_on, body.sale_start)))


@router.post("/disposals/{disposal_id}/online-sale/unsold", summary="网络变卖期满无人买受")
async def online_sale_unsold(disposal_id: str, body: OnlineSaleUnsoldIn, request: Request, response: Response,
                             officer: DisposalOfficer, rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.RecordOnlineSaleUnsold(a, body.ended_on)))


@router.post("/disposals/{disposal_id}/direct-sale", summary="两次流拍后变卖成交")
async def direct_sale(disposal_id: str, body: DirectSaleIn, request: Request, response: Response,
                      officer: DisposalOfficer, rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.DISPOSAL_OFFICER, disposal_id, _simple(
        lambda a: cmd.RecordDirectSale(a, body.price_fen, body.buyer, body.sold_on)))


@router.post("/disposals/{disposal_id}/sale-ruling", summary="法官签发成交裁定")
async def sale_ruling(disposal_id: str, body: RulingIn, request: Request, response: Response, officer: Judge,
                      rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.JUDGE, disposal_id, _simple(
        lambda a: cmd.SignSaleRuling(a, body.signed_on)))


@router.post("/disposals/{disposal_id}/offset-in-kind", summary="流拍后以物抵债（按最后一次起拍价）")
async def offset_in_kind(disposal_id: str, body: OffsetIn, request: Request, response: Response, officer: Judge,
                         rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.JUDGE, disposal_id, _simple(
        lambda a: cmd.OffsetInKind(a, body.applicant_accepts)))


@router.post("/disposals/{disposal_id}/release", summary="两次流拍且无人接受抵债：解除并退还")
async def release(disposal_id: str, body: ReleaseIn, request: Request, response: Response, officer: Judge,
                  rt: Rt) -> DisposalWritten:
    return await _on_disposal(request, response, rt, officer, Role.JUDGE, disposal_id, _simple(
        lambda a: cmd.ReleaseAsset(a, body.reason)))
