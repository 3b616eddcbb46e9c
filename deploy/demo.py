"""``make demo``: drive N cases through realistic lives over the PUBLIC HTTP APIs of a running system.

Filing and registration (triage, assignment), notices, online search answered by the linkage-agency
simulator, controls (deductions, seizures), field instructions and reports, disposal with online
auctions and payouts, closures of several types, a few late steps and a few deliberate rule breaks
that supervision must flag. Nothing is published on Kafka and no database is touched: every step is
a request a court officer (or the simulator, as the agencies) would make.

On a real clock 终本 cannot happen (3 months since registration) and 恢复执行 needs a 终本 case, so the
demo tries one 终本, shows intake's refusal (the conditions it lists) and says what it skipped.

With ``--months N`` against a system on the drill clock (``COURT_CLOCK_DRILL=1 make run``) the demo
lives a court's year: each month a cohort of cases starts its life, the cases whose search and field
work found nothing are closed as 终本 once three months have passed (approved by the bureau chief),
one in four of those is resumed (执恢) by a designated reviewer a month later, and then an
administrator moves the court clock 31 days (``POST /admin/clock``): the scanner records the steps
that fell due, the re-search after 终本 runs by itself, and the dashboard shows a year.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import typer
from stdnum.cn import ric

from deploy import demo_lives as lives
from deploy import demo_measures, demo_petitions
from shared.auth import mint_token
from shared.envelope import SHANGHAI, now_shanghai
from shared.settings import ServiceSettings

PORTS = {
    "intake": 8101,
    "asset_search": 8102,
    "disposal": 8103,
    "field_ops": 8104,
    "supervision": 8105,
    "simulator": 8109,
}
H = "0123456789abcdef" * 4
MATERIALS = [
    {"material_class": "application_form", "kind": "application", "content_hash": H},
    {"material_class": "basis_document", "kind": "basis_copy", "content_hash": H},
    {"material_class": "basis_document", "kind": "effectiveness_proof", "content_hash": H},
    {"material_class": "identity", "kind": "business_licence", "content_hash": H},
    {"material_class": "identity", "kind": "legal_rep_certificate", "content_hash": H},
    {"material_class": "asset_leads", "kind": "asset_lead", "reference": "申请人提交的财产线索"},
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
APPLICANT = ("贵州某某建材有限公司", "91110000600037341L")


class StepRefused(Exception):
    """A service refused a step: the case stops where it is (its life is reported as cut short)."""


@dataclass
class Demo:
    """Where the system is, the officers' tokens, and what happened."""

    host: str
    port_offset: int
    court: str
    rng: random.Random
    http: httpx.AsyncClient
    log: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    offset_days: int = 0  # how far the system's drill clock is ahead of this process's (days)
    # A demo year: closures waiting for their day (deploy/demo_steps.close); None: close at once
    deferred: list[tuple[date, Callable[[], Awaitable[None]]]] | None = None
    _tokens: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    def url(self, service: str, path: str) -> str:
        return f"http://{self.host}:{PORTS[service] + self.port_offset}{path}"

    def auth(self, officer: str, *roles: str) -> dict[str, str]:
        key = (officer, roles)
        if key not in self._tokens:
            self._tokens[key] = mint_token(
                ServiceSettings(), officer_id=officer, name=officer, roles=list(roles), court=self.court
            )
        return {"Authorization": f"Bearer {self._tokens[key]}"}

    @property
    def today(self) -> date:
        """The system's court date (its drill clock may be ahead of this process's clock)."""
        return now_shanghai().date() + timedelta(days=self.offset_days)

    async def court_clock(self) -> dict[str, Any]:
        """The system's court clock (supervision's ``GET /admin/clock``); keeps ``today`` in step."""
        state = await self.get("supervision", "/admin/clock", self.auth("qz-admin-01", "admin"))
        self.offset_days = (date.fromisoformat(state["today"]) - now_shanghai().date()).days
        return state

    async def move_clock(self, days: int) -> None:
        await self.post("supervision", "/admin/clock", {"days": days, "reason": "演示：一个月过去"},
                        self.auth("qz-admin-01", "admin"))
        await self.court_clock()

    async def post(
        self,
        service: str,
        path: str,
        body: dict[str, Any] | None,
        who: dict[str, str],
        ok: tuple[int, ...] = (200, 201),
    ) -> dict[str, Any]:
        headers = {**who, "Idempotency-Key": str(uuid.uuid4())}
        r = await self.http.post(self.url(service, path), json=body if body is not None else {}, headers=headers)
        if r.status_code not in ok:
            raise StepRefused(f"{service} {path} → {r.status_code} {_problem(r)}")
        out: dict[str, Any] = r.json() if r.content else {}
        out.setdefault("_location", r.headers.get("location"))
        return out

    async def get(self, service: str, path: str, who: dict[str, str], **params: Any) -> dict[str, Any]:
        r = await self.http.get(self.url(service, path), headers=who, params=params)
        if r.status_code != 200:
            raise StepRefused(f"{service} {path} → {r.status_code} {_problem(r)}")
        body: dict[str, Any] = r.json()
        return body

    async def until(self, what: str, probe: Any, within: float = 60.0) -> Any:
        """Poll ``probe`` (an async callable) until it returns something truthy."""
        deadline = time.monotonic() + within
        while True:
            try:
                value = await probe()
            except StepRefused:
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise StepRefused(f"等待超时：{what}")
            await asyncio.sleep(0.3)

    def say(self, line: str) -> None:
        self.log.append(line)
        typer.echo(line)


