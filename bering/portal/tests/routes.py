"""Routes of the public side, classified for the isolation matrix (web/tests/test_routes.py).

"public": anyone; "citizen": a signed-in citizen, and an appeal in the URL is
answered with 404 for anyone but the citizen who wrote it.
"""

from __future__ import annotations

ROUTES: dict[str, str] = {
    "reception/": "public",
    "reception/help/": "public",
    "reception/t/<str:token>/": "public",
    "reception/^t/(?P<token>.*)$": "public",
    "reception/write/": "citizen",
    "reception/appeals/": "citizen",
    "reception/appeals/<int:pk>/": "citizen",
    "reception/appeals/<int:pk>/receipt/": "citizen",
    "reception/appeals/<int:pk>/link/": "citizen",
    "reception/appeals/<int:pk>/supplement/": "citizen",
    "reception/appeals/<int:pk>/withdraw/": "citizen",
    "reception/appeals/<int:pk>/files/<int:file_id>/": "citizen",
    "reception/appeals/<int:pk>/answer/": "citizen",
    "reception/login/": "public",
    "reception/login/code/": "public",
    "reception/login/oidc/": "public",
    "reception/login/oidc/callback/": "public",
    "reception/logout/": "public",
    "reception/profile/": "citizen",
    # Published acts (decision 0018): the same bytes for everyone.
    "acts/": "public",
    "acts/<int:pk>/": "public",
    "acts/<int:pk>/pdf/": "public",
    "acts/feed/": "public",
    "acts/feed/<int:organization_id>/": "public",
}
