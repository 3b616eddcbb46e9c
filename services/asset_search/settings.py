"""Settings of asset_search (env prefix ``ASSET_SEARCH_``)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSET_SEARCH_", extra="ignore", populate_by_name=True)

    service_name: str = "asset_search"
    database_url: str = "postgresql://postgres@127.0.0.1:55432/enforcement_asset_search"
