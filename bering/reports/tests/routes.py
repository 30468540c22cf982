"""Routes of the reports app, classified for the isolation matrix.

See bering/web/tests/test_routes.py.
"""

ROUTES: dict[str, str] = {
    "reports/": "login",
    "reports/coverage/": "login",
    "reports/visas/": "login",
    "reports/visas/<slug:group>/<int:pk>/": "object",  # tested in test_discipline.py
    "reports/assignments/": "login",
    "reports/assignments/<slug:group>/<int:pk>/": "object",  # tested in test_discipline.py
    "reports/approval-time/": "login",
    "api/v1/reports/coverage": "login",
    "api/v1/reports/visas": "login",
    "api/v1/reports/visas/<slug:group>/<int:pk>": "object",  # tested in test_api.py
    "api/v1/reports/assignments": "login",
    "api/v1/reports/assignments/<slug:group>/<int:pk>": "object",  # tested in test_api.py
    "api/v1/reports/approval-time": "login",
    "reports/appeals/": "login",
    "reports/appeals/monthly/": "login",
    "api/v1/reports/appeals": "login",
    "api/v1/reports/appeals/monthly": "login",
}
