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
    "exchange/document/<int:pk>/medo-export/": OBJECT,
    "exchange/medo/upload/": LOGIN,
    "exchange/medo/inbound/<int:pk>/": OBJECT,
    "exchange/medo/inbound/<int:pk>/register/": OBJECT,
    "exchange/medo/inbound/<int:pk>/refuse/": OBJECT,
    "exchange/medo/messages/": LOGIN,
    "exchange/medo/messages/<int:pk>/download/": OBJECT,
    "exchange/medo/packages/<int:pk>/download/": OBJECT,
    "api/v1/deliveries/queue": LOGIN,
    "api/v1/deliveries/<int:pk>": OBJECT,
    "api/v1/deliveries/<int:pk>/register": OBJECT,
    "api/v1/deliveries/<int:pk>/refuse": OBJECT,
    "api/v1/deliveries/<int:pk>/withdraw": OBJECT,
    "api/v1/documents/<int:pk>/deliveries": OBJECT,
    "api/v1/documents/<int:pk>/medo-packages": OBJECT,
    "api/v1/medo/packages/<int:pk>": OBJECT,
    "api/v1/medo/packages/<int:pk>/container": OBJECT,
    "api/v1/medo/import": LOGIN,
    "api/v1/medo/inbound": LOGIN,
    "api/v1/medo/inbound/<int:pk>": OBJECT,
    "api/v1/medo/inbound/<int:pk>/register": OBJECT,
    "api/v1/medo/inbound/<int:pk>/refuse": OBJECT,
    "api/v1/medo/messages": LOGIN,
    "api/v1/medo/messages/<int:pk>/container": OBJECT,
}
