"""What a simulated agency does: the knobs, and the (deterministic) items it 'finds'. Pure."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Knobs(BaseModel):
    """How an agency behaves. Set per agency, per case, or both (``PUT /knobs``)."""

    model_config = ConfigDict(extra="forbid")

    delay_s: float = Field(default=0.2, ge=0, le=3600, description="answer after this many seconds")
    late_s: float | None = Field(default=None, ge=0, description="answer only after this long (late)")
    silent: bool = Field(default=False, description="never answer")
    partial_then_complete: bool = Field(default=False, description="a partial answer first, then the full one")
    correction: bool = Field(default=False, description="answer, then send a correction")
    nothing_found: bool = Field(default=False, description="answer 'nothing found'")
    fail_deliveries: int = Field(default=0, ge=0, description="refuse this many pushed requests with 503")
    error_rate: float = Field(default=0.0, ge=0, le=1, description="refuse pushed requests at random")
    control_outcome: Literal["effective", "queued", "refused"] = "effective"
    control_effective_date: date | None = None
    control_expiry_date: date | None = None
    renewal_expiry_date: date | None = None


def _seed(case_id: str, kind: str) -> int:
    return int(hashlib.sha256(f"{case_id}:{kind}".encode()).hexdigest()[:12], 16)


def items_for(case_id: str, kind: str, subject: dict[str, Any]) -> list[dict[str, Any]]:
    """The debtor's holdings at this agency: the same case always yields the same items."""
    h = _seed(case_id, kind)
    holder = {"holder_id": subject.get("id_number"), "holder_name": subject.get("name")}
    made: dict[str, list[tuple[str, int, str | None, list[str]]]] = {
        "bank_deposit": [
            (f"6222 02{h % 10**11:011d}", 2_000_000 + h % 3_000_000, "中国工商银行贵阳分行", []),
            (f"6217 00{(h // 7) % 10**11:011d}", 300_000 + h % 200_000, "中国建设银行贵阳分行", []),
        ],
        "real_estate": [(f"黔（2024）贵阳市不动产权第{h % 10**7:07d}号", 150_000_000, "贵阳市南明区花果园",
                         ["抵押：中国建设银行贵阳分行"])],
        "vehicle": [(f"贵A{h % 100000:05d}", 8_000_000, "贵阳市", [])],
        "securities": [(f"A{h % 10**9:09d}", 3_000_000, "上海证券交易所", [])],
        "equity": [(f"贵州某某科技有限公司 {h % 50 + 1}% 股权", 20_000_000, "贵阳市观山湖区", [])],
        "housing_fund": [(f"GJJ{h % 10**10:010d}", 500_000, "贵阳市住房公积金管理中心", [])],
        "online_payment": [(f"alipay:{h % 10**8:08d}", 120_000, None, [])],
        "vessel": [(f"黔船{h % 10**6:06d}", 50_000_000, "乌江", [])],
    }
    return [
        {"asset_kind": kind, "identifier": ident, "value_fen": value, "location": loc, "encumbrances": enc,
         **holder}
        for ident, value, loc, enc in made.get(kind, [])
    ]


def answers_for(knobs: Knobs, case_id: str, kind: str, subject: dict[str, Any]) -> list[dict[str, Any]]:
    """The sequence of result bodies the agency sends for one query."""
    if knobs.silent:
        return []
    if knobs.nothing_found:
        return [{"outcome": "nothing_found", "items": []}]
    items = items_for(case_id, kind, subject)
    if not items:
        return [{"outcome": "nothing_found", "items": []}]
    out = []
    if knobs.partial_then_complete:
        out.append({"outcome": "partial", "items": items[:1]})
    out.append({"outcome": "found", "items": items})
    if knobs.correction:
        corrected = [{**i, "value_fen": (i["value_fen"] or 0) // 2} for i in items]
        out.append({"outcome": "correction", "items": corrected})
    return out
