"""Domain errors: a refusal a court user can understand, with no knowledge of HTTP.

Domain code raises these (rule id, stable code, Chinese message, the wrong fields); the HTTP layer
alone (``shared/problems.py``) maps each kind to a status code and problem+json.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

Kind = Literal["invalid", "not_found", "forbidden", "unauthorized", "conflict", "too_large", "rate_limited"]


class FieldError(dict[str, str]):
    """One wrong field: ``{"field": "respondent.id_number", "message": "...", "code": "..."}``."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(field=field, message=message, code=code)


class DomainError(Exception):
    """A refusal a user can understand: its ``kind``, a stable ``code``, a Chinese ``message``.

    ``rule`` names the business rule (e.g. ``互相制约-1``) when a rule refused the command;
    ``errors`` lists the offending fields or every unmet condition at once.
    """

    kind: ClassVar[Kind] = "invalid"
    code = "domain_rule"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        rule: str | None = None,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.rule = rule
        self.errors = errors or []
        self.extra = extra or {}


class NotFound(DomainError):
    kind = "not_found"
    code = "not_found"


class Forbidden(DomainError):
    kind = "forbidden"
    code = "forbidden"


class Unauthorized(DomainError):
    kind = "unauthorized"
    code = "unauthorized"


class Conflict(DomainError):
    kind = "conflict"
    code = "conflict"


class InvalidInput(DomainError):
    kind = "invalid"
    code = "invalid_input"


def in_court(officer_court: str, court: str | None) -> bool:
    """权责清单-本院: staff see and act on their own court's cases only.

    Every service answers another court's case, task, disposal or ledger exactly as one that does
    not exist (404 with the caller's own not-found code and message, no court named), so that no
    court can learn or enumerate another's cases. ``None``: the court is not known yet.
    """
    return court is None or court == officer_court
