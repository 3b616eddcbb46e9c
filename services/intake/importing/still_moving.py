"""What an imported ending closure attests of its own record (docs/import.md §6, 互相制约-10 v3).

An imported 终结执行, 销案, 不予执行 or 驳回申请 reaches supervision's trail before asset_search's controls
and disposal's disposals of the same record, so, like the old system's search for 终本 (``online_search``),
the closure carries what its record says stood on its day: the conditions a live closure checks
(``controls_released``, ``disposals_concluded``, domain/closure.py), computed from the record by business
dates — a control effective by the closure's day and not released, deducted or expired by then (查扣冻规定
2020 art. 28), a disposal decided by then and not concluded by then (民诉法解释 art. 484). The ids are those
asset_search and disposal give the same record (shared.importing.item_id). Pure.
"""

from __future__ import annotations

from services.intake import events as ev
from services.intake.domain.closure import ENDING_CLOSURES, nothing_moving_conditions
from services.intake.domain.commands import ClosureFacts
from services.intake.importing.models import ImportRecord
from shared.importing import item_id


def still_moving_conditions(record: ImportRecord, court: str, number: str) -> list[ev.Condition]:
    """The two conditions for an ending closure (none for 终本 or 执行完毕, nor without a closure)."""
    closure = record.closure
    if closure is None or closure.type not in ENDING_CLOSURES:
        return []
    day = closure.date
    controls = []
    for i, c in enumerate(record.controls):
        if c.measure == "deduct" or c.effective_date > day:
            continue  # a deduction is done at once; a control effective after the closure is not at it
        if c.released is not None and c.released.date <= day:
            continue
        expiry = c.expiry_date
        for r in c.renewals:
            if r.date <= day:
                expiry = r.expiry_date
        if expiry is not None and expiry < day:
            continue  # run out before the closure (no expiry given: the statutory maximum, taken as in effect)
        controls.append(item_id("control", court, number, str(i)))
    disposals = []
    for i, d in enumerate(record.disposals):
        end = (d.sale_ruling.signed_on if d.sale_ruling is not None else d.offset_in_kind.date
               if d.offset_in_kind is not None else d.release.date if d.release is not None else None)
        if d.decided_on <= day and (end is None or end > day):
            disposals.append(item_id("disposal", court, number, str(i)))
    return nothing_moving_conditions(ClosureFacts(active_controls=tuple(controls), open_disposals=tuple(disposals)))
