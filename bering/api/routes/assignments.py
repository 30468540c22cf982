"""API routes of the assignments app (included under /api/v1/)."""

urlpatterns: list[object] = []
