"""Control of found assets: the judge's rulings and the agencies' confirmations."""

from __future__ import annotations

from datetime import date

from services.asset_search import events as ev
from services.asset_search.domain.commands import (
    CaseFacts,
    ConfirmControl,
    LapseControl,
    OrderControl,
    OrderRenewal,
    ReleaseControl,
    Ruling,
)
from services.asset_search.domain.rules import (
    MEASURE_ZH,
    MEASURES,
    MONEY_KINDS,
    application_fee_fen,
    max_expiry,
)
from services.asset_search.domain.state import ControlState, SearchFile
from shared.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, in_court
from shared.events import DomainEvent


def check_judge(ruling: Ruling) -> CaseFacts:
    """互相制约-2: only the case's current judge issues its rulings (docs/rules.md §7.2)."""
    case = ruling.case
    if case is None or case.judge_id is None:
        raise Conflict("该案件尚未分案，暂无承办法官，不能作出控制裁定", code="case_not_assigned")
    if not in_court(ruling.officer_court, case.court):  # another court's case: as if absent
        raise NotFound("查控系统中没有该案件", code="case_not_found")
    if ruling.officer_id != case.judge_id:
        raise Forbidden("只有本案现任承办法官才能作出控制或解除裁定", code="not_case_judge", rule="互相制约-2")
    return case


def _value(cmd: OrderControl, kind: str, asset_value: int | None) -> int:
    if kind in MONEY_KINDS:
        return cmd.amount_limit_fen or 0
    values = [v for v in (asset_value, cmd.amount_limit_fen) if v is not None]
    return min(values) if values else 0


def order_control(cmd: OrderControl, state: SearchFile) -> list[DomainEvent]:
    case = check_judge(cmd.ruling)
    asset = state.assets.get(cmd.asset_id)
    if asset is None:
        raise NotFound("本案查控结果中没有该财产", code="asset_not_found")
    if asset.on_site:
        raise Conflict("该财产由外勤现场查封，没有联动单位可以执行网络控制；如需另行控制，请下达外勤指令",
                       code="asset_seized_on_site")
    errors: list[FieldError] = []
    allowed = MEASURES.get(asset.kind, frozenset())
    if cmd.measure not in allowed:
        names = "、".join(MEASURE_ZH[m] for m in sorted(allowed))
        errors.append(FieldError("measure", f"该类财产只能采取：{names}", "measure_not_allowed"))
    if asset.kind in MONEY_KINDS and not cmd.amount_limit_fen:
        errors.append(FieldError("amount_limit_fen", "冻结、扣划资金须写明限额（分）", "amount_limit_required"))
    if errors:
        raise InvalidInput("控制措施不符合要求", code="invalid_control", errors=errors)
    if any(c.live and c.asset_id == asset.asset_id and c.measure == cmd.measure for c in state.controls.values()):
        raise Conflict(f"该财产已在本案{MEASURE_ZH[cmd.measure]}中", code="already_controlled")
    new = ControlState(
        cmd.control_id, asset.asset_id, asset.kind, cmd.measure, asset.agency_id, cmd.amount_limit_fen,
        _value(cmd, asset.kind, asset.value_fen),
    )
    # 查扣冻规定 art. 19: 以其价额足以清偿债权额及执行费用为限，不得明显超标的额查封、扣押、冻结.
    ceiling = (case.claim_amount_fen or 0) + application_fee_fen(case.claim_amount_fen or 0)
    after, before = state.controlled_value_fen(new), state.controlled_value_fen()
    reason = (cmd.over_control_reason or "").strip()
    if after > ceiling and after > before and len(reason) < 4:
        raise InvalidInput(
            f"控制财产价值合计 {after} 分，超过执行标的与执行费用合计 {ceiling} 分；超标的控制须写明理由",
            code="over_control_needs_reason", rule="查扣冻规定-19",
            errors=[FieldError("over_control_reason", "超标的控制须写明理由（至少 4 个字）", "required")],
            extra={"controlled_value_fen": after, "ceiling_fen": ceiling},
        )
    return [
        ev.ControlOrdered(
            control_id=cmd.control_id, asset_id=asset.asset_id, asset_kind=asset.kind,
            measure=cmd.measure, amount_limit_fen=cmd.amount_limit_fen,  # type: ignore[arg-type]
            control_value_fen=new.control_value_fen, judge_id=cmd.ruling.officer_id,
            ruling_number=cmd.ruling.ruling_number, agency_id=asset.agency_id,
            over_control_reason=reason or None, requested_by=cmd.ruling.officer_id,
        )
    ]


