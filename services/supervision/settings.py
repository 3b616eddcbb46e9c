"""Supervision's settings (env prefix ``SUPERVISION_``). Local values of the courts live here."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class DeadlineSettings(BaseModel):
    """Local values of the deadline engine (domain.md §3 marks them "local")."""

    assign_days_ordinary: int = 7  # 期限规定 2006 art. 2
    assign_days_fast: int = 0  # local: fast track assigned the same day
    first_search_days: int = 3  # local rule
    investigation_months: int = 1  # 期限规定 art. 7 ("about one month")
    close_months: int = 6  # 严格审限规定 art. 5
    close_months_non_litigation: int = 3  # 严格审限规定 art. 5
    non_litigation_basis_kinds: list[str] = Field(default_factory=lambda: ["administrative_decision"])
    extension_months_default: int = 3  # 严格审限规定 art. 5
    fast_track_target_days: int = 90  # local internal target
    zhongben_research_months: int = 6  # 终本规定 art. 9
    zhongben_watch_years: int = 5  # 终本规定 art. 9
    warning_days: int = 3  # warn this many days before a due date
    # Days overdue at which the case escalates to level 1..4
    # (团队长 → 执行局长 → 分管副院长 → 院长); local values.
    escalation_days: list[int] = Field(default_factory=lambda: [0, 7, 15, 30])


class SupervisionSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPERVISION_", extra="ignore", populate_by_name=True, env_nested_delimiter="__"
    )

    service_name: str = "supervision"
    database_url: str = "postgresql://postgres@127.0.0.1:55432/enforcement_supervision"
    deadlines: DeadlineSettings = Field(default_factory=DeadlineSettings)
    publish_findings: bool = True
    rebuild_batch_size: int = 2000
    rebuild_swap_timeout_s: float = 60.0
