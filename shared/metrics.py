"""Prometheus metrics shared by every service (one process serves one service)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_APPENDED = Counter("events_appended_total", "Events appended", ["service", "event_type"])
COMMAND_CONFLICTS = Counter("command_conflicts_total", "Optimistic-concurrency conflicts", ["service"])
RELAY_PUBLISHED = Counter("relay_published_total", "Outbox rows published to Kafka", ["service"])
RELAY_BACKLOG = Gauge("relay_backlog", "Outbox rows not yet published", ["service"])
RELAY_LEADER = Gauge("relay_is_leader", "1 when this instance's relay holds leadership", ["service"])
CONSUMED = Counter("consumer_events_total", "Events consumed", ["service", "outcome"])
CONSUMER_LAG = Gauge("consumer_lag", "Messages behind the log end, all partitions", ["service"])
DEAD_LETTERED = Counter("consumer_dead_lettered_total", "Events sent to the dead-letter topic", ["service"])
DB_UNAVAILABLE = Counter("db_unavailable_total", "Requests answered 503 because the database was out of reach",
                         ["service"])
TASK_RESTARTS = Counter("background_task_restarts_total", "Background loops restarted after they ended",
                        ["service", "task"])