def _control_for_agency(state: SearchFile, control_id: str, agency_id: str) -> ControlState:
    c = state.controls.get(control_id)
    if c is None or c.agency_id != agency_id:
        raise NotFound("未找到该控制请求", code="control_not_found")
    return c


def confirm(cmd: ConfirmControl, state: SearchFile) -> list[DomainEvent]:
    c = _control_for_agency(state, cmd.control_id, cmd.agency_id)
    if c.renewal_pending and c.status == "effective":
        return _confirm_renewal(cmd, c)
    if c.status not in ("ordered", "queued"):
        raise Conflict("该控制没有待确认的请求", code="nothing_to_confirm")
    if cmd.outcome == "refused":
        if not (cmd.reason or "").strip():
            raise InvalidInput("未能执行控制时须说明原因", errors=[FieldError("reason", "必填字段缺失", "missing")])
        return [ev.ControlRefused(control_id=c.control_id, asset_id=c.asset_id, reason=cmd.reason or "",
                                  controlled_by=cmd.agency_id, raw_hash=cmd.raw_hash)]
    errors: list[FieldError] = []
    if cmd.effective_date is None:
        errors.append(FieldError("effective_date", "必填字段缺失", "missing"))
    if cmd.outcome == "queued" and not cmd.queue_position:
        errors.append(FieldError("queue_position", "轮候查封须写明轮候顺位（≥1）", "missing"))
    needs_amount = c.measure == "deduct" or (c.measure == "freeze" and c.asset_kind in MONEY_KINDS)
    if needs_amount and cmd.outcome == "effective" and cmd.amount_fen is None:
        errors.append(FieldError("amount_fen", "须写明实际冻结或扣划的金额（分）", "missing"))
    if cmd.amount_fen is not None and c.amount_limit_fen is not None and cmd.amount_fen > c.amount_limit_fen:
        errors.append(FieldError("amount_fen", f"不得超过裁定限额 {c.amount_limit_fen} 分", "over_limit"))
    if errors:
        raise InvalidInput("控制回执不符合要求", code="invalid_confirmation", errors=errors)
    assert cmd.effective_date is not None
    expiry: date | None = None
    if c.measure != "deduct":
        latest = max_expiry(c.asset_kind, cmd.effective_date)
        expiry = cmd.expiry_date or latest
        if expiry > latest:
            raise InvalidInput(
                f"控制期限不得超过法定最长期限（至 {latest.isoformat()}）", code="expiry_beyond_statutory_maximum",
                rule="民诉法解释-485", errors=[FieldError("expiry_date", f"最晚为 {latest.isoformat()}", "too_late")],
            )
        if expiry < cmd.effective_date:
            raise InvalidInput("到期日不能早于生效日", errors=[FieldError("expiry_date", "到期日不能早于生效日")])
    out: list[DomainEvent] = [
        ev.ControlConfirmed(
            control_id=c.control_id, asset_id=c.asset_id, asset_kind=c.asset_kind, measure=c.measure,  # type: ignore[arg-type]
            effective_date=cmd.effective_date, expiry_date=expiry, amount_fen=cmd.amount_fen,
            queue_position=cmd.queue_position if cmd.outcome == "queued" else None,
            controlled_by=cmd.agency_id, raw_hash=cmd.raw_hash, controller_kind="agency",
            requested_by=c.requested_by,
        )
    ]
    if c.measure == "deduct" and cmd.outcome == "effective" and cmd.amount_fen:
        out.append(ev.DeductionConfirmed(control_id=c.control_id, asset_id=c.asset_id,
                                         amount_fen=cmd.amount_fen, agency_id=cmd.agency_id))
    return out


