"""Import a JSON Lines file of existing cases into intake, asset_search and disposal (docs/import.md).

    python -m services.intake.importer cases.jsonl --url http://127.0.0.1:8101 --token "$TOKEN"
    make import FILE=cases.jsonl

The file is read as a stream and sent in batches (``POST /admin/imports``, ``application/x-ndjson``,
each batch's first line number with it, so the report names the file's lines): first to intake, then
the records intake took (imported or unchanged) that carry a search or controls to asset_search, and
those that carry money to disposal; the three reports are merged per record. Each batch is one
transaction on each server; a batch that meets a network error or a 502/503/504 is sent again (the
import is idempotent: what went in is reported "unchanged"). The report, one JSON object per record,
goes to ``--report`` (default ``<FILE>.report.jsonl``); the records refused or in conflict are printed.
Exit status: 0 when every record is imported or unchanged, 1 when some were refused or in conflict,
2 when the import could not run (no token, refused credentials, the service out of reach).
"""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from shared import clock

app = typer.Typer(add_completion=False, help="导入旧存和已结案件（JSON Lines，见 docs/import.md）")
console = Console(stderr=True)
RETRY_STATUSES = (502, 503, 504)
# The sections each other service imports (docs/import.md §1b), and the order of the statuses when a
# record's reports are merged: the worst wins.
SECTIONS = {"asset_search": ("search", "controls"), "disposal": ("receipts", "payouts", "disposals")}
RANK = {"unchanged": 0, "imported": 1, "conflict": 2, "refused": 3}
SPENT: dict[str, float] = {}  # seconds waited for each service's answers (printed at the end)


def chunks(path: Path, batch_size: int, max_bytes: int) -> Iterator[tuple[int, bytes, int, int]]:
    """(first line number, body, records in it, bytes of the file it covers): consecutive lines, at most
    ``batch_size`` records and about ``max_bytes`` each (a longer single line goes alone)."""
    first, records, size = 1, 0, 0
    lines: list[bytes] = []
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            if lines and (records >= batch_size or size + len(line) > max_bytes):
                yield first, b"".join(lines), records, size
                first, lines, records, size = number, [], 0, 0
            lines.append(line if line.endswith(b"\n") else line + b"\n")
            records += 1 if line.strip() else 0
            size += len(line)
    if lines:
        yield first, b"".join(lines), records, size


def _post(client: httpx.Client, url: str, body: bytes, params: dict[str, Any], retries: int) -> httpx.Response:
    for attempt in range(retries + 1):
        try:
            r = client.post(url, content=body, params=params, headers={"Content-Type": "application/x-ndjson"})
        except httpx.TransportError as exc:
            if attempt == retries:
                raise
            console.print(f"[yellow]网络错误（{exc.__class__.__name__}），{2 ** attempt} 秒后重试本批[/]")
        else:
            if r.status_code not in RETRY_STATUSES or attempt == retries:
                return r
            console.print(f"[yellow]服务暂不可用（{r.status_code}），稍后重试本批[/]")
        time.sleep(min(2 ** attempt, 30))
    raise AssertionError("unreachable")


def _too_large(first: int, body: bytes, problem: dict[str, Any]) -> list[dict[str, Any]]:
    """A batch the server would not read (one line over the body limit): each of its records refused."""
    out = []
    for i, line in enumerate(body.split(b"\n")):
        if line.strip():
            out.append({"line": first + i, "status": "refused", "case_id": None, "case_number": None,
                        "errors": [{"field": "", "message": f"记录过大，服务未读取：{problem.get('detail', '')}",
                                    "code": "payload_too_large"}]})
    return out


def _send(client: httpx.Client, url: str, body: bytes, params: dict[str, Any], retries: int,
          first: int) -> httpx.Response:
    started = time.monotonic()
    try:
        return _post(client, "/admin/imports", body, params, retries)
    except httpx.TransportError as exc:
        console.print(f"[red]无法连接 {url}：{exc}；已导入的部分不受影响，重新运行即可继续[/]")
        raise typer.Exit(2) from None
    finally:
        SPENT[url] = SPENT.get(url, 0.0) + time.monotonic() - started


def _records(r: httpx.Response, first: int) -> list[dict[str, Any]]:
    if r.status_code != 200:
        where = f"{r.url.host}:{r.url.port}"
        console.print(f"[red]第 {first} 行起的一批未被 {where} 接受（{r.status_code}）：{r.text[:500]}[/]")
        raise typer.Exit(2)
    records: list[dict[str, Any]] = r.json()["records"]
    return records


def _part(body: bytes, first: int, taken: set[int], sections: tuple[str, ...]) -> bytes | None:
    """The lines of ``body`` intake took that carry one of ``sections``, the others blank (a blank line
    still counts, so the service's report names the file's lines); None when there are none."""
    lines = body.split(b"\n")
    keep = False
    for i, raw in enumerate(lines):
        wanted = False
        if first + i in taken:
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                value = None
            wanted = isinstance(value, dict) and any(value.get(k) for k in sections)
        if wanted:
            keep = True
        else:
            lines[i] = b""
    return b"\n".join(lines) if keep else None


