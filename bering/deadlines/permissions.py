"""Who may change the calendar: pure predicates."""

from __future__ import annotations

from bering.accounts.models import User


def can_edit_calendar(user: User) -> bool:
    """The calendar is the region's: only region administrators change it."""
    return bool(user.is_active and user.is_region_admin)
