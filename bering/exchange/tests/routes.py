"""Routes of the exchange app, classified for the isolation matrix (bering/web/tests/test_routes.py)."""

ROUTES: dict[str, str] = {}
