"""An imported ending closure (终结执行, 销案, 不予执行, 驳回申请) judged by business dates (互相制约-10 v3).

A record's parts reach the trail as blocks, intake's first (docs/import.md §6): the imported closure is in
the trail before asset_search's controls and disposal's disposals, so reading the trail in order never
sees a control in effect or a disposal open at it. Like 互相制约-4 v4 for imported disposal steps, such a
closure is judged over the whole trail on the days things happened: a control of the case in effect on the
closure's day (effective by then, its expiry not before it, not released, lapsed or deducted on or before it) or a
disposal decided by then and not concluded on or before it (查扣冻规定 2020 art. 28; 民诉法解释 art. 484).

The closure carries what its record says (intake's import writes the conditions ``controls_released`` and
``disposals_concluded`` a live closure checks, computed from the record by business dates,
services/intake/importing/still_moving.py): an imported closure that carries them is judged on them, at once
and whatever the order of the parts. One imported before that is judged over the trail as follows.

A part still arriving must not make a false finding (findings are never withdrawn): asset_search's part is
written in date order (services/asset_search/importing.py), so a control's history up to the closure's day
is known once a later asset_search event dated after that day is in the trail, or disposal's imported part
(which follows asset_search's whole part); a disposal's once an event of that disposal dated after the day
is. Until then the closure is not judged; a control or disposal still open today is judged at its next
event (a renewal, a lapse, a release, a step), all dated after the closure. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.supervision.domain.entries import Entry
from services.supervision.domain.nodes import business_day
from services.supervision.domain.rules_people import IMPORTER_ROLE

CONTROL_STARTS = ("asset_search.control_confirmed", "asset_search.control_renewed")
# A deduction (扣划) done is the control's end too: the money left the account, nothing is left to release.
CONTROL_ENDS = ("asset_search.control_released", "asset_search.control_lapsed", "asset_search.deduction_confirmed")


@dataclass(frozen=True)
class Standing:
    """What stood on an imported closure's day: each control in effect and each disposal open, by the
    entry that began it."""

    day: date
    controls: dict[str, Entry]
    disposals: dict[str, Entry]


def _after(entries: Sequence[Entry], since: Entry, day: date, prefix: str) -> bool:
    return any(x.seq > since.seq and x.event_type.startswith(prefix) and business_day(x) > day for x in entries)


def standing_at(entries: Sequence[Entry], closure: Entry) -> Standing:
    """The controls in effect and the disposals open on ``closure``'s business day, over the whole trail,
    counting only those whose history up to that day the trail already holds (see the module)."""
    day = business_day(closure)
    disposal_part = any(x.event_type.startswith("disposal.") and x.actor_role == IMPORTER_ROLE for x in entries)
    controls: dict[str, Entry] = {}
    for control in {e.text("control_id") for e in entries if e.event_type == "asset_search.control_confirmed"}:
        if not control:
            continue
        own = [e for e in entries if e.text("control_id") == control]
        start = next(e for e in own if e.event_type == "asset_search.control_confirmed")
        if business_day(start) > day:
            continue
        if any(e.event_type in CONTROL_ENDS and business_day(e) <= day for e in own):
            continue
        expiries = [d for e in own if e.event_type in CONTROL_STARTS and business_day(e) <= day
                    for d in (e.date_of("expiry_date"),) if d is not None]
        if expiries and max(expiries) < day:
            continue  # run out before the closure (its lapse may not have arrived yet)
        if disposal_part or _after(entries, start, day, "asset_search."):
            controls[control] = start
    disposals: dict[str, Entry] = {}
    for e in entries:
        disposal = e.text("disposal_id")
        if e.event_type != "disposal.disposal_decided" or not disposal or business_day(e) > day:
            continue
        own = [x for x in entries if x.text("disposal_id") == disposal]
        if any(x.event_type == "disposal.disposal_concluded" and business_day(x) <= day for x in own):
            continue
        if any(business_day(x) > day for x in own):
            disposals[disposal] = e
    return Standing(day, controls, disposals)


ATTESTED = ("controls_released", "disposals_concluded")


def attested(closure: Entry) -> list[str] | None:
    """The unmet conditions' details the imported closure carries (what its record says stood on its day);
    None when it carries neither condition (imported before they were written)."""
    conditions = [c for c in closure.payload.get("conditions") or []
                  if isinstance(c, dict) and c.get("code") in ATTESTED]
    if not conditions:
        return None
    return [str(c.get("detail") or c.get("code")) for c in conditions if not c.get("met")]