def _confirm_renewal(cmd: ConfirmControl, c: ControlState) -> list[DomainEvent]:
    if cmd.outcome != "effective" or cmd.expiry_date is None:
        raise InvalidInput("续行回执须写明新的到期日", code="invalid_confirmation",
                           errors=[FieldError("expiry_date", "必填字段缺失", "missing")])
    previous = c.expiry_date
    start = previous or cmd.effective_date or cmd.expiry_date
    latest = max_expiry(c.asset_kind, start)
    if cmd.expiry_date > latest or (previous is not None and cmd.expiry_date <= previous):
        raise InvalidInput(
            f"续行期限不得超过法定最长期限（至 {latest.isoformat()}），且应晚于原到期日",
            code="expiry_beyond_statutory_maximum", rule="民诉法解释-485",
            errors=[FieldError("expiry_date", f"应在原到期日之后、{latest.isoformat()} 之前", "out_of_range")],
        )
    return [ev.ControlRenewed(control_id=c.control_id, asset_id=c.asset_id, asset_kind=c.asset_kind,
                              previous_expiry_date=previous, expiry_date=cmd.expiry_date,
                              controlled_by=cmd.agency_id, raw_hash=cmd.raw_hash)]


def order_renewal(cmd: OrderRenewal, state: SearchFile) -> list[DomainEvent]:
    check_judge(cmd.ruling)
    c = state.controls.get(cmd.control_id)
    if c is None:
        raise NotFound("未找到该控制措施", code="control_not_found")
    if c.status != "effective" or c.measure == "deduct":
        raise Conflict("只有生效中的冻结、查封、扣押才能续行", code="not_renewable")
    if c.origin == "on_site":
        raise Conflict("现场查封的续行须另行下达外勤指令，由外勤人员办理", code="renewal_needs_field_instruction")
    if c.renewal_pending:
        raise Conflict("该控制已有待确认的续行请求", code="renewal_pending")
    if c.expiry_date is not None and cmd.today > c.expiry_date:
        raise Conflict("该控制已到期，不能续行", code="control_expired")
    return [ev.ControlRenewalOrdered(control_id=c.control_id, asset_id=c.asset_id, judge_id=cmd.ruling.officer_id,
                                     ruling_number=cmd.ruling.ruling_number, agency_id=c.agency_id)]


def release(cmd: ReleaseControl, state: SearchFile) -> list[DomainEvent]:
    check_judge(cmd.ruling)
    c = state.controls.get(cmd.control_id)
    if c is None:
        raise NotFound("未找到该控制措施", code="control_not_found")
    if not c.live or (c.measure == "deduct" and c.status == "effective"):
        raise Conflict("该控制已不在生效中，无需解除", code="not_releasable")
    return [ev.ControlReleased(control_id=c.control_id, asset_id=c.asset_id, expiry_date=c.expiry_date,
                               judge_id=cmd.ruling.officer_id, ruling_number=cmd.ruling.ruling_number,
                               reason=cmd.reason, agency_id=c.agency_id)]


def lapse(cmd: LapseControl, state: SearchFile) -> list[DomainEvent]:
    """An effective control whose expiry passed without a confirmed renewal lapses."""
    c = state.controls.get(cmd.control_id)
    if c is None or c.status != "effective" or c.expiry_date is None or cmd.today <= c.expiry_date:
        return []
    return [ev.ControlLapsed(control_id=c.control_id, asset_id=c.asset_id, expiry_date=c.expiry_date)]