def _problem(r: httpx.Response) -> str:
    try:
        body = r.json()
    except ValueError:
        return r.text[:200]
    return f"{body.get('rule') or body.get('code') or ''} {body.get('detail') or body.get('title') or ''}".strip()


def person(rng: random.Random) -> dict[str, Any]:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 14000))
    body = f"110105{born:%Y%m%d}{rng.randrange(100, 999)}"  # a district the ID check knows
    return {
        "kind": "person",
        "name": f"{rng.choice(SURNAMES)}某{rng.randrange(1, 99)}",
        "id_number": body + ric.calc_check_digit(body + "0"),
    }


def application(demo: Demo, *, claim_fen: int, fast: bool, days_ago: int) -> dict[str, Any]:
    """A complete application; ``fast`` makes it a small mediation with a confirmed address (快执)."""
    rng = demo.rng
    applied = demo.today - timedelta(days=days_ago)
    effective = applied - timedelta(days=rng.randrange(40, 300))
    name, code = APPLICANT
    return {
        "court": demo.court,
        "case_type": "执",
        "applicant": {"kind": "organisation", "name": name, "id_number": code},
        "respondent": person(rng),
        "basis": {
            "kind": "mediation" if fast else "judgment",
            "issuing_body": "贵阳市南明区人民法院",
            "document_number": f"（{effective.year}）黔0102民初{rng.randrange(100, 9999)}号",
            "effective_date": effective.isoformat(),
            "performance_deadline": (effective + timedelta(days=15)).isoformat(),
        },
        "claim_amount_fen": claim_fen,
        "application_date": applied.isoformat(),
        "materials": MATERIALS,
        "service_address_confirmed": fast,
    }


PLAN = [
    ("voluntary", "自动履行"),
    ("deduction", "扣划存款"),
    ("auction", "拍卖车辆"),
    ("settlement", "执行和解"),
    ("field", "外勤调查，暂无财产"),
    ("terminated", "申请人撤回，终结执行"),
    ("late", "逾期未发通知"),
    ("break_finance", "违规：立案人经手执行款"),
    ("voluntary", "自动履行"),
    ("deduction", "扣划存款"),
    ("break_field", "违规：立案人执行外勤任务"),
    ("auction", "拍卖车辆"),
]


async def drive(demo: Demo, cases: int, concurrency: int) -> None:
    plan = [PLAN[i % len(PLAN)] for i in range(cases)]
    gate = asyncio.Semaphore(concurrency)
    open_cases: list[tuple[str, str]] = []

    async def one(i: int, life: str, title: str) -> None:
        async with gate:
            started = time.monotonic()
            try:
                case_id, judge = await getattr(lives, life)(demo, i)
                demo.outcomes[f"{title}：完成"] += 1
                if life == "field":
                    open_cases.append((case_id, judge))
                demo.say(f"[{i + 1:>3}/{cases}] {title:<14} 完成 {case_id} ({time.monotonic() - started:.1f}s)")
            except (StepRefused, httpx.HTTPError) as exc:
                demo.outcomes[f"{title}：中断"] += 1
                demo.say(f"[{i + 1:>3}/{cases}] {title:<14} 中断：{exc}")

    await asyncio.gather(*(one(i, life, title) for i, (life, title) in enumerate(plan)))
    if open_cases:
        await demo_petitions.petitions(demo, *open_cases[0])
        await demo_measures.measures(demo, *open_cases[0])
        await lives.try_zhongben(demo, *open_cases[0])
    demo.skipped.append("恢复执行（执恢）：只能对终本案件决定，而本次演示无法产生终本案件（立案未满3个月），已跳过")
    demo.skipped.append("定期网络查控（终本后每6个月）、控制措施到期续行：需要数月的时间，已跳过")


