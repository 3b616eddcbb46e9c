"""Settings of field_ops (env prefix ``FIELD_OPS_``)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FIELD_OPS_", extra="ignore", populate_by_name=True)

    service_name: str = "field_ops"
    database_url: str = "postgresql://postgres@127.0.0.1:55432/enforcement_field_ops"
