"""Routes of the staff pages of appeals, for the isolation matrix (see
bering/web/tests/test_routes.py); their isolation is tested in test_views.py."""

ROUTES: dict[str, str] = {
    "appeals/": "login",
    "appeals/queue/": "login",
    "appeals/paper/": "login",
    "appeals/<int:pk>/": "object",
    "appeals/<int:pk>/register/": "object",
    "appeals/<int:pk>/redirect/": "object",
    "appeals/<int:pk>/extend/": "object",
    "appeals/<int:pk>/close/": "object",
    "appeals/<int:pk>/answer/": "object",
    "appeals/<int:pk>/answer/download/": "object",
    "appeals/<int:pk>/files/<int:file_id>/download/": "object",
}
