"""The published event contract: every payload model matches its committed JSON schema."""

from __future__ import annotations

from shared import schemas
from shared.events import REGISTRY


def test_every_event_payload_matches_its_published_schema() -> None:
    assert schemas.check() == []


def test_the_registry_knows_the_first_case_event() -> None:
    schemas.load_all_event_modules()
    assert "intake.case_registered" in REGISTRY
