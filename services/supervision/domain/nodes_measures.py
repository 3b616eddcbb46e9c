"""Deadline nodes of coercive measures (罚款、拘留, docs/rules.md §9). Pure.

- ``reconsider_window:<measure>``: the person's 3 days to apply for reconsideration from service of
  the decision (民诉法解释 art. 185; counted as 民诉法 art. 85 says). Nobody at the court owes this step:
  the node is met by an application, and otherwise simply closes on its last day (never overdue).
- ``reconsider_decision:<measure>``: the higher court decides within 5 days of receiving the
  application (same article); met by the recorded decision.
- ``reward_decision:<reward>``: the judge decides on a reward application within 10 days (财产调查规定 2017
  art. 21, checked in the text); met by the decision.
- ``detention_end:<task>``: custody ends at the latest on its last day (start day = day 1; 民诉法 art.
  118) — a fixed date, never moved past a rest day; met by the release.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.supervision.domain.entries import Entry
from services.supervision.domain.nodes import Deadline, NodeBook, business_day, first

CLOSED_BY_TIME = "window_closed"  # completed_event_id of a node that ended by time, not by a step


def measure_nodes(entries: Sequence[Entry], node: NodeBook) -> None:
    for served in (e for e in entries if e.event_type == "intake.measure_served"):
        mid = served.payload.get("measure_id")
        applied = first(entries, "intake.measure_reconsideration_applied", served.seq, measure_id=mid)
        d = node(f"reconsider_window:{mid}", "被处罚人申请复议期限", "民诉法解释第185条：收到决定书之日起3日内",
                 served, done=applied, days=3)
        if applied is None and d.due is not None:
            node.out[-1] = d._replace(completed_on=d.due, completed_event_id=CLOSED_BY_TIME, explanation=[
                *d.explanation,
                f"复议申请期限于 {d.due.isoformat()} 届满：此后未申请的，决定不再复议（本节点无人逾期）"])
    for applied in (e for e in entries if e.event_type == "intake.measure_reconsideration_applied"):
        mid = applied.payload.get("measure_id")
        node(f"reconsider_decision:{mid}", "上级法院作出复议决定", "民诉法解释第185条：收到复议申请后5日内", applied,
             done=first(entries, "intake.measure_reconsideration_decided", applied.seq, measure_id=mid), days=5)
    for applied in (e for e in entries if e.event_type == "intake.reward_applied"):
        rid = applied.payload.get("reward_id")
        node(f"reward_decision:{rid}", "决定是否准许悬赏", "财产调查规定第21条：收到书面申请之日起10日内", applied,
             done=first(entries, "intake.reward_decided", applied.seq, reward_id=rid), days=10)
    for started in (e for e in entries if e.event_type == "field_ops.custody_started"):
        task = started.payload.get("task_id")
        last = started.date_of("release_by")
        if last is None:
            continue
        ended = first(entries, "field_ops.custody_ended", started.seq, task_id=task)
        steps = [
            "依据：民诉法第118条：拘留的期限为十五日以下，按决定的日数自送交看管之日起算（当日为第一日）",
            f"起算事件：{started.event_type}（{started.event_id}）",
            f"拘留 {started.payload.get('detention_days')} 日，至迟于 {last.isoformat()} 解除"
            "（固定日期，不因休息日顺延）",
        ]
        node.out.append(Deadline(
            f"detention_end:{task}", "detention_end", "解除拘留", "民诉法第118条：拘留期限届满解除",
            business_day(started), started.event_id, last, business_day(ended) if ended else None,
            ended.event_id if ended else None, steps, False, False,
        ))
