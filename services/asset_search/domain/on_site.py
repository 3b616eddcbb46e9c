"""Seizures made on site by a field officer (外勤现场查封): an asset and a control already in effect.

The judge instructed the seizure (field_ops checked that), the field officer sealed the asset: the
search file records the asset and a control that is effective from the seal date, with the field
officer as the one who controlled it and the instructing judge as the one who requested it.
"""

from __future__ import annotations

from services.asset_search import events as ev
from services.asset_search.domain.commands import RecordOnSiteSeizure
from services.asset_search.domain.rules import MEASURES, max_expiry
from services.asset_search.domain.state import SearchFile
from shared.events import DomainEvent


def on_site_control_id(asset_id: str) -> str:
    """One control per sealed asset; the same id disposal uses for the field event itself."""
    return f"field_ops:{asset_id}"


def on_site_measure(asset_kind: str) -> str:
    """查封 where the kind allows it (real estate, vehicles, vessels, movables); money is frozen."""
    allowed = MEASURES.get(asset_kind, frozenset())
    return "seize" if "seize" in allowed or not allowed else sorted(allowed - {"deduct"})[0]


def record_on_site_seizure(cmd: RecordOnSiteSeizure, state: SearchFile) -> list[DomainEvent]:
    control_id = on_site_control_id(cmd.asset_id)
    if control_id in state.controls:
        return []  # recorded already (a redelivered report changes nothing)
    events: list[DomainEvent] = []
    if cmd.asset_id not in state.assets:
        events.append(ev.FieldAssetRecorded(
            asset_id=cmd.asset_id, asset_kind=cmd.asset_kind,  # type: ignore[arg-type]
            description=cmd.description, identifier=cmd.identifier, location=cmd.location,
            value_fen=cmd.value_fen, seized_by=cmd.seized_by, seal_date=cmd.seal_date, task_id=cmd.task_id,
            instruction_id=cmd.instruction_id, judge_id=cmd.judge_id,
        ))
    measure = on_site_measure(cmd.asset_kind)
    # 民诉法解释 art. 485: the statutory period by asset kind, counted from the seal date.
    expiry = max_expiry(cmd.asset_kind, cmd.seal_date)
    events.append(ev.ControlOrdered(
        control_id=control_id, asset_id=cmd.asset_id, asset_kind=cmd.asset_kind, measure=measure,  # type: ignore[arg-type]
        amount_limit_fen=None, control_value_fen=cmd.value_fen or 0, judge_id=cmd.judge_id,
        ruling_number=cmd.instruction_id, agency_id=ev.FIELD_AGENCY, requested_by=cmd.judge_id,
        origin="on_site", instruction_id=cmd.instruction_id, task_id=cmd.task_id,
    ))
    events.append(ev.ControlConfirmed(
        control_id=control_id, asset_id=cmd.asset_id, asset_kind=cmd.asset_kind, measure=measure,  # type: ignore[arg-type]
        effective_date=cmd.seal_date, expiry_date=expiry, amount_fen=None, queue_position=None,
        controlled_by=cmd.seized_by, raw_hash=cmd.raw_hash, controller_kind="officer",
        requested_by=cmd.judge_id, origin="on_site",
    ))
    return events
