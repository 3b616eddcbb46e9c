"""The SMS gateway adapter: Alibaba Cloud SMS ``SendSms`` (阿里云短信服务, RPC API version 2017-05-25).

The request is a form-encoded POST of the common parameters (AccessKeyId, Action=SendSms, Format=JSON,
RegionId, SignatureMethod=HMAC-SHA1, SignatureNonce, SignatureVersion=1.0, Timestamp in UTC ISO 8601,
Version=2017-05-25) and the call's own (PhoneNumbers, SignName, TemplateCode, TemplateParam as a JSON
text, OutId = our notification id), signed with signature v1: ``Signature`` = Base64(HMAC-SHA1(
AccessKeySecret + "&", "POST&%2F&" + percent-encode(canonicalised query))), the canonicalised query being
the parameters sorted by name, each name and value percent-encoded (RFC 3986, ``~`` kept, space as %20).
The answer is JSON: ``{"Code": "OK", "BizId": …, "RequestId": …}`` or an error code. Throttling and
the provider's own faults are retried by the outbox; any other code (a bad number, template or
signature) is final.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from services.supervision.alerts.gateway import GatewayError
from services.supervision.settings import SmsSettings

RETRIED_CODES = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling", "isp.SYSTEM_ERROR",
                           "isp.RAM_PERMISSION_DENY", "ServiceUnavailable", "InternalError"})


def percent(value: str) -> str:
    """Alibaba Cloud's percent-encoding (RFC 3986 unreserved kept; ``*`` encoded; ``~`` kept)."""
    return quote(value, safe="-_.~")


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    canonical = "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(params.items()))
    return f"{method}&{percent('/')}&{percent(canonical)}"


def signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# The deadline steps' messages (alerts/escalation.py) name no template: theirs by kind.
STEP_TEMPLATES = {"warning": "deadline_warning", "overdue": "deadline_overdue", "escalation": "escalation"}


def template_of(message: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The message's template key and parameters (a deadline step's made from its fields)."""
    if message.get("template"):
        return str(message["template"]), dict(message.get("params") or {})
    params = {"case_number": message.get("case_number") or message.get("case_id"), "node": message.get("node_name"),
              "due": message.get("deadline"), "days": message.get("days_overdue"), "level": message.get("level_name")}
    return STEP_TEMPLATES.get(str(message.get("kind")), str(message.get("kind"))), \
        {k: v for k, v in params.items() if v is not None}


def send_sms_params(cfg: SmsSettings, message: Mapping[str, Any], now: datetime, nonce: str,
                    directory: Mapping[str, str] | None = None) -> dict[str, str]:
    """The signed parameters of one SendSms call for an outbox message (no network). An officer's
    number not on the message is looked up in the staff directory."""
    recipient = message.get("recipient") or {}
    mobile = recipient.get("mobile") or directory_number(directory or {}, recipient)
    if not mobile:
        raise GatewayError("收件人没有登记手机号", permanent=True)
    key, values = template_of(message)
    template = cfg.templates.get(key)
    if not template:
        raise GatewayError(f"未配置短信模板：{key}", permanent=True)
    params = {
        "AccessKeyId": cfg.access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "RegionId": cfg.region_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce,
        "SignatureVersion": "1.0",
        "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": "2017-05-25",
        "PhoneNumbers": str(mobile),
        "SignName": cfg.sign_name,
        "TemplateCode": template,
        "TemplateParam": orjson.dumps({k: str(v) for k, v in values.items()}).decode(),
        "OutId": str(message.get("notification_id", "")),
    }
    params["Signature"] = signature(cfg.access_key_secret, "POST", params)
    return params


def directory_number(directory: Mapping[str, str], recipient: Mapping[str, Any]) -> str | None:
    """An officer's number in the staff directory: by id, then ``team_lead:<team>``, then ``role@court``."""
    keys = [recipient.get("id"), f"team_lead:{recipient.get('team_id')}" if recipient.get("team_id") else None,
            f"{recipient.get('role')}@{recipient.get('court')}"]
    return next((directory[k] for k in keys if k and k in directory), None)


class AliyunSmsGateway:
    """Sends each message as one SendSms call (one number, one template)."""

    def __init__(self, cfg: SmsSettings, timeout_s: float = 5.0, directory: Mapping[str, str] | None = None) -> None:
        self.cfg = cfg
        self.directory = dict(directory or {})
        self.client = httpx.AsyncClient(timeout=timeout_s)

    async def send(self, message: Mapping[str, Any]) -> None:
        # the provider checks the signed request's Timestamp against real time: the wall clock, never the
        # court clock (a drill clock may be months ahead)
        params = send_sms_params(self.cfg, message, datetime.now(UTC), uuid.uuid4().hex, self.directory)
        try:
            r = await self.client.post(self.cfg.endpoint, data=params)
        except httpx.HTTPError as exc:
            raise GatewayError(f"{type(exc).__name__}: {exc}") from exc
        try:
            answer = r.json()
        except ValueError:
            answer = {}
        code = str(answer.get("Code", f"HTTP {r.status_code}"))
        if r.status_code == 200 and code == "OK":
            return
        retried = r.status_code >= 500 or r.status_code == 429 or code in RETRIED_CODES
        raise GatewayError(f"SendSms {code}: {str(answer.get('Message', r.text))[:200]}", permanent=not retried)

    async def close(self) -> None:
        await self.client.aclose()
