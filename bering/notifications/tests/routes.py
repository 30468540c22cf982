"""Routes of the notifications app, classified for the isolation matrix.

See bering/web/tests/test_routes.py. Isolation of the object routes (another
person's notification: 404, nothing changes) is tested in test_views.py and
test_api.py; of another person's push subscription in bering/api/tests/test_push_api.py.
"""

ROUTES: dict[str, str] = {
    "notifications/": "login",
    "notifications/read-all/": "login",
    "notifications/<int:pk>/read/": "object",
    "api/v1/notifications/": "login",
    "api/v1/notifications/read-all": "login",
    "api/v1/notifications/<int:pk>/read": "object",
    # Web Push: a device belongs to a person; another person's is a 404 (test_push_api.py).
    "api/v1/push/key": "login",
    "api/v1/push/subscriptions": "login",
    "api/v1/push/subscriptions/<int:pk>": "object",
}
