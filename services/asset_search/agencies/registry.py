"""The linkage-agency registry (联动单位): configuration, loaded once per process."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

AgencyKind = Literal[
    "bank_deposit", "real_estate", "vehicle", "securities", "equity", "housing_fund", "online_payment", "vessel",
]
AGENCY_KINDS: tuple[str, ...] = AgencyKind.__args__  # type: ignore[attr-defined]
# The border authority (出入境边防检查): no assets, no queries; it receives exit restrictions (限制出境).
BORDER = "border"


class AgencyConfig(BaseModel):
    """One linkage agency: what it holds, how it gets queries, how it signs, whether it is paused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,62}$")
    name: str
    kind: AgencyKind | Literal["border"]
    channel: Literal["push", "pull"]
    endpoint: str | None = None  # push agencies: where requests are POSTed
    secrets: tuple[str, ...] = Field(min_length=1, max_length=2)  # two during rotation
    paused: bool = False
    answer_within_s: int = Field(default=72 * 3600, gt=0)  # overdue after this (local agreement)
    rate_limit: int = Field(default=600, gt=0)  # requests per window
    rate_window_s: int = Field(default=60, gt=0)

    @property
    def signing_secret(self) -> str:
        """The secret used to sign outbound requests (the newest one)."""
        return self.secrets[-1]


class AgencyRegistry:
    def __init__(self, agencies: list[AgencyConfig]) -> None:
        ids = [a.id for a in agencies]
        if len(set(ids)) != len(ids):
            raise ValueError("agency ids must be unique")
        self._by_id = {a.id: a for a in agencies}

    def get(self, agency_id: str) -> AgencyConfig | None:
        return self._by_id.get(agency_id)

    def all(self) -> list[AgencyConfig]:
        return list(self._by_id.values())

    def searchable(self) -> list[AgencyConfig]:
        """The agencies a search queries: every one but the border authority."""
        return [a for a in self._by_id.values() if a.kind != BORDER]

    def border(self) -> AgencyConfig | None:
        return next((a for a in self._by_id.values() if a.kind == BORDER), None)

    @property
    def paused_ids(self) -> list[str]:
        return [a.id for a in self._by_id.values() if a.paused]

    @classmethod
    def load(cls, path: Path, simulator_url: str = "") -> AgencyRegistry:
        raw = orjson.loads(Path(path).read_bytes())
        agencies = []
        for entry in raw["agencies"]:
            if entry.get("endpoint"):
                entry["endpoint"] = entry["endpoint"].replace("{simulator}", simulator_url.rstrip("/"))
            agencies.append(AgencyConfig.model_validate(entry))
        return cls(agencies)
