"""Staff authentication: signed bearer tokens (JWT) and declarative role checks (权责清单)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict

from shared import openapi
from shared.envelope import ID_MAX, Actor
from shared.errors import Forbidden, Unauthorized
from shared.settings import ServiceSettings


class Role(StrEnum):
    """Roles of the powers list (权责清单). A token may carry several."""

    INTAKE_CLERK = "intake_clerk"  # 立案登记
    AFFAIRS_CLERK = "affairs_clerk"  # 事务集约
    TEAM_LEAD = "team_lead"  # 团队长
    JUDGE = "judge"  # 承办法官
    SEARCH_OFFICER = "search_officer"  # 查控
    DISPOSAL_OFFICER = "disposal_officer"  # 财产处置
    FINANCE_OFFICER = "finance_officer"  # 执行款
    FIELD_OFFICER = "field_officer"  # 外勤
    FIELD_LEAD = "field_lead"  # 外勤组长
    REVIEWER = "reviewer"  # 审查（执异、执恢）
    SUPERVISOR = "supervisor"  # 监管 / 指挥中心
    BUREAU_CHIEF = "bureau_chief"  # 执行局长
    VICE_PRESIDENT = "vice_president"  # 分管副院长
    PRESIDENT = "president"  # 院长
    ADMIN = "admin"  # 系统管理


class Principal(BaseModel):
    """An authenticated officer."""

    model_config = ConfigDict(frozen=True)

    officer_id: str
    name: str
    roles: frozenset[str]
    court: str

    def actor(self, role: str | None = None) -> Actor:
        """The actor recorded on events, in the role the officer acted in."""
        acting = role or (sorted(self.roles)[0] if self.roles else None)
        return Actor(kind="officer", id=self.officer_id, name=self.name, role=acting, court=self.court)

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def mint_token(
    settings: ServiceSettings,
    *,
    officer_id: str,
    name: str,
    roles: list[str] | tuple[str, ...],
    court: str,
    ttl_s: int = 8 * 3600,
    private_key: str | None = None,
) -> str:
    """A signed token for an officer (dev command and tests; production tokens come from the IdP)."""
    now = int(time.time())
    claims = {
        "sub": officer_id,
        "name": name,
        "roles": list(roles),
        "court": court,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_s,
    }
    key = private_key or settings.jwt_secret
    return jwt.encode(claims, key, algorithm=settings.jwt_algorithm)


_VERIFIED: OrderedDict[tuple[int, str], tuple[Principal, float]] = OrderedDict()  # (settings, token) → (who, exp)
_VERIFIED_MAX = 4096


def decode_token(settings: ServiceSettings, token: str) -> Principal:
    """The officer a bearer token names, once its signature, issuer, audience, lifetime and claims
    are checked. A token checked before is taken from a small cache until its ``exp`` (the checks'
    outcome cannot change before then; an officer's console sends the same token all day)."""
    key = (id(settings), token)
    hit = _VERIFIED.get(key)
    if hit is not None and time.time() < hit[1]:
        _VERIFIED.move_to_end(key)
        return hit[0]
    principal, exp = _verify_token(settings, token)
    _VERIFIED[key] = (principal, exp)
    while len(_VERIFIED) > _VERIFIED_MAX:
        _VERIFIED.popitem(last=False)
    return principal


def _verify_token(settings: ServiceSettings, token: str) -> tuple[Principal, float]:
    key = settings.jwt_public_key or settings.jwt_secret
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("登录已过期，请重新登录", code="token_expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("身份凭证无效", code="invalid_token") from None
    if int(claims["exp"]) - int(claims["iat"]) > settings.jwt_max_lifetime_s:
        hours = settings.jwt_max_lifetime_s // 3600
        raise Unauthorized(f"身份凭证有效期过长（最长 {hours} 小时），请重新登录", code="token_lifetime_too_long")
    roles = claims.get("roles")
    if not isinstance(roles, list) or not isinstance(claims.get("court"), str):
        raise Unauthorized("身份凭证缺少角色或法院信息", code="invalid_token")
    # What a token names goes into every event the officer causes: it must be an identifier an
    # envelope can carry (shared/envelope.py ID_MAX), refused here rather than failing a command.
    if not (0 < len(str(claims["sub"])) <= ID_MAX and 0 < len(claims["court"]) <= ID_MAX
            and all(isinstance(r, str) and 0 < len(r) <= ID_MAX for r in roles)):
        raise Unauthorized("身份凭证中的工号、法院或角色不符合要求", code="invalid_token")
    return Principal(
        officer_id=str(claims["sub"]),
        name=str(claims.get("name") or claims["sub"]),
        roles=frozenset(str(r) for r in roles),
        court=claims["court"],
    ), float(claims["exp"])


@openapi.declares(security=["staffBearer"], statuses=[401])
async def current_principal(request: Request) -> Principal:
    """The officer behind the request's bearer token (401 problem+json when absent or invalid)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("需要登录：请求缺少 Authorization: Bearer 身份凭证", code="missing_token")
    principal = decode_token(request.app.state.settings, token.strip())
    request.state.principal = principal
    return principal


CurrentOfficer = Annotated[Principal, Depends(current_principal)]


# The rule a role refusal names when no numbered rule gives the duty: the powers list, i.e. which role
# does what (docs/rules.md §11).
POWERS_LIST = "权责清单"


def require_roles(*roles: str, rule: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """Dependency: the caller must hold one of ``roles``.

    ``rule`` is the rule that gives this duty to these roles (docs/rules.md §11): a 互相制约 rule where
    one does (only the judge rules: ``互相制约-2``; a leader re-assigns: ``互相制约-12``; …), else
    ``POWERS_LIST``. Every route declares it through the dependency it takes, and a refusal
    (403 ``role_not_allowed``) names it, like any other refusal by a rule.
    """
    allowed = ", ".join(roles)

    @openapi.declares(statuses=[403])
    async def check(principal: CurrentOfficer) -> Principal:
        if not principal.has(*roles):
            raise Forbidden(f"当前角色无权执行此操作（需要：{allowed}）", code="role_not_allowed", rule=rule)
        return principal

    return check
