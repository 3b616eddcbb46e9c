"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Common settings. Env prefix per service, e.g. ``INTAKE_DATABASE_URL``.

    Values shared by every service (Kafka, JWT) also read their un-prefixed names through
    ``validation_alias`` so one environment serves the whole system.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    service_name: str = "service"
    database_url: str = "postgresql://postgres@127.0.0.1:25432/postgres"
    db_pool_min: int = 2
    db_pool_max: int = 20

    kafka_bootstrap_servers: str = Field(default="127.0.0.1:29092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    case_events_topic: str = Field(default="case-events", validation_alias="CASE_EVENTS_TOPIC")
    dead_letter_topic: str = Field(default="case-events.dlt", validation_alias="DEAD_LETTER_TOPIC")
    consumer_group: str | None = None
    consumer_max_retries: int = 3
    consumer_retry_backoff_s: float = 0.2
    consumer_batch_max: int = 500
    # After a fetch smaller than a batch, wait this long for what arrives meanwhile and take it in the
    # same transaction: fewer, fuller batches under load for a little latency (0: no wait).
    consumer_linger_ms: float = 0.0

    # Streams whose folded state a process keeps between commands (shared/commands.py StateCache;
    # for deciders that allow it); 0: fold every stream from its first event on every command.
    state_cache_size: int = 2048

    relay_enabled: bool = True
    relay_batch_size: int = 1000
    relay_poll_interval_s: float = 1.0
    relay_lock_retry_s: float = 1.0

    jwt_secret: str = Field(default="dev-only-secret-change-me-0123456789abcdef", validation_alias="JWT_SECRET")
    jwt_public_key: str | None = Field(default=None, validation_alias="JWT_PUBLIC_KEY")
    jwt_algorithm: str = Field(default="HS256", validation_alias="JWT_ALGORITHM")
    jwt_issuer: str = Field(default="court-enforcement-dev", validation_alias="JWT_ISSUER")
    jwt_audience: str = Field(default="court-enforcement", validation_alias="JWT_AUDIENCE")

    jwt_max_lifetime_s: int = Field(default=24 * 3600, validation_alias="JWT_MAX_LIFETIME_S")

    max_body_bytes: int = 1_048_576  # every request body; larger is refused with 413 before it is read
    # /healthz turns 503 (restart me) when a background loop keeps failing for this long
    task_dead_after_s: float = 120.0

    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    log_json: bool = Field(default=True, validation_alias="LOG_JSON")
    # Pages allowed to read this service's GET routes from the browser (CORS; shared/cors.py): the
    # origins of supervision's 我的待办 page, comma-separated (e.g. http://127.0.0.1:8105). Empty: none.
    cors_allow_origins: str = Field(default="", validation_alias="CORS_ALLOW_ORIGINS")

    @property
    def group_id(self) -> str:
        return self.consumer_group or self.service_name

    @property
    def cors_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_allow_origins.split(",") if o.strip()]
