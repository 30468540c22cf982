"""Routes of the API app that no other app classifies, for the isolation matrix.

See bering/web/tests/test_routes.py. Isolation of the appeals' object routes is
tested in test_appeals.py.
"""

LOGIN = "login"
OBJECT = "object"

ROUTES: dict[str, str] = {
    # The JSON 404 for any other address under /api/v1/: it names no object.
    "api/v1/^": "public",
    # Citizens' appeals, staff side (bering/api/routes/appeals.py).
    "api/v1/appeals/": LOGIN,
    "api/v1/appeals/queue": LOGIN,
    "api/v1/appeals/paper": LOGIN,
    "api/v1/appeals/<int:pk>": OBJECT,
    "api/v1/appeals/<int:pk>/register": OBJECT,
    "api/v1/appeals/<int:pk>/redirect": OBJECT,
    "api/v1/appeals/<int:pk>/extend": OBJECT,
    "api/v1/appeals/<int:pk>/close": OBJECT,
    "api/v1/appeals/<int:pk>/answer": OBJECT,
    "api/v1/appeals/<int:pk>/files/<int:file_id>/download": OBJECT,
    "api/v1/citizens": LOGIN,
}
