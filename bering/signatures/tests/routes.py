"""Routes of signatures, for the isolation matrix (see bering/web/tests/test_routes.py).

The marked copy's isolation is tested in test_marking.py; the integrity page (region
administrators, 403 for others, no object in the URL) in bering/files/tests/test_integrity.py.
"""

ROUTES: dict[str, str] = {
    "signatures/<int:pk>/marked.pdf": "object",
    "signatures/integrity/": "login",
    # The API (bering/api/routes/signatures.py).
    "api/v1/signatures/<int:pk>/marked-copy": "object",
    "api/v1/signatures/integrity": "login",
}
