"""Routes of the API app that no other app classifies, for the isolation matrix.

See bering/web/tests/test_routes.py. Isolation of the appeals' object routes is
tested in test_appeals.py.
"""

LOGIN = "login"
OBJECT = "object"
PUBLIC = "public"
CITIZEN = "citizen"
"""A signed-in citizen; an appeal in the URL is a 404 for anyone but its author
(tested in test_citizen_api.py)."""

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
    # Staff of organizations (bering/api/routes/orgs.py); isolation in test_staff_api.py.
    "api/v1/organizations/<int:pk>/employees": OBJECT,
    "api/v1/employees/<int:pk>/roles": OBJECT,
    "api/v1/employees/<int:pk>/end": OBJECT,
    # A person has no organization: 403 for all but region administrators, whatever the id.
    "api/v1/users/<int:pk>/deactivate": LOGIN,
    "api/v1/substitutions/<int:pk>/end": OBJECT,
    # The citizens' API (bering/api/citizen/).
    "api/citizen/v1/schema/": PUBLIC,
    "api/citizen/v1/auth/code": PUBLIC,
    "api/citizen/v1/auth/token": PUBLIC,
    "api/citizen/v1/me": CITIZEN,
    "api/citizen/v1/appeals/": CITIZEN,
    "api/citizen/v1/appeals/<int:pk>": CITIZEN,
    "api/citizen/v1/appeals/<int:pk>/supplement": CITIZEN,
    "api/citizen/v1/appeals/<int:pk>/withdraw": CITIZEN,
    "api/citizen/v1/appeals/<int:pk>/answer": CITIZEN,
    "api/citizen/v1/organizations/": CITIZEN,
    "api/citizen/v1/topics/": CITIZEN,
}
