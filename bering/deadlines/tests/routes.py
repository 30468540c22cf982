"""Routes of the deadlines app, classified for the isolation matrix.

See bering/web/tests/test_routes.py. The calendar is the region's, the same for
every organization: no route names an object of one organization.
"""

ROUTES: dict[str, str] = {
    "calendar/": "login",
    "api/v1/calendar/<str:year>": "login",
    "api/v1/deadlines/compute": "login",
}
