"""The verified-token cache: a token checked once is taken from the cache until its ``exp``, never
after, and a token that fails a check is never cached."""

from __future__ import annotations

import time

import jwt
import pytest

from shared.auth import decode_token
from shared.errors import Unauthorized
from shared.settings import ServiceSettings

SETTINGS = ServiceSettings()


def token(exp_in: float, **extra: object) -> str:
    now = int(time.time())
    claims = {"sub": "o-1", "iss": SETTINGS.jwt_issuer, "aud": SETTINGS.jwt_audience, "iat": now,
              "exp": now + exp_in, "roles": ["judge"], "court": "黔01", **extra}
    return jwt.encode(claims, SETTINGS.jwt_secret, algorithm="HS256")


def test_a_cached_token_still_expires() -> None:
    t = token(2)
    assert decode_token(SETTINGS, t).officer_id == "o-1"
    assert decode_token(SETTINGS, t).officer_id == "o-1"  # from the cache
    time.sleep(2.1)
    with pytest.raises(Unauthorized) as refused:
        decode_token(SETTINGS, t)
    assert refused.value.code == "token_expired"


def test_a_refused_token_is_refused_every_time() -> None:
    bad = token(60, roles="judge")  # roles must be a list
    for _ in range(2):
        with pytest.raises(Unauthorized):
            decode_token(SETTINGS, bad)
    forged = token(60)[:-4] + "AAAA"
    for _ in range(2):
        with pytest.raises(Unauthorized):
            decode_token(SETTINGS, forged)
