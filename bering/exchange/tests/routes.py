"""Routes of the exchange app, classified for the isolation matrix.

See bering/web/tests/test_routes.py; isolation of the object routes is tested
in test_views.py.
"""

LOGIN = "login"
OBJECT = "object"

ROUTES: dict[str, str] = {
    "exchange/": LOGIN,
    "exchange/dispatch/": LOGIN,
    "exchange/dispatch/<int:pk>/sent/": OBJECT,
    "exchange/deliveries/<int:pk>/": OBJECT,
    "exchange/deliveries/<int:pk>/register/": OBJECT,
    "exchange/deliveries/<int:pk>/refuse/": OBJECT,
    "exchange/deliveries/<int:pk>/withdraw/": OBJECT,
    "exchange/deliveries/<int:pk>/files/<int:file_id>/download/": OBJECT,
    "exchange/document/<int:pk>/": OBJECT,
    "exchange/document/<int:pk>/send/": OBJECT,
    "api/v1/deliveries/queue": LOGIN,
    "api/v1/deliveries/<int:pk>": OBJECT,
    "api/v1/deliveries/<int:pk>/register": OBJECT,
    "api/v1/deliveries/<int:pk>/refuse": OBJECT,
    "api/v1/deliveries/<int:pk>/withdraw": OBJECT,
    "api/v1/documents/<int:pk>/deliveries": OBJECT,
}
