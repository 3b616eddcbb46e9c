"""The contract between the services, the pure part (docs/events.md): every event type a service
reacts to is registered and made by its producer's own code; everything the deciders emit validates
against its published schema, and so does an example of every registered type; supervision's checks,
deadlines and figures read only published fields. What each service's consumer reads and emits when
it runs on what the producers make, on its real database: test_http_event_contracts.py."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from services.supervision.domain.calendar import HolidayCalendar
from services.supervision.domain.deadlines import compute
from services.supervision.domain.entries import Entry
from services.supervision.domain.ruleset import Context, check_case
from services.supervision.indicators.agencies import agency_response_times
from services.supervision.indicators.figures import case_facts
from services.supervision.settings import DeadlineSettings
from services.supervision.trail.catalogue import SUMMARIES
from shared.envelope import Envelope
from shared.events import REGISTRY
from shared.schemas import SCHEMA_DIR, load_all_event_modules
from tests.contract.helpers import (
    BY_TYPE,
    CONSUMED,
    PRODUCED,
    READ_FROM_ANY_EVENT,
    SERVICES,
    TOLERATED,
    Tracked,
    schema_paths,
    unpublished,
)
from tests.helpers import event_types_with_examples, make_event, payload

pytestmark = pytest.mark.unit
load_all_event_modules()
REGISTERED = sorted(t.name for t in REGISTRY.all())
# Types no decider makes: field_ops' proposal comes from its reaction (checked in
# test_http_event_contracts.py, on what the reaction emits), supervision's events from its consumer
# and its deadline scanner, and the parties' look-up (supervision/lookup.py).
NOT_FROM_A_DECIDER = {"field_ops.proposal_received", "supervision.finding_raised", "supervision.deadline_overdue",
                      "supervision.escalated", "supervision.party_lookup_made"}

# For the types supervision's checks rely on, the fields it probes on every event must be published.
PROBED_FROM = {
    "asset_id": {"asset_search.asset_found", "asset_search.control_ordered", "asset_search.control_confirmed",
                 "asset_search.control_released", "asset_search.control_lapsed", "field_ops.asset_seized_on_site",
                 "disposal.disposal_decided"},
    "asset_kind": {"asset_search.asset_found", "asset_search.control_confirmed", "field_ops.asset_seized_on_site",
                   "disposal.disposal_decided"},
    "disposal_id": {t for t in REGISTERED if t.startswith("disposal.")} - {
        "disposal.funds_received", "disposal.payout_proposed", "disposal.payout_approved", "disposal.payout_rejected",
        "disposal.claim_paid_in_full", "disposal.judicial_aid_paid", "disposal.judicial_aid_payment_proposed",
        "disposal.judicial_aid_payment_rejected"},
    "control_id": {"asset_search.control_ordered", "asset_search.control_confirmed", "asset_search.control_renewed",
                   "asset_search.control_released", "asset_search.control_lapsed"},
    "query_id": {"asset_search.query_dispatched", "asset_search.agency_answered"},
}


# ---- every registered type: a schema, an example, a producer ------------------------------------------

def test_every_registered_type_has_an_example() -> None:
    assert event_types_with_examples() == set(REGISTERED)


@pytest.mark.parametrize("event_type", REGISTERED)
def test_every_registered_type_has_its_published_schema_and_its_example_validates(event_type: str) -> None:
    et = REGISTRY.get(event_type)
    assert (SCHEMA_DIR / f"{event_type}.v{et.version}.json").exists()
    env = make_event(event_type, "case-1")
    assert env.schema_version == et.version and env.producer == event_type.split(".")[0]
    assert REGISTRY.parse(env) == et.model.model_validate(payload(event_type))
    assert env.payload == REGISTRY.parse(env).model_dump(mode="json")  # the published JSON round-trips


@pytest.mark.parametrize("event_type", REGISTERED)
def test_every_registered_type_is_made_by_its_producers_own_code(event_type: str) -> None:
    producer, model = event_type.split(".")[0], REGISTRY.get(event_type).model
    code = [p for p in (SERVICES / producer).rglob("*.py") if p.name != "events.py"]
    made = re.compile(rf"\b{model.__name__}\(")
    assert any(made.search(p.read_text(encoding="utf-8")) for p in code), f"nothing in services/{producer} makes it"


# ---- what the deciders emit ----------------------------------------------------------------------------

def test_the_deciders_emit_every_registered_type_but_the_reactions_and_the_scanners() -> None:
    assert set(REGISTERED) - set(BY_TYPE) == NOT_FROM_A_DECIDER


@pytest.mark.parametrize("event_type", sorted(BY_TYPE))
def test_what_the_deciders_emit_validates_against_the_published_schema(event_type: str) -> None:
    et = REGISTRY.get(event_type)
    for env in BY_TYPE[event_type]:
        assert env.schema_version == et.version and env.producer == event_type.split(".")[0]
        parsed = REGISTRY.parse(env)  # what a consumer of the current version reads
        assert type(parsed) is et.model
        assert parsed.model_dump(mode="json") == env.payload  # nothing lost or changed through JSON


# ---- what each service consumes ------------------------------------------------------------------------

@pytest.mark.parametrize(("service", "event_type"), CONSUMED)
def test_every_consumed_type_is_registered_and_made_by_its_producers_deciders(service: str, event_type: str) -> None:
    assert event_type in REGISTRY, f"{service} reacts to {event_type}, which no service registers"
    assert BY_TYPE[event_type], f"no decider of {event_type.split('.')[0]} made a {event_type}"


@pytest.mark.parametrize(("service", "event_type"), sorted(TOLERATED))
def test_the_tolerated_fields_are_not_published(service: str, event_type: str) -> None:
    """When the producer publishes one of them, it leaves this list (it is then checked as any other)."""
    assert not TOLERATED[(service, event_type)] & schema_paths(REGISTRY.get(event_type).model)


# ---- supervision: every event, its checks, deadlines and figures ---------------------------------------

def _trail_reads() -> dict[str, set[str]]:
    reads: dict[str, set[str]] = defaultdict(set)
    cases: dict[str, list[Envelope]] = defaultdict(list)
    for env in PRODUCED:
        cases[env.case_id].append(env)
    ctx = Context(HolidayCalendar(), DeadlineSettings())
    for envelopes in cases.values():
        entries = [
            Entry(seq, str(e.event_id), e.event_type, e.occurred_at, e.actor.kind, e.actor.id, e.actor.role,
                  Tracked(e.payload, reads[e.event_type]), e.causation_id, e.case_id)
            for seq, e in enumerate(sorted(envelopes, key=lambda e: e.occurred_at), start=1)
        ]
        check_case(entries, ctx)
        compute(entries, DeadlineSettings(), HolidayCalendar())
        case_facts(entries)
        agency_response_times(entries)
    return reads


def test_supervisions_checks_deadlines_and_figures_read_only_published_fields() -> None:
    reads = _trail_reads()
    assert reads["intake.case_registered"] and reads["disposal.auction_scheduled"]
    wrong = {t: unpublished(t, r) - READ_FROM_ANY_EVENT for t, r in reads.items()}
    assert {t: r for t, r in wrong.items() if r} == {}


@pytest.mark.parametrize("probe", sorted(PROBED_FROM))
def test_the_fields_supervision_probes_are_published_by_the_types_it_relies_on(probe: str) -> None:
    assert probe in READ_FROM_ANY_EVENT
    assert {t for t in PROBED_FROM[probe] if probe not in schema_paths(REGISTRY.get(t).model)} == set()


@pytest.mark.parametrize("event_type", sorted(SUMMARIES))
def test_the_trails_summaries_name_only_published_fields(event_type: str) -> None:
    named = set(re.findall(r"\{(\w+)", SUMMARIES[event_type]))
    assert event_type in REGISTRY
    assert named <= schema_paths(REGISTRY.get(event_type).model)
