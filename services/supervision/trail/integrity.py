"""Every check over a case's trail, made total, and the trail's own checks (docs/architecture.md §4). Pure.

Whatever a producer published is in the trail; the checks must not break on it either, or the
live reaction (which records and checks in one transaction) would dead-letter the event and a
rebuild would stop. ``check_all`` runs each 互相制约 rule and the deadline engine through ``total``:
a check that raises on a case's trail runs again without each event, taken in log order, that
makes it raise. The checks read backwards from each event, so a check that cannot read an event
cannot read any longer trail holding it either: the events left out of a prefix are those left
out of the whole, and live (after each batch) and rebuild (once) agree.

The trail's own findings are about the record, not about anyone's conduct; unlike the 互相制约
rules they read every event, supervision's own included:

- 轨迹-1: an event whose content the database could not store as published (NUL; the escape
  character U+E000 itself) is kept reversibly escaped and flagged (trail/chain.py);
- 轨迹-2: an event some check could not read (a field of an unexpected type or value) is kept in
  the trail and left out of those checks.

Each names the event, its type and where it is in the log, so that someone looks at its producer.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

from services.supervision.domain.deadlines import Deadline, compute
from services.supervision.domain.entries import Entry
from services.supervision.domain.findings import Context, Finding, Found, Rule
from services.supervision.domain.ruleset import RULES, case_trail, run_rule
from services.supervision.trail.chain import unescape

T = TypeVar("T")

_SHOWN_MAX = 80  # characters of a published value quoted in a message
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
DEADLINE_CHECK = "期限计算"


def _visible(ch: str) -> str:
    if unicodedata.category(ch) not in _INVISIBLE:
        return ch
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def shown(stored: str) -> str:
    """A stored value as published, readable in a message: characters one cannot see (NUL, other
    controls, bidirectional overrides, zero-width and private-use characters) as ``\\uXXXX``, cut
    short after ``_SHOWN_MAX`` characters."""
    published = unescape(stored)
    cut = published[:_SHOWN_MAX]
    return "".join(_visible(ch) for ch in cut) + ("…" if len(published) > len(cut) else "")


def _event(e: Entry) -> str:
    where = f"轨迹第 {e.seq} 条，分区 {e.kafka_partition} 偏移 {e.kafka_offset}"
    return f"事件 {shown(e.event_type)}（{e.event_id}，{where}）"


def stored_escaped(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    for e in entries:
        if e.escaped:
            found.add(
                f"{_event(e)}的内容含有数据库无法原样保存的字符（NUL 或转义符 U+E000），已可逆转义保存并标记 escaped；"
                "轨迹无缺口，哈希链按发布原文计算。请核查发布该事件的服务",
                [],
                e,
            )


def _raised_by_check_all(entries: Sequence[Entry], ctx: Context, found: Found) -> None:
    """轨迹-2's findings come from ``check_all``, which knows what each check could not read."""


STORED_ESCAPED = Rule(
    "轨迹-1",
    1,
    "事件内容含数据库无法原样保存的字符（NUL 等）：已转义保存并标记，须核查发布方",
    "docs/architecture.md §4",
    stored_escaped,
)
UNREADABLE = Rule(
    "轨迹-2",
    1,
    "事件内容不能按检查规则读取（字段类型或取值超出预期）：照常记入轨迹，相关检查跳过该事件，须核查发布方",
    "docs/architecture.md §4",
    _raised_by_check_all,
)
RECORD_RULES: list[Rule] = [STORED_ESCAPED, UNREADABLE]


def total(run: Callable[[list[Entry]], T], entries: Sequence[Entry], empty: T) -> tuple[T, list[Entry]]:
    """``run(entries)``; when that raises, ``run`` over the entries without each one, taken in log
    order, that makes it raise (``empty`` when none is left). Returns the result and the entries
    left out."""
    try:
        return run(list(entries)), []
    except Exception:  # whatever a check cannot read is reported (轨迹-2), never fatal
        pass
    kept: list[Entry] = []
    left_out: list[Entry] = []
    result = empty
    for e in entries:
        try:
            result = run([*kept, e])
        except Exception:
            left_out.append(e)
        else:
            kept.append(e)
    return result, left_out


def _rule(r: Rule, ctx: Context, trail: list[Entry]) -> list[Finding]:
    return run_rule(r, trail, ctx)


def _deadlines(ctx: Context, entries: list[Entry]) -> list[Deadline]:
    return compute(entries, ctx.deadlines, ctx.calendar)


def check_all(entries: Sequence[Entry], ctx: Context) -> tuple[list[Finding], list[Deadline]]:
    """Every finding (the 互相制约 rules', then the trail's own) and every deadline of a case from its
    whole trail (entries in log order, at least one), whatever the events hold."""
    findings: list[Finding] = []
    unreadable: dict[str, list[str]] = {}  # event id → the checks that could not read it, in check order
    trail = case_trail(entries)
    none: list[Finding] = []
    for r in RULES if trail else ():
        items, left_out = total(functools.partial(_rule, r, ctx), trail, none)
        findings += items
        for e in left_out:
            unreadable.setdefault(e.event_id, []).append(r.rule_id)
    no_deadlines: list[Deadline] = []
    deadlines, left_out = total(functools.partial(_deadlines, ctx), entries, no_deadlines)
    for e in left_out:
        unreadable.setdefault(e.event_id, []).append(DEADLINE_CHECK)
    findings += run_rule(STORED_ESCAPED, entries, ctx)
    found = Found(UNREADABLE.rule_id, UNREADABLE.version, entries[0].case_id)
    for e in entries:
        if e.event_id in unreadable:
            found.add(
                f"{_event(e)}的内容不能按{'、'.join(unreadable[e.event_id])}读取（字段类型或取值超出预期），"
                "这些检查跳过了该事件；事件已照常记入轨迹。请核查发布该事件的服务",
                [],
                e,
            )
    return findings + found.items, deadlines
