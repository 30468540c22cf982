"""API routes of the deadlines app (included under /api/v1/)."""

urlpatterns: list[object] = []