async def _closed(demo: Demo, closing: Callable[[], Awaitable[None]], gate: asyncio.Semaphore) -> bool:
    async with gate:
        try:
            await closing()
            return True
        except (StepRefused, httpx.HTTPError) as exc:
            demo.say(f"结案未成：{exc}")
            return False


async def drive_year(demo: Demo, cases: int, months: int, concurrency: int) -> None:
    """A court's ``months`` on the drill clock: a cohort of lives a month, 终本 after three months,
    执恢 a month after, then the clock moves 30 days."""
    plan = [PLAN[i % len(PLAN)] for i in range(cases)]
    per_month = -(-cases // months)
    demo.deferred = []
    gate = asyncio.Semaphore(concurrency)
    found_nothing: list[tuple[int, str, str]] = []  # (month started, case id, judge)
    zhongben: list[tuple[int, str]] = []  # (month closed, case id)
    reviewers = ("qz-rev-01", "qz-rev-02")

    async def one(i: int, month: int, life: str, title: str) -> None:
        async with gate:
            try:
                case_id, judge = await getattr(lives, life)(demo, i)
                demo.outcomes[f"{title}：完成"] += 1
                if life == "field":
                    found_nothing.append((month, case_id, judge))
            except (StepRefused, httpx.HTTPError) as exc:
                demo.outcomes[f"{title}：中断"] += 1
                demo.say(f"[{i + 1:>4}/{cases}] {title:<14} 中断：{exc}")

    for month in range(months):
        cohort = list(enumerate(plan))[month * per_month:(month + 1) * per_month]
        started = time.monotonic()
        await asyncio.gather(*(one(i, month, life, title) for i, (life, title) in cohort))
        if month == 0 and found_nothing:  # a few petitions and one judicial aid case (deploy/demo_petitions.py)
            await demo_petitions.petitions(demo, *found_nothing[0][1:])
        for item in [c for c in found_nothing if month - c[0] >= 3]:
            found_nothing.remove(item)
            if await lives.zhongben(demo, item[1], item[2]):
                demo.outcomes["终本：结案"] += 1
                if demo.outcomes["终本：结案"] % 4 == 1:  # one in four comes back a month later (执恢)
                    zhongben.append((month, item[1]))
        for back in [z for z in zhongben if month - z[0] >= 1]:
            zhongben.remove(back)
            try:
                await demo.post("intake", f"/cases/{back[1]}/resumption",
                                {"ground": "applicant_new_lead", "reason": "申请执行人提供了新的财产线索"},
                                demo.auth(demo.rng.choice(reviewers), "reviewer"))
                demo.outcomes["执恢：立案"] += 1
            except StepRefused as exc:
                demo.say(f"执恢（案件 {back[1]}）未成：{exc}")
        due = [d for d in demo.deferred if d[0] <= demo.today]
        for d in due:
            demo.deferred.remove(d)
        for closing in await asyncio.gather(*(_closed(demo, d[1], gate) for d in due)):
            demo.outcomes["结案（到期办结）" if closing else "结案：中断"] += 1
        took = time.monotonic() - started
        demo.say(f"== 第 {month + 1} 个月（{demo.today}）：{len(cohort)} 件开始，用时 {took:.0f}s")
        if month < months - 1:
            await demo.move_clock(31)  # three such months are always three calendar months (终本)


async def summary(demo: Demo, since: date | None = None) -> None:
    """The figures of the period ``since`` … today (default: the court year so far)."""
    sup = demo.auth("qz-sup-01", "supervisor")
    await asyncio.sleep(2)  # let supervision catch up with the last events
    since = since or demo.today.replace(month=1, day=1)
    ind = await demo.get("supervision", "/indicators", sup, **{"from": since.isoformat(), "to": demo.today.isoformat()})
    overdue = await demo.get("supervision", "/indicators/overdue", sup)
    findings = await demo.get("supervision", "/findings", sup)
    t = ind["totals"]

    def pct(key: str) -> str:
        v = t[key]["value"]
        return "—" if v is None else f"{v * 100:.1f}%"

    typer.echo("\n== 结果 ==")
    for k, v in sorted(demo.outcomes.items()):
        typer.echo(f"  {k}: {v}")
    typer.echo(
        f"  收案 {t['received']}，结案 {t['closed']}，未结 {t['pending']}；结案率 {pct('结案率')}，"
        f"执行完毕率 {pct('执行完毕率')}，执行到位率 {pct('执行到位率')}，法定期限内结案率 {pct('法定期限内结案率')}，"
        f"终本率 {pct('终本率')}"
    )

    def mean(track: str) -> str:
        v = ind["tracks"][track]["mean_days_to_close"]["value"]
        return "—" if v is None else f"{v:.1f} 天"

    typer.echo(f"  结案平均用时：快执 {mean('fast')}（{ind['tracks']['fast']['closed']} 件），"
               f"普执 {mean('ordinary')}（{ind['tracks']['ordinary']['closed']} 件）；期间 {since} 至 {demo.today}")
    typer.echo(
        f"  超期案件 {overdue['cases']}（督办级别 {overdue['by_level']}）；"
        f"互相制约检查发现 {len(findings['findings'])} 条："
        + "、".join(sorted({f["rule_id"] for f in findings["findings"]}))
    )
    pet = (await demo.get("supervision", "/indicators/petitions", sup,
                          **{"from": since.isoformat(), "to": demo.today.isoformat()}))["totals"]
    aid = pet["judicial_aid"]
    typer.echo(f"  涉执信访 {pet['petitions']} 件，息访率 {_ratio(pet['stop_rate'])}，"
               f"办结率 {_ratio(pet['closure_rate'])}；司法救助发放 {aid['paid_cases']} 件 "
               f"{aid['paid_fen'] / 100:.2f} 元（不计入执行到位）")
    for s in demo.skipped:
        typer.echo(f"  跳过：{s}")
    token = demo.auth("qz-sup-01", "supervisor")["Authorization"][7:]
    typer.echo(f"\n看板：{demo.url('supervision', '/dashboard')}?token={token}")


def _ratio(r: dict[str, Any]) -> str:
    return "—" if r["value"] is None else f"{r['value'] * 100:.1f}%"


def main(
    cases: int = typer.Option(24, "--cases", "-n", min=1, max=2000, help="number of cases"),
    seed: int = typer.Option(7, "--seed", help="random seed (same seed, same lives)"),
    port_offset: int = typer.Option(0, "--port-offset", help="added to the default ports 8101–8105, 8109"),
    host: str = typer.Option("127.0.0.1", "--host"),
    court: str = typer.Option("黔01", "--court", help="the court (its roster in services/intake/config.json)"),
    concurrency: int = typer.Option(4, "--concurrency", min=1, max=32),
    months: int = typer.Option(0, "--months", min=0, max=36,
                               help="live this many months on the drill clock (COURT_CLOCK_DRILL=1 make run)"),
) -> None:
    """Drive CASES cases through realistic lives against a running `make run` system."""

    async def run() -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            demo = Demo(host, port_offset, court, random.Random(seed), http)
            for service in PORTS:
                try:
                    (await http.get(demo.url(service, "/healthz"))).raise_for_status()
                except httpx.HTTPError as exc:
                    typer.echo(f"{service} 未运行（{demo.url(service, '/healthz')}）：先执行 make run；{exc}", err=True)
                    raise typer.Exit(1) from exc
            typer.echo(f"演示：{cases} 件案件，种子 {seed}，法院 {court}，开始于 {datetime.now(SHANGHAI):%H:%M:%S}")
            state = await demo.court_clock()
            if months and not state["drill"]:
                typer.echo("--months 需要演练时钟：以 COURT_CLOCK_DRILL=1 make run 启动系统", err=True)
                raise typer.Exit(2)
            started, since = time.monotonic(), demo.today
            if months:
                await drive_year(demo, cases, months, concurrency)
            else:
                await drive(demo, cases, concurrency)
            await summary(demo, since)
            typer.echo(f"用时 {time.monotonic() - started:.0f}s")

    asyncio.run(run())


if __name__ == "__main__":
    typer.run(main)
