"""Routes of the assignments app, classified for the isolation matrix.

See bering/web/tests/test_routes.py; isolation of the object routes is tested
in test_views.py.
"""

LOGIN = "login"
OBJECT = "object"

ROUTES: dict[str, str] = {
    "assignments/": LOGIN,
    "assignments/head/": LOGIN,
    "assignments/control/": LOGIN,
    "assignments/document/<int:pk>/": OBJECT,
    "assignments/document/<int:pk>/resolution/": OBJECT,
    "assignments/resolutions/<int:pk>/confirm/": OBJECT,
    "assignments/resolutions/<int:pk>/return/": OBJECT,
    "assignments/<int:pk>/cascade/": OBJECT,
    "assignments/<int:pk>/report/": OBJECT,
    "assignments/<int:pk>/extension/": OBJECT,
    "assignments/reports/<int:pk>/accept/": OBJECT,
    "assignments/reports/<int:pk>/return/": OBJECT,
    "assignments/extensions/<int:pk>/decide/": OBJECT,
    "api/v1/assignments/mine": LOGIN,
    "api/v1/assignments/control": LOGIN,
    "api/v1/resolutions/drafts": LOGIN,
    "api/v1/documents/<int:pk>/resolutions": OBJECT,
    "api/v1/resolutions/<int:pk>/confirm": OBJECT,
    "api/v1/resolutions/<int:pk>/return": OBJECT,
    "api/v1/assignments/<int:pk>/cascade": OBJECT,
    "api/v1/assignments/<int:pk>/report": OBJECT,
    "api/v1/assignments/<int:pk>/extension": OBJECT,
    "api/v1/reports/<int:pk>/accept": OBJECT,
    "api/v1/reports/<int:pk>/return": OBJECT,
    "api/v1/extensions/<int:pk>/decide": OBJECT,
}
