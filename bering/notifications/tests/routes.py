"""Routes of the notifications app, classified for the isolation matrix.

See bering/web/tests/test_routes.py.
"""

ROUTES: dict[str, str] = {}
