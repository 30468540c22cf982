"""Routes of the staff pages of publication, for the isolation matrix (see
bering/web/tests/test_routes.py); their isolation is tested in test_views.py."""

ROUTES: dict[str, str] = {
    "publication/": "login",
    "publication/documents/<int:pk>/": "object",
    "publication/documents/<int:pk>/mark/": "object",
    "publication/documents/<int:pk>/publish/": "object",
    "publication/documents/<int:pk>/unpublish/": "object",
    # The API (bering/api/routes/publication.py); isolation in test_api.py.
    "api/v1/publications/": "login",
    "api/v1/publications/documents/<int:pk>": "object",
    "api/v1/publications/documents/<int:pk>/marks": "object",
    "api/v1/publications/documents/<int:pk>/publish": "object",
    "api/v1/publications/<int:pk>/unpublish": "object",
}
