"""The demo's petitions (涉执信访) and one judicial aid case (国家司法救助), on a case where the search
found nothing: the applicant petitions, the case's judge receives it (谁办理谁接待), the bureau chief
supervises (督办), a joint discussion (会商) leads to judicial aid, decided by a panel, reported to the
higher court and paid through the case account; a second petition is explained, a third stays open.

Every step is a public HTTP request; a refusal is reported and the rest goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploy.demo_steps import CHIEF, CLERK, FIN_CHECKER, FIN_MAKER, officer, refused

if TYPE_CHECKING:
    from deploy.demo import Demo

AID_FEN = 1_000_000  # 10,000 yuan: well within 36 months of any configured wage
PANEL = ("qz-rev-01", "qz-rev-02", "qz-rev-03")


async def petitions(demo: Demo, case_id: str, judge_id: str) -> None:
    try:
        await _petitions(demo, case_id, judge_id)
    except refused() as exc:
        demo.outcomes["涉执信访：中断"] += 1
        demo.say(f"涉执信访（案件 {case_id}）未成：{exc}")


async def _petition(demo: Demo, case_id: str, request: str, channel: str) -> str:
    petitioner = {"name": "申请执行人代表", "role": "applicant", "contact": "0851-0000000"}
    body = {"case_id": case_id, "petitioner": petitioner,
            "request": request, "channel": channel, "received_on": demo.today.isoformat()}
    out = await demo.post("intake", "/petitions", body, officer(demo, CLERK))
    demo.outcomes["涉执信访：登记"] += 1
    return str(out["petition_id"])


async def _petitions(demo: Demo, case_id: str, judge_id: str) -> None:
    today = demo.today.isoformat()
    judge = demo.auth(judge_id, "judge")
    chief = officer(demo, CHIEF)
    first = await _petition(demo, case_id, "执行多时未见到位，家中生活困难，请求法院尽快执行", "visit")
    await demo.post("intake", f"/petitions/{first}/acknowledgement", {"acknowledged_on": today}, judge)
    await demo.post("intake", f"/petitions/{first}/escalation",
                    {"instruction": "承办人十日内约谈信访人，研究司法救助", "due_on": today}, chief)
    await demo.post("intake", f"/petitions/{first}/discussions",
                    {"participants": [judge_id, CHIEF[0]], "conclusion": "被执行人无财产可供执行，启动司法救助",
                     "discussed_on": today}, judge)
    aid = await demo.post("intake", f"/cases/{case_id}/judicial-aid", {
        "applicant": {"name": "申请执行人代表"}, "amount_requested_fen": AID_FEN,
        "grounds": "案件无法执行到位，申请人患病、无固定收入", "applied_on": today, "petition_id": first},
        officer(demo, CLERK))
    aid_id = aid["aid_id"]
    await demo.post("intake", f"/judicial-aid/{aid_id}/examination", {
        "case_unenforceable": True, "hardship_grounds": ["患病", "无固定收入"],
        "findings": "网络查控与外勤调查均未发现可供执行的财产"}, judge)
    await demo.post("intake", f"/judicial-aid/{aid_id}/decision", {
        "granted": True, "amount_fen": AID_FEN, "panel": list(PANEL), "reason": "符合国家司法救助条件"},
        demo.auth(PANEL[0], "reviewer"))
    await demo.post("intake", f"/judicial-aid/{aid_id}/funds-request", {}, chief)

    async def paid() -> bool:
        # two finance officers (互相制约-9): one proposes, another approves and pays
        proposed = await demo.post("disposal", f"/cases/{case_id}/ledger/aid-payments",
                                   {"aid_id": aid_id, "amount_fen": AID_FEN, "paid_on": today},
                                   officer(demo, FIN_MAKER))
        await demo.post("disposal", f"/cases/{case_id}/ledger/aid-payments/{proposed['payment_id']}/approval", {},
                        officer(demo, FIN_CHECKER))
        return True

    await demo.until("财产处置服务得知救助决定并发放救助金", paid)
    demo.outcomes["司法救助：发放"] += 1
    await demo.post("intake", f"/petitions/{first}/closure", {
        "outcome": "judicial_aid", "petition_stopped": True, "details": "发放司法救助金，信访人表示息访",
        "closed_on": today, "aid_id": aid_id}, judge)

    second = await _petition(demo, case_id, "询问案件进展", "phone")
    await demo.post("intake", f"/petitions/{second}/acknowledgement", {"acknowledged_on": today}, judge)
    await demo.post("intake", f"/petitions/{second}/closure", {
        "outcome": "explained", "petition_stopped": False, "details": "已告知查控结果和终本后的定期查询",
        "closed_on": today}, judge)
    third = await _petition(demo, case_id, "要求对被执行人采取拘留措施", "letter")
    await demo.post("intake", f"/petitions/{third}/acknowledgement", {"acknowledged_on": today}, judge)
    demo.say(f"涉执信访：案件 {case_id} 3 件（1 件以司法救助办结并息访，1 件解释说明，1 件办理中）")
