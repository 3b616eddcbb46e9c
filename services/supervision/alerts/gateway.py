"""Notification gateways (adapters): a webhook over HTTP, an SMS gateway (alerts/sms.py), and a dev sink
that logs a JSON line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import httpx
import orjson
import structlog

from services.supervision.settings import NotificationSettings

log = structlog.get_logger("notifications")


class GatewayError(Exception):
    """The gateway did not take the message. ``permanent``: retrying cannot help (e.g. 400)."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Gateway(Protocol):
    async def send(self, message: Mapping[str, Any]) -> None: ...

    async def close(self) -> None: ...


class LogSink:
    """Development: every notification becomes one JSON log line (nothing leaves the machine)."""

    async def send(self, message: Mapping[str, Any]) -> None:
        log.info("notification", gateway="log", notification=orjson.loads(orjson.dumps(dict(message))))

    async def close(self) -> None:
        return None


class WebhookGateway:
    """POST the message as JSON; ``Idempotency-Key`` = notification id, so the gateway can drop a
    repeat after a crash between its answer and our bookkeeping."""

    def __init__(self, url: str, token: str | None = None, timeout_s: float = 5.0) -> None:
        self.url = url
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.AsyncClient(timeout=timeout_s, headers=headers)

    async def send(self, message: Mapping[str, Any]) -> None:
        try:
            r = await self.client.post(
                self.url,
                content=orjson.dumps(dict(message)),
                headers={"Content-Type": "application/json", "Idempotency-Key": str(message["notification_id"])},
            )
        except httpx.HTTPError as exc:
            raise GatewayError(f"{type(exc).__name__}: {exc}") from exc
        if r.status_code >= 300:
            permanent = 400 <= r.status_code < 500 and r.status_code not in (408, 409, 425, 429)
            raise GatewayError(f"HTTP {r.status_code}: {r.text[:200]}", permanent=permanent)

    async def close(self) -> None:
        await self.client.aclose()


def build_gateway(cfg: NotificationSettings) -> Gateway:
    """The configured adapter (``notifications.adapter``): log, webhook or SMS (alerts/sms.py)."""
    adapter = cfg.adapter
    if adapter == "auto":
        adapter = "webhook" if cfg.gateway_url else "log"
    if adapter == "sms":
        from services.supervision.alerts.sms import AliyunSmsGateway

        return AliyunSmsGateway(cfg.sms, cfg.timeout_s, cfg.directory)
    if adapter == "webhook":
        if not cfg.gateway_url:
            raise ValueError("notifications.adapter=webhook needs notifications.gateway_url")
        return WebhookGateway(cfg.gateway_url, cfg.gateway_token, cfg.timeout_s)
    return LogSink()
