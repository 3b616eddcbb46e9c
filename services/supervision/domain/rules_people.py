"""互相制约 rules about people: who may act on a case in which role (docs/rules.md §7 rules 1–3, 6–8, 12–15)."""

from __future__ import annotations

from collections.abc import Sequence

from services.supervision.domain.entries import Entry
from services.supervision.domain.findings import (
    EXECUTING_ROLES,
    LEADERS,
    Context,
    Found,
    beside_the_case,
    current_judge,
    handlers_of,
    rule,
    stage_of,
)
from services.supervision.domain.periods import add_months

IMPORTER_ROLE = "importer"  # the actor role of events imported from a court's old system (docs/import.md)


@rule("互相制约-1", 1, "立案人不得任承办法官；同一人不得在立案/查控/处置/外勤中兼任两个实施环节", "docs/rules.md §7.1")
def separate_stages(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    registration: Entry | None = None
    stages: dict[str, dict[str, Entry]] = {}
    for e in entries:
        if e.event_type == "intake.case_registered":
            registration = e
        if e.event_type == "intake.case_assigned" and registration is not None:
            registrar = registration.text("registered_by") or registration.officer
            if registrar and e.text("judge_id") == registrar:
                found.add(f"立案人 {registrar} 被分为本案承办法官", [registrar], registration, e)
        stage = stage_of(e)
        if stage is None or e.officer is None or e.actor_role not in EXECUTING_ROLES:
            continue
        seen = stages.setdefault(e.officer, {})
        if stage not in seen:
            if seen:
                first_stage, first = next(iter(seen.items()))
                found.add(f"{e.officer} 在本案中既承担{first_stage}又承担{stage}实施工作", [e.officer], first, e)
            seen[stage] = e


@rule("互相制约-2", 1, "只有本案现任承办法官下达指令和裁定；指令的执行人不得是下达人", "docs/rules.md §7.2")
def judge_instructs(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    orders: dict[str, Entry] = {}
    for i, e in enumerate(entries):
        if e.event_type == "asset_search.control_ordered":
            issuer = e.text("judge_id") or e.officer
            judge = current_judge(entries, i)
            if issuer != judge:
                found.add(f"控制措施由 {issuer} 裁定，但本案现任承办法官为 {judge or '（未分案）'}", [issuer, judge], e)
            if e.text("control_id"):
                orders[str(e.payload["control_id"])] = e
        elif e.event_type == "asset_search.control_confirmed":
            order = orders.get(str(e.payload.get("control_id")))
            doer = e.text("controlled_by") or e.officer
            if order is not None and doer and doer == (order.text("judge_id") or order.officer):
                found.add(f"{doer} 既裁定又实施控制措施", [doer], order, e)


@rule("互相制约-3", 1, "外勤任务只能基于本案承办法官的指令", "docs/rules.md §7.3")
def field_task_needs_instruction(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    instructions: dict[str, Entry] = {}
    tasks: dict[str, Entry] = {}
    for i, e in enumerate(entries):
        if e.event_type == "field_ops.instruction_issued":
            issuer = e.text("judge_id") or e.officer
            judge = current_judge(entries, i)
            if issuer != judge:
                found.add(f"外勤指令由 {issuer} 下达，但本案现任承办法官为 {judge or '（未分案）'}", [issuer, judge], e)
            instructions[str(e.payload.get("instruction_id"))] = e
        elif e.event_type == "field_ops.task_routed":
            tasks[str(e.payload.get("task_id"))] = e
            if str(e.payload.get("instruction_id")) not in instructions:
                found.add("外勤任务没有对应的承办法官指令", [e.officer], e)
        elif e.event_type in ("field_ops.task_accepted", "field_ops.task_reported"):
            task = tasks.get(str(e.payload.get("task_id")))
            instruction = instructions.get(str(task.payload.get("instruction_id"))) if task else None
            doer = e.text("officer_id") or e.officer
            if instruction is not None and doer and doer == (instruction.text("judge_id") or instruction.officer):
                found.add(f"{doer} 既下达外勤指令又执行该任务", [doer], instruction, e)


@rule("互相制约-6", 1, "终本须满足全部条件并由承办法官以外的人批准", "docs/rules.md §5, §7.6；终本规定")
def zhongben_conditions(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    for i, e in enumerate(entries):
        if e.event_type != "intake.case_closed" or e.payload.get("closure_type") != "终本":
            continue
        before = entries[:i]
        types = [b.event_type for b in before]
        notices = {b.payload.get("notice_kind") for b in before if b.event_type == "intake.notice_issued"}
        queries = {b.payload.get("query_id") for b in before if b.event_type == "asset_search.query_dispatched"}
        answers = {b.payload.get("query_id") for b in before if b.event_type == "asset_search.agency_answered"}
        leads = {b.payload.get("lead_id") for b in before if b.event_type == "asset_search.lead_recorded"}
        verified = {b.payload.get("lead_id") for b in before if b.event_type == "asset_search.lead_verified"}
        registered = next((b for b in before if b.event_type == "intake.case_registered"), None)
        judge = e.text("judge_id") or current_judge(entries, i)
        approver = e.text("approved_by")
        unmet = []
        if "enforcement_notice" not in notices:
            unmet.append("未发执行通知书及报告财产令")
        if "consumption_restriction" not in notices:
            unmet.append("未发限制消费令")
        # An imported closure (docs/import.md §2b) attests the old system's search in its conditions: its
        # queries (asset_search's import) reach the trail after intake's closure, and findings stay.
        imported = e.actor_role == IMPORTER_ROLE
        attested = imported and any(isinstance(c, dict) and c.get("code") == "online_search" and c.get("met")
                                    for c in e.payload.get("conditions") or [])
        if (not queries or not queries <= answers) and not attested:
            unmet.append("网络查控未全部反馈（导入记录未载明旧系统的网络查控）" if imported else "网络查控未全部反馈")
        if not leads <= verified:
            unmet.append("申请人提供的线索未全部核查")
        if registered is None or e.day <= add_months(registered.day, 3):
            unmet.append("立案未满3个月")
        if "intake.applicant_interviewed" not in types:
            unmet.append("未约谈申请执行人")
        if not approver or approver == judge:
            unmet.append("未经承办法官以外的人批准")
        if unmet:
            where = "（旧系统结案，按导入的记录判断）" if imported else ""
            found.add("终本条件不满足" + where + "：" + "、".join(unmet), [judge, approver], e)


# v2: a 执恢 case's first assignment names the judge who closed the old case (intake sets its
# previous_judge_id); that assignment and every later one (a re-assignment) must go to someone else.
@rule("互相制约-7", 2, "恢复执行须经未办理本案的指定审查人，并分给终本法官以外的法官（双循环）", "docs/rules.md §7.7")
def resumption_double_loop(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    closing: str | None = None
    resumed_case = False
    registered: Entry | None = None
    for i, e in enumerate(entries):
        if e.event_type == "intake.case_resumed":
            reviewer = e.text("reviewer_id")
            if reviewer is None or reviewer in handlers_of(entries[:i]):
                found.add(f"恢复执行审查人 {reviewer or '（缺失）'} 曾办理本案或未指定", [reviewer], e)
        elif e.event_type == "intake.case_registered" and registered is None:
            registered, resumed_case = e, e.payload.get("case_type") == "执恢"
        elif e.event_type == "intake.case_assigned" and resumed_case:
            first = not any(b.event_type == "intake.case_assigned" for b in entries[:i])
            if first:
                closing = e.text("previous_judge_id")
            if closing is not None and e.text("judge_id") == closing:
                found.add(f"恢复执行案件仍分给原终本法官 {closing}", [closing], registered, e)


# An objection reviewer's own review steps are no handling of the case.
REVIEW_STEPS = frozenset({"intake.objection_decided", "intake.objection_hearing_held"})


# v2: checked over the whole review, not only when the panel was formed: a panel member who acts on the
# case before the decision (records a lead as search officer, is assigned as its judge …) is a finding.
@rule("互相制约-8", 2, "办理执行实施案件的人不得审查对该案的异议", "docs/rules.md §7.8；执行异议复议规定第11条")
def objection_reviewers(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    for i, e in enumerate(entries):
        if e.event_type != "intake.objection_registered":
            continue
        reviewers = set(map(str, e.payload.get("reviewers") or []))
        clash = sorted(reviewers & handlers_of(entries[:i]))
        if clash:
            found.add(f"异议审查人 {'、'.join(clash)} 曾办理本案", clash, e)
        oid = e.payload.get("objection_case_id")
        decided = next((d for d in entries[i + 1:] if d.event_type == "intake.objection_decided"
                        and d.payload.get("objection_case_id") == oid), None)
        for a in entries[i + 1:]:
            if decided is not None and a.seq >= decided.seq:
                break
            judge = a.text("judge_id") if a.event_type == "intake.case_assigned" else None
            acts = a.event_type not in REVIEW_STEPS and not beside_the_case(a)
            who = a.officer if a.officer in reviewers and acts else None
            who = who or (judge if judge in reviewers else None)
            if who is None:
                continue
            # Two findings, so that a trail's findings contain those of each of its prefixes (findings.py;
            # a rebuild must find what the live checks found): the act itself, found as soon as it is in the
            # trail, and — once it is — the same member's decision after it.
            act = f"异议审查人 {who} 在审查期间办理本案（{a.event_type}）"
            found.add(act, [who], e, a)
            if decided is not None and decided.officer == who:
                found.add(act + "，其后仍作出审查结论", [who], e, a, decided)


TRACKS = {"fast": "快执", "ordinary": "普执"}


# v2: a re-assignment may not change the case's track (快执/普执) on the side: only a triage (the team
# lead's override, a case_triaged event) does; a judge of the other track's teams needs one first.
@rule("互相制约-12", 2, "人工改派须由领导决定并说明理由，且不得绕过繁简分流改变轨道", "docs/rules.md §7.12；§2.2")
def manual_reassignment(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    assigned = False
    track: str | None = None
    for e in entries:
        if e.event_type == "intake.case_triaged":
            track = e.text("track")
            continue
        if e.event_type != "intake.case_assigned":
            continue
        if assigned and (e.actor_role not in LEADERS or not e.text("reason")):
            missing = [] if e.actor_role in LEADERS else ["非领导改派"]
            missing += [] if e.text("reason") else ["未说明理由"]
            found.add("改派承办法官：" + "、".join(missing), [e.text("assigned_by") or e.officer], e)
        moved = e.text("track")
        if assigned and track is not None and moved is not None and moved != track:
            found.add(f"改派承办法官至{TRACKS.get(moved, moved)}团队，案件为{TRACKS.get(track, track)}案件，"
                      "未经团队长调整繁简分流", [e.text("assigned_by") or e.officer], e)
        assigned = True


@rule("互相制约-13", 1, "提请罚款、拘留的法官不得审批；罚款、拘留须经院长批准", "docs/rules.md §7.13；民诉法第119条")
def measure_approval(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    proposals: dict[str, Entry] = {}
    for e in entries:
        if e.event_type == "intake.measure_proposed":
            proposals[str(e.payload.get("measure_id"))] = e
        elif e.event_type in ("intake.measure_approved", "intake.measure_rejected"):
            proposal = proposals.get(str(e.payload.get("measure_id")))
            approved = e.event_type == "intake.measure_approved"
            decider = e.text("approved_by" if approved else "rejected_by") or e.officer
            proposer = (proposal.text("proposed_by") or proposal.officer) if proposal else None
            if proposer is None and approved:
                proposer = e.text("proposed_by")
            if decider and decider == proposer:
                found.add(f"{decider} 既提请又审批同一罚款、拘留", [decider], *(p for p in (proposal, e) if p))
            elif approved and e.actor_role not in (None, "president"):
                found.add(f"罚款、拘留由 {decider}（{e.actor_role}）批准，未经院长批准", [decider], e)


@rule("互相制约-14", 1, "执行拘留的外勤人员不得是作出或批准拘留决定的人", "docs/rules.md §7.14")
def detainer_not_decider(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    decisions: dict[str, Entry] = {}
    for e in entries:
        if e.event_type == "intake.measure_approved":
            decisions[str(e.payload.get("measure_id"))] = e
        elif e.event_type in ("field_ops.custody_started", "field_ops.custody_ended"):
            decision = decisions.get(str(e.payload.get("measure_id")))
            doer = e.text("officer_id") or e.officer
            if decision is None or not doer:
                continue
            deciders = {decision.text("judge_id"), decision.text("approved_by")}
            if doer in deciders:
                found.add(f"{doer} 既作出或批准拘留决定又执行拘留", [doer], decision, e)


AID_PANEL_MIN = 3  # 司法救助意见 (法发〔2016〕16号): decided collectively — this system's reading, docs/rules.md §7.15


@rule("互相制约-15", 1, "司法救助须合议决定：合议庭至少3名不同成员，记录人为合议庭成员，本案承办法官不得记录决定",
      "docs/rules.md §7.15、§9；司法救助意见(2016)")
def aid_panel(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    """The detective side of intake's 司法救助-合议 over the trail: each ``intake.judicial_aid_decided``
    names a panel of at least three different members, is recorded by one of them, and never by the
    case's judge (the judge at the decision; else the judge the application named)."""
    applications: dict[str, Entry] = {}
    for i, e in enumerate(entries):
        if e.event_type == "intake.judicial_aid_applied":
            applications[str(e.payload.get("aid_id"))] = e
        elif e.event_type == "intake.judicial_aid_decided":
            application = applications.get(str(e.payload.get("aid_id")))
            raw = e.payload.get("panel")
            panel = list(dict.fromkeys(str(p) for p in raw)) if isinstance(raw, list) else []
            decider = e.text("decided_by") or e.officer
            judge = current_judge(entries, i) or (application.text("case_judge_id") if application else None)
            cited = [x for x in (application, e) if x]
            if len(panel) < AID_PANEL_MIN:
                found.add(f"司法救助决定的合议庭仅 {len(panel)} 名不同成员（至少 {AID_PANEL_MIN} 名）",
                          [decider, *panel], *cited)
            if decider and decider not in panel:
                found.add(f"司法救助决定由合议庭以外的 {decider} 记录", [decider], *cited)
            if decider and decider == judge:
                found.add(f"本案承办法官 {decider} 记录了本案的司法救助决定", [decider], *cited)
