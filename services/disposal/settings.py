"""Settings of disposal (env prefix ``DISPOSAL_``)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DISPOSAL_", extra="ignore", populate_by_name=True)

    service_name: str = "disposal"
    database_url: str = "postgresql://postgres@127.0.0.1:25432/enforcement_disposal"
