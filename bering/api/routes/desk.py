"""API routes of the head's queue for the tablet (included under /api/v1/)."""

from django.urls import path

from bering.api.views import desk as views

urlpatterns = [
    path("desk/changes", views.DeskChangesView.as_view(), name="api-desk-changes"),
]
