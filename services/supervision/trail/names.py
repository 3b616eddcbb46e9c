"""What a person calls the things an event names by id (issue 18): an officer by name, an agency by its
Chinese name and kind, a query by its round, an asset by its kind and identifier, a lead by its
order and description, a field task by what it is for, a payout by its amount, an objection by its
case number — learnt from the trail itself (supervision knows other services' events by name only).

``Names.from_rows`` reads trail rows (event type, payload, actor); the timeline's sentences
(trail/sentences.py) ask it. An id it does not know is never printed when it is a UUID: the
sentence says what kind of thing it is instead. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.labels import label, yuan

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# The trail rows whose payloads name things (what the trail API reads besides the page it shows).
NAMING_EVENTS = (
    "asset_search.query_dispatched", "asset_search.agency_answered", "asset_search.request_delivered",
    "asset_search.asset_found", "asset_search.field_asset_recorded", "asset_search.control_ordered",
    "asset_search.lead_recorded", "asset_search.exit_restriction_requested", "field_ops.instruction_issued",
    "field_ops.asset_seized_on_site", "disposal.disposal_decided", "disposal.payout_proposed",
    "intake.objection_registered",
)
# Payload fields that hold an officer's id (a list for the panels and participants).
OFFICER_FIELDS = frozenset({
    "judge_id", "approved_by", "proposed_by", "requested_by", "interviewed_by", "recorded_by", "changed_by",
    "reviewer_id", "reviewers", "rejected_by", "held_by", "referred_by", "decided_by", "signed_by", "examined_by",
    "panel", "reported_by", "officer_id", "seized_by", "served_by", "paid_by", "acknowledged_by", "participants",
    "closed_by", "verified_by", "prepared_by", "assigned_by", "registered_by", "fixed_by", "started_by",
    "scheduled_by", "announced_by", "rerouted_by", "previous_judge_id", "case_judge_id", "escalated_to",
    "supplemented_by", "refused_by", "received_by",
})
REQUEST_KINDS = {"query": "查询请求", "control": "控制请求", "renewal": "续行控制请求", "release": "解除控制请求",
                 "exit_restriction": "边控请求"}


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def plain(value: str | None, instead: str) -> str:
    """``value`` unless it is missing or a bare UUID (then ``instead``, what kind of thing it is)."""
    return instead if value is None or UUID.fullmatch(value.strip()) else value


@dataclass
class Names:
    officers: dict[str, str] = field(default_factory=dict)
    agencies: dict[str, str] = field(default_factory=dict)
    agency_kinds: dict[str, str] = field(default_factory=dict)
    queries: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # query → (agency, round)
    requests: dict[str, tuple[str, str]] = field(default_factory=dict)  # request → (kind, ref id)
    assets: dict[str, str] = field(default_factory=dict)
    controls: dict[str, str] = field(default_factory=dict)  # control → asset
    leads: dict[str, str] = field(default_factory=dict)
    instructions: dict[str, str] = field(default_factory=dict)
    disposals: dict[str, str] = field(default_factory=dict)  # disposal → asset
    payouts: dict[str, str] = field(default_factory=dict)
    objections: dict[str, str] = field(default_factory=dict)
    restrictions: dict[str, str] = field(default_factory=dict)  # exit restriction request → person

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], officers: Mapping[str, str] | None = None) -> Names:
        """From trail rows in log order (``event_type``, ``payload``, ``actor_kind``, ``actor_id``,
        ``actor_name``); ``officers`` adds names known from elsewhere in the trail."""
        names = cls(officers=dict(officers or {}))
        lead_counts: dict[str, int] = {}
        for row in rows:
            names._learn(row, lead_counts)
        return names

    def _learn(self, row: Mapping[str, Any], lead_counts: dict[str, int]) -> None:
        p: Mapping[str, Any] = row.get("payload") or {}
        kind, actor, actor_name = row.get("actor_kind"), _text(row.get("actor_id")), _text(row.get("actor_name"))
        if actor and actor_name and kind == "officer":
            self.officers[actor] = actor_name
        if actor and actor_name and kind == "agency":
            self.agencies[actor] = actor_name
        agency = _text(p.get("agency_id"))
        if agency and _text(p.get("agency_kind")):
            self.agency_kinds[agency] = str(p["agency_kind"])
        event_type = row.get("event_type")
        ident = _text(p.get("asset_id"))
        if event_type == "asset_search.query_dispatched" and _text(p.get("query_id")) and agency:
            rnd = p.get("round")
            self.queries[str(p["query_id"])] = (agency, rnd if isinstance(rnd, int) else None)
        elif event_type == "asset_search.request_delivered" and _text(p.get("request_id")):
            self.requests[str(p["request_id"])] = (str(p.get("request_kind") or ""), str(p.get("ref_id") or ""))
        elif event_type in ("asset_search.asset_found", "asset_search.field_asset_recorded",
                            "field_ops.asset_seized_on_site") and ident:
            words = [label("asset_kind", p.get("asset_kind")) if p.get("asset_kind") else "财产",
                     *(str(p[k]) for k in ("identifier", "description") if _text(p.get(k)))]
            self.assets.setdefault(ident, " ".join(dict.fromkeys(words)))
        elif event_type == "asset_search.control_ordered" and _text(p.get("control_id")) and ident:
            self.controls[str(p["control_id"])] = ident
        elif event_type == "asset_search.lead_recorded" and _text(p.get("lead_id")) and p["lead_id"] not in self.leads:
            case = str(row.get("case_id") or "")
            lead_counts[case] = lead_counts.get(case, 0) + 1
            what = _text(p.get("description"))
            self.leads[str(p["lead_id"])] = f"第{lead_counts[case]}条财产线索" + (f"（{what}）" if what else "")
        elif event_type == "asset_search.exit_restriction_requested" and _text(p.get("request_id")):
            self.restrictions[str(p["request_id"])] = str(p.get("subject_name") or "")
        elif event_type == "field_ops.instruction_issued" and _text(p.get("instruction_id")):
            self.instructions[str(p["instruction_id"])] = _instruction(p)
        elif event_type == "disposal.disposal_decided" and _text(p.get("disposal_id")) and ident:
            self.disposals[str(p["disposal_id"])] = ident
        elif event_type == "disposal.payout_proposed" and _text(p.get("payout_id")):
            whom = label("recipient", p.get("recipient")) if p.get("recipient") else ""
            self.payouts[str(p["payout_id"])] = yuan(p.get("amount_fen")) + (f"，{whom}" if whom else "")
        elif event_type == "intake.objection_registered" and _text(p.get("objection_case_id")):
            number = _text(p.get("objection_case_number"))
            if number:
                self.objections[str(p["objection_case_id"])] = number

    # ---- how each kind of thing is named ---------------------------------------------------------

    def officer(self, officer_id: Any) -> str:
        """The officer's name where the trail knows it, else their id (the sentence gives the role)."""
        ident = _text(officer_id)
        if ident is None:
            return "—"
        return self.officers.get(ident) or plain(ident, "工作人员")

    def agency(self, agency_id: Any, kind: Any = None) -> str:
        """不动产登记中心（不动产）: the name its answers recorded, and its kind in Chinese."""
        ident = _text(agency_id)
        kind = _text(kind) or (self.agency_kinds.get(ident) if ident else None)
        kind_zh = label("agency_kind", kind) if kind else None
        name = self.agencies.get(ident) if ident else None
        if name:
            return f"{name}（{kind_zh}）" if kind_zh and kind_zh not in name else name
        if kind_zh:
            return f"{kind_zh}查控单位" + (f" {ident}" if ident and not UUID.fullmatch(ident) else "")
        return plain(ident, "联动单位")

    def query(self, query_id: Any) -> tuple[str | None, int | None]:
        """The query's agency and round, where the trail has its dispatch."""
        return self.queries.get(str(query_id), (None, None)) if _text(query_id) else (None, None)

    def asset(self, asset_id: Any, kind: Any = None) -> str:
        ident = _text(asset_id)
        if ident and ident in self.assets:
            return self.assets[ident]
        what = label("asset_kind", kind) if _text(kind) else "财产"
        return what if ident is None or UUID.fullmatch(ident) else f"{what} {ident}"

    def control(self, control_id: Any, asset_id: Any = None, kind: Any = None) -> str:
        asset = self.controls.get(str(control_id)) if _text(control_id) else None
        return self.asset(asset or asset_id, kind)

    def lead(self, lead_id: Any) -> str:
        ident = _text(lead_id)
        return self.leads.get(ident, plain(ident, "财产线索")) if ident else "财产线索"

    def task(self, instruction_id: Any) -> str:
        ident = _text(instruction_id)
        return self.instructions.get(ident, "外勤任务") if ident else "外勤任务"

    def payout(self, payout_id: Any) -> str:
        ident = _text(payout_id)
        return self.payouts.get(ident, "执行款") if ident else "执行款"

    def objection(self, objection_case_id: Any, number: Any = None) -> str:
        ident = _text(objection_case_id)
        return _text(number) or (self.objections.get(ident) if ident else None) or "（异议案件）"

    def request(self, request_id: Any, kind: Any = None, ref_id: Any = None) -> tuple[str, str | None, int | None]:
        """What a request delivered was for, and its query's agency and round (a query request)."""
        known = self.requests.get(str(request_id)) if _text(request_id) else None
        kind = _text(kind) or (known[0] if known else None)
        ref = _text(ref_id) or (known[1] if known else None)
        what = REQUEST_KINDS.get(kind or "", "请求")
        if kind == "query":
            agency, rnd = self.query(ref)
            return (f"第 {rnd} 轮网络查控的{what}" if rnd else f"网络查控的{what}"), agency, rnd
        if kind in ("control", "renewal", "release") and ref:
            return f"{what}（{self.control(ref)}）", None, None
        if kind == "exit_restriction":
            person = self.restrictions.get(str(request_id)) or (self.restrictions.get(ref) if ref else None)
            return (f"{what}（{person}）" if person else what), None, None
        return what, None, None


def _instruction(p: Mapping[str, Any]) -> str:
    """外勤任务（现场调查 地址 南明区某路1号）."""
    what = label("field_kind", p.get("kind")) if p.get("kind") else "外勤"
    target = p.get("target")
    if isinstance(target, Mapping):
        kind = label("target_kind", target.get("kind")) if target.get("kind") else ""
        words = [str(target[k]) for k in ("name", "description", "identifier", "address") if target.get(k)]
        where = " ".join([kind, *words]).strip()
        if where:
            return f"外勤任务（{what}：{where}）"
    return f"外勤任务（{what}）"
