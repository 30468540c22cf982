"""Who is acting: the signed-in person, the post they act in, and whom they replace."""

from __future__ import annotations

from dataclasses import dataclass

from bering.accounts.models import User
from bering.orgs.models import Employee, Organization


@dataclass(frozen=True)
class Actor:
    user: User
    post: Employee
    """The post of ``user`` that acts."""
    on_behalf_of: Employee | None = None
    """Set when ``post`` substitutes for an absent colleague: rights are the absent one's."""

    @property
    def employee(self) -> Employee:
        """The employee whose rights apply: the absent colleague when substituting."""
        return self.on_behalf_of or self.post

    @property
    def organization(self) -> Organization:
        return self.employee.organization

    @property
    def organization_id(self) -> int:
        return self.employee.organization_id

    def describe(self) -> str:
        if self.on_behalf_of is not None:
            return f"{self.user.display_name} за {self.on_behalf_of.user.display_name}"
        return self.user.display_name
