"""Who may see what about stored files: pure predicates."""

from __future__ import annotations

from bering.accounts.models import User


def can_see_integrity(user: User) -> bool:
    """The integrity sweep's findings are for region administrators (they get its alerts)."""
    return bool(user.is_active and user.is_region_admin)
