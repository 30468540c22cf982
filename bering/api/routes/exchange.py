"""API routes of the exchange app (included under /api/v1/)."""

urlpatterns: list[object] = []
