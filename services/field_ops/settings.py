"""Settings of field_ops (env prefix ``FIELD_OPS_``)."""

from pydantic_settings import SettingsConfigDict

from services.field_ops.domain.routing import DEFAULT_ROUTING, CourtRouting
from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FIELD_OPS_", extra="ignore", populate_by_name=True)

    service_name: str = "field_ops"
    database_url: str = "postgresql://postgres@127.0.0.1:25432/enforcement_field_ops"
    # Per court: four field teams (leads, members) and the ordered routing rules; JSON in
    # FIELD_OPS_ROUTING replaces the starter table.
    routing: tuple[CourtRouting, ...] = DEFAULT_ROUTING

    def routing_for(self, court: str) -> CourtRouting | None:
        return next((t for t in self.routing if t.court == court), None)
