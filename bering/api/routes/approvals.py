"""API routes of the approvals app (included under /api/v1/)."""

urlpatterns: list[object] = []
