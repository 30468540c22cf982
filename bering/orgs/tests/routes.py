"""Routes of the orgs app, for the isolation matrix (bering/web/tests/test_routes.py).

The pickers' search endpoints name no object; they list only what the actor may
name (tested in test_pickers.py).
"""

LOGIN = "login"

ROUTES: dict[str, str] = {
    "orgs/pick/people/": LOGIN,
    "orgs/pick/organizations/": LOGIN,
}
