"""Settings of asset_search (env prefix ``ASSET_SEARCH_``)."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

DEV_AGENCIES = Path(__file__).parent / "agencies.dev.json"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSET_SEARCH_", extra="ignore", populate_by_name=True)

    service_name: str = "asset_search"
    database_url: str = "postgresql://postgres@127.0.0.1:25432/enforcement_asset_search"

    # The linkage-agency registry (JSON); ``{simulator}`` in an endpoint is replaced by simulator_url.
    agencies_file: Path = DEV_AGENCIES
    simulator_url: str = "http://127.0.0.1:8109"

    # Agency API (docs/architecture.md §5): Standard-Webhooks signatures, size limit.
    signature_tolerance_s: int = 300
    agency_max_body_bytes: int = 1_048_576

    # Outbound delivery to push agencies: retries with backoff, circuit breaker per agency.
    delivery_poll_s: float = 0.3
    delivery_timeout_s: float = 5.0
    delivery_batch: int = 100
    # requests in flight to one agency at once (different queries/controls; one query's requests
    # always go in order); agencies are served side by side
    delivery_per_agency: int = 8
    delivery_backoff_base_s: float = 1.0
    delivery_backoff_max_s: float = 300.0
    delivery_lease_s: float = 30.0
    breaker_threshold: int = 5
    breaker_cooldown_s: float = 30.0

    # Housekeeping: overdue queries, lapsed controls, re-search after 终本.
    sweep_interval_s: float = 5.0
