"""The project's common library: the event-sourcing machinery written once.

Flat single-purpose modules: the envelope and event registry, the event store with its
transactional outbox, the outbox relay, the Kafka consumer runner with its inbox, auth,
problem+json errors, idempotency keys and the FastAPI app factory.
"""