def merge(outcomes: list[dict[str, Any]], more: list[dict[str, Any]], service: str) -> list[dict[str, Any]]:
    """A record's reports merged: the worst status wins (refused > conflict > imported > unchanged);
    another service's errors are named by it."""
    by_line = {o["line"]: o for o in more}
    merged = []
    for o in outcomes:
        m = by_line.get(o["line"])
        if m is not None:
            status = max(o["status"], m["status"], key=lambda s: RANK[s])
            errors = [*o["errors"], *({**e, "message": f"[{service}] {e['message']}"} for e in m["errors"])]
            o = {**o, "status": status, "errors": errors}
        merged.append(o)
    return merged


def _default_batch(path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]", "", path.stem)[:24] or "import"
    return f"{stem}-{clock.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"


@app.command()
def main(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="JSON Lines 文件，每行一个案件"),
    url: str = typer.Option("http://127.0.0.1:8101", help="intake 服务地址"),
    search_url: str = typer.Option("http://127.0.0.1:8102", help="asset_search 服务地址（网络查控、控制措施）"),
    disposal_url: str = typer.Option("http://127.0.0.1:8103", help="disposal 服务地址（执行款）"),
    token: str = typer.Option("", envvar="IMPORT_TOKEN", help="管理员（admin）凭证，或设 IMPORT_TOKEN"),
    batch: str = typer.Option("", help="批次编号（字母、数字和 . _ : -）；缺省由文件名和时间生成"),
    batch_size: int = typer.Option(500, min=1, max=2000, help="每批记录数（每批一个事务）"),
    max_bytes: int = typer.Option(900_000, min=10_000, help="每批最多字节数（服务默认接受 1 MiB 的请求体）"),
    report: Path | None = typer.Option(None, help="逐条报告（JSON Lines）；缺省为 <FILE>.report.jsonl"),
    retries: int = typer.Option(5, min=0, help="网络错误或服务暂不可用时每批重试次数"),
) -> None:
    """把 FILE 中的案件分批导入 intake，打印合计与有问题的记录，并写出逐条报告。"""
    if not token:
        console.print("[red]需要系统管理员的身份凭证：--token 或环境变量 IMPORT_TOKEN[/]")
        raise typer.Exit(2)
    batch = batch or _default_batch(file)
    report = report or file.with_name(file.name + ".report.jsonl")
    totals: Counter[str] = Counter()
    problems: list[dict[str, Any]] = []
    started = time.monotonic()
    columns = (TextColumn("[bold]导入[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("字节"),
               TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), TimeRemainingColumn())
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=300, headers=auth) as client, \
            httpx.Client(base_url=search_url, timeout=300, headers=auth) as search_client, \
            httpx.Client(base_url=disposal_url, timeout=300, headers=auth) as disposal_client, \
            report.open("wb") as out, Progress(*columns, console=console) as progress:
        others = {"asset_search": (search_client, search_url), "disposal": (disposal_client, disposal_url)}
        task = progress.add_task("import", total=file.stat().st_size, counts="")
        for first, body, records, size in chunks(file, batch_size, max_bytes):
            if records == 0:
                progress.advance(task, size)
                continue
            params = {"batch": batch, "first_line": first}
            r = _send(client, url, body, params, retries, first)
            if r.status_code == 413 and records == 1:
                outcomes = _too_large(first, body, r.json())
            else:
                outcomes = _records(r, first)
                taken = {o["line"] for o in outcomes if o["status"] in ("imported", "unchanged")}
                for service, (other, other_url) in others.items():
                    part = _part(body, first, taken, SECTIONS[service])
                    if part is not None:
                        outcomes = merge(outcomes, _records(_send(other, other_url, part, params, retries, first),
                                                            first), service)
            for o in outcomes:
                totals[o["status"]] += 1
                out.write(orjson.dumps(o) + b"\n")
                if o["status"] in ("refused", "conflict"):
                    problems.append(o)
            progress.update(task, advance=size, counts=" ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    elapsed = time.monotonic() - started
    _print(problems, totals, batch, report, elapsed)
    raise typer.Exit(1 if problems else 0)


def _print(problems: list[dict[str, Any]], totals: Counter[str], batch: str, report: Path, elapsed: float) -> None:
    if problems:
        table = Table(title=f"有问题的记录（{len(problems)} 条；前 50 条）", show_lines=False)
        for col in ("行", "结果", "案号", "字段", "问题"):
            table.add_column(col)
        for o in problems[:50]:
            for i, e in enumerate(o["errors"] or [{"field": "", "message": ""}]):
                table.add_row(str(o["line"]) if i == 0 else "", o["status"] if i == 0 else "",
                              (o["case_number"] or "") if i == 0 else "", e["field"], e["message"])
        console.print(table)
    done = sum(totals.values())
    rate = done / elapsed if elapsed > 0 else 0.0
    console.print(
        f"批次 [bold]{batch}[/]（关联编号 import:{batch}）：共 {done} 条，导入 {totals['imported']}，"
        f"未变 {totals['unchanged']}，拒绝 {totals['refused']}，冲突 {totals['conflict']}；"
        f"用时 {elapsed:.1f} 秒（{rate:.0f} 条/秒）。逐条报告：{report}"
    )
    console.print("各服务用时：" + "，".join(f"{url} {seconds:.1f} 秒" for url, seconds in SPENT.items()))


if __name__ == "__main__":
    app()
