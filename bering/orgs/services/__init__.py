"""Every write on organizations, staff and substitutions.

Keyword-only, one transaction, an audit event each. ``actor`` is ``None`` only
for the system itself (management commands, the demo seed). The public names of
the modules (``people``, ``organizations``, ``staff``, ``substitutions``) are
re-exported here.
"""

from bering.orgs.services.organizations import organization_check, organization_connect
from bering.orgs.services.people import (
    PersonData,
    fold,
    person_check,
    same_person,
    transliterate,
    username_suggest,
)
from bering.orgs.services.staff import (
    ROLES,
    employee_add,
    employee_end,
    employee_roles_change,
    person_deactivate,
)
from bering.orgs.services.substitutions import (
    MAX_SUBSTITUTION_DAYS,
    substitution_check,
    substitution_create,
    substitution_end,
)

__all__ = [
    "MAX_SUBSTITUTION_DAYS",
    "ROLES",
    "PersonData",
    "employee_add",
    "employee_end",
    "employee_roles_change",
    "fold",
    "organization_check",
    "organization_connect",
    "person_check",
    "person_deactivate",
    "same_person",
    "substitution_check",
    "substitution_create",
    "substitution_end",
    "transliterate",
    "username_suggest",
]
