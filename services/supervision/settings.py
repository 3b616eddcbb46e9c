"""Supervision's settings (env prefix ``SUPERVISION_``)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class SupervisionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SUPERVISION_", extra="ignore", populate_by_name=True)

    service_name: str = "supervision"
    database_url: str = "postgresql://postgres@127.0.0.1:55432/enforcement_supervision"
