"""Domain errors: raised by services and getters, turned into responses in two places.

The HTML views (``bering.web.middleware``) and the API exception handler
(``bering.api.errors``) are the only places that translate them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused the action. Carries a message a clerk understands."""

    status_code = 400
    code = "invalid"
    retry_after: int | None = None
    """Seconds after which trying again may succeed (a lockout, a rate limit): sent as
    ``Retry-After``."""
    extra: Mapping[str, Any] | None = None
    """More fields for the API's answer (the item as it is now, with a 412)."""

    def __init__(
        self, message: str | Promise, *, code: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    status_code = 400
    code = "invalid"


class NotFound(DomainError):
    """The object does not exist or is not visible to the actor: the same answer for both."""

    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    """The actor can see the object but may not change it."""

    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """The object changed meanwhile, or the same action is already done."""

    status_code = 409
    code = "conflict"


class Busy(DomainError):
    """The database stayed locked too long; the client may retry."""

    status_code = 503
    code = "busy"
