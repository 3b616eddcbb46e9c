"""The demo's coercive measures (强制措施, docs/rules.md §9) on a case where the search found nothing: a fine
the president approves and the judge records as paid; a detention carried out by the field centre and
released early after payment; a referral for refusal to perform that the police decline, followed by the
applicant's private prosecution; a reward notice whose lead becomes an asset lead; an exposure.

Every step is a public HTTP request; a refusal is reported and the rest goes on.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from deploy.demo_steps import AFFAIRS, CLERK, H, officer, refused

if TYPE_CHECKING:
    from deploy.demo import Demo

PRESIDENT = ("qz-pres-01", ("president",))
FIELD = ("fo-1a", ("field_officer",))
DEBTOR = {"kind": "person", "name": "被执行人（演示）", "id_number": "11010519491231002X"}


async def measures(demo: Demo, case_id: str, judge_id: str) -> None:
    try:
        await _measures(demo, case_id, judge_id)
    except refused() as exc:
        demo.outcomes["强制措施：中断"] += 1
        demo.say(f"强制措施（案件 {case_id}）未成：{exc}")


async def _measure(demo: Demo, case_id: str, judge: dict[str, str], body: dict[str, Any], number: str) -> str:
    out = await demo.post("intake", f"/cases/{case_id}/measures", body, judge)
    mid = str(out["measure_id"])
    await demo.post("intake", f"/cases/{case_id}/measures/{mid}/approve", {"decision_number": number},
                    officer(demo, PRESIDENT))
    await demo.post("intake", f"/cases/{case_id}/measures/{mid}/service", {"served_on": demo.today.isoformat()},
                    officer(demo, AFFAIRS))
    return mid


async def _measures(demo: Demo, case_id: str, judge_id: str) -> None:
    judge, today = demo.auth(judge_id, "judge"), demo.today.isoformat()
    year = demo.today.year
    fine = await _measure(demo, case_id, judge, {
        "subject": DEBTOR, "ground": "asset_report_violation", "facts": "拒不报告财产情况", "fine_fen": 1_000_000},
        f"（{year}）黔01司惩{demo.rng.randrange(1000, 9999)}号")
    await demo.post("intake", f"/cases/{case_id}/measures/{fine}/effect",
                    {"effect": "paid", "note": "罚款后被执行人履行部分款项", "amount_paid_fen": 500_000}, judge)
    demo.outcomes["强制措施：罚款"] += 1

    await _measure(demo, case_id, judge, {
        "subject": DEBTOR, "ground": "refuse_to_perform", "facts": "有履行能力而拒不履行", "detention_days": 15,
        "region": "520102"}, f"（{year}）黔01司惩{demo.rng.randrange(1000, 9999)}号")

    async def proposal() -> Any:
        body = await demo.get("field_ops", f"/cases/{case_id}/proposals", judge)
        return next((p for p in body["proposals"] if p["kind"] == "detain"), None)

    detain = await demo.until("外勤中心收到拘留决定", proposal)
    task = await demo.post("field_ops", f"/cases/{case_id}/instructions", {
        "kind": "detain", "target": {"kind": "person", "description": DEBTOR["name"]}, "region": "520102",
        "deadline": (demo.today + timedelta(days=2)).isoformat(), "proposal_id": detain["proposal_id"]}, judge)
    fo = officer(demo, FIELD)
    base = f"/tasks/{task['task_id']}"
    await demo.post("field_ops", f"{base}/accept", None, fo)
    started = demo.today - timedelta(days=3)
    await demo.post("field_ops", f"{base}/custody",
                    {"started_at": f"{started.isoformat()}T10:00:00+08:00", "custody_organ": "南明区拘留所"}, fo)
    await demo.post("field_ops", f"{base}/family-notice",
                    {"notified": True, "notified_at": f"{started.isoformat()}T15:00:00+08:00"}, fo)
    await demo.post("field_ops", f"{base}/release", {"released_on": today, "reason": "被执行人认错并履行部分义务"}, fo)
    demo.outcomes["强制措施：拘留（提前解除）"] += 1

    clerk = officer(demo, CLERK)
    ref = await demo.post("intake", f"/cases/{case_id}/refusal-referrals", {
        "subject": DEBTOR, "facts": "转移财产、拒不履行生效判决", "evidence": [H],
        "police_organ": "贵阳市公安局南明分局"}, judge)
    rbase = f"/cases/{case_id}/refusal-referrals/{ref['id']}"
    await demo.post("intake", f"{rbase}/answer", {"accepted": False, "answered_on": today, "reason": "不予立案"}, clerk)
    await demo.post("intake", f"{rbase}/private-prosecution", {
        "filed_on": today, "applicant_name": "申请执行人代表", "guidance": "告知自诉条件并指导准备证据"}, clerk)
    demo.outcomes["拒执罪：移送后自诉"] += 1

    reward = await demo.post("intake", f"/cases/{case_id}/rewards",
                             {"applicant_name": "申请执行人代表", "reward_fen": 300_000}, clerk)
    wbase = f"/cases/{case_id}/rewards/{reward['id']}"
    await demo.post("intake", f"{wbase}/decision",
                    {"granted": True, "reason": "申请人提供悬赏金", "channels": ["court_website", "wechat"]}, judge)
    await demo.post("intake", f"{wbase}/leads", {
        "informant": "热心群众", "description": "被执行人车辆停放于某小区地下车库", "asset_kind": "vehicle",
        "target": "贵A88888", "region": "520102", "received_on": today}, clerk)
    await demo.post("intake", f"/cases/{case_id}/exposures",
                    {"subject": DEBTOR, "channel": "outdoor_screen", "content": "失信被执行人曝光"}, judge)
    demo.outcomes["悬赏、曝光"] += 1
