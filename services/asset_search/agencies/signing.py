"""Standard-Webhooks-style request signatures, both directions (agency → court, court → agency).

Headers: ``webhook-id`` (message id), ``webhook-timestamp`` (Unix seconds), ``webhook-signature``
(space-separated ``v1,<base64 HMAC-SHA256>`` values over ``id.timestamp.body``). A secret written
``whsec_<base64>`` is the base64-decoded key; any other string is its UTF-8 bytes. Pure functions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import uuid
from collections.abc import Sequence

MESSAGE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


class SignatureError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def secret_key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_"))
    return secret.encode()


def _mac(secret: str, message_id: str, timestamp: int, body: bytes) -> bytes:
    return hmac.new(secret_key(secret), f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    return "v1," + base64.b64encode(_mac(secret, message_id, timestamp, body)).decode()


def signed_headers(
    agency_id: str, secret: str, body: bytes, *, timestamp: int, message_id: str | None = None
) -> dict[str, str]:
    """Headers for a signed request from (or to) ``agency_id``."""
    mid = message_id or f"msg_{uuid.uuid4().hex}"
    return {
        "x-agency-id": agency_id,
        "webhook-id": mid,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, mid, timestamp, body),
        "content-type": "application/json",
    }


def verify(
    secrets: Sequence[str],
    message_id: str,
    timestamp: str,
    signature: str,
    body: bytes,
    *,
    now: float,
    tolerance_s: int,
) -> None:
    """Raise :class:`SignatureError` unless one ``v1`` signature matches one of ``secrets``.

    Every candidate is compared in constant time (no early exit on the first mismatch).
    """
    if not MESSAGE_ID.match(message_id):
        raise SignatureError("invalid_message_id", "webhook-id 格式不正确")
    try:
        ts = int(timestamp)
    except ValueError:
        raise SignatureError("invalid_timestamp", "webhook-timestamp 应为 Unix 秒数") from None
    if abs(int(now) - ts) > tolerance_s:  # whole seconds, as the timestamp header is
        raise SignatureError(
            "timestamp_out_of_window", f"请求时间与服务器时间相差超过 {tolerance_s} 秒，请校准时钟后重新签名"
        )
    expected = [_mac(s, message_id, ts, body) for s in secrets]
    matched = False
    for part in signature.split():
        version, _, value = part.partition(",")
        if version != "v1":
            continue
        try:
            given = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        for candidate in expected:
            matched |= hmac.compare_digest(candidate, given)
    if not matched:
        raise SignatureError("invalid_signature", "签名无效")
