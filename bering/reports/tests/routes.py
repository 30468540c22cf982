"""Routes of the reports app, classified for the isolation matrix.

See bering/web/tests/test_routes.py.
"""

ROUTES: dict[str, str] = {
    "reports/": "login",
    "reports/coverage/": "login",
    "api/v1/reports/coverage": "login",
}
