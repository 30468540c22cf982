"""Routes of the orgs app, for the isolation matrix (bering/web/tests/test_routes.py).

The pickers' search endpoints name no object; they list only what the actor may
name (tested in test_pickers.py). The staff page's object routes (an organization,
its posts and substitutions) are 404 for an administrator of another organization
(tested in test_staff.py).
"""

LOGIN = "login"
OBJECT = "object"

ROUTES: dict[str, str] = {
    "orgs/pick/people/": LOGIN,
    "orgs/pick/organizations/": LOGIN,
    "orgs/staff/": LOGIN,
    "orgs/<int:pk>/staff/": OBJECT,
    "orgs/<int:pk>/staff/<int:employee_id>/roles/": OBJECT,
    "orgs/<int:pk>/staff/<int:employee_id>/end/": OBJECT,
    "orgs/<int:pk>/staff/<int:employee_id>/deactivate/": OBJECT,
    "orgs/<int:pk>/substitutions/<int:substitution_id>/end/": OBJECT,
}
