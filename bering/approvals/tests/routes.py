"""Routes of the approvals app, classified for the isolation matrix.

See bering/web/tests/test_routes.py. The object routes are tested for isolation
between organizations in ``test_isolation.py``.
"""

ROUTES: dict[str, str] = {
    "approvals/": "login",
    "approvals/visas/<int:pk>/": "object",
    "approvals/visas/<int:pk>/sign/": "object",
    "approvals/visas/<int:pk>/sign-qualified/": "object",
    "approvals/visas/<int:pk>/remark/": "object",
    "approvals/documents/<int:pk>/": "object",
    "approvals/documents/<int:pk>/start/": "object",
    "approvals/documents/<int:pk>/recall/": "object",
    "approvals/documents/<int:pk>/sheet/": "object",
    "approvals/documents/<int:pk>/sheet.pdf": "object",
    "api/v1/approvals/inbox": "login",
    "api/v1/approvals/route-templates/offered": "login",
    "api/v1/approvals/visas/<int:pk>": "object",
    "api/v1/approvals/visas/<int:pk>/decide": "object",
    "api/v1/approvals/visas/<int:pk>/sign": "object",
    "api/v1/approvals/visas/<int:pk>/files-to-sign": "object",
    "api/v1/approvals/visas/<int:pk>/sign-qualified": "object",
    "api/v1/documents/<int:pk>/rounds": "object",
    "api/v1/documents/<int:pk>/rounds/recall": "object",
    "api/v1/documents/<int:pk>/approval-sheet": "object",
    "api/v1/documents/<int:pk>/approval-sheet.pdf": "object",
    # Deprecated aliases of the canonical paths above (decision 0007, "API names").
    "api/v1/approvals/route-templates": "login",
    "api/v1/documents/<int:pk>/approval": "object",
    "api/v1/documents/<int:pk>/approval/start": "object",
    "api/v1/documents/<int:pk>/approval/recall": "object",
}

# Keeping route templates: tested for isolation in ``test_route_templates_isolation.py``
# (their URLs name a template, its stage and participant, not a document or a visa).
ROUTE_TEMPLATE_ROUTES: dict[str, str] = {
    "approvals/routes/": "login",
    "approvals/routes/<int:pk>/": "object",
    "approvals/routes/<int:pk>/rename/": "object",
    "approvals/routes/<int:pk>/switch-on/": "object",
    "approvals/routes/<int:pk>/switch-off/": "object",
    "approvals/routes/<int:pk>/stages/add/": "object",
    "approvals/routes/<int:pk>/stages/<int:stage_id>/change/": "object",
    "approvals/routes/<int:pk>/stages/<int:stage_id>/move-up/": "object",
    "approvals/routes/<int:pk>/stages/<int:stage_id>/move-down/": "object",
    "approvals/routes/<int:pk>/stages/<int:stage_id>/remove/": "object",
    "approvals/routes/<int:pk>/participants/add/": "object",
    "approvals/routes/<int:pk>/stages/<int:stage_id>/participants/<int:participant_id>/remove/": (
        "object"
    ),
    "api/v1/approvals/route-templates/": "login",
    "api/v1/approvals/route-templates/<int:pk>": "object",
    "api/v1/approvals/route-templates/<int:pk>/stages": "object",
    "api/v1/approvals/route-templates/<int:pk>/stages/<int:stage_id>": "object",
    "api/v1/approvals/route-templates/<int:pk>/stages/<int:stage_id>/move": "object",
    "api/v1/approvals/route-templates/<int:pk>/stages/<int:stage_id>/participants": "object",
    "api/v1/approvals/route-templates/<int:pk>/stages/<int:stage_id>/participants/"
    "<int:participant_id>": "object",
    # Deprecated aliases of the canonical paths above (decision 0007, "API names").
    "api/v1/approvals/routes": "login",
    "api/v1/approvals/routes/<int:pk>": "object",
    "api/v1/approvals/routes/<int:pk>/stages": "object",
    "api/v1/approvals/routes/<int:pk>/stages/<int:stage_id>": "object",
    "api/v1/approvals/routes/<int:pk>/stages/<int:stage_id>/move": "object",
    "api/v1/approvals/routes/<int:pk>/stages/<int:stage_id>/participants": "object",
    "api/v1/approvals/routes/<int:pk>/stages/<int:stage_id>/participants/<int:participant_id>": (
        "object"
    ),
}
ROUTES.update(ROUTE_TEMPLATE_ROUTES)
