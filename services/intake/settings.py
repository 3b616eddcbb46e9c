"""Intake's settings (env prefix ``INTAKE_``)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)

    service_name: str = "intake"
    database_url: str = "postgresql://postgres@127.0.0.1:25432/enforcement_intake"
    # Roster, triage rules and closure policy (JSON); default: services/intake/config.json
    config_path: str | None = None
