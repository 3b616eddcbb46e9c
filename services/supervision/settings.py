"""Supervision's settings (env prefix ``SUPERVISION_``). Local values of the courts live here."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class DeadlineSettings(BaseModel):
    """Local values of the deadline engine (docs/rules.md §3 marks them "local")."""

    assign_days_ordinary: int = 7  # 期限规定 2006 art. 2
    assign_days_fast: int = 0  # local: fast track assigned the same day
    first_search_days: int = 3  # local rule
    investigation_months: int = 1  # 期限规定 art. 7 ("about one month")
    close_months: int = 6  # 严格审限规定 art. 5
    extension_months_default: int = 3  # 严格审限规定 art. 5
    fast_track_target_days: int = 90  # local internal target
    # Local internal targets (文登 rule, excerpt; docs/rules.md §3): a case whose first search found
    # nothing is closed (终本) within 100 days; a case with a disposal within 180 days.
    zhongben_target_days: int = 100
    disposal_target_days: int = 180
    zhongben_research_months: int = 6  # 终本规定 art. 9
    zhongben_watch_years: int = 5  # 终本规定 art. 9
    warning_days: int = 3  # warn this many days before a due date
    # Days overdue at which the case escalates to level 1..4
    # (团队长 → 执行局长 → 分管副院长 → 院长); local values.
    escalation_days: list[int] = Field(default_factory=lambda: [0, 7, 15, 30])
    # Nodes warned earlier than ``warning_days`` (a renewal needs the agency's time; a re-search
    # after 终本 is planned ahead); local values.
    node_warning_days: dict[str, int] = Field(default_factory=lambda: {"renew": 15, "zhongben_search": 15})
    # Nodes whose warning and overdue steps are also sent to the applicant (their own waiting
    # time: registration, a lead they gave, money owed to them, the case's time limit).
    applicant_nodes: list[str] = Field(default_factory=lambda: ["register", "verify_lead", "payout", "close"])
    # Nodes still watched once the case is closed (终本: controls, the 6-monthly re-search; money;
    # an objection, which may be raised against a closed case and is decided within 15 days; a petition,
    # whatever becomes of the case: nodes_petitions.py). The
    # deadline engine ends every other node of a case on its closure (docs/rules.md §2.6).
    watched_after_closure: list[str] = Field(
        default_factory=lambda: ["renew", "zhongben_search", "payout", "objection", "petition_accept",
                                 "petition_conclude", "petition_supervised"]
    )

    def warning_days_for(self, node: str) -> int:
        return self.node_warning_days.get(node, self.warning_days)


class ScannerSettings(BaseModel):
    """The live deadline scanner (the only producer of reminders, escalations and their events)."""

    enabled: bool = True
    # A step is recorded within about a minute of its becoming due (and at once after the drill
    # clock moves); a pass reads only the open deadlines due within the warning horizon.
    interval_s: float = 60.0
    today: date | None = None  # a fixed day for drills and tests; None = today in Asia/Shanghai
    allow_as_of: bool = False  # lets POST /admin/deadline-scan name the day (drills and tests only)
    page_size: int = 500


class SmsSettings(BaseModel):
    """The SMS gateway adapter: Alibaba Cloud SMS ``SendSms`` (RPC API 2017-05-25, HMAC-SHA1
    signature v1.0; alerts/sms.py). ``templates``: our template key → the approved TemplateCode."""

    endpoint: str = "https://dysmsapi.aliyuncs.com/"
    access_key_id: str = ""
    access_key_secret: str = ""
    sign_name: str = "执行局"
    region_id: str = "cn-hangzhou"
    templates: dict[str, str] = Field(
        default_factory=lambda: {
            "next_node": "SMS_NEXT_NODE",
            "deadline_warning": "SMS_DEADLINE_WARNING",
            "deadline_overdue": "SMS_DEADLINE_OVERDUE",
            "escalation": "SMS_ESCALATION",
            "lookup_code": "SMS_LOOKUP_CODE",
        }
    )


class NotificationSettings(BaseModel):
    """The notification outbox and its gateway. ``adapter``: ``log`` (a dev sink), ``webhook`` (POST
    JSON to ``gateway_url``), ``sms`` (Alibaba Cloud SendSms, ``sms``); ``auto``: webhook when a URL
    is set, else log (the behaviour before the adapters had names)."""

    adapter: Literal["auto", "log", "webhook", "sms"] = "auto"
    gateway_url: str | None = None
    gateway_token: str | None = None  # sent as a bearer token when set
    sms: SmsSettings = Field(default_factory=SmsSettings)
    push_next_node: bool = True  # the next node pushed when a step completes (alerts/next_node.py)
    # Officers' mobile numbers (the court's staff directory; local values): key an officer id, a
    # ``<role>@<court>`` desk or leader, or ``team_lead:<team id>``.
    directory: dict[str, str] = Field(default_factory=dict)
    # Leaders told of a next node they watch (role → node kinds); local values.
    leader_nodes: dict[str, list[str]] = Field(
        default_factory=lambda: {"team_lead": ["first_search", "investigation", "payout"],
                                 "bureau_chief": ["payout", "objection", "zhongben_search"]}
    )
    timeout_s: float = 5.0
    max_attempts: int = 8
    backoff_s: float = 2.0  # doubled after each failed attempt
    backoff_max_s: float = 600.0
    batch_size: int = 20
    poll_interval_s: float = 1.0


class LookupSettings(BaseModel):
    """执行公开: a party's own look-up with a one-time code (api/lookup.py)."""

    code_ttl_s: int = 600  # a code is good for 10 minutes
    code_attempts: int = 5  # wrong codes before it is void
    window_s: int = 3600  # the rate-limit window
    per_case: int = 5  # code requests per case number per window
    per_client: int = 20  # look-up requests (codes and reads) per client address per window


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="SUPERVISION_", extra="ignore", populate_by_name=True, env_nested_delimiter="__"
    )

    service_name: str = "supervision"
    database_url: str = "postgresql://postgres@127.0.0.1:25432/enforcement_supervision"
    # Every event of every service lands here, a few per command: 5 ms of waiting turns a busy
    # stream's one-command batches into fuller ones (each batch: one transaction, one re-check per case).
    consumer_linger_ms: float = 5.0
    deadlines: DeadlineSettings = Field(default_factory=DeadlineSettings)
    scanner: ScannerSettings = Field(default_factory=ScannerSettings)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    lookup: LookupSettings = Field(default_factory=LookupSettings)
    # The other services' addresses as the court's browsers reach them (service → base URL; env
    # SUPERVISION_WORKLIST_SOURCES as JSON): the 我的待办 page reads each one's GET /worklist there, with
    # the caller's token (shared/cors.py; services never call each other, docs/architecture.md §1).
    worklist_sources: dict[str, str] = Field(default_factory=dict)
    publish_findings: bool = True
    rebuild_batch_size: int = 1000  # events per replay chunk (a few MB in memory each)
    rebuild_swap_timeout_s: float = 60.0
    # Worker processes of a rebuild (partitions replayed, cases checked side by side); 0: one per
    # CPU. A log shorter than ``rebuild_parallel_min_events`` is rebuilt in the calling process.
    rebuild_workers: int = 0
    rebuild_parallel_min_events: int = 50_000
