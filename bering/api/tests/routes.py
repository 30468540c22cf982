"""Routes of the API app that no other app classifies, for the isolation matrix.

See bering/web/tests/test_routes.py.
"""

ROUTES: dict[str, str] = {
    # The JSON 404 for any other address under /api/v1/: it names no object.
    "api/v1/^": "public",
}
