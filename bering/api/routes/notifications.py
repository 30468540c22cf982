"""API routes of the notifications app (included under /api/v1/)."""

urlpatterns: list[object] = []
